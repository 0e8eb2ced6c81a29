"""Fixtures shared by every test: the PostgreSQL plugin and a bot on the sample directory."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.settings import Settings
from bot.wiring import build
from handlers.context import Context

pytest_plugins = ["tests.postgres", "tests.handlers.audit_chat", "tests.handlers.editing_chat"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def context(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Context]:
    """A bot built on a fresh SQLite database, where the sample directory gets loaded
    (one per test module; modules needing another kind of context define their own)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sample')}/passerelle.db"
    running = await build(Settings(database_url=url, language="fr", timezone="America/Toronto"), say=lambda _m: None)
    try:
        yield running.context
    finally:
        await running.close()
