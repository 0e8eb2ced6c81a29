"""``Delivery.send``: rate limits honoured, passing failures retried with backoff, the rest kept."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pytest

from bot.delivery import Delivery, RateLimited, Rejected, Unavailable
from handlers.messages import ChatRef, Reply

CHAT = ChatRef("telegram", "42", "7")
REPLY = Reply("**Bonjour**")


class Script:
    """A transport that fails as scripted, one outcome per try (None = sent), then always sends."""

    def __init__(self, outcomes: Iterable[Exception | None] = ()) -> None:
        self.outcomes = list(outcomes)
        self.tries: list[tuple[ChatRef, Reply]] = []
        self.sent: list[tuple[ChatRef, Reply]] = []

    async def __call__(self, chat: ChatRef, reply: Reply) -> None:
        self.tries.append((chat, reply))
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        self.sent.append((chat, reply))


class Failing:
    """A transport that raises a fresh copy of the same failure on every try."""

    def __init__(self, make: type[Exception], *args: object) -> None:
        self.make, self.args = make, args
        self.tries = 0

    async def __call__(self, chat: ChatRef, reply: Reply) -> None:
        self.tries += 1
        raise self.make(*self.args)


class Sleeps:
    """A fake ``asyncio.sleep`` that records what it was asked to wait and never waits."""

    def __init__(self) -> None:
        self.waited: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waited.append(seconds)


class Kept:
    """A fake ``keep`` recording what it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[ChatRef, Reply, str]] = []

    async def __call__(self, chat: ChatRef, reply: Reply, error: str) -> None:
        self.calls.append((chat, reply, error))


def delivery(
    transport: Script | Failing, sleeps: Sleeps, kept: Kept | None = None, **options: Any
) -> Delivery:
    """A ``Delivery`` with a fake clock and no randomness (the jitter always at its top)."""
    return Delivery(transport, keep=kept, sleep=sleeps, jitter=lambda: 1.0, **options)


async def test_a_reply_that_goes_out_first_time_is_sent_once_without_waiting() -> None:
    transport, sleeps, kept = Script(), Sleeps(), Kept()
    assert await delivery(transport, sleeps, kept).send(CHAT, REPLY) is True
    assert transport.sent == [(CHAT, REPLY)]
    assert sleeps.waited == [] and kept.calls == []


async def test_a_rate_limit_is_waited_out_then_the_reply_is_sent_once() -> None:
    transport, sleeps, kept = Script([RateLimited(3)]), Sleeps(), Kept()
    assert await delivery(transport, sleeps, kept).send(CHAT, REPLY) is True
    assert transport.sent == [(CHAT, REPLY)] and len(transport.tries) == 2
    assert sleeps.waited == [3]
    assert kept.calls == []


async def test_passing_failures_are_retried_with_exponential_backoff() -> None:
    transport, sleeps, kept = Script([Unavailable("502"), Unavailable("timeout")]), Sleeps(), Kept()
    sent = await delivery(transport, sleeps, kept, first_delay=0.5).send(CHAT, REPLY)
    assert sent is True
    assert transport.sent == [(CHAT, REPLY)] and len(transport.tries) == 3
    assert sleeps.waited == [0.5, 1.0]
    assert kept.calls == []


async def test_the_backoff_is_jittered_between_half_and_all_of_the_delay_and_capped() -> None:
    sleeps = Sleeps()
    low = Delivery(Failing(Unavailable), sleep=sleeps, jitter=lambda: 0.0, attempts=4, first_delay=1.0)
    assert await low.send(CHAT, REPLY) is False
    assert sleeps.waited == [0.5, 1.0, 2.0]
    sleeps.waited.clear()
    capped = Delivery(Failing(Unavailable), sleep=sleeps, jitter=lambda: 1.0, attempts=6, first_delay=1.0,
                      longest_delay=4.0)
    assert await capped.send(CHAT, REPLY) is False
    assert sleeps.waited == [1.0, 2.0, 4.0, 4.0, 4.0]


