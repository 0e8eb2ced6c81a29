"""Tables de concertation: who sits at which table, for which organization, and where their team is.

A table has a level (local, régional, provincial), a territory from the gazetteer, an optional
parent table (concertations nest from the local to the provincial) and a coordinator. Each member
is an organization of the directory with its representative (a chat user) and, optionally, the
channel of its team. A member who leaves keeps its row with ``left_at`` set, for the history.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime
from directory.text import fold

LOCAL, REGIONAL, PROVINCIAL = "local", "régional", "provincial"
LEVELS = (LOCAL, REGIONAL, PROVINCIAL)
# Roles at a table, after the structure of a concertation project (action group, management
# group, facilitation, project lead); plain members have none.
MEMBER_ROLES = ("membre", "groupe d'action", "groupe de gestion", "animation", "porteur de projet")


class ConcertationTable(Base):
    """One table de concertation."""

    __tablename__ = "concertation_table"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text, unique=True)  # the folded name, to find it as typed
    level: Mapped[str] = mapped_column(String(16))
    place_id: Mapped[str | None] = mapped_column(Text)  # gazetteer id of its territory
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("concertation_table.id", ondelete="SET NULL")
    )
    coordinator_platform: Mapped[str] = mapped_column(String(16))
    coordinator_user_id: Mapped[str] = mapped_column(Text)
    coordinator_name: Mapped[str] = mapped_column(Text, default="")
    summer_break: Mapped[bool] = mapped_column(default=False)  # no follow-up reminders in July and August
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class TableMember(Base):
    """An organization at a table, its representative and its team's channel."""

    __tablename__ = "table_member"
    __table_args__ = (Index("ix_table_member_table", "table_id", "left_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    table_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("concertation_table.id", ondelete="CASCADE"))
    organization_id: Mapped[uuid.UUID] = mapped_column()  # HSDS organization.id (kept across re-imports)
    organization_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(32), default="membre")
    representative_platform: Mapped[str | None] = mapped_column(String(16))
    representative_user_id: Mapped[str | None] = mapped_column(Text)
    representative_name: Mapped[str] = mapped_column(Text, default="")
    team_platform: Mapped[str | None] = mapped_column(String(16))
    team_chat_id: Mapped[str | None] = mapped_column(Text)
    team_thread_id: Mapped[str | None] = mapped_column(Text)
    joined_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    left_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # a one-time code the coordinator hands to the (new) representative, who claims the seat with it
    invite_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    invite_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


FIND_LIMIT = 5  # tables offered when a typed name matches several


def fold_name(text: str) -> str:
    """The key a table's name is found by: folded, spaces normalized ("Table  Jeunesse" → "table jeunesse")."""
    return " ".join(fold(text).split())


async def find_table(session: AsyncSession, text: str) -> list[ConcertationTable]:
    """The table named ``text`` as typed; else the tables whose name holds every word typed (a few at most)."""
    key = fold_name(text)
    if not key:
        return []
    exact = await session.scalar(select(ConcertationTable).where(ConcertationTable.name_key == key))
    if exact is not None:
        return [exact]
    query = select(ConcertationTable).order_by(ConcertationTable.name_key).limit(FIND_LIMIT)
    for word in key.split():
        query = query.where(ConcertationTable.name_key.contains(word, autoescape=True))
    return list(await session.scalars(query))


async def active_members(session: AsyncSession, table_id: uuid.UUID) -> list[TableMember]:
    """The organizations sitting at the table now (not those that left), by name."""
    found = await session.scalars(
        select(TableMember)
        .where(TableMember.table_id == table_id, TableMember.left_at.is_(None))
        .order_by(TableMember.organization_name, TableMember.id)
    )
    return list(found)


async def children(session: AsyncSession, table_id: uuid.UUID) -> list[ConcertationTable]:
    """The tables directly under ``table_id`` (a regional table's local tables), by name."""
    found = await session.scalars(
        select(ConcertationTable).where(ConcertationTable.parent_id == table_id).order_by(ConcertationTable.name_key)
    )
    return list(found)


async def members_of_organization(session: AsyncSession, organization_id: uuid.UUID) -> list[TableMember]:
    """Every active membership of one organization, across tables."""
    found = await session.scalars(
        select(TableMember)
        .where(TableMember.organization_id == organization_id, TableMember.left_at.is_(None))
        .order_by(TableMember.joined_at, TableMember.id)
    )
    return list(found)
