"""Finding tables and their members: names as typed (accents, case, spaces, a few words), the active
members of a table and of an organization, the tables under a table; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from directory.concertation import (
    FIND_LIMIT,
    ConcertationTable,
    TableMember,
    active_members,
    children,
    find_table,
    fold_name,
    members_of_organization,
)
from directory.db import create_engine, session_factory

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
TRANSIT, ALPHA = uuid.uuid4(), uuid.uuid4()
Sessions = async_sessionmaker[AsyncSession]


@pytest_asyncio.fixture
async def sessions(migrated_database: str) -> AsyncIterator[Sessions]:
    """The migrated database (SQLite, then PostgreSQL) with no table."""
    engine = migrations.sync_engine(migrated_database)
    try:
        with engine.begin() as connection:
            connection.execute(delete(TableMember))
            connection.execute(delete(ConcertationTable))
    finally:
        engine.dispose()
    async_engine = create_engine(migrated_database)
    try:
        yield session_factory(async_engine)
    finally:
        await async_engine.dispose()


def table(name: str, level: str = "local", parent: ConcertationTable | None = None) -> ConcertationTable:
    """A table named ``name``, coordinated on Telegram."""
    return ConcertationTable(id=uuid.uuid4(), name=name, name_key=fold_name(name), level=level, place_id=None,
                             parent_id=parent.id if parent else None, coordinator_platform="telegram",
                             coordinator_user_id="4201", created_at=NOW)


def member(at: ConcertationTable, org: uuid.UUID, name: str, *, left: bool = False, days: int = 0) -> TableMember:
    """The organization ``org`` at the table ``at``, joined ``days`` after NOW, or already gone."""
    return TableMember(table_id=at.id, organization_id=org, organization_name=name, joined_at=NOW + dt.timedelta(days=days),
                       left_at=NOW if left else None)


def test_fold_name_ignores_accents_case_and_spaces() -> None:
    assert fold_name("  Table  RÉGIONALE\tpetite enfance ") == "table regionale petite enfance"
    assert fold_name("Œuvre") == "oeuvre"


async def test_a_table_is_found_by_its_name_as_typed_or_by_its_words(sessions: Sessions) -> None:
    regional = table("Table régionale petite enfance", "régional")
    local = table("Table petite enfance Jonquière", parent=regional)
    sport = table("Table 100% sport")
    async with sessions.begin() as session:
        session.add_all([regional, local, sport])
    async with sessions() as session:
        assert [t.id for t in await find_table(session, "table REGIONALE petite  enfance")] == [regional.id]
        assert [t.name for t in await find_table(session, "petite enfance")] == [
            "Table petite enfance Jonquière", "Table régionale petite enfance"]
        assert [t.id for t in await find_table(session, "jonquiere enfance")] == [local.id]
        assert [t.id for t in await find_table(session, "100%")] == [sport.id]  # no wildcard
        assert await find_table(session, "50%") == []
        assert await find_table(session, "aînés") == []
        assert await find_table(session, "   ") == []
        assert [t.id for t in await children(session, regional.id)] == [local.id]
        assert await children(session, local.id) == []


async def test_a_name_many_tables_share_finds_a_few(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        session.add_all(table(f"Comité {n}") for n in range(FIND_LIMIT + 3))
    async with sessions() as session:
        assert len(await find_table(session, "comite")) == FIND_LIMIT


async def test_members_who_left_are_not_active(sessions: Sessions) -> None:
    first, second = table("Table A"), table("Table B")
    async with sessions.begin() as session:
        session.add_all([first, second])
        await session.flush()
        session.add_all([
            member(first, TRANSIT, "Le Transit"), member(first, ALPHA, "Centre Alpha", left=True),
            member(second, TRANSIT, "Le Transit", days=1), member(second, ALPHA, "Centre Alpha"),
        ])
    async with sessions() as session:
        assert [m.organization_name for m in await active_members(session, first.id)] == ["Le Transit"]
        assert [m.organization_name for m in await active_members(session, second.id)] == ["Centre Alpha", "Le Transit"]
        assert [m.table_id for m in await members_of_organization(session, TRANSIT)] == [first.id, second.id]
        assert [m.table_id for m in await members_of_organization(session, ALPHA)] == [second.id]
