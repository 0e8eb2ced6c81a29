"""Messages kept in the outbox after a failed send, tried again when they fall due."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import Delivery, Keep
from handlers.messages import ChatRef, Reply
from handlers.payloads import to_payload, to_reply
from scheduler import outbox

log = logging.getLogger(__name__)
SWEEP_EVERY = 30.0  # seconds between looks at the outbox


def to_keep(sessions: async_sessionmaker[AsyncSession], clock: Callable[[], dt.datetime]) -> Keep:
    """The ``keep`` of a ``Delivery``: stores an undelivered reply in the outbox for a later try."""

    async def keep(chat: ChatRef, reply: Reply, error: str) -> None:
        await outbox.keep(sessions, chat.platform, chat.chat_id, chat.thread_id, to_payload(reply), error, clock())

    return keep


async def resend_due(
    sessions: async_sessionmaker[AsyncSession], deliveries: Mapping[str, Delivery], now: dt.datetime
) -> int:
    """Try every due outbox message once more on its platform; the number delivered."""
    delivered = 0
    for message in await outbox.claim_due(sessions, now):
        delivery = deliveries.get(message.platform)
        if delivery is None:  # that platform is not running here: leave it for a process that runs it
            await outbox.mark_failed(sessions, message.id, f"{message.platform} n'est pas démarré", now)
            continue
        chat = ChatRef(message.platform, message.chat_id, message.thread_id)  # type: ignore[arg-type]
        failures: list[str] = []

        async def note(_chat: ChatRef, _reply: Reply, error: str, failures: list[str] = failures) -> None:
            failures.append(error)

        if await dataclasses.replace(delivery, keep=note).send(chat, to_reply(message.payload)):
            await outbox.mark_sent(sessions, message.id, now)
            delivered += 1
        elif failures:  # failed for now: try again later
            await outbox.mark_failed(sessions, message.id, failures[-1], now)
        else:  # refused for good (chat gone, bot removed): no use trying again
            await outbox.abandon(sessions, message.id, "refusé par la plateforme", now)
    return delivered


async def sweep(
    sessions: async_sessionmaker[AsyncSession],
    deliveries: Mapping[str, Delivery],
    clock: Callable[[], dt.datetime],
    stop: asyncio.Event,
    every: float = SWEEP_EVERY,
) -> None:
    """Resend due messages every ``every`` seconds until ``stop`` is set; errors are logged, never raised."""
    while not stop.is_set():
        try:
            await resend_due(sessions, deliveries, clock())
        except Exception:
            log.exception("outbox sweep failed")
        try:
            await asyncio.wait_for(stop.wait(), every)
        except TimeoutError:
            pass
