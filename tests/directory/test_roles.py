"""Roles granted, read, listed and revoked on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from directory.db import create_engine, session_factory
from directory.roles import ADMIN, COORDINATOR, grant, holders, revoke, roles_of

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


@pytest_asyncio.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a freshly migrated database."""
    migrations.upgrade(database_url)
    engine = create_engine(database_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def test_grant_read_list_and_revoke(sessions: async_sessionmaker[AsyncSession]) -> None:
    assert await roles_of(sessions, "telegram", "42") == set()
    assert await grant(sessions, "telegram", "42", COORDINATOR, granted_by="cli", now=NOW)
    assert not await grant(sessions, "telegram", "42", COORDINATOR, granted_by="cli", now=NOW)
    assert await grant(sessions, "telegram", "42", ADMIN, granted_by="slack:U1", now=NOW)
    assert await grant(sessions, "slack", "U0123", COORDINATOR, granted_by="cli", now=NOW)

    assert await roles_of(sessions, "telegram", "42") == {ADMIN, COORDINATOR}
    assert await roles_of(sessions, "slack", "42") == set()  # roles belong to one platform
    everyone = await holders(sessions)
    assert [(h.platform, h.user_id, h.role) for h in everyone] == [
        ("slack", "U0123", COORDINATOR), ("telegram", "42", ADMIN), ("telegram", "42", COORDINATOR),
    ]
    assert everyone[1].granted_by == "slack:U1" and everyone[1].granted_at == NOW
    assert [(h.platform, h.user_id) for h in await holders(sessions, ADMIN)] == [("telegram", "42")]

    assert await revoke(sessions, "telegram", "42", ADMIN)
    assert not await revoke(sessions, "telegram", "42", ADMIN)
    assert await roles_of(sessions, "telegram", "42") == {COORDINATOR}


async def test_unknown_role_is_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        await grant(sessions, "telegram", "42", "member", granted_by="cli", now=NOW)
    assert await holders(sessions) == []
