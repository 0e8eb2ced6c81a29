"""Who wrote to the bot privately: recorded once, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.db import create_engine, session_factory
from directory.private_chats import (
    PrivateChat,
    has_private_chat,
    remember_private_chat,
    remember_private_chats,
)

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


@pytest_asyncio.fixture
async def sessions(migrated_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the module's migrated database (SQLite, then PostgreSQL), no private chat in it."""
    engine = create_engine(migrated_database)
    try:
        async with engine.begin() as connection:
            await connection.execute(delete(PrivateChat))
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def test_a_private_chat_is_remembered_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    assert not await has_private_chat(sessions, "telegram", "4242")
    assert await remember_private_chat(sessions, "telegram", "4242", NOW)
    assert not await remember_private_chat(sessions, "telegram", "4242", NOW + dt.timedelta(days=1))
    assert await has_private_chat(sessions, "telegram", "4242")
    assert not await has_private_chat(sessions, "slack", "4242")
    async with sessions() as session:
        row = await session.get(PrivateChat, ("telegram", "4242"))
    assert row is not None and row.since == NOW


async def test_many_private_chats_are_remembered_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    assert await remember_private_chats(sessions, [], NOW) == 0
    assert await remember_private_chat(sessions, "telegram", "4243", NOW)
    later = NOW + dt.timedelta(hours=1)
    people = [("telegram", "4243"), ("telegram", "4244"), ("telegram", "4245")]
    assert await remember_private_chats(sessions, people, later) == 2  # the first one was known
    async with sessions() as session:
        rows = {(row.platform, row.user_id): row.since for row in await session.scalars(select(PrivateChat))}
    assert rows == {("telegram", "4243"): NOW, ("telegram", "4244"): later, ("telegram", "4245"): later}
