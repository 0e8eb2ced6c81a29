"""``/table ajouter <table> ; <organisme> [; <rôle>]`` and ``/table retirer <table> ; <organisme>``:
organizations of the directory joining a table (with an invitation for their representative) and
leaving it (their row kept for the history, their open follow-ups closed)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import MEMBER_ROLES, ConcertationTable, TableMember, active_members, fold_name
from directory.models import Organization
from directory.records import organization_names
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.permissions import to_person_ref
from handlers.table_access import (
    change_member,
    from_short_id,
    manage_refusal,
    may_manage,
    one_table,
    split_parts,
    to_short_id,
)
from handlers.table_invites import issue_invitation, to_invitation
from handlers.table_notices import hand_invitation
from handlers.table_turnover import close_followups
from handlers.texts import Texts, texts_for

ADD_PREFIX = "tba:"  # button data: "tba:<table short id><organization short id><role number>"
SHORT_ID = 22
LABEL_LIMIT = 60


def parse_role(text: str) -> str | None:
    """The role ``text`` names, typed with or without accents and apostrophes ("groupe d action",
    "porteur"); none when it names none or several."""
    wanted = fold_name(text.replace("'", " ").replace("’", " "))
    keys = {role: fold_name(role.replace("'", " ")) for role in MEMBER_ROLES}
    exact = [role for role, key in keys.items() if key == wanted]
    if exact:
        return exact[0]
    starting = [role for role, key in keys.items() if wanted and all(word in key.split() for word in wanted.split())]
    return starting[0] if len(starting) == 1 else None


def _roles(t: Texts) -> str:
    return t("Rôles possibles : {roles}.", roles=", ".join(MEMBER_ROLES))


async def add(incoming: Incoming, context: Context, args: str) -> list[Reply]:
    """Add the organization named in ``args`` to the table, or offer the closest names as buttons."""
    t = texts_for(incoming.locale)
    parts = split_parts(args)
    if len(parts) not in (2, 3) or not all(parts):
        return [Reply(t("Pour ajouter un membre : **/table ajouter <table> ; <organisme> [; <rôle>]**. {roles}",
                        roles=_roles(t)))]
    role = parse_role(parts[2]) if len(parts) == 3 else MEMBER_ROLES[0]
    if role is None:
        return [Reply(t("Rôle inconnu : « {role} ». {roles}", role=escape(parts[2]), roles=_roles(t)))]
    async with context.sessions() as session:
        table = await one_table(session, parts[0], t)
        if isinstance(table, Reply):
            return [table]
        if not await may_manage(context, incoming, table):
            return [manage_refusal(t, table)]
        rows = await organization_names(session)
    match = context.names.of(rows).find(parts[1])
    if not match.choices:
        return [Reply(t("Aucun organisme de l'annuaire ne ressemble à « {name} ». Vérifiez l'orthographe avec /org.",
                        name=escape(parts[1])))]
    if match.sure:
        return await _join(incoming, context, table.id, match.choices[0].org_id, role)
    number = MEMBER_ROLES.index(role)
    buttons = tuple(
        Button(choice.label[:LABEL_LIMIT], f"{ADD_PREFIX}{to_short_id(table.id)}{to_short_id(choice.org_id)}{number}")
        for choice in match.choices
    )
    return [Reply(t("Plusieurs organismes ressemblent à « {name} ». Lequel ajouter à « {table} » ?",
                    name=escape(parts[1]), table=escape(table.name)), buttons=buttons)]


async def pick(incoming: Incoming, context: Context) -> list[Reply]:
    """The organization chosen with a button joins the table."""
    t = texts_for(incoming.locale)
    data = (incoming.button_data or "").removeprefix(ADD_PREFIX)
    table_id, org_id = from_short_id(data[:SHORT_ID]), from_short_id(data[SHORT_ID:2 * SHORT_ID])
    number = data[2 * SHORT_ID:]
    if table_id is None or org_id is None or not number.isdecimal() or int(number) >= len(MEMBER_ROLES):
        return [Reply(t("Ce choix n'est plus valide : relancez /table ajouter."))]
    return await _join(incoming, context, table_id, org_id, MEMBER_ROLES[int(number)])


async def _join(incoming: Incoming, context: Context, table_id: uuid.UUID, org_id: uuid.UUID, role: str) -> list[Reply]:
    t = texts_for(incoming.locale)
    async with context.sessions.begin() as session:
        table = await session.get(ConcertationTable, table_id)
        if table is None:
            return [Reply(t("Cette table n'existe plus. Tapez **/table liste** pour voir les tables."))]
        if not await may_manage(context, incoming, table):
            return [manage_refusal(t, table)]
        name = await _organization_name(session, org_id)
        if name is None:
            return [Reply(t("Cet organisme n'est plus dans l'annuaire."))]
        if any(member.organization_id == org_id for member in await active_members(session, table.id)):
            return [Reply(t("{organization} fait déjà partie de « {table} ».",
                            organization=escape(name), table=escape(table.name)))]
        now = context.clock()
        member = TableMember(table_id=table.id, organization_id=org_id, organization_name=name, role=role,
                             joined_at=now)
        issue_invitation(member, now)
        session.add(member)
        invitation = await hand_invitation(session, context, incoming, to_invitation(member, table, context, t), now)
    added = t("**{organization}** fait maintenant partie de « {table} » (rôle : {role}).",
              organization=escape(name), table=escape(table.name), role=escape(role))
    return [Reply("\n".join([added, *invitation]))]


async def _organization_name(session: AsyncSession, org_id: uuid.UUID) -> str | None:
    return await session.scalar(select(Organization.name).where(Organization.id == org_id))


async def remove(incoming: Incoming, context: Context, args: str) -> list[Reply]:
    """The organization leaves the table: its row stays for the history, its open follow-ups are closed."""
    t = texts_for(incoming.locale)
    usage = t("Pour retirer un membre : **/table retirer <table> ; <organisme>**")

    async def leave(session: AsyncSession, _table: ConcertationTable, member: TableMember, now: dt.datetime) -> int:
        member.left_at = now
        member.invite_expires_at = None
        return await close_followups(session, member, now, to_person_ref(incoming))

    changed = await change_member(incoming, context, args, usage, leave)
    if isinstance(changed, Reply):
        return [changed]
    table, member, closed = changed
    lines = [t("**{organization}** ne fait plus partie de « {table} ».",
               organization=escape(member.organization_name), table=escape(table.name))]
    if closed:
        lines.append(t("Son suivi en attente est fermé : personne ne sera plus relancé pour cet organisme.")
                     if closed == 1 else
                     t("Ses {count} suivis en attente sont fermés : personne ne sera plus relancé pour cet organisme.",
                       count=closed))
    return [Reply("\n".join(lines))]
