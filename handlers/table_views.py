"""Seeing the tables: all of them nested (provincial › régional › local), or one with its territory,
parent and children, coordinator, and members with their role, representative and team channel."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import (
    LEVELS,
    ConcertationTable,
    TableMember,
    active_members,
    children,
    find_table,
)
from directory.places import Gazetteer
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.table_access import from_short_id, one_table, to_short_id
from handlers.texts import Texts, texts_for

VIEW_PREFIX = "tbv:"  # button data: "tbv:<table short id>"
INDENT = "    "


async def list_tables(incoming: Incoming, context: Context) -> list[Reply]:
    """Every table, each under its parent, the highest levels first, with its count of members."""
    t = texts_for(incoming.locale)
    async with context.sessions() as session:
        tables = list(await session.scalars(select(ConcertationTable)))
        counts = dict((await session.execute(
            select(TableMember.table_id, func.count()).where(TableMember.left_at.is_(None)).group_by(TableMember.table_id)
        )).all())
    if not tables:
        return [Reply(t("Aucune table de concertation pour l'instant. Pour en créer une : "
                        "**/table creer <nom> ; <niveau> ; <territoire>**"))]
    under: dict[uuid.UUID | None, list[ConcertationTable]] = {}
    known = {table.id for table in tables}
    for table in tables:
        parent = table.parent_id if table.parent_id in known else None
        under.setdefault(parent, []).append(table)
    for group in under.values():
        group.sort(key=lambda table: (-LEVELS.index(table.level), table.name_key))
    lines = [t("**Tables de concertation**")]
    gazetteer = context.search.gazetteer

    def add(parent: uuid.UUID | None, depth: int, seen: set[uuid.UUID]) -> None:
        for table in under.get(parent, []):
            if table.id in seen:
                continue
            seen.add(table.id)
            marker = "- " if depth == 0 else INDENT * depth + "› "
            lines.append(marker + _summary(table, counts.get(table.id, 0), gazetteer, t))
            add(table.id, depth + 1, seen)

    add(None, 0, set())
    lines.append(t("Pour en voir une : **/table <nom>**"))
    return [Reply("\n".join(lines))]


def _summary(table: ConcertationTable, members: int, gazetteer: Gazetteer, t: Texts) -> str:
    count = t("{count} membre", count=members) if members == 1 else t("{count} membres", count=members)
    return t("**{name}** ({level}, {place}) — {count}",
             name=escape(table.name), level=table.level, place=escape(_place_name(table, gazetteer)), count=count)


def _place_name(table: ConcertationTable, gazetteer: Gazetteer) -> str:
    place = gazetteer.get(table.place_id) if table.place_id else None
    return place.name if place is not None else "—"


async def show_named(incoming: Incoming, context: Context, name: str) -> list[Reply]:
    """The table called ``name``; when several names match, buttons to pick one."""
    t = texts_for(incoming.locale)
    async with context.sessions() as session:
        found = await find_table(session, name)
        if len(found) > 1:
            buttons = tuple(Button(table.name[:60], VIEW_PREFIX + to_short_id(table.id)) for table in found)
            return [Reply(t("Plusieurs tables correspondent à « {name} ». Laquelle ?", name=escape(name)),
                          buttons=buttons)]
        table = await one_table(session, name, t)
        if isinstance(table, Reply):
            return [table]
        return [Reply(await _details(session, table, context, t))]


async def pick(incoming: Incoming, context: Context) -> list[Reply]:
    """The table chosen with a button."""
    t = texts_for(incoming.locale)
    table_id = from_short_id((incoming.button_data or "").removeprefix(VIEW_PREFIX))
    async with context.sessions() as session:
        table = await session.get(ConcertationTable, table_id) if table_id else None
        if table is None:
            return [Reply(t("Cette table n'existe plus. Tapez **/table liste** pour voir les tables."))]
        return [Reply(await _details(session, table, context, t))]


async def _details(session: AsyncSession, table: ConcertationTable, context: Context, t: Texts) -> str:
    gazetteer = context.search.gazetteer
    lines = [f"**{escape(table.name)}**",
             t("Niveau : {level} · Territoire : {place}", level=table.level,
               place=escape(_place_name(table, gazetteer)))]
    if table.parent_id is not None and (parent := await session.get(ConcertationTable, table.parent_id)):
        lines.append(t("Fait partie de : {parent}", parent=escape(parent.name)))
    below = await children(session, table.id)
    if below:
        lines.append(t("Tables rattachées : {names}", names=escape(", ".join(child.name for child in below))))
    lines.append(t("Coordination : {name}", name=escape(table.coordinator_name or table.coordinator_user_id)))
    members = await active_members(session, table.id)
    if not members:
        lines.append(t("Aucun membre pour l'instant : **/table ajouter {name} ; <organisme>**", name=escape(table.name)))
        return "\n".join(lines)
    lines.append(t("**Membres ({count})**", count=len(members)))
    lines.extend(_member_line(member, t) for member in members)
    return "\n".join(lines)


def _member_line(member: TableMember, t: Texts) -> str:
    representative = (escape(member.representative_name or member.representative_user_id)
                      if member.representative_user_id else t("à désigner"))
    team = t("canal d'équipe lié") if member.team_chat_id else t("pas de canal d'équipe")
    return t("- {organization} — {role} — représentant : {representative} — {team}",
             organization=escape(member.organization_name), role=escape(member.role),
             representative=representative, team=team)
