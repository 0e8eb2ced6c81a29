"""Whether the bot may write privately to a person: who ever wrote to it privately is recorded once
(``directory.private_chats``) and kept in memory in ``Context.private_chats``, so that later messages
cost no database trip."""

from __future__ import annotations

from directory.private_chats import has_private_chat, remember_private_chat
from handlers.context import Context
from handlers.messages import Incoming


async def note_private_chat(incoming: Incoming, context: Context) -> None:
    """Record, the first time, that the sender of a private message can be written to privately."""
    key = (incoming.chat.platform, incoming.user_id)
    if not incoming.private or key in context.private_chats:
        return
    await remember_private_chat(context.sessions, *key, context.clock())
    context.private_chats.add(key)


async def is_reachable(context: Context, platform: str, user_id: str) -> bool:
    """Whether the person ever wrote to the bot privately (here or through another process)."""
    key = (platform, user_id)
    if key in context.private_chats:
        return True
    if await has_private_chat(context.sessions, platform, user_id):
        context.private_chats.add(key)
        return True
    return False
