"""Changing the directory in tests: a fresh bot on the sample directory per test (these tests write
to it), its clock ticking a second at each reading so that edits are ordered, Marie as the admin."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.settings import Settings
from bot.wiring import build
from directory.roles import ADMIN, grant
from handlers.context import Context
from handlers.messages import Incoming, Reply
from handlers.router import dispatch, split_command
from tests.handlers.audit_chat import ADMIN_TELEGRAM, APOLOGY, Person

START = dt.datetime(2040, 3, 11, 15, 0, tzinfo=dt.UTC)  # after the sample's import, whose log uses the real time


@pytest_asyncio.fixture
async def editor(tmp_path: Path) -> AsyncIterator[Context]:
    """A bot on a fresh copy of the sample directory, its clock a second further at each reading
    (so that edits are ordered), with Marie as the admin."""
    running = await build(Settings(database_url=f"sqlite:///{tmp_path}/passerelle.db", language="fr",
                                   timezone="America/Toronto"), say=lambda _m: None)
    ticks = itertools.count()
    running.context.clock = lambda: START + dt.timedelta(seconds=next(ticks))
    await grant(running.context.sessions, "telegram", ADMIN_TELEGRAM.user_id, ADMIN, granted_by="test", now=START)
    try:
        yield running.context
    finally:
        await running.close()


async def say(context: Context, person: Person, line: str, **more: object) -> list[Reply]:
    """The replies to ``line`` written by ``person``."""
    command, args = split_command(line)
    incoming = Incoming(person.chat, person.user_id, line, command, args, private=person.private,
                        user_name=person.name, **more)  # type: ignore[arg-type]
    replies = await dispatch(incoming, context)
    assert all(reply.text != APOLOGY for reply in replies)
    return replies


async def press(context: Context, person: Person, data: str, **more: object) -> list[Reply]:
    """The replies to ``person`` pressing a button with ``data``."""
    incoming = Incoming(person.chat, person.user_id, button_data=data, private=person.private,
                        user_name=person.name, **more)  # type: ignore[arg-type]
    replies = await dispatch(incoming, context)
    assert all(reply.text != APOLOGY for reply in replies)
    return replies
