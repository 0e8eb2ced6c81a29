"""The one send path of every platform: rate limits honoured, passing failures retried,
and what still cannot be sent kept for later instead of lost.

Each adapter gives a ``Transport`` that sends one reply once and translates its
library's errors into ``RateLimited``, ``Unavailable`` or ``Rejected``; ``Delivery``
does the rest. A send never raises: it returns whether the reply went out.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from handlers.messages import ChatRef, Reply

log = logging.getLogger(__name__)

Transport = Callable[[ChatRef, Reply], Awaitable[None]]
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
        error = ""
        for attempt in range(1, self.attempts + 1):
            try:
                await self.transport(chat, reply)
                return True
            except RateLimited as limited:
                error = str(limited)
                if limited.retry_after > self.longest_rate_wait or attempt == self.attempts:
                    break
                await self.sleep(limited.retry_after)
            except Unavailable as failure:
                error = str(failure) or type(failure).__name__
                if attempt < self.attempts:
                    await self.sleep(self._backoff(attempt))
            except Rejected as refusal:
                log.warning("message refused by %s for chat %s: %s", chat.platform, chat.chat_id, refusal)
                return False
        log.error("message to %s chat %s not delivered: %s", chat.platform, chat.chat_id, error)
        await self._keep(chat, reply, error)
        return False

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
