"""``/equipe lier <organisme>`` in a team's channel links it to every active membership of that
organization, for its representative, a coordinator or an admin; ``/equipe`` says what it is linked to;
on Telegram and Slack messages, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from directory.concertation import TableMember
from handlers.context import Context
from handlers.messages import ChatRef
from tests.handlers import events_chat, tables_chat
from tests.handlers.events_chat import Clock, Person
from tests.handlers.tables_chat import JULIE, LUC, MARIE, PAUL, code_in

pytestmark = pytest.mark.asyncio(loop_scope="module")
clock, context, fresh = events_chat.clock, tables_chat.context, tables_chat.fresh
TRANSIT = "Centre d'intervention familiale Le Transit"
TEAM_SLACK = ChatRef("slack", "C0TRANSIT", "1761000000.000200")  # a thread of the team's Slack channel
LUC_IN_TEAM = Person(TEAM_SLACK, "U0LUC", "Luc Gagnon")
PAUL_IN_TEAM = Person(ChatRef("telegram", "-100321"), "4205", "Paul Côté")


async def two_tables(context: Context) -> None:
    """Le Transit at two tables, Luc its representative at the first; the Centre Alpha at the second."""
    for name in ("Table petite enfance Jonquière", "Table jeunesse Jonquière"):
        await MARIE.one(context, f"/table creer {name} ; local ; Jonquière")
    reply = await MARIE.one(context, f"/table ajouter Table petite enfance Jonquière ; {TRANSIT}")
    await LUC.one(context, f"/table representer {code_in(reply)}")
    await MARIE.one(context, f"/table ajouter Table jeunesse Jonquière ; {TRANSIT}")
    await MARIE.one(context, "/table ajouter Table jeunesse Jonquière ; Centre Alpha de Jonquière")


async def teams(context: Context) -> list[tuple[str, str, str, str]]:
    """(organization, platform, chat, thread) of each active membership's team ("" when none), sorted."""
    async with context.sessions() as session:
        rows = await session.scalars(select(TableMember).where(TableMember.left_at.is_(None)))
        return sorted((m.organization_name, m.team_platform or "", m.team_chat_id or "", m.team_thread_id or "")
                      for m in rows)


async def test_the_representative_links_the_team_channel_of_every_membership(context: Context, clock: Clock) -> None:
    await two_tables(context)
    assert (await LUC_IN_TEAM.one(context, "/equipe")).text == (
        "Ce canal n'est lié à aucune équipe. Pour le lier : **/equipe lier <organisme>**")
    reply = await LUC_IN_TEAM.one(context, "/equipe lier le transit")
    assert reply.text == (f"Ce canal est maintenant celui de l'équipe de **{TRANSIT}** : les rappels des décisions "
                          "de Table jeunesse Jonquière, Table petite enfance Jonquière y arriveront.")
    assert await teams(context) == [
        ("Centre Alpha de Jonquière", "", "", ""),
        (TRANSIT, "slack", "C0TRANSIT", "1761000000.000200"),
        (TRANSIT, "slack", "C0TRANSIT", "1761000000.000200"),
    ]
    assert (await LUC_IN_TEAM.one(context, "/equipe")).text == (
        f"Ce canal est celui de l'équipe de **{TRANSIT}**, pour Table jeunesse Jonquière, Table petite enfance Jonquière.")
    assert "canal d'équipe lié" in (await PAUL.one(context, "/table Table jeunesse Jonquière")).text


async def test_someone_else_may_not_link_but_a_coordinator_may(context: Context, clock: Clock) -> None:
    await two_tables(context)
    reply = await PAUL_IN_TEAM.one(context, "/equipe lier Centre Alpha de Jonquière")
    assert reply.text == ("Seuls le représentant de Centre Alpha de Jonquière à une table, les coordonnateurs et "
                          "les administrateurs peuvent lier le canal de son équipe.")
    assert ("Centre Alpha de Jonquière", "", "", "") in await teams(context)
    in_team = Person(ChatRef("slack", "C0ALPHA"), JULIE.user_id, JULIE.name)
    assert (await in_team.one(context, "/equipe lier Centre Alpha")).text.startswith(
        "Ce canal est maintenant celui de l'équipe de **Centre Alpha de Jonquière**")
    assert ("Centre Alpha de Jonquière", "slack", "C0ALPHA", "") in await teams(context)


async def test_bad_requests_are_explained(context: Context, clock: Clock) -> None:
    await two_tables(context)
    assert (await LUC.one(context, "/equipe lier Le Transit")).text == (
        "Tapez cette commande dans le canal de l'équipe, pas en privé.")
    assert (await LUC_IN_TEAM.one(context, "/equipe lier")).text.startswith(
        "Dans le canal d'une équipe : **/equipe lier <organisme>**")
    assert (await LUC_IN_TEAM.one(context, "/equipe relier Le Transit")).text.startswith("Dans le canal d'une équipe")
    assert (await LUC_IN_TEAM.one(context, "/equipe lier Boulangerie Zzyzx")).text == (
        "Aucun organisme membre d'une table ne ressemble à « Boulangerie Zzyzx ». Le coordonnateur l'ajoute "
        "d'abord avec **/table ajouter**.")
    assert all(team[1:] == ("", "", "") for team in await teams(context))


async def test_an_ambiguous_name_offers_buttons(context: Context, clock: Clock) -> None:
    await two_tables(context)
    reply = await LUC_IN_TEAM.one(context, "/equipe lier Centre")
    assert reply.text == "Plusieurs organismes ressemblent à « Centre ». Lequel est l'équipe de ce canal ?"
    chosen = next(b for b in reply.buttons if b.label == TRANSIT)
    (linked,) = await LUC_IN_TEAM.press(context, chosen)
    assert linked.text.startswith(f"Ce canal est maintenant celui de l'équipe de **{TRANSIT}**")
    (stale,) = await LUC_IN_TEAM.press(context, "eql:nope")
    assert stale.text == "Ce choix n'est plus valide : relancez /equipe lier."
