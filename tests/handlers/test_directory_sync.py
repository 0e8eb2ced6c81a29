"""Two bot processes on one database: what an admin changes through one shows in the other's answers
after its next sweep step, synonyms included, and a change is applied once."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.settings import Settings
from bot.wiring import Running, build
from directory.roles import ADMIN, grant
from handlers.context import Context
from handlers.directory_sync import follow_directory
from tests.handlers.audit_chat import ADMIN_TELEGRAM, CONSOLE, HALTE_QUESTION
from tests.handlers.editing_chat import START, say


@pytest_asyncio.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[Context, Context]]:
    """Two bots on the same SQLite file, each with its own search index and a ticking clock."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/passerelle.db", language="fr", timezone="America/Toronto")
    bots: list[Running] = [await build(settings, say=lambda _m: None) for _ in range(2)]
    ticks = itertools.count()
    for running in bots:
        running.context.clock = lambda: START + dt.timedelta(seconds=next(ticks))
    await grant(bots[0].context.sessions, "telegram", ADMIN_TELEGRAM.user_id, ADMIN, granted_by="test", now=START)
    try:
        yield bots[0].context, bots[1].context
    finally:
        for running in bots:
            await running.close()


async def phone_in(context: Context) -> str:
    (reply,) = await say(context, CONSOLE, HALTE_QUESTION)
    card = next(card for card in reply.cards if card.title == "Halte-répit")
    return next(field.value for field in card.fields if field.label == "Téléphone")


async def test_a_change_made_through_one_process_shows_in_the_other(pair: tuple[Context, Context]) -> None:
    first, second = pair
    assert await follow_directory(second) == 0
    before = await phone_in(second)  # the record is now kept in the second process's memory
    await say(first, ADMIN_TELEGRAM, "/service modifier Halte-répit Aide-Parents Plus ; telephone ; 418 555-0123")
    assert await phone_in(first) == "418 555-0123"
    assert await phone_in(second) == before  # not followed yet
    assert await follow_directory(second) == 1
    assert await phone_in(second) == "418 555-0123"
    assert await follow_directory(second) == 0  # seen again within the look-back, applied once


async def test_an_organization_renamed_and_a_synonym_added_elsewhere(pair: tuple[Context, Context]) -> None:
    first, second = pair
    await say(first, ADMIN_TELEGRAM, "/org modifier Aide-Parents Plus ; nom ; Aide-Parents Plus du Saguenay")
    await say(first, ADMIN_TELEGRAM, "/synonyme ajouter grelot = halte-répit")
    assert await follow_directory(second) == 2
    (reply,) = await say(second, CONSOLE, "/qui grelot")
    assert any(card.title == "Halte-répit" and card.subtitle == "Aide-Parents Plus du Saguenay" for card in reply.cards)
