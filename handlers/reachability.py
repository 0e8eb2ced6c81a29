"""Whether the bot may write privately to a person.

On Telegram a bot may not write first: only to someone who once wrote to it privately, which is
recorded once (``directory.private_chats``) and kept in memory in ``Context.private_chats``, so that
later messages cost no database trip. Even the first message answers without one: the person is
written by a background task of the context, which takes every person noted meanwhile in the same
statement, so that under load the writes batch themselves. On Slack (a message to a user id opens the direct
conversation) and in the console everyone can be reached.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from directory.private_chats import has_private_chat, private_chats_among, remember_private_chats
from handlers.context import Context
from handlers.messages import Incoming

log = logging.getLogger(__name__)
FIRST_WORD_NEEDED = frozenset({"telegram"})  # platforms where a person must write to the bot first


async def note_private_chat(incoming: Incoming, context: Context) -> None:
    """Note, the first time, that the sender of a private message can be written to privately: at once
    in memory, in the database shortly after (``flush_private_chats`` waits for it)."""
    key = (incoming.chat.platform, incoming.user_id)
    if not incoming.private or key[0] not in FIRST_WORD_NEEDED or key in context.private_chats:
        return  # elsewhere everyone can be written to: nothing to record
    context.private_chats.add(key)
    context.pending_private_chats.setdefault(key, context.clock())
    _start_writer(context)


async def flush_private_chats(context: Context) -> None:
    """Wait until the people noted so far are in the database; when the write fails (logged), they stay
    pending for the next try."""
    if context.pending_private_chats:
        _start_writer(context)
    if context.private_chat_writer is not None:
        await asyncio.shield(context.private_chat_writer)


def _start_writer(context: Context) -> None:
    if context.private_chat_writer is None or context.private_chat_writer.done():
        context.private_chat_writer = asyncio.get_running_loop().create_task(_write_pending(context))


async def _write_pending(context: Context) -> None:
    """Write the pending people, all at once, until none is left; on a failure, put them back and stop."""
    while context.pending_private_chats:
        batch, context.pending_private_chats = context.pending_private_chats, {}
        try:
            # their first messages differ by the length of a write at most: the earliest stands for all
            await remember_private_chats(context.sessions, list(batch), min(batch.values()))
        except Exception:
            log.exception("could not record %d private chat(s); retried at the next one", len(batch))
            context.pending_private_chats = batch | context.pending_private_chats
            return


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
    transaction (a private message to anyone else would be refused at every try)."""
    people = list(people)
    found: dict[str, set[str]] = {}
    for platform in FIRST_WORD_NEEDED:
        user_ids = {user_id for where, user_id in people if where == platform and (where, user_id) not in known}
        found[platform] = await private_chats_among(session, platform, user_ids)
    return [(platform, user_id) for platform, user_id in people
            if platform not in FIRST_WORD_NEEDED or (platform, user_id) in known or user_id in found[platform]]