async def test_a_failure_that_lasts_is_tried_attempts_times_then_kept_once() -> None:
    transport, sleeps, kept = Failing(Unavailable, "503 Service Unavailable"), Sleeps(), Kept()
    sent = await delivery(transport, sleeps, kept, attempts=4).send(CHAT, REPLY)
    assert sent is False
    assert transport.tries == 4
    assert sleeps.waited == [0.5, 1.0, 2.0]  # no wait after the last try
    assert kept.calls == [(CHAT, REPLY, "503 Service Unavailable")]


async def test_an_unavailable_without_a_message_is_kept_with_its_name() -> None:
    kept = Kept()
    assert await delivery(Failing(Unavailable), Sleeps(), kept, attempts=2).send(CHAT, REPLY) is False
    assert kept.calls == [(CHAT, REPLY, "Unavailable")]


async def test_a_rejected_reply_is_neither_retried_nor_kept(caplog: pytest.LogCaptureFixture) -> None:
    transport, sleeps, kept = Failing(Rejected, "chat not found"), Sleeps(), Kept()
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        assert await delivery(transport, sleeps, kept).send(CHAT, REPLY) is False
    assert transport.tries == 1 and sleeps.waited == [] and kept.calls == []
    assert "chat not found" in caplog.text


async def test_a_rate_limit_longer_than_the_longest_wait_is_kept_at_once() -> None:
    transport, sleeps, kept = Failing(RateLimited, 3600), Sleeps(), Kept()
    sent = await delivery(transport, sleeps, kept, longest_rate_wait=120).send(CHAT, REPLY)
    assert sent is False
    assert transport.tries == 1 and sleeps.waited == []
    assert kept.calls == [(CHAT, REPLY, "rate limited for 3600 s")]


async def test_a_rate_limit_of_exactly_the_longest_wait_is_waited_out() -> None:
    transport, sleeps = Script([RateLimited(120)]), Sleeps()
    assert await delivery(transport, sleeps, longest_rate_wait=120).send(CHAT, REPLY) is True
    assert sleeps.waited == [120]


async def test_a_negative_retry_after_waits_nothing() -> None:
    assert RateLimited(-5).retry_after == 0.0
    assert RateLimited(2).retry_after == 2.0
    assert str(RateLimited(1, "Too Many Requests: retry after 1")) == "Too Many Requests: retry after 1"


async def test_a_keep_that_fails_is_logged_and_send_still_returns_false(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken_keep(chat: ChatRef, reply: Reply, error: str) -> None:
        raise ConnectionError("base de données injoignable")

    transport, sleeps = Failing(Unavailable, "down"), Sleeps()
    sending = Delivery(transport, keep=broken_keep, sleep=sleeps, jitter=lambda: 1.0, attempts=2)
    with caplog.at_level(logging.ERROR, logger="bot.delivery"):
        assert await sending.send(CHAT, REPLY) is False
    assert transport.tries == 2
    failures = [r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], ConnectionError)]
    assert len(failures) == 1


async def test_without_keep_an_undelivered_reply_is_dropped_quietly() -> None:
    transport = Failing(Unavailable, "down")
    assert await delivery(transport, Sleeps(), None, attempts=3).send(CHAT, REPLY) is False
    assert transport.tries == 3


async def test_an_unexpected_error_from_the_transport_is_not_swallowed() -> None:
    """Adapters translate their library's errors; anything else is a bug and surfaces."""
    with pytest.raises(KeyError):
        await delivery(Failing(KeyError, "x"), Sleeps()).send(CHAT, REPLY)


async def test_a_rate_limit_on_the_last_try_is_not_waited_out_before_keeping() -> None:
    transport, sleeps, kept = Failing(RateLimited, 3), Sleeps(), Kept()
    assert await delivery(transport, sleeps, kept, attempts=2).send(CHAT, REPLY) is False
    assert transport.tries == 2 and len(kept.calls) == 1
    assert sleeps.waited == [3]
