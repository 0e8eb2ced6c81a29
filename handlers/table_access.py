"""Finding the table a person names, and who may change it: its coordinator, an admin, or the
local operator on the console. Everyone may see a table."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember, active_members, find_table
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.names import OrganizationNames
from handlers.permissions import is_admin
from handlers.texts import Texts, texts_for

Changed = TypeVar("Changed")


def split_parts(args: str) -> list[str]:
    """The parts of "a ; b ; c", stripped (empty parts kept, to tell the person which is missing)."""
    return [part.strip() for part in args.split(";")]


def to_short_id(value: uuid.UUID) -> str:
    """A uuid in 22 URL-safe characters, to fit two of them in a button's data."""
    return base64.urlsafe_b64encode(value.bytes).decode("ascii").rstrip("=")


def from_short_id(text: str) -> uuid.UUID | None:
    """The uuid ``to_short_id`` wrote, none when ``text`` is not one."""
    try:
        raw = base64.urlsafe_b64decode(text + "==")
        return uuid.UUID(bytes=raw) if len(text) == 22 else None
    except ValueError:
        return None


async def one_table(session: AsyncSession, name: str, t: Texts) -> ConcertationTable | Reply:
    """The table ``name`` designates, or the reply saying none or several do."""
    found = await find_table(session, name)
    if len(found) == 1:
        return found[0]
    if not found:
        return Reply(t("Aucune table ne s'appelle « {name} ». Tapez **/table liste** pour voir les tables.",
                       name=escape(name)))
    names = ", ".join(f"« {escape(table.name)} »" for table in found)
    return Reply(t("Plusieurs tables correspondent à « {name} » : {names}. Précisez le nom.",
                   name=escape(name), names=names))


async def may_manage(context: Context, incoming: Incoming, table: ConcertationTable) -> bool:
    """True for the table's coordinator, an admin of the sender's network, or on the console."""
    if (table.coordinator_platform, table.coordinator_user_id) == (incoming.chat.platform, incoming.user_id):
        return True
    return await is_admin(context, incoming)


def manage_refusal(t: Texts, table: ConcertationTable) -> Reply:
    """Who may change the table ``table``."""
    return Reply(t("Seuls le coordonnateur de la table « {table} » ({coordinator}) et les administrateurs "
                   "peuvent changer ses membres.",
                   table=escape(table.name), coordinator=escape(table.coordinator_name or table.coordinator_user_id)))


async def one_member(session: AsyncSession, table: ConcertationTable, name: str, t: Texts) -> TableMember | Reply:
    """The active member of ``table`` whose organization ``name`` designates, or the reply saying why none."""
    members = await active_members(session, table.id)
    match = OrganizationNames([(m.id, m.organization_name, None) for m in members]).find(name)
    if match.sure:
        return next(m for m in members if m.id == match.choices[0].org_id)
    if len(match.choices) == 1:
        return Reply(t("Aucun membre de « {table} » ne s'appelle « {name} ». Vouliez-vous dire « {member} » ?",
                       table=escape(table.name), name=escape(name), member=escape(match.choices[0].label)))
    if match.choices:
        names = ", ".join(f"« {escape(choice.label)} »" for choice in match.choices)
        return Reply(t("Plusieurs membres de « {table} » ressemblent à « {name} » : {names}. Précisez le nom.",
                       table=escape(table.name), name=escape(name), names=names))
    return Reply(t("Aucun membre de « {table} » ne ressemble à « {name} ». Tapez **/table {table}** pour voir ses membres.",
                   table=escape(table.name), name=escape(name)))


async def managed_member(
    session: AsyncSession, context: Context, incoming: Incoming, args: str, usage: str, t: Texts
) -> tuple[ConcertationTable, TableMember] | Reply:
    """The table and its member named in ``args`` ("<table> ; <organisme>"), when the sender may change
    that table; else the reply saying why not (``usage`` when ``args`` does not name both)."""
    parts = split_parts(args)
    if len(parts) != 2 or not all(parts):
        return Reply(usage)
    table = await one_table(session, parts[0], t)
    if isinstance(table, Reply):
        return table
    if not await may_manage(context, incoming, table):
        return manage_refusal(t, table)
    member = await one_member(session, table, parts[1], t)
    if isinstance(member, Reply):
        return member
    return table, member


async def change_member(
    incoming: Incoming, context: Context, args: str, usage: str,
    change: Callable[[AsyncSession, ConcertationTable, TableMember, dt.datetime], Awaitable[Changed]],
) -> tuple[ConcertationTable, TableMember, Changed] | Reply:
    """``change`` applied, at the clock's time and in one transaction, to the table member named in
    ``args`` when the sender may change that table: the table, the member and what ``change`` returned;
    else the reply saying why not (see :func:`managed_member`)."""
    now = context.clock()
    async with context.sessions.begin() as session:
        found = await managed_member(session, context, incoming, args, usage, texts_for(incoming.locale))
        if isinstance(found, Reply):
            return found
        table, member = found
        return table, member, await change(session, table, member, now)
