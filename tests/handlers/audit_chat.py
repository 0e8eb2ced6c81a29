"""Talking to the bot about the directory's history and freshness in tests: a fresh bot on the sample
directory per test (these tests write to it), a fixed clock, and the people who talk."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest_asyncio

from bot.settings import Settings
from bot.wiring import build
from directory.roles import ADMIN, COORDINATOR, grant
from directory.sample import sample_service_id
from handlers.context import Context
from handlers.messages import Button, ChatRef, Incoming, Reply
from handlers.router import dispatch, split_command

NOW = dt.datetime(2026, 3, 11, 15, 0, tzinfo=dt.UTC)  # Wednesday March 11, 11 h in Québec
APOLOGY = "Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."
HALTE = sample_service_id("aide-parents-plus-halte-repit")  # "Halte-répit" of Aide-Parents Plus
HALTE_QUESTION = "/qui halte-répit Aide-Parents Plus"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone writing to the bot: where, who, under which name."""

    chat: ChatRef
    user_id: str
    name: str
    private: bool = True


CONSOLE = Person(ChatRef("console", "local"), "local", "")
ADMIN_TELEGRAM = Person(ChatRef("telegram", "4201"), "4201", "Marie Tremblay")
COORDINATOR_SLACK = Person(ChatRef("slack", "D0JULIE"), "U0JULIE", "Julie Bouchard")
MEMBER_TELEGRAM = Person(ChatRef("telegram", "4205"), "4205", "Paul Côté")
MEMBER_SLACK = Person(ChatRef("slack", "C0GROUP"), "U0LUC", "Luc Gagnon", private=False)


@pytest_asyncio.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Context]:
    """A bot on a fresh copy of the sample directory at ``NOW``, with an admin and a coordinator."""
    running = await build(Settings(database_url=f"sqlite:///{tmp_path}/passerelle.db", language="fr",
                                   timezone="America/Toronto"), say=lambda _m: None)
    running.context.clock = lambda: NOW
    await grant(running.context.sessions, "telegram", "4201", ADMIN, granted_by="test", now=NOW)
    await grant(running.context.sessions, "slack", "U0JULIE", COORDINATOR, granted_by="test", now=NOW)
    try:
        yield running.context
    finally:
        await running.close()


async def send(context: Context, person: Person, line: str) -> Reply:
    """The single reply to ``line`` written by ``person``."""
    command, args = split_command(line)
    incoming = Incoming(person.chat, person.user_id, line, command, args, private=person.private,
                        user_name=person.name)
    (reply,) = await dispatch(incoming, context)
    assert reply.text != APOLOGY
    return reply


async def press(context: Context, person: Person, button: Button | str) -> Reply:
    """The single reply to ``person`` pressing ``button`` (or a button with these data)."""
    data = button.data if isinstance(button, Button) else button
    incoming = Incoming(person.chat, person.user_id, button_data=data, private=person.private,
                        user_name=person.name)
    (reply,) = await dispatch(incoming, context)
    assert reply.text != APOLOGY
    return reply


def card_lines(reply: Reply, title: str) -> tuple[str, ...]:
    """The lines of the card titled ``title`` in ``reply``."""
    (card,) = [card for card in reply.cards if card.title == title]
    return card.lines
