"""``/decision propager <n°>``: a regional decision carried down two levels of tables, each copy
pointing to the decision it carries and followed up with every active member, due now; never
twice; a table added later gets its copy; refusals and bad numbers said in French."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from directory.concertation import PROVINCIAL, REGIONAL, ConcertationTable, TableMember
from handlers.context import Context
from handlers.messages import ChatRef, Incoming
from handlers.propagation import propagate
from scheduler.followups import PENDING, Decision, Followup
from scheduler.short_ids import to_short_id
from tests.handlers import concertation_rows
from tests.handlers.concertation_rows import NOW, add, decision, member, one, table

pytestmark = pytest.mark.asyncio(loop_scope="module")
emptied = concertation_rows.emptied
COORDINATOR = ChatRef("telegram", "900")


async def nested(context: Context) -> tuple[Decision, dict[str, ConcertationTable]]:
    """A provincial table over a regional one over two local ones, with members; a provincial decision."""
    province = table("Table provinciale petite enfance", level=PROVINCIAL)
    region = table("Table régionale Saguenay", ("telegram", "800"), parent=province, level=REGIONAL)
    jonquiere = table("Table locale Jonquière", ("telegram", "700"), parent=region)
    chicoutimi = table("Table locale Chicoutimi", ("telegram", "600"), parent=region)
    members = [
        member(region, "CIUSSS du Saguenay"), member(jonquiere, "Maison de la famille"),
        member(jonquiere, "CPE Les Lutins"), member(jonquiere, "Bibliothèque", left=True),
        member(chicoutimi, "Le Transit"),
    ]
    source = decision(province, "Adopter la charte de l'accueil", dt.date(2026, 11, 19), dt.date(2026, 12, 3))
    await add(context.sessions, province, region, jonquiere, chicoutimi, *members, source)
    return source, {"province": province, "region": region, "jonquiere": jonquiere, "chicoutimi": chicoutimi}


async def copies(context: Context) -> list[tuple[str, str | None, list[tuple[str, str]]]]:
    """Each decision: its table, the table of the decision it carries, and its follow-ups (organization, status)."""
    async with context.sessions() as session:
        decisions = (await session.scalars(select(Decision).order_by(Decision.created_at, Decision.id))).all()
        found = []
        for copy in decisions:
            at = await session.get(ConcertationTable, copy.table_id)
            parent = await session.get(Decision, copy.parent_decision_id) if copy.parent_decision_id else None
            parent_table = await session.get(ConcertationTable, parent.table_id) if parent else None
            followups = (await session.execute(
                select(TableMember.organization_name, Followup.status, Followup.due_at)
                .join(TableMember, TableMember.id == Followup.member_id)
                .where(Followup.decision_id == copy.id).order_by(TableMember.organization_name)
            )).all()
            assert all(due == NOW for _, _, due in followups)
            found.append((at.name, parent_table.name if parent_table else None,
                          [(name, status) for name, status, _ in followups]))
    return sorted(found, key=lambda row: row[0])


async def test_a_decision_goes_down_two_levels_once(context: Context) -> None:
    source, _ = await nested(context)
    reply = await one(context, f"/decision propager {to_short_id(source.id)}", COORDINATOR)
    assert reply.text == (
        "Décision « Adopter la charte de l'accueil » de la table « Table provinciale petite enfance » propagée :\n"
        "- Table régionale Saguenay : reçue, 1 organisme(s) à relancer\n"
        "- Table locale Chicoutimi : reçue, 1 organisme(s) à relancer\n"
        "- Table locale Jonquière : reçue, 2 organisme(s) à relancer"
    )
    expected = [
        ("Table locale Chicoutimi", "Table régionale Saguenay", [("Le Transit", PENDING)]),
        ("Table locale Jonquière", "Table régionale Saguenay",
         [("CPE Les Lutins", PENDING), ("Maison de la famille", PENDING)]),
        ("Table provinciale petite enfance", None, []),
        ("Table régionale Saguenay", "Table provinciale petite enfance", [("CIUSSS du Saguenay", PENDING)]),
    ]
    assert await copies(context) == expected
    again = await one(context, f"/decision propager {to_short_id(source.id)}", COORDINATOR)
    assert again.text.endswith("- Table locale Jonquière : l'avait déjà reçue")
    assert await copies(context) == expected


async def test_a_table_added_later_gets_its_copy_only(context: Context) -> None:
    source, tables = await nested(context)
    await one(context, f"/decision propager {to_short_id(source.id)}", COORDINATOR)
    later = table("Table locale Alma", ("telegram", "500"), parent=tables["region"])
    await add(context.sessions, later)
    reply = await one(context, f"/decision propager {to_short_id(source.id)}", COORDINATOR)
    assert "- Table locale Alma : reçue, mais la table n'a encore aucun organisme membre" in reply.text
    assert "- Table régionale Saguenay : l'avait déjà reçue" in reply.text
    assert len(await copies(context)) == 5


async def test_a_regional_decision_goes_only_below(context: Context) -> None:
    _, tables = await nested(context)
    regional = decision(tables["region"], "Partager le bottin", dt.date(2026, 11, 1), dt.date(2026, 11, 15))
    await add(context.sessions, regional)
    reply = await propagate(Incoming(ChatRef("telegram", "800"), "800"), context, to_short_id(regional.id)[:6])
    assert len(reply) == 1 and "Table locale Chicoutimi : reçue" in reply[0].text
    async with context.sessions() as session:
        deadlines = set(await session.scalars(select(Decision.deadline).where(Decision.parent_decision_id == regional.id)))
    assert deadlines == {dt.date(2026, 12, 7)}  # past deadline: two weeks from today


async def test_only_the_coordinator_of_the_table_or_an_admin(context: Context) -> None:
    source, _ = await nested(context)
    refused = await one(context, f"/decision propager {to_short_id(source.id)}", ChatRef("telegram", "700"))
    assert refused.text == ("Seuls le coordonnateur de la table « Table provinciale petite enfance » (Julie Tremblay) "
                            "et les administrateurs peuvent propager ses décisions.")
    assert len(await copies(context)) == 1


async def test_bad_numbers_are_said(context: Context) -> None:
    _, tables = await nested(context)
    assert (await one(context, "/decision propager zz", COORDINATOR)).text.startswith("« zz » n'est pas un numéro de décision")
    assert (await one(context, "/decision propager 0000000", COORDINATOR)).text.startswith(
        "Aucune décision ne porte le numéro « 0000000 »")
    lonely = decision(tables["chicoutimi"], "Fermer le local", dt.date(2026, 11, 1), dt.date(2026, 12, 15))
    await add(context.sessions, lonely)
    leaf = await one(context, f"/decision propager {to_short_id(lonely.id)}", ChatRef("telegram", "600"))
    assert leaf.text.startswith("La table « Table locale Chicoutimi » n'a aucune table sous elle")
    (empty,) = await propagate(Incoming(COORDINATOR, "900"), context, "")
    assert empty.text.startswith("Donnez le numéro de la décision à propager")
