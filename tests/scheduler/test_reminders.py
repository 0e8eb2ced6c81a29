"""Reminders on SQLite and PostgreSQL: due times across daylight saving, scheduling once,
cancelling, claiming once, reclaiming, and the rule for late reminders."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler import reminders
from scheduler.events import CANCELLED, CLAIMED, DONE, PENDING, SKIPPED, Event, Reminder
from scheduler.reminders import CLAIM_TIMEOUT, Decision, due_time, lateness, parse_offset
from tests.scheduler.racing import claim_twice

TORONTO = ZoneInfo("America/Toronto")
UTC = dt.UTC
T0 = dt.datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
Sessions = async_sessionmaker[AsyncSession]


async def added(sessions: Sessions, starts_at: dt.datetime, **fields: object) -> uuid.UUID:
    """Store a 5-à-7 starting at ``starts_at``; return its id."""
    event = Event(
        title="5-à-7",
        kind="5-à-7",
        starts_at=starts_at,
        zone="America/Toronto",
        created_by="telegram:42",
        created_at=T0,
        **fields,
    )
    async with sessions.begin() as session:
        session.add(event)
    return event.id


async def stored(sessions: Sessions, event_id: uuid.UUID) -> list[Reminder]:
    """The event's reminders, soonest first."""
    async with sessions() as session:
        found = await session.execute(
            select(Reminder).where(Reminder.event_id == event_id).order_by(Reminder.due_at)
        )
        return list(found.scalars())


async def test_day_offsets_keep_the_wall_clock_across_the_november_change(sessions: Sessions) -> None:
    starts = dt.datetime(2026, 11, 5, 17, 0, tzinfo=TORONTO)  # after the change: EST, 22:00 UTC
    event_id = await added(sessions, starts.astimezone(UTC))
    assert await reminders.schedule_reminders(sessions, event_id, T0) == 3
    assert [(r.offset, r.due_at, r.status) for r in await stored(sessions, event_id)] == [
        ("P7D", dt.datetime(2026, 10, 29, 21, 0, tzinfo=UTC), PENDING),  # 17 h EDT
        ("P1D", dt.datetime(2026, 11, 4, 22, 0, tzinfo=UTC), PENDING),  # 17 h EST
        ("PT2H", dt.datetime(2026, 11, 5, 20, 0, tzinfo=UTC), PENDING),  # 15 h EST
    ]


@pytest.mark.parametrize(
    ("local_start", "offset", "due"),
    [
        (
            dt.datetime(2026, 3, 12, 17, 0),
            "P7D",
            dt.datetime(2026, 3, 5, 22, 0, tzinfo=UTC),
        ),  # EDT back to EST
        (
            dt.datetime(2026, 3, 9, 17, 0),
            "P1D",
            dt.datetime(2026, 3, 8, 21, 0, tzinfo=UTC),
        ),  # the day of the change
        (dt.datetime(2026, 3, 8, 4, 0), "PT2H", dt.datetime(2026, 3, 8, 6, 0, tzinfo=UTC)),  # two real hours
        (
            dt.datetime(2026, 3, 9, 2, 30),
            "P1D",
            dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
        ),  # skipped 2:30 → 3:30
        (dt.datetime(2026, 11, 19, 17, 0), "P2W", dt.datetime(2026, 11, 5, 22, 0, tzinfo=UTC)),
        (dt.datetime(2026, 11, 5, 17, 0), "P1DT12H", dt.datetime(2026, 11, 4, 10, 0, tzinfo=UTC)),
    ],
)
def test_due_times_across_the_march_change(local_start: dt.datetime, offset: str, due: dt.datetime) -> None:
    assert due_time(local_start.replace(tzinfo=TORONTO), offset, TORONTO) == due


@pytest.mark.parametrize("text", ["P", "PT", "P1M", "P1Y", "7D", "P1.5D", "PT2S", ""])
def test_unsupported_offsets_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_offset(text)


async def test_scheduling_twice_writes_nothing_more(sessions: Sessions) -> None:
    event_id = await added(sessions, T0 + 10 * DAY)
    assert await reminders.schedule_reminders(sessions, event_id, T0) == 3
    assert await reminders.schedule_reminders(sessions, event_id, T0 + HOUR) == 0
    assert len(await stored(sessions, event_id)) == 3


