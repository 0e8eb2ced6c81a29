"""A table de concertation ready for decisions, in tests: a bot on the sample directory once on SQLite
and once on PostgreSQL, a clock that moves only when told, the people at the table, the sweep's
follow-up producer and the outbox read back."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

import pytest_asyncio
from sqlalchemy import delete, select

from directory.concertation import ConcertationTable, TableMember, fold_name
from directory.private_chats import PrivateChat, remember_private_chat
from directory.roles import ADMIN, COORDINATOR, PersonRole, grant
from handlers.context import Context
from handlers.followup_due import enqueue_due_followups
from handlers.messages import ChatRef, Reply
from handlers.payloads import to_reply
from handlers.reachability import flush_private_chats
from scheduler.conversations import Conversation
from scheduler.followups import Decision, Followup, FollowupLog
from scheduler.outbox import OutboxMessage
from tests.handlers import events_chat, tables_chat
from tests.handlers.events_chat import NOW, Clock, Person

TABLE = "Table petite enfance Jonquière"
JULIE = Person(ChatRef("telegram", "7001"), "7001", "Julie Tremblay", private=True)  # the table's coordinator
JULIE_IN_GROUP = Person(ChatRef("telegram", "-100700"), "7001", "Julie Tremblay")
ANNE = Person(ChatRef("telegram", "7101"), "7101", "Anne Roy", private=True)  # Maison de la famille
LUC = Person(ChatRef("slack", "D0LUC"), "U0LUC", "Luc Gagnon", private=True)  # Le Transit
LUC_IN_TEAM = Person(ChatRef("slack", "C0TRANSIT"), "U0LUC", "Luc Gagnon")  # Le Transit's team channel
PAUL = Person(ChatRef("telegram", "7103"), "7103", "Paul Côté")  # CPE Les Lutins, never wrote to the bot privately
MARC = Person(ChatRef("telegram", "7104"), "7104", "Marc Leblanc", private=True)  # Anne's successor
SAM = Person(ChatRef("telegram", "7999"), "7999", "Sam Pelletier", private=True)  # at no table, no role
MARIE = Person(ChatRef("telegram", "7002"), "7002", "Marie Dubé", private=True)  # coordinates other tables
ADMIN_SLACK = Person(ChatRef("slack", "D0ADMIN"), "U0ADMIN", "Admin Réseau", private=True)
CONSOLE = Person(ChatRef("console", "console"), "console", "Opératrice", private=True)
NUMBER = re.compile(r"\(n° ([0-9a-f]{8})\)")
context, clock = tables_chat.context, events_chat.clock  # a bot on SQLite, then PostgreSQL; NOW until moved


@dataclass(frozen=True, slots=True)
class Seated:
    """The table and its members by organization name."""

    table: ConcertationTable
    members: dict[str, TableMember]


@pytest_asyncio.fixture(loop_scope="module")
async def seated(context: Context, clock: Clock) -> Seated:
    """A fresh table: Julie coordinates it; the Maison de la famille (Anne, who wrote to the bot privately),
    Le Transit (Luc on Slack, with its team channel) and CPE Les Lutins (Paul, whom the bot cannot reach)."""
    await flush_private_chats(context)  # nothing noted by another test written after the cleaning
    async with context.sessions.begin() as session:
        for model in (FollowupLog, Followup, Decision, TableMember, ConcertationTable, PersonRole, PrivateChat,
                      OutboxMessage, Conversation):
            await session.execute(delete(model))
    context.private_chats.clear()
    for person in (JULIE, ANNE, MARC):
        await remember_private_chat(context.sessions, person.chat.platform, person.user_id, NOW)
    for person, role in ((JULIE, COORDINATOR), (MARIE, COORDINATOR), (ADMIN_SLACK, ADMIN)):
        await grant(context.sessions, person.chat.platform, person.user_id, role, granted_by="test", now=NOW)
    table = ConcertationTable(
        id=uuid.uuid4(), name=TABLE, name_key=fold_name(TABLE), level="local", place_id=None,
        coordinator_platform="telegram", coordinator_user_id=JULIE.user_id, coordinator_name=JULIE.name,
        summer_break=False, created_at=NOW - dt.timedelta(days=90),
    )
    members = {
        "Maison de la famille": _member(table, "Maison de la famille", ANNE),
        "Le Transit": _member(table, "Le Transit", LUC, team=("slack", "C0TRANSIT")),
        "CPE Les Lutins": _member(table, "CPE Les Lutins", PAUL),
    }
    async with context.sessions.begin() as session:
        session.add(table)
        await session.flush()
        session.add_all(members.values())
    return Seated(table, members)


def _member(table: ConcertationTable, name: str, representative: Person,
            team: tuple[str, str] | None = None) -> TableMember:
    return TableMember(
        id=uuid.uuid4(), table_id=table.id, organization_id=uuid.uuid4(), organization_name=name, role="membre",
        representative_platform=representative.chat.platform, representative_user_id=representative.user_id,
        representative_name=representative.name, team_platform=team[0] if team else None,
        team_chat_id=team[1] if team else None, joined_at=NOW - dt.timedelta(days=60),
    )


async def set_summer_break(context: Context, table: ConcertationTable) -> None:
    """Give ``table`` a summer break."""
    async with context.sessions.begin() as session:
        row = await session.get(ConcertationTable, table.id)
        assert row is not None
        row.summer_break = True


async def sweep(context: Context, now: dt.datetime) -> int:
    """One pass of the follow-up producer at ``now``."""
    return await enqueue_due_followups(context, now)


async def messages(context: Context, since: dt.datetime | None = None) -> list[OutboxMessage]:
    """The outbox posts (written at ``since`` or later), by chat."""
    query = select(OutboxMessage).where(OutboxMessage.kind == "post").order_by(OutboxMessage.platform,
                                                                               OutboxMessage.chat_id)
    if since is not None:
        query = query.where(OutboxMessage.created_at >= since)
    async with context.sessions() as session:
        return list((await session.scalars(query)).all())


def to_chats(rows: list[OutboxMessage]) -> list[tuple[str, str]]:
    """(platform, chat id) of each row."""
    return [(row.platform, row.chat_id) for row in rows]


def reply_of(row: OutboxMessage) -> Reply:
    """The reply an outbox row holds."""
    return to_reply(row.payload)


async def followups_of(context: Context, decision_id: uuid.UUID | None = None) -> dict[str, Followup]:
    """The follow-ups (of one decision, or the only one) by organization name."""
    async with context.sessions() as session:
        query = select(Followup, TableMember.organization_name).join(TableMember, TableMember.id == Followup.member_id)
        if decision_id is not None:
            query = query.where(Followup.decision_id == decision_id)
        return {name: followup for followup, name in (await session.execute(query)).all()}


async def log_of(context: Context, followup_id: uuid.UUID) -> list[str]:
    """The kinds of a follow-up's log entries, oldest first."""
    async with context.sessions() as session:
        found = await session.scalars(
            select(FollowupLog.kind).where(FollowupLog.followup_id == followup_id).order_by(FollowupLog.at)
        )
        return list(found)


async def decide(context: Context, person: Person, line: str) -> uuid.UUID:
    """The id of the single decision ``person`` records with ``line``."""
    reply = await person.one(context, line)
    number = NUMBER.search(reply.text)
    assert number, reply.text
    async with context.sessions() as session:
        decisions = [d for d in await session.scalars(select(Decision)) if d.id.hex.startswith(number[1])]
    assert len(decisions) == 1
    return decisions[0].id
