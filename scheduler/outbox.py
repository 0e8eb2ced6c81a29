"""The outbox: messages waiting to be sent, kept in the database so that none is lost.

A message that could not be delivered is kept here with its chat and a due time;
``claim_due`` hands due messages to one sender at a time (a conditional update, so
two running bots never both send one), and ``mark_sent`` / ``mark_failed`` record
the outcome, with the next try pushed back further each time.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime
from scheduler.claims import claim_each, due_or_expired

PENDING, SENDING, SENT, ABANDONED = "pending", "sending", "sent", "abandoned"
POST, EDIT = "post", "edit"  # a new message, or a new text for one already posted (``target_ref``)
# Waits between tries of a kept message; after the last one it is abandoned (and stays, for the record).
RETRY_DELAYS = tuple(dt.timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 720))
CLAIM_TIMEOUT = dt.timedelta(minutes=5)


class OutboxMessage(Base):
    """One message to send to one chat: a rendered-neutral reply as JSON, and its delivery state."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "due_at"),
        Index("ix_outbox_message_topic", "topic"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(Text)
    thread_id: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(8), default=POST)
    # the platform's id of the message an edit changes (Telegram message_id, Slack ts)
    target_ref: Mapped[str | None] = mapped_column(Text)
    # the platform's id of the posted message, once sent
    sent_ref: Mapped[str | None] = mapped_column(Text)
    # what the message is about ("event:<id>:announce"), to find the posts to edit
    topic: Mapped[str | None] = mapped_column(Text)
    # one row at most per key ("reminder:<id>:<chat>"), so a retried enqueue never doubles a message
    dedupe_key: Mapped[str | None] = mapped_column(Text, unique=True)


@dataclass(frozen=True, slots=True)
class Addressed:
    """A claimed message: where it goes and what it says."""

    id: uuid.UUID
    platform: str
    chat_id: str
    thread_id: str | None
    payload: dict[str, Any]
    attempts: int


async def keep(
    sessions: async_sessionmaker[AsyncSession],
    platform: str,
    chat_id: str,
    thread_id: str | None,
    payload: dict[str, Any],
    error: str,
    now: dt.datetime,
) -> uuid.UUID:
    """Keep an undelivered message for a later try, due after the first retry delay."""
    message = OutboxMessage(
        platform=platform, chat_id=chat_id, thread_id=thread_id, payload=payload, status=PENDING,
        attempts=1, due_at=now + RETRY_DELAYS[0], last_error=error[:2000], created_at=now,
    )
    async with sessions.begin() as session:
        session.add(message)
    return message.id


async def claim_due(sessions: async_sessionmaker[AsyncSession], now: dt.datetime, limit: int = 50) -> list[Addressed]:
    """Due messages, each claimed for this sender only: pending ones whose time has come, and
    ones a sender claimed but never finished (it stopped) once their claim has run out."""
    taken = await claim_each(
        sessions,
        OutboxMessage,
        due_or_expired(OutboxMessage, PENDING, SENDING, now),
        read=(OutboxMessage.id,),
        values=lambda _: {"status": SENDING, "claimed_until": now + CLAIM_TIMEOUT},
        returning=(
            OutboxMessage.id, OutboxMessage.platform, OutboxMessage.chat_id, OutboxMessage.thread_id,
            OutboxMessage.payload, OutboxMessage.attempts,
        ),
        limit=limit,
    )
    return [Addressed(*changed) for _, changed in taken]


async def mark_sent(sessions: async_sessionmaker[AsyncSession], message_id: uuid.UUID, now: dt.datetime) -> None:
    """Record that a claimed message went out."""
    async with sessions.begin() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=SENT, sent_at=now, claimed_until=None)
        )


async def mark_failed(
    sessions: async_sessionmaker[AsyncSession], message_id: uuid.UUID, error: str, now: dt.datetime
) -> None:
    """Record a failed try: due again later, or abandoned after the last retry delay."""
    async with sessions.begin() as session:
        message = await session.get(OutboxMessage, message_id)
        if message is None:
            return
        message.attempts += 1
        message.last_error = error[:2000]
        message.claimed_until = None
        if message.attempts > len(RETRY_DELAYS):
            message.status = ABANDONED
        else:
            message.status = PENDING
            message.due_at = now + RETRY_DELAYS[message.attempts - 1]


async def abandon(sessions: async_sessionmaker[AsyncSession], message_id: uuid.UUID, error: str, now: dt.datetime) -> None:
    """Give up on a message the platform refused for good (it stays, for the record)."""
    async with sessions.begin() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=ABANDONED, last_error=error[:2000], claimed_until=None, due_at=now)
        )
