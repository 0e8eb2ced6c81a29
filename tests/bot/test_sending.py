"""The outbox sender on SQLite and PostgreSQL: posts and edits through a platform's ``Outbox``, the
platform's id kept, rate limits and passing failures retried, refusals abandoned without stopping
the others, and the direct replies a platform could not deliver kept and sent again."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.delivery import Delivery, RateLimited, Rejected, Unavailable
from bot.sending import OutboxSender, to_keep
from handlers.messages import Button, ChatRef, Reply
from handlers.payloads import to_payload
from scheduler import outbox
from scheduler.outbox import RETRY_DELAYS, OutboxMessage
from tests.bot.fake_outbox import Clock, FakeOutbox, Sessions, emptied, no_sleep

T0 = dt.datetime(2026, 10, 15, 21, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
REPLY = Reply("**Rappel : 5-à-7**", buttons=(Button("J'y serai", "rsvp:y:0f0e"),))


@pytest_asyncio.fixture
async def sessions(migrated_database: str) -> AsyncIterator[Sessions]:
    """The module's migrated database (SQLite, then PostgreSQL), emptied."""
    async with emptied(migrated_database) as sessions:
        yield sessions


def sender(sessions: Sessions, clock: Clock | None = None, **outboxes: FakeOutbox) -> OutboxSender:
    """A sender over fake platforms that never waits."""
    return OutboxSender(sessions, outboxes, clock or Clock(T0), sleep=no_sleep, jitter=lambda: 1.0)


async def enqueue(sessions: Sessions, chat_id: str, text: str = "**Rappel : 5-à-7**", platform: str = "telegram",
                  **options: Any) -> None:
    """Put one post in the outbox, due at ``T0``."""
    async with sessions.begin() as session:
        await outbox.enqueue(session, platform, chat_id, None, to_payload(Reply(text)), T0, **options)


async def rows(sessions: Sessions) -> list[OutboxMessage]:
    """The outbox, oldest first (posts before their edits)."""
    async with sessions() as session:
        order = (OutboxMessage.created_at, OutboxMessage.kind.desc(), OutboxMessage.due_at, OutboxMessage.chat_id)
        return list((await session.scalars(select(OutboxMessage).order_by(*order))).all())


async def test_due_posts_are_sent_and_marked_sent_with_the_platforms_id(sessions: Sessions) -> None:
    telegram = FakeOutbox()
    await enqueue(sessions, "-100111")
    await enqueue(sessions, "-100222", due_at=T0 + SECOND)
    assert await sender(sessions, telegram=telegram).send_due(T0) == 1
    assert [(s.chat, s.reply.text) for s in telegram.sent] == [(ChatRef("telegram", "-100111"), "**Rappel : 5-à-7**")]
    first, second = await rows(sessions)
    assert (first.status, first.sent_ref, first.sent_at) == (outbox.SENT, "1", T0)
    assert second.status == outbox.PENDING
    assert await sender(sessions, telegram=telegram).send_due(T0) == 0


async def test_every_due_message_goes_out_in_one_pass_batch_after_batch(sessions: Sessions) -> None:
    telegram = FakeOutbox()
    for n in range(7):
        await enqueue(sessions, f"-100{n}")
    sending = sender(sessions, telegram=telegram)
    sending.batch = 3
    assert await sending.send_due(T0) == 7
    assert sorted(s.chat.chat_id for s in telegram.sent) == sorted(f"-100{n}" for n in range(7))


async def test_the_messages_of_one_chat_go_out_in_order(sessions: Sessions) -> None:
    telegram = FakeOutbox()
    for n in range(5):
        await enqueue(sessions, "-100111", f"message {n}", due_at=T0 - (5 - n) * SECOND)
    await enqueue(sessions, "-100222", "ailleurs")
    assert await sender(sessions, telegram=telegram).send_due(T0) == 6
    assert telegram.texts("-100111") == [f"message {n}" for n in range(5)]


async def test_an_edit_changes_the_message_posted(sessions: Sessions) -> None:
    telegram = FakeOutbox()
    await enqueue(sessions, "-100111", "3 y seront", topic="event:0f0e:announce")
    sending = sender(sessions, telegram=telegram)
    await sending.send_due(T0)
    async with sessions.begin() as session:
        await outbox.enqueue_edit(session, "event:0f0e:announce", to_payload(Reply("4 y seront")), T0)
    assert await sending.send_due(T0) == 1
    posted, edited = telegram.sent
    assert (edited.edit, edited.ref, edited.chat, edited.reply.text) == (True, posted.ref, posted.chat, "4 y seront")
    assert [(m.kind, m.status) for m in await rows(sessions)] == [(outbox.POST, outbox.SENT), (outbox.EDIT, outbox.SENT)]


async def test_a_rate_limit_then_success_delivers_once_after_the_wait(sessions: Sessions) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    telegram = FakeOutbox(failures={"-100111": [RateLimited(3)]})
    await enqueue(sessions, "-100111")
    sending = OutboxSender(sessions, {"telegram": telegram}, Clock(T0), sleep=sleep, jitter=lambda: 1.0)
    assert await sending.send_due(T0) == 1
    assert waits == [3] and telegram.tries == 2 and len(telegram.sent) == 1
    assert [m.status for m in await rows(sessions)] == [outbox.SENT]


