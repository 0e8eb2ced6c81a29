"""The outbox: messages waiting to be sent, kept in the database so that none is lost.

Proactive messages (reminders, announcements) are written here by ``enqueue`` inside the
transaction that decides them, at most once per ``dedupe_key``; a reply that could not be
delivered is kept here by ``keep``. ``enqueue_edit`` gives every message of a topic a new
text: a message already posted gets an edit row aimed at it, one not posted yet just takes
the new text. ``claim_due`` hands due rows to one sender at a time (a conditional update, so
two running bots never both send one), and ``mark_sent`` / ``mark_failed`` record the outcome,
with the next try pushed back further each time. A row whose text changed while it was on its
way gets an edit right after it is marked sent, so the newest text always ends up shown.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime
from scheduler.claims import claim_each, due_or_expired

PENDING, SENDING, SENT, ABANDONED = "pending", "sending", "sent", "abandoned"
POST, EDIT = "post", "edit"  # a new message, or a new text for one already posted (``target_ref``)
# Waits between tries of a kept message; after the last one it is abandoned (and stays, for the record).
RETRY_DELAYS = tuple(dt.timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 720))
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
UNSENT = (PENDING, SENDING)


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
    """A claimed message: where it goes and what it says; an edit names the message it changes."""

    id: uuid.UUID
    platform: str
    chat_id: str
    thread_id: str | None
    payload: dict[str, Any]
    attempts: int
    kind: str = POST
    target_ref: str | None = None


async def enqueue(
    session: AsyncSession,
    platform: str,
    chat_id: str,
    thread_id: str | None,
    payload: dict[str, Any],
    now: dt.datetime,
    *,
    topic: str | None = None,
    dedupe_key: str | None = None,
    due_at: dt.datetime | None = None,
) -> bool:
    """Add a message to post, due at ``due_at`` (default ``now``), in the caller's transaction;
    False, and nothing written, when a message with ``dedupe_key`` already exists."""
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert(OutboxMessage) if dialect == "postgresql" else sqlite.insert(OutboxMessage)
    statement = (
        insert.values(
            id=uuid.uuid4(), platform=platform, chat_id=chat_id, thread_id=thread_id, payload=payload,
            status=PENDING, attempts=0, due_at=due_at or now, created_at=now, kind=POST, topic=topic,
            dedupe_key=dedupe_key,
        )
        .on_conflict_do_nothing(index_elements=[OutboxMessage.dedupe_key])
        .returning(OutboxMessage.id)
    )
    return (await session.execute(statement)).first() is not None


async def enqueue_edit(session: AsyncSession, topic: str, payload: dict[str, Any], now: dt.datetime) -> int:
    """Give every message posted about ``topic`` the text and buttons of ``payload``, in the caller's
    transaction: one not sent yet just takes the new payload, one already sent gets an edit (or its
    edit still waiting takes the new payload). The number of messages touched (abandoned ones are not)."""
    posts = (
        await session.execute(
            select(OutboxMessage.id, OutboxMessage.status)
            .where(OutboxMessage.topic == topic, OutboxMessage.kind == POST)
            .order_by(OutboxMessage.created_at)
        )
    ).all()
    touched = 0
    for post_id, status in posts:
        if status in UNSENT and await _replace_payload(session, OutboxMessage.id == post_id, payload):
            touched += 1
            continue
        post = (
            await session.execute(
                select(OutboxMessage.platform, OutboxMessage.chat_id, OutboxMessage.thread_id,
                       OutboxMessage.status, OutboxMessage.sent_ref).where(OutboxMessage.id == post_id)
            )
        ).one()
        if post.status != SENT or post.sent_ref is None:
            continue
        await _edit(session, post.platform, post.chat_id, post.thread_id, post.sent_ref, payload, now, topic)
        touched += 1
    return touched


async def _replace_payload(session: AsyncSession, which: Any, payload: dict[str, Any]) -> bool:
    """Give the unsent rows ``which`` selects the new payload; whether one did."""
    result = await session.execute(
        update(OutboxMessage).where(which, OutboxMessage.status.in_(UNSENT)).values(payload=payload)
    )
    return bool(result.rowcount)


async def _edit(
    session: AsyncSession, platform: str, chat_id: str, thread_id: str | None, ref: str,
    payload: dict[str, Any], now: dt.datetime, topic: str | None,
) -> None:
    """An edit of the sent message ``ref``: the edit still waiting for it takes ``payload``, or a new one is added."""
    waiting = (
        (OutboxMessage.kind == EDIT) & (OutboxMessage.platform == platform)
        & (OutboxMessage.chat_id == chat_id) & (OutboxMessage.target_ref == ref)
    )
    if await _replace_payload(session, waiting, payload):
        return
    session.add(
        OutboxMessage(
            platform=platform, chat_id=chat_id, thread_id=thread_id, payload=payload, status=PENDING,
            attempts=0, due_at=now, created_at=now, kind=EDIT, target_ref=ref, topic=topic,
        )
    )
    await session.flush()


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


async def claim_due(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    limit: int = 50,
    platforms: Collection[str] | None = None,
) -> list[Addressed]:
    """Due messages (of ``platforms`` only, when given), each claimed for this sender only: pending
    ones whose time has come, and ones a sender claimed but never finished (it stopped) once their
    claim has run out."""
    is_due = due_or_expired(OutboxMessage, PENDING, SENDING, now)
    if platforms is not None:
        is_due = is_due & OutboxMessage.platform.in_(list(platforms))
    taken = await claim_each(
        sessions,
        OutboxMessage,
        is_due,
        read=(OutboxMessage.id,),
        values=lambda _: {"status": SENDING, "claimed_until": now + CLAIM_TIMEOUT},
        returning=(
            OutboxMessage.id, OutboxMessage.platform, OutboxMessage.chat_id, OutboxMessage.thread_id,
            OutboxMessage.payload, OutboxMessage.attempts, OutboxMessage.kind, OutboxMessage.target_ref,
        ),
        limit=limit,
    )
    return [Addressed(*changed) for _, changed in taken]


async def mark_sent(
    sessions: async_sessionmaker[AsyncSession], message: Addressed, now: dt.datetime, sent_ref: str | None = None
) -> None:
    """Record that a claimed message went out (``sent_ref``: the platform's id of the posted message).
    When its payload was changed meanwhile, an edit of that message is added with the new one."""
    ref = message.target_ref if message.kind == EDIT else sent_ref
    async with sessions.begin() as session:
        stored = (
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id)
                .values(status=SENT, sent_at=now, claimed_until=None, sent_ref=ref)
                .returning(OutboxMessage.payload, OutboxMessage.topic)
            )
        ).one_or_none()
        if stored is not None and ref is not None and stored.payload != message.payload:
            await _edit(session, message.platform, message.chat_id, message.thread_id, ref, stored.payload, now,
                        stored.topic)


async def mark_failed(
    sessions: async_sessionmaker[AsyncSession],
    message_id: uuid.UUID,
    error: str,
    now: dt.datetime,
    wait: dt.timedelta | None = None,
) -> None:
    """Record a failed try: due again after ``wait`` (a platform's rate limit) or the next retry
    delay, or abandoned after the last one."""
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
            message.due_at = now + (wait if wait is not None else RETRY_DELAYS[message.attempts - 1])


async def abandon(sessions: async_sessionmaker[AsyncSession], message_id: uuid.UUID, error: str, now: dt.datetime) -> None:
    """Give up on a message the platform refused for good (it stays, for the record)."""
    async with sessions.begin() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=ABANDONED, last_error=error[:2000], claimed_until=None, due_at=now)
        )
