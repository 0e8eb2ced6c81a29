"""Undelivered replies kept in the outbox and sent again when due, by ``resend_due`` and ``sweep``."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import NoReturn

import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from bot.delivery import Delivery, Keep, Rejected, Unavailable
from bot.redelivery import resend_due, sweep, to_keep
from directory.db import create_engine, session_factory
from handlers.messages import Button, Card, ChatRef, Field, Reply
from handlers.payloads import to_payload
from scheduler import outbox
from scheduler.outbox import RETRY_DELAYS, OutboxMessage

Sessions = async_sessionmaker[AsyncSession]
T0 = dt.datetime(2025, 3, 10, 14, 0, tzinfo=dt.UTC)
CHAT = ChatRef("slack", "C0123456", "1741615200.000100")
REPLY = Reply(
    "Rappel : **table de concertation** jeudi",
    cards=(
        Card("Le Transit", lines=("Hébergement",), fields=(Field("Téléphone", "418 555-0101"),),
             badge="exemple"),
    ),
    buttons=(Button("Plus", "qui:3:hebergement"),),
)


class Clock:
    """A fake clock: the same instant until the test moves it; ``then`` runs at each reading."""

    def __init__(self, now: dt.datetime = T0, then: Callable[[], None] | None = None) -> None:
        self.now, self.then, self.readings = now, then, 0

    def __call__(self) -> dt.datetime:
        self.readings += 1
        if self.then is not None:
            self.then()
        return self.now

    def advance(self, by: dt.timedelta) -> dt.datetime:
        """Move the clock forward and return the new instant."""
        self.now += by
        return self.now


class Transport:
    """A platform that records what it sends, or fails with ``failure`` every time."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure
        self.sent: list[tuple[ChatRef, Reply]] = []
        self.tries = 0

    async def __call__(self, chat: ChatRef, reply: Reply) -> None:
        self.tries += 1
        if self.failure is not None:
            raise self.failure
        self.sent.append((chat, reply))


async def no_sleep(seconds: float) -> None:
    """Stands in for ``asyncio.sleep``: never waits."""


def delivery(transport: Transport, keep: Keep | None = None) -> Delivery:
    """A ``Delivery`` over ``transport`` that never waits."""
    return Delivery(transport, keep=keep, sleep=no_sleep, jitter=lambda: 1.0, attempts=3)


