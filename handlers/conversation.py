"""Guided conversations: a question asked, the answer awaited, one step after another.

The state lives in the ``conversation`` table, keyed by platform, chat and person, so that the
same conversation goes on whichever process receives the answer, on every platform alike. A
conversation left unanswered for ``Context.conversation_ttl`` is forgotten. Each kind of
conversation is a *flow*, registered by name in the router; ``/annuler`` (or "annuler" typed as
the answer) stops any of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from directory.text import fold
from handlers.context import Context
from handlers.messages import Incoming, Reply
from handlers.texts import texts_for
from scheduler.conversations import Conversation

CANCEL_WORDS = frozenset({"annuler", "annule", "/annuler", "cancel", "/cancel", "stop"})


@dataclass(frozen=True, slots=True)
class State:
    """Where a person is in a flow: the question asked (``step``) and the answers so far."""

    flow: str
    step: str
    data: dict[str, Any]


Flow = Callable[[Incoming, Context, State], Awaitable[list[Reply]]]


def _key(incoming: Incoming) -> tuple[str, str, str]:
    return incoming.chat.platform, incoming.chat.chat_id, incoming.user_id


async def current(context: Context, incoming: Incoming) -> State | None:
    """The sender's conversation in this chat, none when there is none or it has expired."""
    async with context.sessions() as session:
        row = await session.get(Conversation, _key(incoming))
    if row is None or row.expires_at <= context.clock():
        return None
    return State(row.flow, row.step, dict(row.data))


async def start(context: Context, incoming: Incoming, flow: str, step: str, data: dict[str, Any]) -> None:
    """Begin (or restart) ``flow`` for the sender at ``step``."""
    async with context.sessions.begin() as session:
        await save(session, context, incoming, State(flow, step, data))


async def advance(context: Context, incoming: Incoming, state: State) -> None:
    """Move the sender's conversation to ``state`` (the next question, the answers so far)."""
    await start(context, incoming, state.flow, state.step, state.data)


async def save(session: AsyncSession, context: Context, incoming: Incoming, state: State) -> None:
    """Write ``state`` inside the caller's transaction, its expiry pushed back."""
    now = context.clock()
    row = await session.get(Conversation, _key(incoming))
    if row is None:
        platform, chat_id, user_id = _key(incoming)
        row = Conversation(platform=platform, chat_id=chat_id, user_id=user_id)
        session.add(row)
    row.flow, row.step, row.data = state.flow, state.step, dict(state.data)
    row.updated_at, row.expires_at = now, now + context.conversation_ttl


async def finish(context: Context, incoming: Incoming, session: AsyncSession | None = None) -> bool:
    """End the sender's conversation (inside ``session``'s transaction when given); whether there was one."""
    platform, chat_id, user_id = _key(incoming)
    statement = delete(Conversation).where(
        Conversation.platform == platform, Conversation.chat_id == chat_id, Conversation.user_id == user_id
    )
    if session is not None:
        return bool((await session.execute(statement)).rowcount)
    async with context.sessions.begin() as own:
        return bool((await own.execute(statement)).rowcount)


def is_cancel(text: str) -> bool:
    """Whether an answer asks to stop the conversation ("annuler", "/annuler")."""
    return fold(text.strip()).split("@")[0] in CANCEL_WORDS


async def stop(incoming: Incoming, context: Context) -> list[Reply]:
    """``/annuler``: stop the sender's conversation in progress, if any."""
    t = texts_for(incoming.locale)
    state = await current(context, incoming)
    await finish(context, incoming)
    if state is None:
        return [Reply(t("Il n'y a rien à annuler : aucune question en cours."))]
    return [Reply(t("C'est annulé : rien n'a été enregistré."))]


async def route(incoming: Incoming, context: Context, flows: dict[str, Flow]) -> list[Reply] | None:
    """The replies of the sender's conversation to a free-text message, none without a conversation."""
    state = await current(context, incoming)
    if state is None or state.flow not in flows:
        return None
    if is_cancel(incoming.text):
        return await stop(incoming, context)
    return await flows[state.flow](incoming, context, state)
