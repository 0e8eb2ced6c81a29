"""Announcements: messages posted to channels once or on a recurrence, paused or cancelled at will.

An announcement is due at ``due_at`` (UTC); a recurring one has an RFC 5545 RRULE read on the
wall clock of ``zone`` from ``first_at`` (``scheduler.recurrence``; computed, never pickled), and
after each posting ``due_at`` moves to the next occurrence. ``status`` follows the claim
convention of ``scheduler.claims``. A new announcement, or a proposed change to one, is first
kept as a ``draft`` row until its author confirms it; drafts are never posted and are forgotten
after :data:`DRAFT_LIFETIME`.

Missed occurrences (the bot was down): when an announcement is claimed, only the most recent
occurrence at or before now is considered; older missed ones are skipped without a word. That
occurrence is posted, late, if it is at most :data:`LATE_LIMIT` old, and skipped otherwise (a
week-old "la table se réunit jeudi" would mislead). Then ``due_at`` moves to the first
occurrence after now, or the announcement is finished.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime
from scheduler.addresses import Channel
from scheduler.claims import claim_each, due_or_expired
from scheduler.recurrence import Recurrence
from scheduler.short_ids import select_by_short_id, to_short_id

ACTIVE, CLAIMED, PAUSED, FINISHED, CANCELLED = "active", "claimed", "paused", "finished", "cancelled"
DRAFT = "draft"
LIVE = (ACTIVE, CLAIMED, PAUSED)  # the statuses an organizer lists and changes
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
LATE_LIMIT = dt.timedelta(hours=24)
DRAFT_LIFETIME = dt.timedelta(days=1)


class Announcement(Base):
    """One message to post, once or on a recurrence."""

    __tablename__ = "announcement"
    __table_args__ = (Index("ix_announcement_due", "status", "due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    text: Mapped[str] = mapped_column(Text)
    zone: Mapped[str] = mapped_column(String(64))
    first_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    rrule: Mapped[str | None] = mapped_column(Text)
    skip_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    due_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AnnouncementChannel(Base):
    """A chat (and thread) an announcement is posted to."""

    __tablename__ = "announcement_channel"

    announcement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(Text, primary_key=True)
    thread_id: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class Schedule:
    """When an announcement is posted: once at ``first_at``, or on ``rrule`` from ``first_at``."""

    first_at: dt.datetime
    zone: str
    rrule: str | None = None
    skip_holidays: bool = False

    @property
    def recurrence(self) -> Recurrence | None:
        """The rhythm, rebuilt from the stored rule (None for a one-shot announcement)."""
        if self.rrule is None:
            return None
        return Recurrence(self.rrule, self.first_at, ZoneInfo(self.zone), self.skip_holidays)

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        """The first occurrence strictly after ``moment``, or None when there is no more."""
        recurrence = self.recurrence
        if recurrence is None:
            return self.first_at if self.first_at > moment else None
        found = recurrence.occurrences(moment, 1)
        return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Summary:
    """An announcement as listed: its ids, text, schedule, state and channels."""

    id: uuid.UUID
    text: str
    schedule: Schedule
    status: str
    due_at: dt.datetime | None
    channels: tuple[Channel, ...]
    created_by: str

    @property
    def short_id(self) -> str:
        """The first characters of the id, enough to name it in a command."""
        return to_short_id(self.id)


@dataclass(frozen=True, slots=True)
class Posting:
    """What to do with a due announcement: the occurrence to post (None: skipped), and what comes next."""

    occurrence: dt.datetime | None
    next_due: dt.datetime | None
    missed: dt.datetime  # the most recent occurrence at or before now


def plan_posting(due_at: dt.datetime, schedule: Schedule, now: dt.datetime) -> Posting:
    """The occurrence of a due announcement to post now, by the rule in the module docstring."""
    latest = due_at
    while (following := schedule.next_after(max(latest, now - LATE_LIMIT))) is not None and following <= now:
        latest = following
    posted = latest if now - latest <= LATE_LIMIT else None
    return Posting(posted, schedule.next_after(now), latest)


async def save_draft(
    sessions: async_sessionmaker[AsyncSession],
    text: str,
    schedule: Schedule,
    channels: Sequence[Channel],
    created_by: str,
    now: dt.datetime,
) -> uuid.UUID:
    """Keep a proposed announcement (or a proposed change, without channels) until it is confirmed;
    drafts older than :data:`DRAFT_LIFETIME` are forgotten on the way."""
    draft = Announcement(
        text=text, zone=schedule.zone, first_at=schedule.first_at, rrule=schedule.rrule,
        skip_holidays=schedule.skip_holidays, status=DRAFT, due_at=None, created_by=created_by,
        created_at=now, updated_at=now,
    )
    async with sessions.begin() as session:
        await session.execute(
            delete(Announcement).where(Announcement.status == DRAFT, Announcement.created_at < now - DRAFT_LIFETIME)
        )
        session.add(draft)
        await session.flush()
        session.add_all(
            AnnouncementChannel(announcement_id=draft.id, platform=c.platform, chat_id=c.chat_id, thread_id=c.thread_id)
            for c in dict.fromkeys(channels)
        )
    return draft.id


async def draft(sessions: async_sessionmaker[AsyncSession], draft_id: uuid.UUID, now: dt.datetime) -> Summary | None:
    """The draft ``draft_id`` while it can still be confirmed, else None."""
    async with sessions() as session:
        row = await session.get(Announcement, draft_id)
        if row is None or row.status != DRAFT or row.created_at < now - DRAFT_LIFETIME:
            return None
        return (await _summaries(session, [row]))[0]


async def confirm(
    sessions: async_sessionmaker[AsyncSession], draft_id: uuid.UUID, due_at: dt.datetime, now: dt.datetime
) -> bool:
    """Make the draft a live announcement due at ``due_at``; false when it was already confirmed or discarded."""
    async with sessions.begin() as session:
        result = await session.execute(
            update(Announcement)
            .where(Announcement.id == draft_id, Announcement.status == DRAFT)
            .values(status=ACTIVE, due_at=due_at, created_at=now, updated_at=now)
        )
        return result.rowcount == 1


async def apply_change(
    sessions: async_sessionmaker[AsyncSession], draft_id: uuid.UUID, target_id: uuid.UUID, now: dt.datetime
) -> Summary | None:
    """Give ``target_id`` the text and schedule of the draft ``draft_id`` (a changed schedule makes it due
    at its next occurrence after ``now``) and drop the draft; None when either is gone or the target is over."""
    async with sessions.begin() as session:
        proposed = await session.get(Announcement, draft_id, with_for_update=True)
        target = await session.get(Announcement, target_id, with_for_update=True)
        if proposed is None or proposed.status != DRAFT or target is None or target.status not in LIVE:
            return None
        schedule = to_schedule(proposed)
        if schedule != to_schedule(target):
            target.first_at, target.zone = schedule.first_at, schedule.zone
            target.rrule, target.skip_holidays = schedule.rrule, schedule.skip_holidays
            target.due_at = schedule.next_after(now)
            if target.status == CLAIMED:  # the posting under way is given up: the old schedule no longer holds
                target.status, target.claimed_until = ACTIVE, None
        target.text = proposed.text
        target.updated_at = now
        await session.delete(proposed)
        await session.flush()
        return (await _summaries(session, [target]))[0]


async def discard(sessions: async_sessionmaker[AsyncSession], draft_id: uuid.UUID) -> bool:
    """Forget the draft ``draft_id``; false when it was no longer a draft."""
    async with sessions.begin() as session:
        result = await session.execute(
            delete(Announcement).where(Announcement.id == draft_id, Announcement.status == DRAFT)
        )
        return result.rowcount == 1


async def live(sessions: async_sessionmaker[AsyncSession]) -> list[Summary]:
    """Every announcement still to post or paused, the next due first (paused ones last)."""
    async with sessions() as session:
        rows = await session.scalars(
            select(Announcement)
            .where(Announcement.status.in_(LIVE))
            .order_by(Announcement.status == PAUSED, Announcement.due_at, Announcement.created_at)
        )
        return await _summaries(session, list(rows))


async def find(sessions: async_sessionmaker[AsyncSession], short_id: str) -> list[Summary]:
    """The live announcements a typed short id names (``scheduler.short_ids``): none, one, or two when
    it fits several."""
    statement = select_by_short_id(Announcement, short_id)
    if statement is None:
        return []
    async with sessions() as session:
        rows = await session.scalars(statement.where(Announcement.status.in_(LIVE)))
        return await _summaries(session, list(rows))


async def pause(sessions: async_sessionmaker[AsyncSession], announcement_id: uuid.UUID, now: dt.datetime) -> bool:
    """Stop posting an announcement until it is resumed (a posting under way is given up); false when not live."""
    return await _set_status(sessions, announcement_id, (ACTIVE, CLAIMED), now, status=PAUSED, claimed_until=None)


async def cancel(sessions: async_sessionmaker[AsyncSession], announcement_id: uuid.UUID, now: dt.datetime) -> bool:
    """Cancel an announcement for good; false when it was not live."""
    return await _set_status(sessions, announcement_id, LIVE, now, status=CANCELLED, due_at=None, claimed_until=None)


async def resume(
    sessions: async_sessionmaker[AsyncSession], announcement_id: uuid.UUID, now: dt.datetime
) -> dt.datetime | None:
    """Post a paused announcement again from its next occurrence after ``now``; that moment, or None
    when it was not paused or has no occurrence left."""
    async with sessions.begin() as session:
        row = await session.get(Announcement, announcement_id, with_for_update=True)
        if row is None or row.status != PAUSED:
            return None
        due = to_schedule(row).next_after(now)
        if due is None:
            return None
        row.status, row.due_at, row.updated_at = ACTIVE, due, now
        return due


async def claim_due(sessions: async_sessionmaker[AsyncSession], now: dt.datetime, limit: int = 50) -> list[uuid.UUID]:
    """Due announcements, each claimed for this producer only (claims of a stopped one are taken again)."""
    taken = await claim_each(
        sessions,
        Announcement,
        due_or_expired(Announcement, ACTIVE, CLAIMED, now),
        read=(Announcement.id,),
        values=lambda _: {"status": CLAIMED, "claimed_until": now + CLAIM_TIMEOUT},
        returning=(Announcement.id,),
        limit=limit,
    )
    return [changed.id for _, changed in taken]


async def claimed(session: AsyncSession, announcement_id: uuid.UUID) -> tuple[Announcement, list[Channel]] | None:
    """Within the caller's transaction, a claimed announcement (locked) and its channels; None when it
    was paused, cancelled or changed since it was claimed."""
    row = await session.get(Announcement, announcement_id, with_for_update=True, populate_existing=True)
    if row is None or row.status != CLAIMED or row.due_at is None:
        return None
    return row, await _channels(session, announcement_id)


def advance(row: Announcement, next_due: dt.datetime | None, now: dt.datetime) -> None:
    """After posting, make a claimed announcement due at ``next_due``, or finished when there is none."""
    row.status = ACTIVE if next_due is not None else FINISHED
    row.due_at, row.claimed_until, row.updated_at = next_due, None, now


def to_schedule(row: Announcement) -> Schedule:
    """The schedule stored in ``row``."""
    return Schedule(row.first_at, row.zone, row.rrule, row.skip_holidays)


async def _channels(session: AsyncSession, announcement_id: uuid.UUID) -> list[Channel]:
    rows = await session.execute(
        select(AnnouncementChannel.platform, AnnouncementChannel.chat_id, AnnouncementChannel.thread_id)
        .where(AnnouncementChannel.announcement_id == announcement_id)
        .order_by(AnnouncementChannel.platform, AnnouncementChannel.chat_id)
    )
    return [Channel(*row) for row in rows]


async def _summaries(session: AsyncSession, rows: list[Announcement]) -> list[Summary]:
    return [
        Summary(row.id, row.text, to_schedule(row), row.status, row.due_at,
                tuple(await _channels(session, row.id)), row.created_by)
        for row in rows
    ]


async def _set_status(
    sessions: async_sessionmaker[AsyncSession],
    announcement_id: uuid.UUID,
    among: Sequence[str],
    now: dt.datetime,
    **values: object,
) -> bool:
    async with sessions.begin() as session:
        result = await session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id, Announcement.status.in_(among))
            .values(updated_at=now, **values)
        )
        return result.rowcount == 1
