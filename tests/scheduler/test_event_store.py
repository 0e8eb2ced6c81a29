"""Events created, found, moved and cancelled with their channels and reminders, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.addresses import Channel
from scheduler.event_store import (
    EventDraft,
    cancel_event,
    channels_of,
    create_event,
    find_events,
    next_start,
    reschedule_event,
    set_reminder_offsets,
    upcoming,
)
from scheduler.events import CANCELLED, PENDING, SKIPPED, Event, Reminder
from scheduler.short_ids import to_short_id

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
Sessions = async_sessionmaker[AsyncSession]
MONTHLY = "FREQ=MONTHLY;BYDAY=1TH"


def draft(**changes: object) -> EventDraft:
    """A 5-à-7 on Thursday December 3rd, 17 h in Québec, announced in two chats."""
    values: dict[str, object] = {
        "title": "5-à-7", "kind": "5-à-7", "starts_at": dt.datetime(2026, 12, 3, 22, 0, tzinfo=dt.UTC),
        "zone": "America/Toronto", "channels": (Channel("slack", "C1"), Channel("slack", "C1"), Channel("telegram", "-5")),
    }
    values.update(changes)
    return EventDraft(**values)  # type: ignore[arg-type]


async def reminders(sessions: Sessions, status: str) -> list[tuple[dt.datetime, str]]:
    """(occurrence, offset) of the reminders in ``status``, sorted."""
    async with sessions() as session:
        rows = await session.execute(select(Reminder.occurrence_start, Reminder.offset).where(Reminder.status == status))
        return sorted((row[0], row[1]) for row in rows)


async def test_creation_writes_the_event_its_channels_and_reminders_together(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        event = await create_event(session, draft(), "telegram:42", T0)
    async with sessions() as session:
        chats = [(c.platform, c.chat_id) for c in await channels_of(session, event.id)]
    assert chats == [("slack", "C1"), ("telegram", "-5")]
    assert [offset for _, offset in await reminders(sessions, PENDING)] == ["P1D", "P7D", "PT2H"]


async def test_a_failed_creation_leaves_nothing(sessions: Sessions) -> None:
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            await create_event(session, draft(), "telegram:42", T0)
            raise RuntimeError("the announcement could not be queued")
    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Event))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(Reminder))).scalar_one() == 0


async def test_found_by_short_id_or_whole_id(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        event = await create_event(session, draft(), "telegram:42", T0)
    async with sessions() as session:
        assert [found.id for found in await find_events(session, to_short_id(event.id))] == [event.id]
        assert [found.id for found in await find_events(session, str(event.id).upper())] == [event.id]
        assert await find_events(session, "zzzzzzzz") == []


async def test_upcoming_gives_the_next_occurrence_of_recurring_events(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        once = await create_event(session, draft(title="Portes ouvertes"), "telegram:42", T0)
        monthly = await create_event(
            session, draft(starts_at=dt.datetime(2026, 11, 5, 22, 0, tzinfo=dt.UTC), rrule=MONTHLY), "telegram:42",
            dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        )
        past = await create_event(session, draft(starts_at=T0 - dt.timedelta(days=1)), "telegram:42", T0)
    async with sessions() as session:
        coming = await upcoming(session, T0)
    assert [(e.id, start) for e, start in coming] == [
        (monthly.id, dt.datetime(2026, 12, 3, 22, 0, tzinfo=dt.UTC)),
        (once.id, dt.datetime(2026, 12, 3, 22, 0, tzinfo=dt.UTC)),
    ]
    assert next_start(past, T0) is None


async def test_reschedule_moves_reminders_and_raises_the_sequence(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        event = await create_event(session, draft(), "telegram:42", T0)
    later = dt.datetime(2026, 12, 10, 22, 0, tzinfo=dt.UTC)
    async with sessions.begin() as session:
        stored = await session.get(Event, event.id)
        assert stored is not None
        await reschedule_event(session, stored, later, T0)
    assert {start for start, _ in await reminders(sessions, PENDING)} == {later}
    assert len(await reminders(sessions, SKIPPED)) == 3
    async with sessions() as session:
        assert (await session.get(Event, event.id)).sequence == 1  # type: ignore[union-attr]


async def test_changed_offsets_and_cancellation(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        event = await create_event(session, draft(), "telegram:42", T0)
    async with sessions.begin() as session:
        stored = await session.get(Event, event.id)
        assert stored is not None
        await set_reminder_offsets(session, stored, "P3D,PT1H", T0)
    assert [offset for _, offset in await reminders(sessions, PENDING)] == ["P3D", "PT1H"]
    async with sessions.begin() as session:
        stored = await session.get(Event, event.id)
        assert stored is not None
        await cancel_event(session, stored)
    assert await reminders(sessions, PENDING) == []
    async with sessions() as session:
        cancelled = await session.get(Event, event.id)
        assert cancelled is not None and (cancelled.status, cancelled.sequence) == (CANCELLED, 1)
        assert await upcoming(session, T0) == []
