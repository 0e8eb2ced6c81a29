"""Reminders of events: rows due at a UTC instant, claimed once, sent on time, late, or skipped.

``schedule_reminders`` writes one row per occurrence within the horizon and per offset of
the event (ISO 8601 durations, "P7D,P1D,PT2H" for J-7, J-1, H-2). Days and weeks are counted
on the local wall clock and hours and minutes as elapsed time: J-7 of a Thursday 17 h is the
previous Thursday at 17 h even across a daylight-saving change, while H-2 is two real hours
before (a wall time the change skips moves forward by the gap, as in ``scheduler.recurrence``).
Reminders already due when scheduled are not written: they belong to a moment that has passed.
Scheduling again never duplicates a row (the key is event, occurrence and offset) and revives
the ones a cancellation skipped, so rescheduling is ``cancel_reminders`` then ``schedule_reminders``.

``claim_due`` hands each due reminder to one sweeper (a conditional update, as in
``scheduler.outbox``) and applies :func:`lateness`, the rule for reminders missed while the
bot was down:

- a reminder whose occurrence has started is skipped;
- a reminder is useful until a window after its due time, by how far ahead of the occurrence
  it was due: 3 days ahead or more (J-7) up to 3 days late, 12 hours ahead or more (J-1) up to
  12 hours late, shorter (H-2) until the start; later than that it is skipped;
- otherwise it is sent, saying the delay when it is more than :data:`ON_TIME`
  ("Rappel envoyé avec 3 h de retard").
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.claims import claim_each, due_or_expired
from scheduler.events import CANCELLED, CLAIMED, DONE, PENDING, SKIPPED, Event, Reminder
from scheduler.recurrence import Recurrence

log = logging.getLogger(__name__)
HORIZON = dt.timedelta(days=60)
EXTEND_AHEAD = dt.timedelta(days=1)  # an event's reminders are written further once this much short of the horizon
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
ON_TIME = dt.timedelta(minutes=10)
# (ahead of the occurrence at least, useful for this long after the due time), longest first.
WINDOWS = ((dt.timedelta(days=3), dt.timedelta(days=3)), (dt.timedelta(hours=12), dt.timedelta(hours=12)))
CANCELLED_NOTE = "Événement annulé ou déplacé."
DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?)?")
BATCH = 32


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a due reminder now; ``note`` says the delay, or why it is skipped."""

    send: bool
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Due:
    """A claimed reminder to send; ``note`` says its delay when it is late."""

    id: uuid.UUID
    event_id: uuid.UUID
    occurrence_start: dt.datetime
    offset: str
    due_at: dt.datetime
    note: str | None


def parse_offset(text: str) -> tuple[int, dt.timedelta]:
    """An ISO 8601 duration ("P7D", "PT2H", "P1DT12H", "P2W") as wall-clock days and elapsed time."""
    match = DURATION.fullmatch(text.strip())
    if match is None or text.strip() == "P":
        raise ValueError(f"durée ISO 8601 non prise en charge : {text!r} (par exemple P7D, P1D, PT2H)")
    weeks, days, hours, minutes = (int(part or 0) for part in match.groups())
    return 7 * weeks + days, dt.timedelta(hours=hours, minutes=minutes)


def due_time(occurrence_start: dt.datetime, offset: str, zone: ZoneInfo) -> dt.datetime:
    """When the ``offset`` reminder of an occurrence is due, in UTC: days on the wall clock, then hours."""
    days, elapsed = parse_offset(offset)
    wall = occurrence_start.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=days)
    return wall.replace(tzinfo=zone).astimezone(dt.UTC) - elapsed


