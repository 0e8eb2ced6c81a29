"""Short ids typed back in commands, matched as the beginning of an id on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.events import Event
from scheduler.short_ids import select_by_short_id, to_short_id

Sessions = async_sessionmaker[AsyncSession]
T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
FIRST = uuid.UUID("3f2a9c1e-0000-4000-8000-000000000000")
TWIN = uuid.UUID("3f2a9c1e-ffff-4fff-bfff-ffffffffffff")  # the same eight digits as FIRST
OTHER = uuid.UUID("3f2a9c1f-0000-4000-8000-000000000000")


async def named(sessions: Sessions, text: str) -> list[uuid.UUID]:
    """The ids of the events ``text`` names."""
    statement = select_by_short_id(Event, text)
    if statement is None:
        return []
    async with sessions() as session:
        return [event.id for event in await session.scalars(statement)]


@pytest.fixture
async def events(sessions: Sessions) -> Sessions:
    """Three events whose ids begin alike."""
    async with sessions.begin() as session:
        session.add_all(
            Event(id=event_id, title="5-à-7", starts_at=T0, zone="America/Toronto", created_by="telegram:42",
                  created_at=T0)
            for event_id in (FIRST, TWIN, OTHER)
        )
    return sessions


def test_a_short_id_is_the_first_eight_hex_digits() -> None:
    assert to_short_id(FIRST) == "3f2a9c1e" and to_short_id(OTHER) == "3f2a9c1f"


async def test_the_digits_typed_name_the_ids_they_begin(events: Sessions) -> None:
    assert await named(events, "3f2a9c1f") == [OTHER]
    assert await named(events, " 3F2A9C1F-0000 ") == [OTHER]
    assert await named(events, str(TWIN)) == await named(events, TWIN.hex) == [TWIN]
    assert await named(events, "3f2a9c1e0") == [FIRST]


async def test_digits_that_fit_several_ids_give_two(events: Sessions) -> None:
    assert await named(events, "3f2a9c1e") == [FIRST, TWIN]
    assert await named(events, "3f2a") == [FIRST, TWIN]  # two are enough to say the id is ambiguous


@pytest.mark.parametrize("text", ["", "  ", "zzzzzzzz", "3f2a-9c1g", "3f2a9c1e" * 5, "4", "3f", "3f2"])
async def test_what_begins_no_id_names_nothing(events: Sessions, text: str) -> None:
    assert await named(events, text) == []
