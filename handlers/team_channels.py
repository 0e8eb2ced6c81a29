"""``/equipe lier <organisme>``, typed in a team's own channel, makes it where that organization's
reminders about decisions go, at every table it sits at; ``/equipe`` alone says which organization
the channel is linked to. Linking is for the organization's representative, a coordinator or an admin."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember, fold_name
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.names import OrganizationNames
from handlers.permissions import may_organize
from handlers.table_access import from_short_id, to_short_id
from handlers.texts import texts_for

LINK_PREFIX = "eql:"  # button data: "eql:<organization short id>"
LINK_WORD = "lier"
LABEL_LIMIT = 60


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/equipe`` and ``/equipe lier <organisme>``."""
    t = texts_for(incoming.locale)
    head, _, rest = incoming.args.strip().partition(" ")
    if not head:
        return await linked(incoming, context)
    if fold_name(head) != LINK_WORD or not rest.strip():
        return [Reply(t("Dans le canal d'une équipe : **/equipe lier <organisme>** pour y recevoir les rappels "
                        "des décisions de ses tables ; **/equipe** pour voir l'organisme lié."))]
    if incoming.private and incoming.chat.platform != "console":
        return [Reply(t("Tapez cette commande dans le canal de l'équipe, pas en privé."))]
    async with context.sessions() as session:
        rows = (await session.execute(
            select(TableMember.organization_id, TableMember.organization_name)
            .where(TableMember.left_at.is_(None)).distinct()
        )).all()
    name = rest.strip()
    match = OrganizationNames([(org_id, org_name, None) for org_id, org_name in rows]).find(name)
    if not match.choices:
        return [Reply(t("Aucun organisme membre d'une table ne ressemble à « {name} ». "
                        "Le coordonnateur l'ajoute d'abord avec **/table ajouter**.", name=escape(name)))]
    if match.sure:
        return await _link(incoming, context, match.choices[0].org_id)
    buttons = tuple(Button(c.label[:LABEL_LIMIT], LINK_PREFIX + to_short_id(c.org_id)) for c in match.choices)
    return [Reply(t("Plusieurs organismes ressemblent à « {name} ». Lequel est l'équipe de ce canal ?",
                    name=escape(name)), buttons=buttons)]


async def pick(incoming: Incoming, context: Context) -> list[Reply]:
    """The organization chosen with a button gets this channel as its team's."""
    org_id = from_short_id((incoming.button_data or "").removeprefix(LINK_PREFIX))
    if org_id is None:
        return [Reply(texts_for(incoming.locale)("Ce choix n'est plus valide : relancez /equipe lier."))]
    return await _link(incoming, context, org_id)


async def _link(incoming: Incoming, context: Context, org_id: uuid.UUID) -> list[Reply]:
    t = texts_for(incoming.locale)
    chat = incoming.chat
    async with context.sessions.begin() as session:
        members = list(await session.scalars(
            select(TableMember).where(TableMember.organization_id == org_id, TableMember.left_at.is_(None))
        ))
        if not members:
            return [Reply(t("Cet organisme ne fait plus partie d'aucune table."))]
        represents = any((m.representative_platform, m.representative_user_id) == (chat.platform, incoming.user_id)
                         for m in members)
        if not represents and not await may_organize(context, incoming):
            return [Reply(t("Seuls le représentant de {organization} à une table, les coordonnateurs et les "
                            "administrateurs peuvent lier le canal de son équipe.",
                            organization=escape(members[0].organization_name)))]
        await session.execute(
            update(TableMember).where(TableMember.organization_id == org_id, TableMember.left_at.is_(None))
            .values(team_platform=chat.platform, team_chat_id=chat.chat_id, team_thread_id=chat.thread_id)
            .execution_options(synchronize_session=False)
        )
        tables = await _table_names(session, [m.table_id for m in members])
    return [Reply(t("Ce canal est maintenant celui de l'équipe de **{organization}** : les rappels des décisions "
                    "de {tables} y arriveront.", organization=escape(members[0].organization_name),
                    tables=escape(", ".join(tables))))]


async def linked(incoming: Incoming, context: Context) -> list[Reply]:
    """Which organization's team this channel is, at which tables."""
    t = texts_for(incoming.locale)
    chat = incoming.chat
    thread = TableMember.team_thread_id.is_(None) if chat.thread_id is None else TableMember.team_thread_id == chat.thread_id
    async with context.sessions() as session:
        members = list(await session.scalars(
            select(TableMember).where(TableMember.team_platform == chat.platform, TableMember.team_chat_id == chat.chat_id,
                                      thread, TableMember.left_at.is_(None))
            .order_by(TableMember.organization_name)
        ))
        tables = await _table_names(session, [m.table_id for m in members])
    if not members:
        return [Reply(t("Ce canal n'est lié à aucune équipe. Pour le lier : **/equipe lier <organisme>**"))]
    organizations = sorted({m.organization_name for m in members})
    return [Reply(t("Ce canal est celui de l'équipe de **{organizations}**, pour {tables}.",
                    organizations=escape(", ".join(organizations)), tables=escape(", ".join(tables))))]


async def _table_names(session: AsyncSession, table_ids: list[uuid.UUID]) -> list[str]:
    if not table_ids:
        return []
    found = await session.scalars(
        select(ConcertationTable.name).where(ConcertationTable.id.in_(table_ids)).order_by(ConcertationTable.name_key)
    )
    return list(found)