async def test_reminders_already_due_are_not_written(sessions: Sessions) -> None:
    event_id = await added(sessions, T0 + 3 * DAY)
    assert await reminders.schedule_reminders(sessions, event_id, T0) == 2
    assert [r.offset for r in await stored(sessions, event_id)] == ["P1D", "PT2H"]


async def test_a_monthly_event_schedules_only_occurrences_within_the_horizon(sessions: Sessions) -> None:
    first = dt.datetime(2026, 10, 1, 17, 0, tzinfo=TORONTO)  # first Thursday of October
    event_id = await added(
        sessions, first.astimezone(UTC), rrule="FREQ=MONTHLY;BYDAY=1TH", reminder_offsets="P1D"
    )
    now = dt.datetime(2026, 9, 20, 12, 0, tzinfo=UTC)
    assert await reminders.schedule_reminders(sessions, event_id, now, horizon=60 * DAY) == 2
    assert [r.occurrence_start for r in await stored(sessions, event_id)] == [
        dt.datetime(2026, 10, 1, 21, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 5, 22, 0, tzinfo=UTC),
    ]
    assert await reminders.schedule_reminders(sessions, event_id, now + 30 * DAY, horizon=60 * DAY) == 1
    assert [r.occurrence_start.date() for r in await stored(sessions, event_id)][-1] == dt.date(2026, 12, 3)


async def test_cancel_skips_pending_reminders_and_rescheduling_revives_them(sessions: Sessions) -> None:
    event_id = await added(sessions, T0 + 10 * DAY)
    await reminders.schedule_reminders(sessions, event_id, T0)
    assert await reminders.cancel_reminders(sessions, event_id) == 3
    assert {r.status for r in await stored(sessions, event_id)} == {SKIPPED}
    assert await reminders.claim_due(sessions, T0 + 10 * DAY - HOUR) == []
    assert await reminders.schedule_reminders(sessions, event_id, T0) == 3
    assert {(r.status, r.note) for r in await stored(sessions, event_id)} == {(PENDING, None)}


async def test_a_cancelled_event_gets_no_reminders(sessions: Sessions) -> None:
    event_id = await added(sessions, T0 + 10 * DAY, status=CANCELLED)
    assert await reminders.schedule_reminders(sessions, event_id, T0) == 0
    assert await reminders.schedule_reminders(sessions, uuid.uuid4(), T0) == 0


async def test_a_reminder_is_claimed_once_when_due_then_settled(sessions: Sessions) -> None:
    event_id = await added(sessions, T0 + 10 * DAY, reminder_offsets="PT2H")
    await reminders.schedule_reminders(sessions, event_id, T0)
    due = T0 + 10 * DAY - 2 * HOUR
    assert await reminders.claim_due(sessions, due - SECOND) == []
    (claimed,) = await reminders.claim_due(sessions, due)
    assert (claimed.event_id, claimed.offset, claimed.due_at, claimed.note) == (event_id, "PT2H", due, None)
    assert await reminders.claim_due(sessions, due) == []
    assert await reminders.settle(sessions, claimed.id, due + SECOND)
    (reminder,) = await stored(sessions, event_id)
    assert (reminder.status, reminder.done_at, reminder.claimed_until) == (DONE, due + SECOND, None)
    assert await reminders.claim_due(sessions, due + CLAIM_TIMEOUT + HOUR) == []


async def test_a_claim_never_finished_runs_out_and_is_claimed_again(sessions: Sessions) -> None:
    event_id = await added(sessions, T0 + 10 * DAY, reminder_offsets="PT2H")
    await reminders.schedule_reminders(sessions, event_id, T0)
    due = T0 + 10 * DAY - 2 * HOUR
    (claimed,) = await reminders.claim_due(sessions, due)  # this sweeper then stops
    assert await reminders.claim_due(sessions, due + CLAIM_TIMEOUT - SECOND) == []
    (again,) = await reminders.claim_due(sessions, due + CLAIM_TIMEOUT)
    assert again.id == claimed.id
    (reminder,) = await stored(sessions, event_id)
    assert (reminder.status, reminder.claimed_until) == (CLAIMED, due + 2 * CLAIM_TIMEOUT)


