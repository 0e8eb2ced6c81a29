"""People's details and their consent, item by item, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.db import create_engine, session_factory
from directory.people import (
    EMAIL,
    JOB_TITLE,
    NAME,
    PHONE,
    PersonDetail,
    details_of,
    erase_detail,
    record_detail,
    set_shared,
    shared_details,
)

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)


@pytest_asyncio.fixture
async def sessions(migrated_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the module's migrated database, no detail in it."""
    engine = create_engine(migrated_database)
    try:
        async with engine.begin() as connection:
            await connection.execute(delete(PersonDetail))
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def test_only_consented_items_are_shared_in_the_order_of_items(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for item, value in ((PHONE, "418 555-0101"), (EMAIL, "marie@exemple.org"), (NAME, "Marie"),
                            (JOB_TITLE, "intervenante")):
            assert await record_detail(session, "slack", "U1", item, value, NOW) is False
        assert await set_shared(session, "slack", "U1", PHONE, True, NOW)
        assert await set_shared(session, "slack", "U1", NAME, True, NOW)
        assert not await set_shared(session, "slack", "U2", NAME, True, NOW)  # nothing recorded
    async with sessions() as session:
        assert list((await shared_details(session, "slack", "U1")).items()) == [(NAME, "Marie"), (PHONE, "418 555-0101")]
        assert await shared_details(session, "telegram", "U1") == {}  # another platform, another person
        assert set(await details_of(session, "slack", "U1")) == {NAME, EMAIL, JOB_TITLE, PHONE}


async def test_a_new_value_withdraws_consent_the_same_keeps_it(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await record_detail(session, "telegram", "7", EMAIL, "a@exemple.org", NOW)
        await set_shared(session, "telegram", "7", EMAIL, True, NOW)
        assert await record_detail(session, "telegram", "7", EMAIL, "a@exemple.org", LATER) is True
        assert await record_detail(session, "telegram", "7", EMAIL, "b@exemple.org", LATER) is False
    async with sessions() as session:
        assert await shared_details(session, "telegram", "7") == {}
        row = (await details_of(session, "telegram", "7"))[EMAIL]
        assert (row.value, row.shared, row.updated_at) == ("b@exemple.org", False, LATER)


async def test_erasing_an_item_and_refusing_unknown_items(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await record_detail(session, "telegram", "7", NAME, "Marie", NOW)
        assert await erase_detail(session, "telegram", "7", NAME)
        assert not await erase_detail(session, "telegram", "7", NAME)
        with pytest.raises(ValueError):
            await record_detail(session, "telegram", "7", "adresse", "1 rue Principale", NOW)
    async with sessions() as session:
        assert await details_of(session, "telegram", "7") == {}
