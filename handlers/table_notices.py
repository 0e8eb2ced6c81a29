"""Private messages about a table: to its coordinator (a seat taken, a follow-up escalated), and the
invitation code asked for in a group, sent to the asker privately, since everyone in the group would
see it and anyone there could claim the seat with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.payloads import to_payload
from handlers.reachability import is_reachable, reachable_among
from handlers.texts import texts_for
from scheduler.outbox import enqueue


async def tell_coordinator(
    session: AsyncSession, table: ConcertationTable, payload: dict[str, Any], now: dt.datetime, key: str,
    *, known: Collection[tuple[str, str]] = (),
) -> int:
    """A private message to the table's coordinator, once per ``key``, when the bot may write to them
    (in the caller's transaction; ``known``: people known to write to the bot privately); how many written."""
    coordinator = (table.coordinator_platform, table.coordinator_user_id)
    written = 0
    for platform, user_id in await reachable_among(session, [coordinator], known=known):
        key_here = f"{key}:{platform}:{user_id}"
        written += await enqueue(session, platform, user_id, None, payload, now, dedupe_key=key_here)
    return written


async def hand_invitation(
    session: AsyncSession, context: Context, incoming: Incoming, invitation: str, now: dt.datetime
) -> list[str]:
    """The lines of the answer about ``invitation``: the invitation itself in a private chat; from a
    group, that it was sent privately (through the outbox, in the caller's transaction), or, when the
    sender cannot be written to privately, the invitation with a warning."""
    t = texts_for(incoming.locale)
    if incoming.private:
        return [invitation]
    platform, user_id = incoming.chat.platform, incoming.user_id
    if await is_reachable(context, platform, user_id):
        await enqueue(session, platform, user_id, None, to_payload(Reply(invitation)), now)
        return [t("Je vous ai envoyé l'invitation en privé : transmettez le code à la personne qui représentera "
                  "l'organisme.")]
    return [invitation, t("Attention : tout le groupe voit ce code, et n'importe qui ici pourrait s'en servir. "
                          "La prochaine fois, demandez l'invitation en m'écrivant en privé (/start).")]


async def tell_new_representative(
    session: AsyncSession, context: Context, incoming: Incoming, table: ConcertationTable, member: TableMember,
    code: str, now: dt.datetime,
) -> None:
    """Tell the table's coordinator privately that the sender of ``incoming`` now represents ``member``
    (claimed with ``code``), unless the coordinator took the seat themselves."""
    if (incoming.chat.platform, incoming.user_id) == (table.coordinator_platform, table.coordinator_user_id):
        return
    t = texts_for(context.language)
    notice = Reply(t("{person} représente maintenant **{organization}** à « {table} ».",
                     person=escape(incoming.user_name or incoming.user_id),
                     organization=escape(member.organization_name), table=escape(table.name)))
    await tell_coordinator(session, table, to_payload(notice), now, f"table:seat:{member.id}:{code}",
                           known=context.private_chats)