async def test_a_late_reminder_is_sent_saying_so_and_a_useless_one_skipped(sessions: Sessions) -> None:
    event_id = await added(sessions, T0 + 10 * DAY)
    await reminders.schedule_reminders(sessions, event_id, T0)
    now = T0 + 9 * DAY + 3 * HOUR  # down since before J-7: J-7 is 6 days late, J-1 3 h late
    assert [(c.offset, c.note) for c in await reminders.claim_due(sessions, now)] == [
        ("P1D", "Rappel envoyé avec 3 h de retard"),
    ]
    later = T0 + 10 * DAY + HOUR  # down again until after the start
    assert await reminders.claim_due(sessions, later) == []
    skipped = {r.offset: r for r in await stored(sessions, event_id) if r.status == SKIPPED}
    assert set(skipped) == {"P7D", "P1D", "PT2H"}  # the J-1 claim ran out, then the event started
    assert skipped["P7D"].note == "Rappel sauté : 6 jours de retard, il n'est plus utile."
    assert skipped["P7D"].done_at == now
    assert skipped["PT2H"].note == "Rappel sauté : l'événement a déjà commencé."
    assert skipped["PT2H"].done_at == later


async def test_two_sweepers_never_claim_the_same_reminder(url: str, sessions: Sessions) -> None:
    """On PostgreSQL both sweepers read every reminder as due before either claims one;
    SQLite serializes writers, so there they claim one after the other."""
    event_id = await added(sessions, T0 + DAY)
    async with sessions.begin() as session:
        session.add_all(
            Reminder(
                event_id=event_id,
                occurrence_start=T0 + 2 * HOUR + n * SECOND,
                offset="PT2H",
                due_at=T0 + n * SECOND,
                status=PENDING,
            )
            for n in range(12)
        )
    ids = {r.id for r in await stored(sessions, event_id)}
    now = T0 + 12 * SECOND
    first, second, queries = await claim_twice(url, sessions, lambda s: reminders.claim_due(s, now))
    if queries is not None:
        assert queries == [1 + len(ids)] * 2
    else:
        assert second == []
    claimed = [r.id for r in first] + [r.id for r in second]
    assert sorted(claimed) == sorted(ids)  # every reminder claimed, none twice


async def test_settling_a_reminder_cancelled_meanwhile_changes_nothing(sessions: Sessions) -> None:
    event_id = await added(sessions, T0 + 10 * DAY, reminder_offsets="PT2H")
    await reminders.schedule_reminders(sessions, event_id, T0)
    (claimed,) = await reminders.claim_due(sessions, T0 + 10 * DAY - 2 * HOUR)
    assert await reminders.cancel_reminders(sessions, event_id) == 1
    assert not await reminders.settle(sessions, claimed.id, T0 + 10 * DAY - HOUR)
    assert [r.status for r in await stored(sessions, event_id)] == [SKIPPED]


START = dt.datetime(2026, 11, 5, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ahead", "late", "decision"),
    [
        (7 * DAY, dt.timedelta(0), Decision(True)),
        (2 * HOUR, dt.timedelta(minutes=10), Decision(True)),
        (7 * DAY, 3 * HOUR, Decision(True, "Rappel envoyé avec 3 h de retard")),
        (7 * DAY, 3 * DAY, Decision(True, "Rappel envoyé avec 3 jours de retard")),
        (7 * DAY - HOUR, 2 * DAY, Decision(True, "Rappel envoyé avec 2 jours de retard")),  # J-7 in March
        (
            7 * DAY,
            3 * DAY + SECOND,
            Decision(False, "Rappel sauté : 3 jours de retard, il n'est plus utile."),
        ),
        (DAY, 12 * HOUR, Decision(True, "Rappel envoyé avec 12 h de retard")),
        (
            DAY,
            12 * HOUR + 20 * dt.timedelta(minutes=1),
            Decision(False, "Rappel sauté : 12 h 20 de retard, il n'est plus utile."),
        ),
        (2 * HOUR, 25 * dt.timedelta(minutes=1), Decision(True, "Rappel envoyé avec 25 min de retard")),
        (2 * HOUR, 2 * HOUR, Decision(False, "Rappel sauté : l'événement a déjà commencé.")),
        (DAY, DAY + HOUR, Decision(False, "Rappel sauté : l'événement a déjà commencé.")),
    ],
)
def test_lateness(ahead: dt.timedelta, late: dt.timedelta, decision: Decision) -> None:
    due = START - ahead
    assert lateness(due, START, due + late) == decision