async def test_server_errors_then_success_deliver_once(sessions: Sessions) -> None:
    telegram = FakeOutbox(failures={"-100111": [Unavailable("502 Bad Gateway"), Unavailable("503")]})
    await enqueue(sessions, "-100111")
    assert await sender(sessions, telegram=telegram).send_due(T0) == 1
    assert telegram.tries == 3 and len(telegram.sent) == 1


async def test_a_failure_that_lasts_puts_the_message_back_for_a_later_try(sessions: Sessions) -> None:
    telegram = FakeOutbox(failures={"-100111": [Unavailable("503")] * 3})
    await enqueue(sessions, "-100111")
    assert await sender(sessions, telegram=telegram).send_due(T0) == 0
    (message,) = await rows(sessions)
    assert (message.status, message.attempts, message.last_error) == (outbox.PENDING, 1, "503")
    assert message.due_at == T0 + RETRY_DELAYS[0]
    later = T0 + RETRY_DELAYS[0]
    assert await sender(sessions, Clock(later), telegram=telegram).send_due(later) == 1
    assert len(telegram.sent) == 1


async def test_a_long_rate_limit_puts_the_message_back_until_the_platform_allows(sessions: Sessions) -> None:
    telegram = FakeOutbox(failures={"-100111": [RateLimited(40)]})
    await enqueue(sessions, "-100111")
    await enqueue(sessions, "-100222")
    assert await sender(sessions, telegram=telegram).send_due(T0) == 1
    limited = next(m for m in await rows(sessions) if m.chat_id == "-100111")
    assert limited.status == outbox.PENDING and limited.due_at == T0 + 40 * SECOND
    assert telegram.tries == 2  # not tried again in place


async def test_a_refused_direct_message_is_abandoned_and_logged_and_the_others_go_out(
    sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    refusal = Rejected("Forbidden: bot can't initiate conversation with a user")
    telegram = FakeOutbox(failures={"1001": [refusal]})
    for chat_id in ("-100111", "1001", "1002"):
        await enqueue(sessions, chat_id)
    with caplog.at_level(logging.WARNING, logger="bot.sending"):
        assert await sender(sessions, telegram=telegram).send_due(T0) == 2
    assert sorted(s.chat.chat_id for s in telegram.sent) == ["-100111", "1002"]
    refused = next(m for m in await rows(sessions) if m.chat_id == "1001")
    assert refused.status == outbox.ABANDONED and "initiate conversation" in (refused.last_error or "")
    assert telegram.tries == 3  # tried once
    assert "abandoned" in caplog.text and "1001" in caplog.text
    assert await sender(sessions, Clock(T0 + dt.timedelta(days=1)), telegram=telegram).send_due(
        T0 + dt.timedelta(days=1)) == 0


async def test_a_message_that_breaks_the_sender_is_put_back_and_the_others_go_out(
    sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    telegram = FakeOutbox(failures={"-100111": [KeyError("bouton")]})
    await enqueue(sessions, "-100111")
    await enqueue(sessions, "-100222")
    with caplog.at_level(logging.ERROR, logger="bot.sending"):
        assert await sender(sessions, telegram=telegram).send_due(T0) == 1
    broken = next(m for m in await rows(sessions) if m.chat_id == "-100111")
    assert broken.status == outbox.PENDING and broken.last_error == "KeyError: 'bouton'"
    assert "-100111" in caplog.text


async def test_messages_of_a_platform_not_run_here_are_left_for_a_process_that_runs_it(sessions: Sessions) -> None:
    telegram = FakeOutbox()
    await enqueue(sessions, "C0PLACE", platform="slack")
    await enqueue(sessions, "-100111")
    assert await sender(sessions, telegram=telegram).send_due(T0) == 1
    waiting = next(m for m in await rows(sessions) if m.platform == "slack")
    assert (waiting.status, waiting.attempts) == (outbox.PENDING, 0)
    slack = FakeOutbox()
    assert await sender(sessions, slack=slack).send_due(T0) == 1
    assert slack.texts() == ["**Rappel : 5-à-7**"]


async def test_a_direct_reply_that_could_not_be_delivered_is_kept_then_sent_by_the_sweep(sessions: Sessions) -> None:
    clock = Clock(T0)
    chat = ChatRef("slack", "C0PLACE", "1761000000.000100")

    async def down(_chat: ChatRef, _reply: Reply) -> str | None:
        raise Unavailable("503")

    direct = Delivery(down, keep=to_keep(sessions, clock), sleep=no_sleep, jitter=lambda: 1.0, attempts=2)
    assert await direct.send(chat, REPLY) is False
    slack = FakeOutbox()
    due = T0 + RETRY_DELAYS[0]
    clock.now = due
    assert await sender(sessions, clock, slack=slack).send_due(due - SECOND) == 0
    assert await sender(sessions, clock, slack=slack).send_due(due) == 1
    assert [(s.chat, s.reply) for s in slack.sent] == [(chat, REPLY)]
