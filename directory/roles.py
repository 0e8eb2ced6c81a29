"""Who may do what: a person's roles (coordinator, admin) on one platform."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, Text, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime

ADMIN, COORDINATOR = "admin", "coordinator"
ROLES = (ADMIN, COORDINATOR)


class PersonRole(Base):
    """One role held by one person of one platform."""

    __tablename__ = "person_role"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    granted_by: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True, slots=True)
class RoleHolder:
    """A role held: by whom (platform and user id), given by whom and when."""

    platform: str
    user_id: str
    role: str
    granted_by: str
    granted_at: dt.datetime


async def roles_of(sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str) -> set[str]:
    """The roles the person ``user_id`` of ``platform`` holds (empty for a plain member)."""
    async with sessions() as session:
        found = await session.scalars(
            select(PersonRole.role).where(PersonRole.platform == platform, PersonRole.user_id == user_id)
        )
        return set(found)


async def grant(
    sessions: async_sessionmaker[AsyncSession],
    platform: str,
    user_id: str,
    role: str,
    *,
    granted_by: str,
    now: dt.datetime,
) -> bool:
    """Give ``role`` to the person; false when they already held it."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    try:
        async with sessions.begin() as session:
            if await session.get(PersonRole, (platform, user_id, role)) is not None:
                return False
            session.add(PersonRole(platform=platform, user_id=user_id, role=role,
                                   granted_by=granted_by, granted_at=now))
    except IntegrityError:  # granted at the same moment by someone else
        return False
    return True


async def revoke(sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str, role: str) -> bool:
    """Take ``role`` back from the person; false when they did not hold it."""
    async with sessions.begin() as session:
        result = await session.execute(
            delete(PersonRole).where(
                PersonRole.platform == platform, PersonRole.user_id == user_id, PersonRole.role == role
            )
        )
        return result.rowcount > 0


async def holders(sessions: async_sessionmaker[AsyncSession], role: str | None = None) -> list[RoleHolder]:
    """Everyone holding a role (only ``role`` when given), by platform, user id and role."""
    query = select(PersonRole).order_by(PersonRole.platform, PersonRole.user_id, PersonRole.role)
    if role is not None:
        query = query.where(PersonRole.role == role)
    async with sessions() as session:
        rows = await session.scalars(query)
        return [RoleHolder(r.platform, r.user_id, r.role, r.granted_by, r.granted_at) for r in rows]