def occurrences(event: Event, after: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
    """The event's occurrences strictly after ``after`` and up to ``until``, in UTC."""
    if event.rrule is None:
        return [event.starts_at] if after < event.starts_at <= until else []
    recurrence = Recurrence(event.rrule, event.starts_at, ZoneInfo(event.zone), event.skip_holidays)
    found: list[dt.datetime] = []
    while True:
        batch = recurrence.occurrences(after, BATCH)
        within = [moment for moment in batch if moment <= until]
        found.extend(within)
        if len(batch) < BATCH or len(within) < len(batch):
            return found
        after = batch[-1]


async def schedule_reminders(
    sessions: async_sessionmaker[AsyncSession],
    event_id: uuid.UUID,
    now: dt.datetime,
    horizon: dt.timedelta = HORIZON,
) -> int:
    """Write the reminders of the event's occurrences within ``horizon`` that are not due yet;
    return how many rows were written or revived (none for a cancelled or unknown event)."""
    async with sessions.begin() as session:
        event = await session.get(Event, event_id)
        if event is None:
            return 0
        return await write_reminders(session, event, now, horizon)


async def write_reminders(
    session: AsyncSession,
    event: Event,
    now: dt.datetime,
    horizon: dt.timedelta = HORIZON,
    after: dt.datetime | None = None,
) -> int:
    """``schedule_reminders`` inside the caller's transaction, for an event already flushed: the
    occurrences after ``after`` (default ``now``) within ``horizon``; ``Event.scheduled_until`` then
    says how far reminders are written, or is cleared when no occurrence remains beyond."""
    if event.status == CANCELLED:
        return 0
    until = now + horizon
    event.scheduled_until = until if _occurs_after(event, until) else None
    zone = ZoneInfo(event.zone)
    offsets = [part.strip() for part in event.reminder_offsets.split(",") if part.strip()]
    rows = [
        {
            "id": uuid.uuid4(),
            "event_id": event.id,
            "occurrence_start": start,
            "offset": offset,
            "due_at": due,
            "status": PENDING,
        }
        for start in occurrences(event, after or now, until)
        for offset in offsets
        if (due := due_time(start, offset, zone)) > now
    ]
    if not rows:
        return 0
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert(Reminder) if dialect == "postgresql" else sqlite.insert(Reminder)
    statement = (
        insert.values(rows)
        .on_conflict_do_update(
            index_elements=[Reminder.event_id, Reminder.occurrence_start, Reminder.offset],
            set_={
                "status": PENDING,
                "due_at": insert.excluded.due_at,
                "note": None,
                "claimed_until": None,
                "done_at": None,
            },
            where=Reminder.status == SKIPPED,
        )
        .returning(Reminder.id)
    )
    return len((await session.execute(statement)).all())


def _occurs_after(event: Event, moment: dt.datetime) -> bool:
    """Whether the event has an occurrence after ``moment``."""
    if event.rrule is None:
        return event.starts_at > moment
    return bool(Recurrence(event.rrule, event.starts_at, ZoneInfo(event.zone), event.skip_holidays).occurrences(moment, 1))


async def extend_schedules(
    sessions: async_sessionmaker[AsyncSession], now: dt.datetime, horizon: dt.timedelta = HORIZON, limit: int = 100
) -> int:
    """Write the reminders of the occurrences that came within ``horizon`` since the events were last
    scheduled (recurring events, and ones further away than the horizon when created), for up to
    ``limit`` events whose ``scheduled_until`` is more than :data:`EXTEND_AHEAD` short of it, the
    furthest behind first, each in its own transaction; the number of reminders written."""
    async with sessions() as session:
        ids = (
            await session.scalars(
                select(Event.id)
                .where(Event.scheduled_until < now + horizon - EXTEND_AHEAD, Event.status != CANCELLED)
                .order_by(Event.scheduled_until)
                .limit(limit)
            )
        ).all()
    written = 0
    for event_id in ids:
        try:
            async with sessions.begin() as session:
                event = await session.get(Event, event_id)
                if event is not None and event.scheduled_until is not None:
                    written += await write_reminders(session, event, now, horizon, after=event.scheduled_until)
        except Exception:  # one broken event must not hold back the others
            log.exception("could not schedule the reminders of event %s further", event_id)
    return written


async def cancel_reminders(sessions: async_sessionmaker[AsyncSession], event_id: uuid.UUID) -> int:
    """Skip the event's reminders not sent yet (a claimed one may already be on its way); return how many."""
    async with sessions.begin() as session:
        return await skip_reminders(session, event_id)


async def skip_reminders(session: AsyncSession, event_id: uuid.UUID) -> int:
    """``cancel_reminders`` inside the caller's transaction."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.event_id == event_id, Reminder.status.in_((PENDING, CLAIMED)))
        .values(status=SKIPPED, claimed_until=None, note=CANCELLED_NOTE)
    )
    return result.rowcount


def lateness(due_at: dt.datetime, occurrence_start: dt.datetime, now: dt.datetime) -> Decision:
    """Send a due reminder (saying its delay when late) or skip it, by the rule in the module docstring."""
    if now >= occurrence_start:
        return Decision(False, "Rappel sauté : l'événement a déjà commencé.")
    delay = now - due_at
    if delay <= ON_TIME:
        return Decision(True)
    ahead = occurrence_start - due_at
    window = next((useful for least, useful in WINDOWS if ahead >= least), ahead)
    if delay > window:
        return Decision(False, f"Rappel sauté : {to_french_delay(delay)} de retard, il n'est plus utile.")
    return Decision(True, f"Rappel envoyé avec {to_french_delay(delay)} de retard")


def to_french_delay(delay: dt.timedelta) -> str:
    """A delay in French: "25 min", "3 h", "3 h 20", "4 jours"."""
    minutes = int(delay.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest:02d}" if rest else f"{hours} h"
    return f"{minutes // (24 * 60)} jours"


async def claim_due(
    sessions: async_sessionmaker[AsyncSession], now: dt.datetime, limit: int = 50
) -> list[Due]:
    """Due reminders, each claimed for this sweeper only: pending ones whose time has come and ones
    whose claim ran out. Those :func:`lateness` skips are marked skipped, with the reason, instead."""

    def values(row: Row[Any]) -> dict[str, Any]:
        decision = lateness(row.due_at, row.occurrence_start, now)
        if decision.send:
            return {"status": CLAIMED, "claimed_until": now + CLAIM_TIMEOUT, "note": decision.note}
        return {"status": SKIPPED, "claimed_until": None, "done_at": now, "note": decision.note}

    while True:
        taken = await claim_each(
            sessions,
            Reminder,
            due_or_expired(Reminder, PENDING, CLAIMED, now),
            read=(Reminder.id, Reminder.due_at, Reminder.occurrence_start),
            values=values,
            returning=(Reminder.id, Reminder.event_id, Reminder.occurrence_start, Reminder.offset,
                       Reminder.due_at, Reminder.status, Reminder.note),
            limit=limit,
        )
        claimed = [Due(*changed[:5], note=changed.note) for _, changed in taken if changed.status == CLAIMED]
        if claimed or len(taken) < limit:  # a batch all skipped: the next one may hold reminders to send
            return claimed


async def settle(
    sessions: async_sessionmaker[AsyncSession], reminder_id: uuid.UUID, now: dt.datetime
) -> bool:
    """Record that a claimed reminder went out; false when it was no longer claimed (cancelled meanwhile)."""
    async with sessions.begin() as session:
        return await settle_in(session, reminder_id, now)


async def settle_in(session: AsyncSession, reminder_id: uuid.UUID, now: dt.datetime) -> bool:
    """``settle`` inside the caller's transaction (which then holds the reminder's row until it ends)."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.status == CLAIMED)
        .values(status=DONE, done_at=now, claimed_until=None)
    )
    return result.rowcount == 1
