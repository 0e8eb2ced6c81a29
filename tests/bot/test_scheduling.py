"""The sweep: one pass writes due reminders and producers' messages and sends them (with a fake
clock); two sweepers on one database send every reminder once, on SQLite and PostgreSQL; the real
APScheduler job runs it, and the console writes what it sends."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from sqlalchemy import select

from bot.console import ConsoleChat
from bot.platforms import ConsoleOutbox, serve
from bot.scheduling import SKIPPED, Sweep, Swept, sweeping
from bot.sending import OutboxSender
from directory.db import create_engine, session_factory
from directory.private_chats import remember_private_chat
from handlers.context import Context
from handlers.messages import Button, ChatRef, Reply
from handlers.payloads import to_payload
from scheduler import outbox
from scheduler.events import Reminder
from tests.bot.fake_outbox import (
    TORONTO,
    Clock,
    FakeOutbox,
    Sessions,
    add_event,
    emptied,
    no_sleep,
    to_context,
    yes,
)
from tests.postgres import free_port

UTC = dt.UTC
T0 = dt.datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
STARTS = dt.datetime(2026, 10, 22, 17, 0, tzinfo=TORONTO).astimezone(UTC)
SECOND = dt.timedelta(seconds=1)


@pytest_asyncio.fixture
async def sessions(migrated_database: str) -> AsyncIterator[Sessions]:
    """The module's migrated database (SQLite, then PostgreSQL), emptied."""
    async with emptied(migrated_database) as sessions:
        yield sessions


def to_sweep(context: Context, telegram: FakeOutbox, *producers: object) -> Sweep:
    """A sweep sending through a fake Telegram that never waits."""
    sender = OutboxSender(context.sessions, {"telegram": telegram}, context.clock, sleep=no_sleep)
    return Sweep(context, sender, producers)  # type: ignore[arg-type]


async def test_one_pass_writes_the_due_reminders_and_sends_them(sessions: Sessions) -> None:
    await add_event(sessions, STARTS, T0, answers=(yes("telegram", "1001"),))
    await remember_private_chat(sessions, "telegram", "1001", T0)  # or Telegram would refuse the reminder
    clock, telegram = Clock(STARTS - dt.timedelta(days=7) - SECOND), FakeOutbox()
    sweep = to_sweep(to_context(sessions, clock), telegram)
    assert await sweep.run(clock.now) == Swept(0, 0, 0)
    clock.now += SECOND
    assert await sweep.run(clock.now) == Swept(2, 0, 2)
    assert sorted(s.chat.chat_id for s in telegram.sent) == ["-100111", "1001"]
    assert all(s.reply.text.startswith("**Rappel : 5-à-7 de l'automne**") for s in telegram.sent)
    assert await sweep.run(clock.now) == Swept(0, 0, 0)


async def test_producers_run_after_the_reminders_and_their_messages_go_out_in_the_same_pass(
    sessions: Sessions,
) -> None:
    calls: list[dt.datetime] = []

    async def announcements(context: Context, now: dt.datetime) -> int:
        calls.append(now)
        async with context.sessions.begin() as session:
            await outbox.enqueue(session, "telegram", "-100222", None, to_payload(Reply("La table se réunit jeudi")),
                                 now, dedupe_key=f"announcement:1:{now.isoformat()}")
        return 1

    telegram = FakeOutbox()
    sweep = to_sweep(to_context(sessions, Clock(T0)), telegram, announcements)
    assert await sweep.run(T0) == Swept(1, 0, 1)
    assert calls == [T0] and telegram.texts("-100222") == ["La table se réunit jeudi"]


