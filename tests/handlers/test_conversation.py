"""The guided-conversation machinery: one state per platform, chat and person, expiry, and "annuler"."""

from __future__ import annotations

import datetime as dt

import pytest

from handlers import conversation
from handlers.context import Context
from handlers.conversation import State
from handlers.messages import ChatRef, Incoming, Reply
from tests.handlers import events_chat
from tests.handlers.events_chat import Clock

pytestmark = pytest.mark.asyncio(loop_scope="module")
clock = events_chat.clock


def said(platform: str, chat_id: str, user_id: str, text: str = "") -> Incoming:
    """Free text from ``user_id`` in a chat."""
    return Incoming(ChatRef(platform, chat_id), user_id, text)  # type: ignore[arg-type]


async def echo(incoming: Incoming, context: Context, state: State) -> list[Reply]:
    """A flow that counts its answers."""
    answered = state.data["answers"] + 1
    await conversation.advance(context, incoming, State(state.flow, "next", {"answers": answered}))
    return [Reply(f"{state.step}:{answered}:{incoming.text}")]


FLOWS = {"echo": echo}


async def test_one_conversation_per_platform_chat_and_person(context: Context, clock: Clock) -> None:
    marie = said("slack", "C1", "U1", "bonjour")
    await conversation.start(context, marie, "echo", "first", {"answers": 0})
    for other in (said("slack", "C1", "U2"), said("slack", "C2", "U1"), said("telegram", "C1", "U1")):
        assert await conversation.current(context, other) is None
        assert await conversation.route(other, context, FLOWS) is None
    assert [r.text for r in await conversation.route(marie, context, FLOWS)] == ["first:1:bonjour"]  # type: ignore[union-attr]
    assert [r.text for r in await conversation.route(marie, context, FLOWS)] == ["next:2:bonjour"]  # type: ignore[union-attr]
    assert await conversation.finish(context, marie) is True
    assert await conversation.finish(context, marie) is False


async def test_expiry_is_counted_from_the_last_answer(context: Context, clock: Clock) -> None:
    person = said("console", "console", "exp", "oui")
    context.conversation_ttl = dt.timedelta(minutes=5)
    try:
        await conversation.start(context, person, "echo", "first", {"answers": 0})
        clock.now += dt.timedelta(minutes=4)
        assert await conversation.route(person, context, FLOWS) is not None
        clock.now += dt.timedelta(minutes=4)
        assert await conversation.current(context, person) == State("echo", "next", {"answers": 1})
        clock.now += dt.timedelta(minutes=2)
        assert await conversation.current(context, person) is None
    finally:
        context.conversation_ttl = dt.timedelta(minutes=15)


@pytest.mark.parametrize("text", ["annuler", "Annuler", "/annuler", "/annuler@passerelle_bot", " ANNULER "])
async def test_annuler_stops_any_flow(context: Context, clock: Clock, text: str) -> None:
    person = said("telegram", "-9", "stop", text)
    await conversation.start(context, person, "echo", "first", {"answers": 0})
    replies = await conversation.route(person, context, FLOWS)
    assert [r.text for r in replies] == ["C'est annulé : rien n'a été enregistré."]  # type: ignore[union-attr]
    assert await conversation.current(context, person) is None
