"""The event tables on SQLite and PostgreSQL: defaults, one answer per person, rows deleted with their event."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.events import DEFAULT_OFFSETS, PENDING, SCHEDULED, YES, Event, EventChannel, Reminder, Rsvp

T0 = dt.datetime(2026, 10, 1, 14, 0, tzinfo=dt.UTC)
Sessions = async_sessionmaker[AsyncSession]


def five_to_seven() -> Event:
    """A one-shot 5-à-7 with every default left as is."""
    return Event(
        title="5-à-7 des intervenants",
        kind="5-à-7",
        starts_at=dt.datetime(2026, 11, 5, 22, 0, tzinfo=dt.UTC),
        zone="America/Toronto",
        created_by="telegram:42",
        created_at=T0,
    )


async def count(sessions: Sessions, table: type[EventChannel | Rsvp | Reminder]) -> int:
    """How many rows ``table`` holds."""
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_an_event_gets_its_defaults_and_reads_back_in_utc(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        session.add(event := five_to_seven())
    async with sessions() as session:
        stored = await session.get(Event, event.id)
    assert stored is not None
    assert stored.starts_at == dt.datetime(2026, 11, 5, 22, 0, tzinfo=dt.UTC) and stored.ends_at is None
    assert (stored.status, stored.sequence, stored.reminder_offsets) == (SCHEDULED, 0, DEFAULT_OFFSETS)
    assert (stored.place, stored.description, stored.rrule, stored.skip_holidays) == ("", "", None, False)


async def test_one_answer_per_person_and_event(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        session.add(event := five_to_seven())
    async with sessions.begin() as session:
        session.add(Rsvp(event_id=event.id, platform="slack", user_id="U1", answer=YES, answered_at=T0))
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            session.add(Rsvp(event_id=event.id, platform="slack", user_id="U1", answer="no", answered_at=T0))


async def test_channels_answers_and_reminders_go_with_their_event(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        session.add(event := five_to_seven())
    async with sessions.begin() as session:
        session.add_all(
            [
                EventChannel(event_id=event.id, platform="telegram", chat_id="-100200300", thread_id="17"),
                Rsvp(event_id=event.id, platform="telegram", user_id="42", answer=YES, answered_at=T0),
                Reminder(
                    event_id=event.id,
                    occurrence_start=event.starts_at,
                    offset="PT2H",
                    due_at=event.starts_at - dt.timedelta(hours=2),
                    status=PENDING,
                ),
            ]
        )
    assert [await count(sessions, table) for table in (EventChannel, Rsvp, Reminder)] == [1, 1, 1]
    async with sessions.begin() as session:
        await session.execute(delete(Event).where(Event.id == event.id))
    assert [await count(sessions, table) for table in (EventChannel, Rsvp, Reminder)] == [0, 0, 0]
