"""Who may see the follow-up of a table: the people at it (its coordinator and the representatives of
its member organizations), the network's admins, and the local operator on the console."""

from __future__ import annotations

from sqlalchemy import select

from directory.concertation import ConcertationTable, TableMember
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.table_access import may_manage
from handlers.texts import Texts


async def may_see(context: Context, incoming: Incoming, table: ConcertationTable) -> bool:
    """True for the table's coordinator, an admin, and the representative of one of its organizations."""
    if await may_manage(context, incoming, table):
        return True
    async with context.sessions() as session:
        seat = await session.scalar(
            select(TableMember.id).where(
                TableMember.table_id == table.id,
                TableMember.left_at.is_(None),
                TableMember.representative_platform == incoming.chat.platform,
                TableMember.representative_user_id == incoming.user_id,
            ).limit(1)
        )
    return seat is not None


def see_refusal(t: Texts, table: ConcertationTable) -> Reply:
    """Who may see the follow-up of ``table``."""
    return Reply(t(
        "Le suivi de la table « {table} » est réservé aux personnes qui y siègent : son coordonnateur "
        "({coordinator}), les représentants de ses organismes et les administrateurs.",
        table=escape(table.name), coordinator=escape(table.coordinator_name or table.coordinator_user_id),
    ))