@pytest_asyncio.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    """Sessions on a migrated SQLite database (the outbox itself is tested on both back ends)."""
    url = f"sqlite:///{tmp_path}/passerelle.db"
    await asyncio.to_thread(migrations.upgrade, url)
    engine = create_engine(url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def messages(sessions: Sessions) -> list[OutboxMessage]:
    """Every message of the outbox."""
    async with sessions() as session:
        return list((await session.execute(select(OutboxMessage))).scalars().all())


async def keep_one(sessions: Sessions, chat: ChatRef = CHAT, reply: Reply = REPLY) -> None:
    """Keep ``reply`` as a failed send would, at ``T0``."""
    await outbox.keep(sessions, chat.platform, chat.chat_id, chat.thread_id, to_payload(reply), "503", T0)


async def test_a_reply_that_cannot_be_delivered_is_kept_in_the_outbox(sessions: Sessions) -> None:
    clock = Clock()
    failing = delivery(Transport(Unavailable("503")), keep=to_keep(sessions, clock))
    assert await failing.send(CHAT, REPLY) is False
    (message,) = await messages(sessions)
    assert ChatRef(message.platform, message.chat_id, message.thread_id) == CHAT  # type: ignore[arg-type]
    assert message.payload == to_payload(REPLY)
    assert message.status == outbox.PENDING and message.due_at == T0 + RETRY_DELAYS[0]
    assert message.last_error == "503"


async def test_a_kept_reply_is_sent_again_once_when_due(sessions: Sessions) -> None:
    await keep_one(sessions)
    clock, transport = Clock(), Transport()
    deliveries = {"slack": delivery(transport)}
    early = clock.advance(RETRY_DELAYS[0] - dt.timedelta(seconds=1))
    assert await resend_due(sessions, deliveries, early) == 0
    assert transport.tries == 0
    sent_at = clock.advance(dt.timedelta(seconds=1))
    assert await resend_due(sessions, deliveries, sent_at) == 1
    assert transport.sent == [(CHAT, REPLY)]
    (message,) = await messages(sessions)
    assert message.status == outbox.SENT and message.sent_at == sent_at
    assert await resend_due(sessions, deliveries, clock.advance(dt.timedelta(days=1))) == 0
    assert transport.sent == [(CHAT, REPLY)]


async def test_a_resend_that_fails_is_marked_failed_and_not_kept_twice(sessions: Sessions) -> None:
    clock = Clock()
    transport = Transport(Unavailable("502"))
    keeping = delivery(transport, keep=to_keep(sessions, clock))
    await keep_one(sessions)
    now = clock.advance(RETRY_DELAYS[0])
    assert await resend_due(sessions, {"slack": keeping}, now) == 0
    assert transport.tries == 3  # one whole Delivery.send, retries included
    (message,) = await messages(sessions)  # no second copy kept by the failed resend
    assert message.status == outbox.PENDING and message.attempts == 2
    assert message.due_at == now + RETRY_DELAYS[1]
    assert message.last_error == "502"


async def test_a_rejected_resend_is_abandoned_at_once(sessions: Sessions) -> None:
    transport = Transport(Rejected("channel_not_found"))
    await keep_one(sessions)
    assert await resend_due(sessions, {"slack": delivery(transport)}, T0 + RETRY_DELAYS[0]) == 0
    assert transport.tries == 1
    (message,) = await messages(sessions)
    assert message.status == outbox.ABANDONED
    assert await resend_due(sessions, {"slack": delivery(transport)}, T0 + RETRY_DELAYS[-1] * 10) == 0
    assert transport.tries == 1


async def test_a_message_for_a_platform_not_running_is_left_for_later(sessions: Sessions) -> None:
    await keep_one(sessions)
    telegram = Transport()
    now = T0 + RETRY_DELAYS[0]
    assert await resend_due(sessions, {"telegram": delivery(telegram)}, now) == 0
    assert telegram.tries == 0
    (message,) = await messages(sessions)
    assert message.status == outbox.PENDING and message.attempts == 2
    assert message.due_at == now + RETRY_DELAYS[1]
    assert message.last_error == "slack n'est pas démarré"


async def test_sweep_resends_due_messages_in_one_pass_then_stops_without_waiting(sessions: Sessions) -> None:
    await keep_one(sessions)
    stop = asyncio.Event()
    clock = Clock(T0 + RETRY_DELAYS[0], then=stop.set)  # the pass reads the clock, then the test asks to stop
    transport = Transport()
    deliveries = {"slack": delivery(transport)}
    await asyncio.wait_for(sweep(sessions, deliveries, clock, stop, every=3600), timeout=5)
    assert clock.readings == 1
    assert transport.sent == [(CHAT, REPLY)]
    assert [m.status for m in await messages(sessions)] == [outbox.SENT]


async def test_sweep_returns_at_once_when_already_stopped(sessions: Sessions) -> None:
    await keep_one(sessions)
    stop = asyncio.Event()
    stop.set()
    clock, transport = Clock(T0 + RETRY_DELAYS[0]), Transport()
    deliveries = {"slack": delivery(transport)}
    await asyncio.wait_for(sweep(sessions, deliveries, clock, stop, every=3600), timeout=5)
    assert clock.readings <= 1  # at most one pass, and no wait


def unreachable() -> NoReturn:
    """A session factory whose database is away."""
    raise ConnectionError("base de données injoignable")


async def test_a_failing_pass_is_logged_and_the_sweep_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    stop = asyncio.Event()
    passes: list[int] = []

    def count_then_stop_at_the_second() -> None:
        passes.append(1)
        if len(passes) == 2:
            stop.set()

    clock = Clock(T0, then=count_then_stop_at_the_second)
    with caplog.at_level(logging.ERROR, logger="bot.redelivery"):
        sweeping = sweep(unreachable, {}, clock, stop, every=0.01)  # type: ignore[arg-type]
        await asyncio.wait_for(sweeping, timeout=5)
    assert clock.readings == 2
    failures = [r for r in caplog.records if r.name == "bot.redelivery"]
    assert len(failures) == 2
    assert all(r.exc_info and isinstance(r.exc_info[1], ConnectionError) for r in failures)


async def test_nothing_due_sends_nothing(sessions: Sessions) -> None:
    transport = Transport()
    assert await resend_due(sessions, {"slack": delivery(transport)}, T0) == 0
    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == 0
    assert transport.tries == 0
