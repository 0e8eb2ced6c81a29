"""``UtcDateTime``: aware datetimes stored as UTC instants and read back aware in UTC, on both back ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
import sqlalchemy
from sqlalchemy import delete, select
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.channels import ChannelSetting
from directory.db import UtcDateTime, create_engine, session_factory

TORONTO = ZoneInfo("America/Toronto")
# 14 h 30 in Toronto on a winter day is 19 h 30 UTC (EST, UTC-5).
WINTER = dt.datetime(2025, 1, 15, 14, 30, 5, 123456, tzinfo=TORONTO)
WINTER_UTC = dt.datetime(2025, 1, 15, 19, 30, 5, 123456, tzinfo=dt.UTC)


@pytest_asyncio.fixture
async def sessions(migrated_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the module's migrated database (SQLite, then PostgreSQL), without channel settings."""
    engine = create_engine(migrated_database)
    async with engine.begin() as connection:
        await connection.execute(delete(ChannelSetting))
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def store(sessions: async_sessionmaker[AsyncSession], chat_id: str, when: dt.datetime) -> None:
    """Write one channel setting updated at ``when``."""
    async with sessions.begin() as session:
        session.add(ChannelSetting(platform="telegram", chat_id=chat_id, updated_at=when))


async def read(sessions: async_sessionmaker[AsyncSession], chat_id: str) -> dt.datetime:
    """The ``updated_at`` of one channel setting, read by a fresh session."""
    async with sessions() as session:
        return (
            await session.execute(select(ChannelSetting.updated_at).where(ChannelSetting.chat_id == chat_id))
        ).scalar_one()


async def test_an_aware_datetime_comes_back_aware_in_utc(sessions: async_sessionmaker[AsyncSession]) -> None:
    await store(sessions, "1", WINTER)
    back = await read(sessions, "1")
    assert back == WINTER_UTC
    assert back.tzinfo is not None and back.utcoffset() == dt.timedelta(0)
    assert back.tzinfo == dt.UTC


async def test_a_utc_datetime_keeps_its_microseconds(sessions: async_sessionmaker[AsyncSession]) -> None:
    await store(sessions, "1", WINTER_UTC)
    assert await read(sessions, "1") == WINTER_UTC


async def test_comparisons_are_between_instants_whatever_the_zone(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """On SQLite the values are text: both sides must be UTC for ``<=`` to compare instants."""
    await store(sessions, "early", dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.UTC))  # 8 h in Toronto
    await store(sessions, "late", dt.datetime(2025, 7, 1, 9, 0, tzinfo=TORONTO))  # 13 h UTC
    cut = dt.datetime(2025, 7, 1, 8, 30, tzinfo=TORONTO)  # 12 h 30 UTC: after "early", before "late"
    async with sessions() as session:
        found = (
            await session.execute(select(ChannelSetting.chat_id).where(ChannelSetting.updated_at <= cut))
        ).scalars().all()
    assert found == ["early"]


async def test_a_naive_datetime_is_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(StatementError) as raised:
        await store(sessions, "1", dt.datetime(2025, 1, 15, 14, 30))
    assert isinstance(raised.value.orig, ValueError)
    assert "sans fuseau horaire" in str(raised.value.orig)
    async with sessions() as session:
        count = select(sqlalchemy.func.count()).select_from(ChannelSetting)
        assert (await session.execute(count)).scalar_one() == 0


async def test_a_naive_datetime_is_refused_in_a_comparison(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        with pytest.raises(StatementError):
            await session.execute(
                select(ChannelSetting).where(ChannelSetting.updated_at <= dt.datetime(2025, 1, 1))
            )


def test_the_type_converts_without_a_database() -> None:
    kind = UtcDateTime()
    assert kind.process_bind_param(WINTER, None) == WINTER_UTC
    assert kind.process_bind_param(None, None) is None
    with pytest.raises(ValueError, match="sans fuseau horaire"):
        kind.process_bind_param(dt.datetime(2025, 1, 15), None)
    assert kind.process_result_value(dt.datetime(2025, 1, 15, 19, 30), None) == dt.datetime(
        2025, 1, 15, 19, 30, tzinfo=dt.UTC
    )
    assert kind.process_result_value(WINTER, None) == WINTER_UTC
    assert kind.process_result_value(None, None) is None
