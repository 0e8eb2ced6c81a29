"""Tables, members, decisions and follow-ups written straight to the database, for the tests of what
reads them (the follow-up view, the export, the digest, the agenda, propagation); the module's bot
emptied of them before each test, at a fixed time, and spoken to through the router."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.concertation import LOCAL, ConcertationTable, TableMember, fold_name
from directory.network_texts import NetworkText
from directory.roles import PersonRole
from handlers.context import Context
from handlers.messages import ChatRef, Incoming, Reply
from handlers.router import dispatch, split_command
from scheduler.followups import PENDING, Decision, Followup
from scheduler.outbox import OutboxMessage

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)  # Monday November 23rd 2026, 9 h in Montréal
CONSOLE = ChatRef("console", "console")


async def clear(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Remove every table (with its members, decisions and follow-ups), role, network text and outbox row."""
    async with sessions.begin() as session:
        for model in (Followup, Decision, TableMember, ConcertationTable, NetworkText, PersonRole, OutboxMessage):
            await session.execute(delete(model))


def table(
    name: str, coordinator: tuple[str, str] = ("telegram", "900"), *, coordinator_name: str = "Julie Tremblay",
    parent: ConcertationTable | None = None, level: str = LOCAL,
) -> ConcertationTable:
    """A table coordinated by ``coordinator`` (platform, user id)."""
    return ConcertationTable(
        id=uuid.uuid4(), name=name, name_key=fold_name(name), level=level, place_id=None,
        parent_id=parent.id if parent is not None else None, coordinator_platform=coordinator[0],
        coordinator_user_id=coordinator[1], coordinator_name=coordinator_name, summer_break=False, created_at=NOW,
    )


def member(
    at: ConcertationTable, organization: str, representative: tuple[str, str] | None = None, *,
    representative_name: str = "", left: bool = False,
) -> TableMember:
    """``organization`` at the table ``at``, represented by ``representative`` (platform, user id)."""
    return TableMember(
        id=uuid.uuid4(), table_id=at.id, organization_id=uuid.uuid4(), organization_name=organization,
        role="membre", representative_platform=representative[0] if representative else None,
        representative_user_id=representative[1] if representative else None,
        representative_name=representative_name, joined_at=NOW - dt.timedelta(days=60),
        left_at=NOW - dt.timedelta(days=1) if left else None,
    )


def decision(
    at: ConcertationTable, text: str, meeting: dt.date, deadline: dt.date, *, created: dt.datetime = NOW,
) -> Decision:
    """A decision of the table ``at``."""
    return Decision(id=uuid.uuid4(), table_id=at.id, text=text, meeting_date=meeting, deadline=deadline,
                    created_by="telegram:900", created_at=created)


def followup(
    of: Decision, by: TableMember, status: str = PENDING, *, answered_at: dt.datetime | None = None,
    note: str | None = None,
) -> Followup:
    """``by``'s follow-up of ``of``."""
    return Followup(id=uuid.uuid4(), decision_id=of.id, member_id=by.id, status=status, due_at=NOW, stage=1,
                    answered_at=answered_at, answered_by="telegram:901" if answered_at else None, note=note)


async def add(sessions: async_sessionmaker[AsyncSession], *rows: object) -> None:
    """Write ``rows`` in one transaction, in their order (tables before their members and decisions)."""
    async with sessions.begin() as session:
        for row in rows:
            session.add(row)
            await session.flush()


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def emptied(context: Context) -> AsyncIterator[Context]:
    """The module's bot with none of the rows ``clear`` removes, its clock fixed at :data:`NOW` during the test."""
    before = context.clock
    context.clock = lambda: NOW
    await clear(context.sessions)
    try:
        yield context
    finally:
        context.clock = before


async def say(context: Context, text: str, chat: ChatRef = CONSOLE, *, user: str | None = None,
              locale: str = "fr") -> list[Reply]:
    """The replies to ``text`` typed in ``chat`` by ``user`` (by default the person of that private chat)."""
    command, args = split_command(text)
    return await dispatch(Incoming(chat, user or chat.chat_id, text, command, args, locale=locale), context)


async def one(context: Context, text: str, chat: ChatRef = CONSOLE, *, user: str | None = None,
              locale: str = "fr") -> Reply:
    """The single reply to ``text`` (see ``say``)."""
    (reply,) = await say(context, text, chat, user=user, locale=locale)
    return reply
