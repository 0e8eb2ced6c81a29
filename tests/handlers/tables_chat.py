"""Talking to the bot about tables de concertation in tests: a bot on the sample directory once on
SQLite and once on PostgreSQL, emptied of tables and roles before each test, and the people who talk."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import delete, select

from bot.settings import Settings
from bot.wiring import build
from directory.concertation import ConcertationTable, TableMember
from directory.private_chats import PrivateChat
from directory.roles import ADMIN, COORDINATOR, PersonRole, grant
from handlers.context import Context
from handlers.messages import ChatRef, Reply
from handlers.reachability import flush_private_chats
from scheduler.followups import Decision, Followup, FollowupLog
from scheduler.outbox import OutboxMessage
from tests.handlers.events_chat import NOW, Person

TELEGRAM_DM = ChatRef("telegram", "4201")
MARIE = Person(TELEGRAM_DM, "4201", "Marie Tremblay", private=True)  # a coordinator on Telegram
MARIE_IN_GROUP = Person(ChatRef("telegram", "-100555"), "4201", "Marie Tremblay")
PAUL = Person(ChatRef("telegram", "4205"), "4205", "Paul Côté", private=True)  # no role
JULIE = Person(ChatRef("slack", "D0JULIE"), "U0JULIE", "Julie Bouchard", private=True)  # another coordinator
ADMIN_SLACK = Person(ChatRef("slack", "D0ADMIN"), "U0ADMIN", "Admin Réseau", private=True)
ANNE = Person(ChatRef("telegram", "4202"), "4202", "Anne Roy", private=True)  # a representative
LUC = Person(ChatRef("slack", "D0LUC"), "U0LUC", "Luc Gagnon", private=True)  # another representative
CODE = re.compile(r"/table representer ([A-Z0-9]{8})")
REGIONAL = "/table creer Table régionale petite enfance ; régional ; Saguenay–Lac-Saint-Jean"
LOCAL = "/table creer Table petite enfance Jonquière ; local ; Jonquière ; parent Table régionale petite enfance"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def context(migrated_database: str) -> AsyncIterator[Context]:
    """A bot on the sample directory, once on SQLite and once on PostgreSQL."""
    running = await build(Settings(database_url=migrated_database, language="fr", timezone="America/Toronto"),
                          say=lambda _m: None)
    try:
        yield running.context
    finally:
        await running.close()


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def fresh(context: Context) -> None:
    """No table, follow-up, role, private chat or outbox message left from another test; Marie and Julie coordinate,
    the Slack admin administers."""
    await flush_private_chats(context)  # nothing noted by another test written after the cleaning
    async with context.sessions.begin() as session:
        for table in (FollowupLog, Followup, Decision, TableMember, ConcertationTable, PersonRole, PrivateChat,
                      OutboxMessage):
            await session.execute(delete(table))
    context.private_chats.clear()
    context.start_links.clear()
    for person, role in ((MARIE, COORDINATOR), (JULIE, COORDINATOR), (ADMIN_SLACK, ADMIN)):
        await grant(context.sessions, person.chat.platform, person.user_id, role, granted_by="test", now=NOW)


def code_in(reply: Reply) -> str:
    """The invitation code a reply hands on."""
    found = CODE.search(reply.text)
    assert found, reply.text
    return found[1]


async def member_row(context: Context, organization: str) -> TableMember:
    """The latest membership of the organization whose name contains ``organization``."""
    async with context.sessions() as session:
        found = await session.scalars(
            select(TableMember).where(TableMember.organization_name.contains(organization))
            .order_by(TableMember.joined_at.desc(), TableMember.left_at.is_not(None))
        )
        return found.first()  # type: ignore[return-value]


async def table_row(context: Context, name: str) -> ConcertationTable:
    """The table called exactly ``name``."""
    async with context.sessions() as session:
        found = await session.scalar(select(ConcertationTable).where(ConcertationTable.name == name))
        assert found is not None, name
        return found


async def add_followups(context: Context, member_id: uuid.UUID, statuses: tuple[str, ...]) -> list[uuid.UUID]:
    """A decision of the member's table with one follow-up of that member per status; their ids."""
    ids = []
    async with context.sessions.begin() as session:
        member = await session.get(TableMember, member_id)
        assert member is not None
        for number, status in enumerate(statuses):
            decision = Decision(table_id=member.table_id, text=f"Décision {number}", meeting_date=dt.date(2026, 11, 18),
                                deadline=dt.date(2026, 12, 2), created_by="telegram:4201", created_at=NOW)
            session.add(decision)
            await session.flush()
            followup = Followup(decision_id=decision.id, member_id=member_id, status=status,
                                due_at=NOW + dt.timedelta(days=3), stage=1)
            session.add(followup)
            await session.flush()
            ids.append(followup.id)
    return ids

