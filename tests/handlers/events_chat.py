"""Talking to the bot about events in tests: people on each platform, a fixed clock, the outbox read back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from directory.roles import COORDINATOR, grant
from handlers.context import Context
from handlers.messages import Button, ChatRef, Incoming, Reply
from handlers.payloads import to_reply
from handlers.router import dispatch, split_command
from scheduler.outbox import OutboxMessage

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)  # Friday November 20th, 9 h in Québec
APOLOGY = "Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."


class Clock:
    """A clock that moves only when told."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(context: Context) -> Iterator[Clock]:
    """The context's clock, fixed at :data:`NOW` for the test."""
    fixed, before = Clock(NOW), context.clock
    context.clock = fixed
    try:
        yield fixed
    finally:
        context.clock = before


@dataclass(frozen=True)
class Person:
    """Someone writing in one chat."""

    chat: ChatRef
    user_id: str
    name: str = ""
    private: bool = False

    def incoming(self, line: str, mentions: tuple[str, ...] = ()) -> Incoming:
        """What an adapter passes on when this person types ``line``."""
        command, args = split_command(line)
        return Incoming(self.chat, self.user_id, line, command, args, private=self.private, user_name=self.name,
                        mentions=mentions)

    async def say(self, context: Context, line: str, mentions: tuple[str, ...] = ()) -> list[Reply]:
        """The replies to ``line``."""
        replies = await dispatch(self.incoming(line, mentions), context)
        assert all(reply.text != APOLOGY for reply in replies)
        return replies

    async def one(self, context: Context, line: str, mentions: tuple[str, ...] = ()) -> Reply:
        """The single reply to ``line``."""
        replies = await self.say(context, line, mentions)
        assert len(replies) == 1, replies
        return replies[0]

    async def press(self, context: Context, button: Button | str) -> list[Reply]:
        """The replies to pressing ``button`` (or a button with that data)."""
        data = button.data if isinstance(button, Button) else button
        incoming = Incoming(self.chat, self.user_id, button_data=data, private=self.private, user_name=self.name)
        replies = await dispatch(incoming, context)
        assert all(reply.text != APOLOGY for reply in replies)
        return replies


async def make_coordinator(context: Context, person: Person) -> None:
    """Give ``person`` the coordinator role."""
    await grant(context.sessions, person.chat.platform, person.user_id, COORDINATOR, granted_by="test", now=NOW)


def button(reply: Reply, label: str) -> Button:
    """The button of ``reply`` labelled ``label``."""
    found = [b for b in reply.buttons if b.label == label]
    assert found, reply.buttons
    return found[0]


async def outbox(context: Context, **where: str) -> list[OutboxMessage]:
    """The outbox rows matching ``where`` (column=value), oldest first."""
    async with context.sessions() as session:
        statement = select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.chat_id)
        for column, value in where.items():
            statement = statement.where(getattr(OutboxMessage, column) == value)
        return list((await session.scalars(statement)).all())


def text_of(message: OutboxMessage) -> str:
    """The text of a queued message."""
    return to_reply(message.payload).text
