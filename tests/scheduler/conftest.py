"""Fixtures of the scheduler tests: the module's migrated database, emptied before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from directory.db import create_engine, session_factory
from scheduler.events import Event
from scheduler.outbox import OutboxMessage


@pytest.fixture
def url(migrated_database: str) -> str:
    """The module's migrated database (SQLite, then PostgreSQL), its outbox and events deleted."""
    engine = migrations.sync_engine(migrated_database)
    try:
        with engine.begin() as connection:
            connection.execute(delete(OutboxMessage))
            connection.execute(delete(Event))  # their channels, answers and reminders go with them
    finally:
        engine.dispose()
    return migrated_database


@pytest_asyncio.fixture
async def sessions(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the emptied database."""
    engine = create_engine(url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
