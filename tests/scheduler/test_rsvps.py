"""Answers on SQLite and PostgreSQL: changes, the waiting list and its promotions, and presses at the same moment."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.db import create_engine, session_factory
from scheduler.event_store import EventDraft, create_event, lock_event
from scheduler.events import MAYBE, NO, YES
from scheduler.rsvps import Counts, Outcome, Person, answers, counts, respond

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
Sessions = async_sessionmaker[AsyncSession]


async def new_event(sessions: Sessions, capacity: int | None) -> uuid.UUID:
    """A 5-à-7 in two weeks with ``capacity`` places."""
    draft = EventDraft("5-à-7", "5-à-7", T0 + dt.timedelta(days=14), "America/Toronto", capacity=capacity)
    async with sessions.begin() as session:
        return (await create_event(session, draft, "console:console", T0)).id


async def say(sessions: Sessions, event_id: uuid.UUID, user: str, answer: str) -> Outcome:
    """``user`` (on Slack) answers ``answer``, in a transaction of its own."""
    async with sessions.begin() as session:
        event = await lock_event(session, event_id)
        assert event is not None
        return await respond(session, event, Person("slack", user, f"Personne {user}"), answer, T0)


async def test_answers_change_and_are_counted_from_the_rows(sessions: Sessions) -> None:
    event_id = await new_event(sessions, None)
    await say(sessions, event_id, "U1", YES)
    await say(sessions, event_id, "U2", MAYBE)
    await say(sessions, event_id, "U3", YES)
    changed = await say(sessions, event_id, "U3", NO)
    assert changed.counts == Counts(yes=1, maybe=1, no=1, waiting=0, capacity=None)
    again = await say(sessions, event_id, "U1", YES)
    assert (again.answer, again.waiting_rank, again.promoted) == (YES, None, ())
    assert again.counts.yes == 1 and again.counts.places_left is None


async def test_beyond_capacity_yes_waits_and_the_first_waiting_is_promoted(sessions: Sessions) -> None:
    event_id = await new_event(sessions, 2)
    await say(sessions, event_id, "U1", YES)
    await say(sessions, event_id, "U2", YES)
    third = await say(sessions, event_id, "U3", YES)
    fourth = await say(sessions, event_id, "U4", YES)
    assert (third.waiting_rank, fourth.waiting_rank) == (1, 2)
    assert fourth.counts == Counts(yes=2, maybe=0, no=0, waiting=2, capacity=2)
    assert fourth.counts.places_left == 0
    withdrawn = await say(sessions, event_id, "U1", MAYBE)
    assert withdrawn.promoted == (Person("slack", "U3", "Personne U3"),)
    assert withdrawn.counts == Counts(yes=2, maybe=1, no=0, waiting=1, capacity=2)
    still = await say(sessions, event_id, "U4", YES)
    assert still.waiting_rank == 1
    async with sessions() as session:
        rows = await answers(session, event_id)
    assert [(row.user_id, row.answer, row.position is not None) for row in rows] == [
        ("U2", YES, False), ("U3", YES, False), ("U4", YES, True), ("U1", MAYBE, False),
    ]


async def test_a_waiting_person_who_declines_leaves_the_list(sessions: Sessions) -> None:
    event_id = await new_event(sessions, 1)
    await say(sessions, event_id, "U1", YES)
    await say(sessions, event_id, "U2", YES)
    left = await say(sessions, event_id, "U2", NO)
    assert left.promoted == () and left.counts == Counts(yes=1, maybe=0, no=1, waiting=0, capacity=1)


async def test_presses_at_the_same_moment_never_exceed_the_capacity(url: str, sessions: Sessions) -> None:
    event_id = await new_event(sessions, 3)
    engines = [create_engine(url) for _ in range(6)]
    try:
        outcomes = await asyncio.gather(*(
            say(session_factory(engine), event_id, f"U{n}", YES) for n, engine in enumerate(engines)
        ))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(o.waiting_rank or 0 for o in outcomes) == [0, 0, 0, 1, 2, 3]
    async with sessions() as session:
        event = await lock_event(session, event_id)
        assert event is not None
        final = await counts(session, event)
    assert final == Counts(yes=3, maybe=0, no=0, waiting=3, capacity=3)


async def test_two_withdrawals_at_once_promote_two_people_once_each(url: str, sessions: Sessions) -> None:
    event_id = await new_event(sessions, 2)
    for user in ("U1", "U2", "U3", "U4", "U5"):
        await say(sessions, event_id, user, YES)
    engines = [create_engine(url) for _ in range(2)]
    try:
        outcomes = await asyncio.gather(
            say(session_factory(engines[0]), event_id, "U1", NO),
            say(session_factory(engines[1]), event_id, "U2", NO),
        )
    finally:
        for engine in engines:
            await engine.dispose()
    promoted = sorted(person.user_id for outcome in outcomes for person in outcome.promoted)
    assert promoted == ["U3", "U4"]
    async with sessions() as session:
        event = await lock_event(session, event_id)
        assert event is not None
        assert await counts(session, event) == Counts(yes=2, maybe=0, no=2, waiting=1, capacity=2)
