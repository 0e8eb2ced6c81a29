"""Answers to events: yes, maybe or no, with a waiting list once the places are taken.

A "yes" beyond the event's capacity is kept with a ``position`` (the waiting list, first come
first served); when a confirmed person withdraws, the first waiting one takes the place. Counts
are always computed from the rows. Call these inside a transaction that locked the event
(``scheduler.event_store.lock_event``), so that two answers at the same moment are counted in turn
and the capacity is never exceeded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.events import MAYBE, NO, YES, Event, Rsvp

ANSWERS = (YES, MAYBE, NO)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who answered, on one platform."""

    platform: str
    user_id: str
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class Counts:
    """How many answered what; ``capacity`` is none when places are not counted."""

    yes: int = 0
    maybe: int = 0
    no: int = 0
    waiting: int = 0
    capacity: int | None = None

    @property
    def places_left(self) -> int | None:
        """Places still free, none without a capacity."""
        return None if self.capacity is None else max(self.capacity - self.yes, 0)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of an answer: what was kept, the waiting-list rank (1 = next), who got a place."""

    answer: str
    waiting_rank: int | None
    promoted: tuple[Person, ...]
    counts: Counts


async def respond(session: AsyncSession, event: Event, person: Person, answer: str, now: dt.datetime) -> Outcome:
    """Record ``person``'s answer to the locked ``event`` (a repeated answer changes nothing)."""
    if answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    row = await session.get(Rsvp, (event.id, person.platform, person.user_id), populate_existing=True)
    if row is None:
        row = Rsvp(event_id=event.id, platform=person.platform, user_id=person.user_id)
        session.add(row)
    elif row.answer == answer:
        row.display_name = person.display_name or row.display_name
        await session.flush()
        return await _outcome(session, event, row, ())
    row.answer, row.answered_at = answer, now
    row.display_name = person.display_name or row.display_name or ""
    row.position = None
    if answer == YES and event.capacity is not None:
        await session.flush()
        if await _confirmed(session, event.id) > event.capacity:
            row.position = await _last_position(session, event.id) + 1
    await session.flush()
    promoted = await promote(session, event)
    return await _outcome(session, event, row, promoted)


async def promote(session: AsyncSession, event: Event) -> tuple[Person, ...]:
    """Give the free places to the first people waiting; who got one."""
    if event.capacity is None:
        return ()
    free = event.capacity - await _confirmed(session, event.id)
    if free <= 0:
        return ()
    statement = select(Rsvp).where(
        Rsvp.event_id == event.id, Rsvp.answer == YES, Rsvp.position.is_not(None)
    ).order_by(Rsvp.position).limit(free)
    waiting = (await session.scalars(statement)).all()
    for row in waiting:
        row.position = None
    await session.flush()
    return tuple(Person(row.platform, row.user_id, row.display_name) for row in waiting)


async def counts(session: AsyncSession, event: Event) -> Counts:
    """The event's answers counted from the rows."""
    statement = select(Rsvp.answer, Rsvp.position.is_not(None), func.count()).where(
        Rsvp.event_id == event.id
    ).group_by(Rsvp.answer, Rsvp.position.is_not(None))
    tally = {YES: 0, MAYBE: 0, NO: 0}
    waiting = 0
    for answer, is_waiting, number in (await session.execute(statement)).all():
        if answer == YES and is_waiting:
            waiting += number
        else:
            tally[answer] = tally.get(answer, 0) + number
    return Counts(tally[YES], tally[MAYBE], tally[NO], waiting, event.capacity)


async def answers(session: AsyncSession, event_id: uuid.UUID) -> list[Rsvp]:
    """Every answer to the event: confirmed, then waiting in order, then maybe, then no."""
    rows = (await session.scalars(select(Rsvp).where(Rsvp.event_id == event_id))).all()
    order = {YES: 0, MAYBE: 2, NO: 3}

    def rank(row: Rsvp) -> tuple[int, int, dt.datetime, str, str]:
        waiting = row.answer == YES and row.position is not None
        return (1 if waiting else order[row.answer], row.position or 0, row.answered_at, row.display_name, row.user_id)

    return sorted(rows, key=rank)


async def _confirmed(session: AsyncSession, event_id: uuid.UUID) -> int:
    statement = select(func.count()).select_from(Rsvp).where(
        Rsvp.event_id == event_id, Rsvp.answer == YES, Rsvp.position.is_(None)
    )
    return int((await session.execute(statement)).scalar_one())


async def _last_position(session: AsyncSession, event_id: uuid.UUID) -> int:
    statement = select(func.max(Rsvp.position)).where(Rsvp.event_id == event_id)
    return int((await session.execute(statement)).scalar_one() or 0)


async def _outcome(session: AsyncSession, event: Event, row: Rsvp, promoted: tuple[Person, ...]) -> Outcome:
    rank = None
    if row.answer == YES and row.position is not None:
        statement = select(func.count()).select_from(Rsvp).where(
            Rsvp.event_id == event.id, Rsvp.answer == YES, Rsvp.position.is_not(None),
            Rsvp.position <= row.position,
        )
        rank = int((await session.execute(statement)).scalar_one())
    return Outcome(row.answer, rank, promoted, await counts(session, event))
