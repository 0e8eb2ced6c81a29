"""First private messages are noted in memory at once and written together at the next flush, on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import delete, event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from directory.db import create_engine, session_factory
from directory.private_chats import PrivateChat, remember_private_chat
from handlers.context import Context
from handlers.messages import ChatRef, Incoming
from handlers.reachability import flush_private_chats, note_private_chat, reachable_among
from tests.bot.fake_outbox import Clock, to_context

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def private(user_id: str, platform: str = "telegram") -> Incoming:
    """A private message from ``user_id``."""
    return Incoming(ChatRef(platform, user_id), user_id, "bonjour")  # type: ignore[arg-type]


class Inserts:
    """Counts the INSERT statements into ``private_chat`` run on ``engine``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        self.count += statement.lstrip().upper().startswith("INSERT INTO PRIVATE_CHAT")


@pytest_asyncio.fixture
async def engine(migrated_database: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the module's migrated database (SQLite, then PostgreSQL), no private chat in it."""
    engine = create_engine(migrated_database)
    try:
        async with engine.begin() as connection:
            await connection.execute(delete(PrivateChat))
        yield engine
    finally:
        await engine.dispose()


async def recorded(context: Context) -> dict[tuple[str, str], dt.datetime]:
    """The people in the ``private_chat`` table, with since when."""
    async with context.sessions() as session:
        return {(row.platform, row.user_id): row.since for row in await session.scalars(select(PrivateChat))}


async def test_many_first_messages_at_once_are_written_in_one_insert(engine: AsyncEngine) -> None:
    context = to_context(session_factory(engine), Clock(NOW))
    inserts = Inserts(engine)
    people = [f"70{n:02}" for n in range(40)]
    group = Incoming(ChatRef("telegram", "-100"), "7100", "salut", private=False)
    await asyncio.gather(*(note_private_chat(private(person), context) for person in people),
                         note_private_chat(group, context),
                         note_private_chat(private("U7", "slack"), context))
    assert context.private_chats == {("telegram", person) for person in people}  # known before any write
    await flush_private_chats(context)
    assert inserts.count == 1
    assert await recorded(context) == {("telegram", person): NOW for person in people}
    assert not context.pending_private_chats
    await note_private_chat(private(people[0]), context)  # known: nothing more to write
    await flush_private_chats(context)
    assert inserts.count == 1


async def test_nothing_is_written_until_the_flush(engine: AsyncEngine) -> None:
    context = to_context(session_factory(engine), Clock(NOW))
    inserts = Inserts(engine)
    await note_private_chat(private("7200"), context)
    assert inserts.count == 0 and await recorded(context) == {}
    assert await flush_private_chats(context) == 1
    assert await flush_private_chats(context) == 0  # nothing pending: no statement
    assert inserts.count == 1


async def test_a_failed_write_stays_pending_for_the_next_flush(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/empty.db")  # no table yet: the write fails
    try:
        context = to_context(session_factory(engine), Clock(NOW))
        await note_private_chat(private("7301"), context)
        with pytest.raises(OperationalError):
            await flush_private_chats(context)
        assert ("telegram", "7301") in context.private_chats and ("telegram", "7301") in context.pending_private_chats
        async with engine.begin() as connection:
            await connection.run_sync(PrivateChat.__table__.create)
        context.clock = Clock(NOW + dt.timedelta(minutes=1))
        await note_private_chat(private("7302"), context)
        await flush_private_chats(context)
        assert await recorded(context) == {("telegram", "7301"): NOW, ("telegram", "7302"): NOW}
        assert not context.pending_private_chats
    finally:
        await engine.dispose()


async def test_reachable_among_takes_the_known_ones_and_reads_the_others(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    await remember_private_chat(sessions, "telegram", "7401", NOW)
    people = [("telegram", "7403"), ("slack", "U74"), ("telegram", "7402"), ("telegram", "7401")]
    async with sessions() as session:
        assert await reachable_among(session, people) == [("slack", "U74"), ("telegram", "7401")]
        assert await reachable_among(session, people, known={("telegram", "7402")}) == [
            ("slack", "U74"), ("telegram", "7402"), ("telegram", "7401"),
        ]
