"""How far reminders are written (``Event.scheduled_until``) and ``extend_schedules`` writing them further
as time goes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler import reminders
from scheduler.events import CANCELLED, Event, Reminder
from scheduler.reminders import EXTEND_AHEAD, HORIZON

T0 = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
Sessions = async_sessionmaker[AsyncSession]


async def scheduled(sessions: Sessions, starts_at: dt.datetime, **fields: object) -> uuid.UUID:
    """Store an event (H-2 reminders only) and schedule it at ``T0``."""
    event = Event(title="Table de concertation", starts_at=starts_at, zone="America/Toronto", created_by="slack:U1",
                  created_at=T0, reminder_offsets="PT2H", **fields)
    async with sessions.begin() as session:
        session.add(event)
    await reminders.schedule_reminders(sessions, event.id, T0)
    return event.id


async def state(sessions: Sessions, event_id: uuid.UUID) -> tuple[dt.datetime | None, int]:
    """The event's ``scheduled_until`` and how many reminders it has."""
    async with sessions() as session:
        event = await session.get(Event, event_id)
        count = len((await session.scalars(select(Reminder.id).where(Reminder.event_id == event_id))).all())
    assert event is not None
    return event.scheduled_until, count


async def test_a_recurring_event_is_scheduled_up_to_the_horizon_then_further_each_day(sessions: Sessions) -> None:
    event_id = await scheduled(sessions, T0 + DAY, rrule="FREQ=DAILY")
    # every day at 8 h, October 2 to November 29 (8 h EST on November 30 is 13 h UTC, past the horizon)
    assert await state(sessions, event_id) == (T0 + HORIZON, 59)
    assert await reminders.extend_schedules(sessions, T0 + DAY) == 0  # not more than a day short yet
    later = T0 + DAY + dt.timedelta(seconds=1)
    assert await reminders.extend_schedules(sessions, later) == 1
    assert await state(sessions, event_id) == (later + HORIZON, 60)
    assert await reminders.extend_schedules(sessions, later) == 0


async def test_a_one_shot_event_beyond_the_horizon_gets_its_reminders_when_it_comes_near(sessions: Sessions) -> None:
    starts = T0 + HORIZON + 10 * DAY
    event_id = await scheduled(sessions, starts)
    assert await state(sessions, event_id) == (T0 + HORIZON, 0)
    assert await reminders.extend_schedules(sessions, T0 + 5 * DAY) == 0
    assert await reminders.extend_schedules(sessions, T0 + 12 * DAY) == 1
    assert await state(sessions, event_id) == (None, 1)  # nothing left to write: left out of later passes


async def test_events_with_nothing_left_or_cancelled_are_not_extended(sessions: Sessions) -> None:
    near = await scheduled(sessions, T0 + 3 * DAY)
    ended = await scheduled(sessions, T0 + DAY, rrule="FREQ=DAILY;COUNT=3")
    cancelled = await scheduled(sessions, T0 + DAY, rrule="FREQ=WEEKLY")
    async with sessions.begin() as session:
        (await session.get(Event, cancelled)).status = CANCELLED  # type: ignore[union-attr]
    assert (await state(sessions, near))[0] is None and (await state(sessions, ended)) == (None, 3)
    assert await reminders.extend_schedules(sessions, T0 + 30 * DAY) == 0
    assert (await state(sessions, cancelled))[0] == T0 + HORIZON


async def test_extending_writes_only_the_occurrences_that_came_within_the_horizon(sessions: Sessions) -> None:
    event_id = await scheduled(sessions, T0 + DAY, rrule="FREQ=WEEKLY")
    before = (await state(sessions, event_id))[1]
    later = T0 + 20 * DAY
    assert await reminders.extend_schedules(sessions, later) == 3  # weeks between day 60 and day 80
    assert await state(sessions, event_id) == (later + HORIZON, before + 3)
    assert EXTEND_AHEAD == DAY
