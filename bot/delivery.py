"""The one send path of every platform: rate limits honoured, passing failures retried,
and what still cannot be sent kept for later instead of lost.

Each adapter gives a ``Transport`` that sends one reply once and translates its
library's errors into ``RateLimited``, ``Unavailable`` or ``Rejected``; ``Delivery``
does the rest. A send never raises: it returns whether the reply went out.
``Delivery.attempt`` runs the same retries around any one call (a post or an edit of
the outbox) and says how it ended, for a caller that records the outcome itself.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from handlers.messages import ChatRef, Reply

log = logging.getLogger(__name__)

Transport = Callable[[ChatRef, Reply], Awaitable[str | None]]  # returns the id of the first message posted
Keep = Callable[[ChatRef, Reply, str], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


class RateLimited(Exception):
    """The platform asked to wait ``retry_after`` seconds (Telegram 429, Slack ``Retry-After``)."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"rate limited for {retry_after:g} s")
        self.retry_after = max(float(retry_after), 0.0)


class Unavailable(Exception):
    """A failure that may pass: a 5xx answer, a timeout, a refused connection."""


class Rejected(Exception):
    """A failure that will not pass by retrying: unknown chat, bot removed, bad request."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one send ended: delivered (with the platform's id of the message), refused for good,
    or failed for now (``error``; ``retry_after`` when a rate limit asked for a longer wait)."""

    delivered: bool
    ref: str | None = None
    error: str = ""
    rejected: bool = False
    retry_after: float | None = None


@dataclass(slots=True)
class Delivery:
    """Sends replies through ``transport``, retrying with backoff, keeping what fails."""

    transport: Transport
    keep: Keep | None = None
    sleep: Sleep = asyncio.sleep
    attempts: int = 5
    first_delay: float = 0.5
    longest_delay: float = 30.0
    longest_rate_wait: float = 120.0
    jitter: Callable[[], float] = field(default=random.random)

    async def send(self, chat: ChatRef, reply: Reply) -> bool:
        """Send ``reply`` to ``chat``; True once delivered, False when kept for later or dropped."""
        outcome = await self.attempt(chat, lambda: self.transport(chat, reply))
        if outcome.delivered:
            return True
        if not outcome.rejected:
            await self._keep(chat, reply, outcome.error)
        return False

    async def attempt(self, chat: ChatRef, call: Callable[[], Awaitable[str | None]]) -> Outcome:
        """Run ``call`` (one send or edit to ``chat``) until it succeeds, waiting out rate limits and
        retrying passing failures with backoff; never raises the platform failures."""
        error, retry_after = "", None
        for attempt in range(1, self.attempts + 1):
            try:
                return Outcome(True, await call())
            except RateLimited as limited:
                error = str(limited)
                if limited.retry_after > self.longest_rate_wait or attempt == self.attempts:
                    retry_after = limited.retry_after
                    break
                await self.sleep(limited.retry_after)
            except Unavailable as failure:
                error, retry_after = str(failure) or type(failure).__name__, None
                if attempt < self.attempts:
                    await self.sleep(self._backoff(attempt))
            except Rejected as refusal:
                log.warning("message refused by %s for chat %s: %s", chat.platform, chat.chat_id, refusal)
                return Outcome(False, error=str(refusal) or type(refusal).__name__, rejected=True)
        log.error("message to %s chat %s not delivered: %s", chat.platform, chat.chat_id, error)
        return Outcome(False, error=error, retry_after=retry_after)

    def _backoff(self, attempt: int) -> float:
        delay = min(self.first_delay * 2 ** (attempt - 1), self.longest_delay)
        return delay * (0.5 + self.jitter() / 2)

    async def _keep(self, chat: ChatRef, reply: Reply, error: str) -> None:
        if self.keep is None:
            return
        try:
            await self.keep(chat, reply, error)
        except Exception:  # the bot goes on even when the database is away
            log.exception("could not keep the undelivered message for chat %s", chat.chat_id)
