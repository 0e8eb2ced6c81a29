"""Sending the outbox: due posts and edits claimed, sent through each platform's ``Outbox``, recorded.

Rows are claimed in batches (only those of the platforms this process runs, so another process
running the others sends theirs); a batch is sent a few chats at a time, each chat's messages in
order. Every send goes through ``Delivery.attempt``: rate limits waited out in place when short,
passing failures retried with backoff. Then the row is marked sent with the platform's id of the
message, put back for a later try (after the platform's retry-after when it asked for a long
wait), or abandoned when the platform refused it for good (a person who never started the bot).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import Delivery, Keep, Outcome, Sleep
from handlers.messages import ChatRef, Outbox, Reply
from handlers.payloads import to_payload, to_reply
from scheduler import outbox
from scheduler.outbox import EDIT, Addressed

log = logging.getLogger(__name__)
BATCH = 64
CONCURRENCY = 8  # chats sent to at once
ATTEMPTS = 3  # tries in place before a message goes back to the outbox for a later one
RATE_WAIT = 5.0  # seconds waited in place for a rate limit; a longer one puts the message back


def to_keep(sessions: async_sessionmaker[AsyncSession], clock: Callable[[], dt.datetime]) -> Keep:
    """The ``keep`` of a ``Delivery``: stores an undelivered reply in the outbox for a later try."""

    async def keep(chat: ChatRef, reply: Reply, error: str) -> None:
        await outbox.keep(sessions, chat.platform, chat.chat_id, chat.thread_id, to_payload(reply), error, clock())

    return keep


@dataclass(slots=True)
class OutboxSender:
    """Sends the due rows of the outbox through ``outboxes`` (one per platform run here)."""

    sessions: async_sessionmaker[AsyncSession]
    outboxes: Mapping[str, Outbox]
    clock: Callable[[], dt.datetime]
    sleep: Sleep = asyncio.sleep
    jitter: Callable[[], float] = random.random
    batch: int = BATCH
    concurrency: int = CONCURRENCY
    _deliveries: dict[str, Delivery] = field(init=False)
    # outcomes are written one at a time: concurrent writers would only queue for SQLite's lock
    _writing: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self._deliveries = {
            platform: Delivery(sender.post, sleep=self.sleep, jitter=self.jitter, attempts=ATTEMPTS,
                               longest_rate_wait=RATE_WAIT)
            for platform, sender in self.outboxes.items()
        }

    async def send_due(self, now: dt.datetime) -> int:
        """Send every message due at ``now``, batch after batch until none is left; the number delivered."""
        delivered = 0
        while claimed := await outbox.claim_due(self.sessions, now, self.batch, platforms=self.outboxes.keys()):
            delivered += await self.send(claimed)
            if len(claimed) < self.batch:
                break
        return delivered

    async def send(self, claimed: Iterable[Addressed]) -> int:
        """Send claimed messages, ``concurrency`` chats at a time and each chat's in order; the number delivered."""
        chats: dict[tuple[str, str], list[Addressed]] = {}
        for message in claimed:
            chats.setdefault((message.platform, message.chat_id), []).append(message)
        gate = asyncio.Semaphore(self.concurrency)

        async def send_to_chat(messages: list[Addressed]) -> int:
            async with gate:
                return sum([await self.send_one(message) for message in messages])

        return sum(await asyncio.gather(*(send_to_chat(messages) for messages in chats.values())))

    async def send_one(self, message: Addressed) -> bool:
        """Send or edit one claimed message and record how it went; whether it was delivered."""
        sender = self.outboxes[message.platform]
        chat = ChatRef(message.platform, message.chat_id, message.thread_id)  # type: ignore[arg-type]
        try:
            reply = to_reply(message.payload)
            if message.kind == EDIT:
                ref = str(message.target_ref)

                async def call() -> str | None:
                    await sender.edit(chat, ref, reply)
                    return ref
            else:

                async def call() -> str | None:
                    return await sender.post(chat, reply)

            outcome = await self._deliveries[message.platform].attempt(chat, call)
        except Exception as error:  # a message that breaks the sender must not stop the others
            log.exception("outbox message %s to %s chat %s failed", message.id, chat.platform, chat.chat_id)
            outcome = Outcome(False, error=f"{type(error).__name__}: {error}")
        async with self._writing:
            await self._record(message, outcome)
        return outcome.delivered

    async def _record(self, message: Addressed, outcome: Outcome) -> None:
        if outcome.delivered:
            await outbox.mark_sent(self.sessions, message, self.clock(), outcome.ref)
        elif outcome.rejected:
            log.warning("outbox message %s to %s chat %s abandoned: %s", message.id, message.platform,
                        message.chat_id, outcome.error)
            await outbox.abandon(self.sessions, message.id, outcome.error, self.clock())
        else:
            wait = dt.timedelta(seconds=outcome.retry_after) if outcome.retry_after is not None else None
            await outbox.mark_failed(self.sessions, message.id, outcome.error, self.clock(), wait=wait)
