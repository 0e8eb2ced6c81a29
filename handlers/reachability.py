"""Whether the bot may write privately to a person.

On Telegram a bot may not write first: only to someone who once wrote to it privately, which is
recorded once (``directory.private_chats``) and kept in memory in ``Context.private_chats``, so that
later messages cost no database trip. Even the first message answers without one: the people noted
are written at the start of the next sweep (twice a second), all in one statement, before the sweep
reads who may be written to; within a process, the memory already knows them. On Slack (a message to a user id opens the direct
conversation) and in the console everyone can be reached.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from directory.people import is_alias
from directory.private_chats import has_private_chat, private_chats_among, remember_private_chats
from handlers.context import Context
from handlers.messages import Incoming

FIRST_WORD_NEEDED = frozenset({"telegram"})  # platforms where a person must write to the bot first


async def note_private_chat(incoming: Incoming, context: Context) -> None:
    """Note, the first time, that the sender of a private message can be written to privately: at once
    in memory, in the database at the next sweep (``flush_private_chats``), so that answering costs no
    database trip."""
    key = (incoming.chat.platform, incoming.user_id)
    if not incoming.private or key[0] not in FIRST_WORD_NEEDED or key in context.private_chats:
        return  # elsewhere everyone can be written to: nothing to record
    context.private_chats.add(key)
    context.pending_private_chats.setdefault(key, context.clock())


async def flush_private_chats(context: Context) -> int:
    """Write the people noted since the last flush, all in one statement; how many were new. When the
    write fails, they stay pending for the next flush and the error is raised."""
    batch, context.pending_private_chats = context.pending_private_chats, {}
    if not batch:
        return 0
    try:
        # their first messages differ by a sweep's interval at most: the earliest stands for all
        return await remember_private_chats(context.sessions, list(batch), min(batch.values()))
    except Exception:
        context.pending_private_chats = batch | context.pending_private_chats
        raise


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


async def reachable_among(
    session: AsyncSession, people: Iterable[tuple[str, str]], *, known: Collection[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """Those of ``people`` (platform, user id) the bot may write to privately, in their order: the ones
    in ``known`` (``Context.private_chats``, maybe not written yet), the others read in the caller's
    transaction (a private message to anyone else would be refused at every try). A forgotten person
    (``directory.people.is_alias``) is nobody to write to."""
    people = list(people)
    found: dict[str, set[str]] = {}
    for platform in FIRST_WORD_NEEDED:
        user_ids = {user_id for where, user_id in people if where == platform and (where, user_id) not in known}
        found[platform] = await private_chats_among(session, platform, user_ids)
    return [(platform, user_id) for platform, user_id in people if not is_alias(user_id) and (
            platform not in FIRST_WORD_NEEDED or (platform, user_id) in known or user_id in found[platform])]
