"""Two admins removing each other at the same instant, on SQLite and on PostgreSQL: one is refused,
the network keeps an admin."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.db import create_engine, session_factory
from directory.networks import DEFAULT_NETWORK
from directory.roles import ADMIN, COORDINATOR, PersonRole, grant, holders
from handlers.roles import ABSENT, DONE, LAST, revoke_keeping_an_admin

pytestmark = pytest.mark.asyncio(loop_scope="module")
NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
ROUNDS = 10


@pytest_asyncio.fixture(loop_scope="module")
async def sessions(migrated_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the module's migrated database, without any role."""
    engine = create_engine(migrated_database)
    try:
        made = session_factory(engine)
        async with made.begin() as session:
            await session.execute(delete(PersonRole))
        yield made
    finally:
        await engine.dispose()


async def test_two_admins_removing_each_other_leave_one(sessions: async_sessionmaker[AsyncSession]) -> None:
    for _round in range(ROUNDS):  # several rounds, for the two transactions to interleave
        for user in ("1", "2"):
            await grant(sessions, "telegram", user, ADMIN, granted_by="test", now=NOW)

        outcomes = await asyncio.gather(
            revoke_keeping_an_admin(sessions, "telegram", "1", ADMIN, DEFAULT_NETWORK),
            revoke_keeping_an_admin(sessions, "telegram", "2", ADMIN, DEFAULT_NETWORK),
        )

        assert sorted(outcomes) == sorted([DONE, LAST])
        assert len(await holders(sessions, ADMIN, DEFAULT_NETWORK)) == 1
        async with sessions.begin() as session:
            await session.execute(delete(PersonRole))


async def test_other_roles_and_absent_ones(sessions: async_sessionmaker[AsyncSession]) -> None:
    await grant(sessions, "telegram", "3", COORDINATOR, granted_by="test", now=NOW)
    assert await revoke_keeping_an_admin(sessions, "telegram", "3", COORDINATOR, DEFAULT_NETWORK) == DONE
    assert await revoke_keeping_an_admin(sessions, "telegram", "3", COORDINATOR, DEFAULT_NETWORK) == ABSENT
    assert await revoke_keeping_an_admin(sessions, "telegram", "3", ADMIN, "ailleurs") == ABSENT