async def test_a_failing_step_is_logged_and_the_others_still_run(
    sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(context: Context, now: dt.datetime) -> int:
        raise RuntimeError("annonce illisible")

    async with sessions.begin() as session:
        await outbox.enqueue(session, "telegram", "-100222", None, to_payload(Reply("Bonjour")), T0)
    telegram = FakeOutbox()
    with caplog.at_level(logging.ERROR, logger="bot.scheduling"):
        assert await to_sweep(to_context(sessions, Clock(T0)), telegram, broken).run(T0) == Swept(0, 0, 1)
    assert "broken" in caplog.text and "annonce illisible" in caplog.text
    assert telegram.texts() == ["Bonjour"]


async def test_a_pass_writes_the_reminders_of_recurring_events_further_as_time_goes(sessions: Sessions) -> None:
    event_id = await add_event(sessions, STARTS, T0, rrule="FREQ=WEEKLY", reminder_offsets="PT2H")
    sweep = to_sweep(to_context(sessions, Clock(T0)), FakeOutbox())
    later = T0 + dt.timedelta(days=30)
    swept = await sweep.run(later)
    assert swept.scheduled == 4  # December 3 to 24: the Thursdays that came within the horizon
    async with sessions() as session:
        count = len((await session.scalars(select(Reminder.id).where(Reminder.event_id == event_id))).all())
    assert count == 10  # October 22 to December 24, every Thursday


async def test_two_sweepers_on_one_database_send_every_reminder_once(url_and_sessions: tuple[str, Sessions]) -> None:
    url, sessions = url_and_sessions
    events = 8
    for n in range(events):
        await add_event(sessions, STARTS + n * dt.timedelta(minutes=7), T0, channels=(("telegram", f"-100{n}", None),),
                        answers=(yes("telegram", f"{n}01"), yes("telegram", f"{n}02")))
        for person in (f"{n}01", f"{n}02"):
            await remember_private_chat(sessions, "telegram", person, T0)
    async with sessions() as session:
        instants = sorted(set((await session.scalars(select(Reminder.due_at))).all()))
    other_engine = create_engine(url)
    try:
        clock = Clock(T0)
        first, second = FakeOutbox(), FakeOutbox()
        sweeps = (to_sweep(to_context(sessions, clock), first),
                  to_sweep(to_context(session_factory(other_engine), clock), second))
        for instant in instants:
            clock.now = instant
            await asyncio.gather(*(sweep.run(instant) for sweep in sweeps))
    finally:
        await other_engine.dispose()
    received = Counter((s.chat.chat_id, s.reply.text) for s in first.sent + second.sent)
    assert len(received) == events * 3 * 3  # three reminders, each to one channel and two people
    assert set(received.values()) == {1}


@pytest_asyncio.fixture
async def url_and_sessions(migrated_database: str) -> AsyncIterator[tuple[str, Sessions]]:
    """The database's URL (for a second engine) and sessions on it, emptied."""
    async with emptied(migrated_database) as sessions:
        yield migrated_database, sessions


async def test_the_scheduler_job_runs_the_sweep_until_the_block_ends(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await outbox.enqueue(session, "telegram", "-100222", None, to_payload(Reply("Bonjour")), T0)
    arrived = asyncio.Event()
    telegram = FakeOutbox(received=lambda _sent: arrived.set())
    sweep = to_sweep(to_context(sessions, Clock(T0)), telegram)
    async with sweeping(sweep, every=0.01) as scheduler:
        await asyncio.wait_for(arrived.wait(), timeout=10)
        (job,) = scheduler.get_jobs()
        assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 30)
    await asyncio.sleep(0)
    assert not scheduler.running
    assert telegram.texts() == ["Bonjour"]


async def test_a_tick_skipped_while_a_long_pass_runs_is_no_warning(
    sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    started, release, skipped = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow(_context: Context, _now: dt.datetime) -> int:
        started.set()
        await release.wait()
        return 0

    caplog.set_level(logging.DEBUG, logger="apscheduler")
    sweep = to_sweep(to_context(sessions, Clock(T0)), FakeOutbox(), slow)
    async with sweeping(sweep, every=0.01) as scheduler:
        scheduler.add_listener(lambda _event: skipped.set(), EVENT_JOB_MAX_INSTANCES)
        await asyncio.wait_for(started.wait(), timeout=10)
        await asyncio.wait_for(skipped.wait(), timeout=10)
        release.set()
    said = [record for record in caplog.records if SKIPPED in record.getMessage()]
    assert said and {record.levelno for record in said} == {logging.DEBUG}
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


class Adapter:
    """A platform adapter with nothing to receive; what ``serve`` sends goes to ``sender``."""

    def __init__(self) -> None:
        self.sender = FakeOutbox()
        self.outbox = None

    async def start(self) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to release."""

    def routes(self) -> list[web.RouteDef]:
        return []


async def test_serve_sends_the_outbox_through_each_adapters_sender(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await outbox.enqueue(session, "telegram", "-100222", None, to_payload(Reply("Bonjour")), T0)
    adapter, stop = Adapter(), asyncio.Event()
    adapter.sender.received = lambda _sent: stop.set()
    context = to_context(sessions, Clock(T0))
    await asyncio.wait_for(serve({"telegram": adapter}, context, free_port(), lambda _line: None, stop), timeout=10)
    assert adapter.sender.texts() == ["Bonjour"]


async def test_the_console_writes_proactive_messages_and_their_buttons_become_its_choices() -> None:
    written: list[str] = []
    chat = ConsoleChat(to_context(None, Clock(T0)))  # type: ignore[arg-type]
    console = ConsoleOutbox(chat, written.append)
    reply = Reply("**Rappel : 5-à-7**", buttons=(Button("J'y serai", "rsvp:y:0f0e"), Button("Peut-être", "rsvp:m:0f0e")))
    assert await console.post(ChatRef("console", "console"), reply) == "1"
    await console.edit(ChatRef("console", "console"), "1", Reply("**Rappel : 5-à-7** (modifié)"))
    assert written == ["Rappel : 5-à-7\n\n[1] J'y serai  [2] Peut-être", "Rappel : 5-à-7 (modifié)"]
    assert chat.buttons == []
