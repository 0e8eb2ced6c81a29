"""Whether the bot may write privately to a person.

On Telegram a bot may not write first: only to someone who once wrote to it privately, which is
recorded once (``directory.private_chats``) and kept in memory in ``Context.private_chats``, so that
later messages cost no database trip. On Slack (a message to a user id opens the direct
conversation) and in the console everyone can be reached.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from directory.private_chats import has_private_chat, private_chats_among, remember_private_chat
from handlers.context import Context
from handlers.messages import Incoming

FIRST_WORD_NEEDED = frozenset({"telegram"})  # platforms where a person must write to the bot first


async def note_private_chat(incoming: Incoming, context: Context) -> None:
    """Record, the first time, that the sender of a private message can be written to privately."""
    key = (incoming.chat.platform, incoming.user_id)
    if not incoming.private or key[0] not in FIRST_WORD_NEEDED or key in context.private_chats:
        return  # elsewhere everyone can be written to: nothing to record
    await remember_private_chat(context.sessions, *key, context.clock())
    context.private_chats.add(key)


async def is_reachable(context: Context, platform: str, user_id: str) -> bool:
    """Whether the bot may write to the person privately: always, except on a platform where the person
    must have written to it privately first (here or through another process)."""
    key = (platform, user_id)
    if platform not in FIRST_WORD_NEEDED or key in context.private_chats:
        return True
    if await has_private_chat(context.sessions, platform, user_id):
        context.private_chats.add(key)
        return True
    return False


async def reachable_among(session: AsyncSession, people: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Those of ``people`` (platform, user id) the bot may write to privately, in their order, read in
    the caller's transaction (a private message to anyone else would be refused at every try)."""
    people = list(people)
    known: dict[str, set[str]] = {}
    for platform in FIRST_WORD_NEEDED:
        user_ids = {user_id for where, user_id in people if where == platform}
        known[platform] = await private_chats_among(session, platform, user_ids)
    return [(platform, user_id) for platform, user_id in people
            if platform not in FIRST_WORD_NEEDED or user_id in known[platform]]
