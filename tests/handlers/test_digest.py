"""The weekly digest against a fixed clock, on SQLite and PostgreSQL: one direct message per table to
its coordinator on Monday from 9 h with the decisions still open, once per week across restarts and
two processes racing, none for a table with nothing open, and no database read once the week is done."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import NoReturn
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from sqlalchemy import delete, select, update

from bot.settings import Settings
from bot.wiring import Running, build
from directory.private_chats import PrivateChat, remember_private_chat
from handlers.context import Context
from handlers.digest import due_week, enqueue_weekly_digests
from handlers.payloads import to_reply
from scheduler.followups import DONE, PENDING, Followup
from scheduler.outbox import OutboxMessage
from tests.handlers.concertation_rows import NOW, add, clear, decision, followup, member, table

pytestmark = pytest.mark.asyncio(loop_scope="module")
MONDAY_9H = NOW
ZONE_NAME = "America/Toronto"


@asynccontextmanager
async def process(url: str) -> AsyncIterator[Context]:
    """One bot process on the database: a fresh context, as after a restart."""
    running: Running = await build(Settings(database_url=url, language="fr", timezone=ZONE_NAME),
                                   say=lambda _m: None, sample_if_empty=False)
    try:
        yield running.context
    finally:
        await running.close()


@pytest_asyncio.fixture(loop_scope="module")
async def bot(migrated_database: str) -> AsyncIterator[Context]:
    """A process on the module's database, emptied, with two tables: one with an open decision."""
    async with process(migrated_database) as context:
        await clear(context.sessions)
        async with context.sessions.begin() as session:
            await session.execute(delete(PrivateChat))
        open_table = table("Table petite enfance", ("slack", "U0COORD"))
        maison, cpe = member(open_table, "Maison de la famille"), member(open_table, "CPE Les Lutins")
        still_open = decision(open_table, "Tenir un kiosque", dt.date(2026, 11, 19), dt.date(2026, 12, 3))
        relayed = decision(open_table, "Signer la lettre d'appui", dt.date(2026, 11, 5), dt.date(2026, 11, 19))
        closed_table = table("Table aînés", ("slack", "U0OTHER"))
        aines = member(closed_table, "Popote roulante")
        all_done = decision(closed_table, "Adopter le plan", dt.date(2026, 11, 5), dt.date(2026, 11, 19))
        unreachable = table("Table jeunesse", ("telegram", "4242"))  # never wrote to the bot privately
        jeunes = member(unreachable, "Maison des jeunes")
        waiting = decision(unreachable, "Planifier la soirée", dt.date(2026, 11, 19), dt.date(2026, 12, 3))
        await add(
            context.sessions, open_table, maison, cpe, still_open, relayed, closed_table, aines, all_done,
            unreachable, jeunes, waiting,
            followup(still_open, maison, PENDING), followup(still_open, cpe, DONE, answered_at=NOW),
            followup(relayed, maison, DONE, answered_at=NOW), followup(all_done, aines, DONE, answered_at=NOW),
            followup(waiting, jeunes, PENDING),
        )
        yield context


async def digests(context: Context) -> list[OutboxMessage]:
    async with context.sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.dedupe_key)))


def broken_sessions() -> NoReturn:
    raise ConnectionError("base de données injoignable")


async def test_the_week_is_due_from_monday_9h() -> None:
    zone = ZoneInfo(ZONE_NAME)
    assert due_week(MONDAY_9H - dt.timedelta(minutes=1), zone) is None
    assert due_week(MONDAY_9H, zone) == "2026-W48"
    assert due_week(MONDAY_9H + dt.timedelta(days=6, hours=14, minutes=59), zone) == "2026-W48"  # Sunday 23:59
    assert due_week(MONDAY_9H - dt.timedelta(hours=10), zone) == "2026-W47"  # Sunday night: last week


async def test_one_digest_per_table_with_open_decisions(bot: Context) -> None:
    assert await enqueue_weekly_digests(bot, MONDAY_9H - dt.timedelta(minutes=1)) == 0
    assert await digests(bot) == []
    assert await enqueue_weekly_digests(bot, MONDAY_9H) == 1
    (digest,) = await digests(bot)
    assert (digest.platform, digest.chat_id, digest.thread_id) == ("slack", "U0COORD", None)
    assert digest.dedupe_key.startswith("digest:") and digest.dedupe_key.endswith(":2026-W48")
    reply = to_reply(digest.payload)
    assert reply.text.startswith("**Suivi de la semaine — Table petite enfance**\nLes décisions encore à relayer :\n\n"
                                 "**1. Tenir un kiosque** · ")
    assert "- ⏳ En attente : Maison de la famille" in reply.text
    assert "Signer la lettre d'appui" not in reply.text  # relayed by everyone: not open
    assert [b.label for b in reply.buttons] == ["Exporter en CSV"]


async def test_once_per_week_across_restarts_and_without_reading_again(bot: Context, migrated_database: str) -> None:
    assert await enqueue_weekly_digests(bot, MONDAY_9H) == 1
    sessions = bot.sessions
    bot.sessions = broken_sessions  # type: ignore[assignment]
    try:  # the week is done in this process: the sweep does not touch the database
        assert await enqueue_weekly_digests(bot, MONDAY_9H + dt.timedelta(days=2)) == 0
    finally:
        bot.sessions = sessions
    async with process(migrated_database) as restarted:
        assert await enqueue_weekly_digests(restarted, MONDAY_9H + dt.timedelta(hours=3)) == 0
        assert restarted.digest_week == "2026-W48"
    assert len(await digests(bot)) == 1
    assert await enqueue_weekly_digests(bot, MONDAY_9H + dt.timedelta(days=7)) == 1
    assert [d.dedupe_key.rsplit(":", 1)[1] for d in await digests(bot)] == ["2026-W48", "2026-W49"]


async def test_two_processes_racing_write_it_once(bot: Context, migrated_database: str) -> None:
    async with process(migrated_database) as other:
        written = await asyncio.gather(enqueue_weekly_digests(bot, MONDAY_9H), enqueue_weekly_digests(other, MONDAY_9H))
    assert sorted(written) == [0, 1]
    assert len(await digests(bot)) == 1


async def test_a_coordinator_who_wrote_to_the_bot_on_telegram_gets_it(bot: Context) -> None:
    await remember_private_chat(bot.sessions, "telegram", "4242", NOW)
    assert await enqueue_weekly_digests(bot, MONDAY_9H) == 2
    assert sorted((d.platform, d.chat_id) for d in await digests(bot)) == [("slack", "U0COORD"), ("telegram", "4242")]


async def test_nothing_open_nothing_sent(bot: Context) -> None:
    async with bot.sessions.begin() as session:
        await session.execute(update(Followup).values(status=DONE, answered_at=NOW))
    assert await enqueue_weekly_digests(bot, MONDAY_9H) == 0
    assert await digests(bot) == []
    assert bot.digest_week == "2026-W48"
