"""The audit trail written, read back, followed across processes and pseudonymized, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from directory.audit import (
    IMPORT,
    REVERT,
    UPDATE,
    VERIFY,
    Change,
    FieldChange,
    changed_since,
    history,
    last_change,
    last_edits,
    pseudonymize,
    record,
)
from directory.changelog import Metadata
from directory.db import create_engine, session_factory

NOW = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
SERVICE, OTHER = uuid.uuid4(), uuid.uuid4()
MARIE = "telegram:42 Marie Tremblay"


@pytest_asyncio.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a freshly migrated database."""
    migrations.upgrade(database_url)
    engine = create_engine(database_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def _record(sessions: async_sessionmaker[AsyncSession], **values: object) -> uuid.UUID:
    defaults: dict[str, object] = {
        "resource_type": "service", "resource_id": SERVICE, "changes": (), "action": UPDATE, "by": MARIE,
        "now": NOW,
    }
    async with sessions.begin() as session:
        return await record(session, **(defaults | values))  # type: ignore[arg-type]


async def test_an_edit_is_read_back_whole_newest_first(sessions: async_sessionmaker[AsyncSession]) -> None:
    phone = FieldChange("telephone", "418 555-0101", "418 555-0199")
    hours = FieldChange("heures", "", "lun-ven 9 h à 17 h")
    first = await _record(sessions, changes=[phone, hours])
    second = await _record(sessions, action=VERIFY, by="console", now=NOW + dt.timedelta(days=1))
    await _record(sessions, resource_id=OTHER, changes=[phone], now=NOW + dt.timedelta(days=2))

    async with sessions() as session:
        changes = await history(session, [SERVICE])
        assert changes == [
            Change(second, "service", SERVICE, VERIFY, "console", NOW + dt.timedelta(days=1), ()),
            Change(first, "service", SERVICE, UPDATE, MARIE, NOW, (hours, phone)),
        ]
        assert changes[0].at.tzinfo is not None
        assert [c.resource_id for c in await history(session, [SERVICE, OTHER])] == [OTHER, SERVICE, SERVICE]
        assert len(await history(session, [SERVICE, OTHER], limit=2)) == 2
        assert await history(session, []) == []
        last = await last_change(session, SERVICE)
        assert last is not None and last.change_id == second
        assert await last_change(session, uuid.uuid4()) is None


async def test_a_given_change_id_groups_rows_of_several_records(sessions: async_sessionmaker[AsyncSession]) -> None:
    shared = uuid.uuid4()
    assert await _record(sessions, changes=[FieldChange("nom", "A", "B")], change_id=shared) == shared
    await _record(sessions, resource_id=OTHER, changes=[FieldChange("nom", "C", "D")], change_id=shared)
    async with sessions() as session:
        changes = await history(session, [SERVICE, OTHER])
    assert sorted((c.resource_id, c.fields[0].new) for c in changes) == sorted([(SERVICE, "B"), (OTHER, "D")])
    assert {c.change_id for c in changes} == {shared}


async def test_imports_count_in_history_but_not_as_edits(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _record(sessions, action=IMPORT, by="import:bottin", now=NOW + dt.timedelta(days=3))
    await _record(sessions, action=REVERT, changes=[FieldChange("nom", "B", "A")])
    async with sessions() as session:
        last = await last_change(session, SERVICE)
        assert last is not None and (last.action, last.by) == (IMPORT, "import:bottin")
        assert await last_edits(session, [SERVICE, OTHER]) == {SERVICE: NOW}
        assert await last_edits(session, []) == {}
        assert await last_edits(session, resource_type="service") == {SERVICE: NOW}
        assert await last_edits(session, resource_type="organization") == {}


async def test_changes_are_followed_from_a_date(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        assert await changed_since(session, NOW) == ([], None)
    await _record(sessions, now=NOW)
    await _record(sessions, resource_id=OTHER, resource_type="organization", now=NOW + dt.timedelta(hours=1))
    later = NOW + dt.timedelta(hours=2)
    await _record(sessions, now=later)
    async with sessions() as session:
        changed, newest = await changed_since(session, NOW)
        assert sorted(changed) == sorted([("organization", OTHER), ("service", SERVICE)])
        assert newest == later
        assert await changed_since(session, later) == ([], None)
        toronto = dt.timezone(dt.timedelta(hours=-5))
        assert (await changed_since(session, later.astimezone(toronto) - dt.timedelta(minutes=1)))[1] == later


async def test_naive_dates_are_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(ValueError, match="fuseau"):
        await _record(sessions, now=NOW.replace(tzinfo=None))
    async with sessions() as session:
        assert await history(session, [SERVICE]) == []


async def test_pseudonymize_replaces_only_that_author(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _record(sessions, changes=[FieldChange("nom", "A", "B"), FieldChange("heures", "", "x")])
    await _record(sessions, by="telegram:42")
    await _record(sessions, by="telegram:421 Paul Roy")
    await _record(sessions, by="slack:U_1 Ana")
    await _record(sessions, by="slack:U%1 Bob")
    async with sessions.begin() as session:
        assert await pseudonymize(session, "telegram:42", "personne retirée") == 3
        assert await pseudonymize(session, "slack:U_1", "personne retirée") == 1
    async with sessions() as session:
        authors = sorted(await session.scalars(select(Metadata.updated_by)))
    assert authors == ["personne retirée"] * 4 + ["slack:U%1 Bob", "telegram:421 Paul Roy"]
