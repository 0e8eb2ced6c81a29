"""Events as the chat commands change them: created with their channels and reminders, found by a
short id, locked while answered, rescheduled or cancelled. Every function works inside the caller's
transaction, so that what a command writes (the event, its reminders, its outgoing messages) is
written together or not at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.db import lock_row
from scheduler.addresses import Channel
from scheduler.events import CANCELLED, DEFAULT_OFFSETS, SCHEDULED, Event, EventChannel
from scheduler.recurrence import Recurrence
from scheduler.reminders import skip_reminders, write_reminders
from scheduler.short_ids import select_by_short_id


@dataclass(frozen=True, slots=True)
class EventDraft:
    """Everything needed to create an event; ``starts_at`` is the first occurrence, aware."""

    title: str
    kind: str
    starts_at: dt.datetime
    zone: str
    place: str = ""
    description: str = ""
    rrule: str | None = None
    skip_holidays: bool = False
    capacity: int | None = None
    reminder_offsets: str = DEFAULT_OFFSETS
    channels: tuple[Channel, ...] = ()


async def create_event(session: AsyncSession, draft: EventDraft, created_by: str, now: dt.datetime) -> Event:
    """Add the event, its channels and the reminders of its coming occurrences."""
    event = Event(
        title=draft.title, kind=draft.kind, starts_at=draft.starts_at.astimezone(dt.UTC), zone=draft.zone,
        place=draft.place, description=draft.description, rrule=draft.rrule, skip_holidays=draft.skip_holidays,
        status=SCHEDULED, sequence=0, reminder_offsets=draft.reminder_offsets, created_by=created_by,
        created_at=now, capacity=draft.capacity,
    )
    session.add(event)
    await session.flush()
    session.add_all(
        EventChannel(event_id=event.id, platform=c.platform, chat_id=c.chat_id, thread_id=c.thread_id)
        for c in dict.fromkeys(draft.channels)
    )
    await session.flush()
    await write_reminders(session, event, now)
    return event


async def find_events(session: AsyncSession, text: str) -> list[Event]:
    """The events a typed short id names (``scheduler.short_ids``): none, one, or two when it fits several."""
    statement = select_by_short_id(Event, text)
    return [] if statement is None else list((await session.scalars(statement)).all())


async def lock_event(session: AsyncSession, event_id: uuid.UUID) -> Event | None:
    """The event, locked until the end of the transaction: its row on PostgreSQL (FOR UPDATE), the
    database's write lock on SQLite (taken by a first write), so that answers to it are counted in turn."""
    return await lock_row(session, Event, event_id, touch=Event.sequence)


async def channels_of(session: AsyncSession, event_id: uuid.UUID) -> list[EventChannel]:
    """The chats an event is announced in."""
    statement = select(EventChannel).where(EventChannel.event_id == event_id).order_by(
        EventChannel.platform, EventChannel.chat_id
    )
    return list((await session.scalars(statement)).all())


def next_start(event: Event, now: dt.datetime) -> dt.datetime | None:
    """The event's next occurrence after ``now`` (UTC), none when it is over."""
    if event.rrule is None:
        return event.starts_at if event.starts_at > now else None
    recurrence = Recurrence(event.rrule, event.starts_at, ZoneInfo(event.zone), event.skip_holidays)
    coming = recurrence.occurrences(now, 1)
    return coming[0] if coming else None


async def upcoming(session: AsyncSession, now: dt.datetime, limit: int = 20) -> list[tuple[Event, dt.datetime]]:
    """Scheduled events still to come, each with its next occurrence, soonest first."""
    statement = select(Event).where(
        Event.status == SCHEDULED, or_(Event.rrule.is_not(None), Event.starts_at > now)
    )
    coming = [(event, start) for event in (await session.scalars(statement)).all()
              if (start := next_start(event, now)) is not None]
    return sorted(coming, key=lambda pair: (pair[1], pair[0].title))[:limit]


async def reschedule_event(session: AsyncSession, event: Event, starts_at: dt.datetime, now: dt.datetime) -> None:
    """Move the event (a recurring one: its first occurrence) and rewrite its reminders."""
    event.starts_at = starts_at.astimezone(dt.UTC)
    event.sequence += 1
    await session.flush()
    await skip_reminders(session, event.id)
    await write_reminders(session, event, now)


async def set_reminder_offsets(session: AsyncSession, event: Event, offsets: str, now: dt.datetime) -> None:
    """Change when the event's reminders are sent ("P3D,PT1H") and rewrite them."""
    event.reminder_offsets = offsets
    await session.flush()
    await skip_reminders(session, event.id)
    await write_reminders(session, event, now)


async def cancel_event(session: AsyncSession, event: Event) -> None:
    """Cancel the event: its reminders not sent yet are skipped."""
    event.status = CANCELLED
    event.sequence += 1
    await session.flush()
    await skip_reminders(session, event.id)
