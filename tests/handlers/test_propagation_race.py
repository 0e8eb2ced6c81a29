"""Two coordinators propagating the same decision at the same instant write one copy per table,
on SQLite and on PostgreSQL: the second waits for the first, then finds every copy made."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.concertation import REGIONAL
from directory.db import create_engine, session_factory
from handlers.propagation import Carried, carry_down
from scheduler.followups import Decision, Followup
from tests.handlers.concertation_rows import NOW, add, clear, decision, member, table

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module")
async def sessions(migrated_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the module's migrated database, its tables de concertation removed."""
    engine = create_engine(migrated_database)
    try:
        made = session_factory(engine)
        await clear(made)
        yield made
    finally:
        await engine.dispose()


async def propagation(sessions: async_sessionmaker[AsyncSession], source: Decision, author: str) -> list[Carried]:
    """One coordinator's propagation of ``source``, in its own transaction."""
    async with sessions.begin() as session:
        held = await session.get(Decision, source.id)
        assert held is not None
        return await carry_down(session, held, NOW, NOW.date(), author)


async def test_two_propagations_at_once_write_each_copy_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    region = table("Table régionale Saguenay", level=REGIONAL)
    jonquiere = table("Table locale Jonquière", ("telegram", "700"), parent=region)
    chicoutimi = table("Table locale Chicoutimi", ("telegram", "600"), parent=region)
    source = decision(region, "Partager le bottin", dt.date(2026, 11, 19), dt.date(2026, 12, 3))
    await add(sessions, region, jonquiere, chicoutimi, member(jonquiere, "Maison de la famille"),
              member(chicoutimi, "Le Transit"), member(chicoutimi, "CPE Les Lutins"), source)

    first, second = await asyncio.gather(
        propagation(sessions, source, "telegram:900"), propagation(sessions, source, "telegram:901")
    )

    assert sorted([*first, *second], key=lambda one: (one.table_name, one.new)) == [
        Carried("Table locale Chicoutimi", 0, new=False), Carried("Table locale Chicoutimi", 2, new=True),
        Carried("Table locale Jonquière", 0, new=False), Carried("Table locale Jonquière", 1, new=True),
    ]
    async with sessions() as session:
        copies = await session.scalar(select(func.count()).where(Decision.parent_decision_id == source.id))
        followups = await session.scalar(select(func.count()).select_from(Followup))
    assert (copies, followups) == (2, 3)
