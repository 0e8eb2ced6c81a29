"""``/mes_donnees`` and ``/oublier_moi`` on a person present in every table, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import func, select

from bot.settings import Settings
from bot.wiring import build
from directory.changelog import Metadata
from directory.concertation import ConcertationTable, TableMember
from directory.people import ALIAS_PREFIX
from directory.roles import PersonRole
from handlers.context import Context
from handlers.forget_me import CONFIRM, DISCARD
from handlers.messages import Reply
from handlers.payloads import to_reply
from handlers.router import dispatch
from scheduler.events import Event, Rsvp
from scheduler.followups import Decision, Followup, FollowupLog
from scheduler.outbox import OutboxMessage
from tests.handlers.person_rows import (
    EMAIL_VALUE,
    NAME_SHOWN,
    NOW,
    OTHER_ID,
    PLATFORM,
    REF,
    USER_ID,
    clean,
    said,
    seed,
    traces,
)

APOLOGY = "Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def context(migrated_database: str) -> AsyncIterator[Context]:
    """A bot on its own database, once on SQLite and once on PostgreSQL, its clock fixed."""
    running = await build(Settings(database_url=migrated_database, language="fr", timezone="America/Toronto"),
                          say=lambda _m: None)
    running.context.clock = lambda: NOW
    try:
        yield running.context
    finally:
        await running.close()


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def fresh(context: Context) -> None:
    await clean(context.sessions)
    context.private_chats.clear()
    context.pending_private_chats.clear()
    context.start_links.clear()


async def ask(context: Context, line: str = "", **kwargs: object) -> list[Reply]:
    replies = await dispatch(said(line, **kwargs), context)  # type: ignore[arg-type]
    assert all(reply.text != APOLOGY for reply in replies)
    return replies


async def test_my_data_exports_everything_held_as_json(context: Context) -> None:
    await seed(context.sessions)
    [reply] = await ask(context, "/mes_donnees")
    [attachment] = reply.attachments
    assert attachment.filename == "mes_donnees.json" and attachment.mime_type == "application/json"
    data = json.loads(attachment.content)
    assert data["personne"] == {"plateforme": PLATFORM, "identifiant": USER_ID}
    assert {(d["element"], d["partage_avec_le_reseau"]) for d in data["profil"]} == {
        ("nom", True), ("courriel", False), ("telephone", False)}
    assert [r["role"] for r in data["roles"]["detenus"]] == ["admin"]
    assert [r["role"] for r in data["roles"]["accordes_par_vous"]] == ["coordinator"]
    assert data["conversation_privee_depuis"] is not None
    assert data["conversations_en_cours"][0]["reponses"] == {"texte": "brouillon"}
    assert data["reponses_aux_evenements"][0]["evenement"] == "5 à 7 de Noël"
    assert data["tables"]["sieges"][0]["organisme"] == "Maison Zed"
    assert data["tables"]["suivis_des_decisions"][0]["note"] == "Fait en équipe"
    assert data["tables"]["tables_coordonnees"][0]["table"] == "Table Zed"
    creations = data["creations"]
    assert [len(creations[k]) for k in ("evenements", "annonces", "decisions", "reponses_aux_suivis",
                                        "journal_des_suivis", "textes_du_reseau", "synonymes")] == [1] * 7
    assert [m["champ"] for m in data["modifications_de_l_annuaire"]] == ["telephone"]  # not the other person's
    assert [m["texte"] for m in data["messages_prives"]] == [f"Rappel pour {NAME_SHOWN}"]


async def test_my_data_is_never_sent_in_a_group(context: Context) -> None:
    await seed(context.sessions)
    context.start_links["telegram"] = "https://t.me/passerelle_bot?start={payload}"
    [reply] = await ask(context, "/mes_donnees", private=False)
    assert not reply.attachments and EMAIL_VALUE not in reply.text
    assert "https://t.me/passerelle_bot?start=profil" in reply.text


async def test_forgetting_asks_first_and_warns_the_last_admin(context: Context) -> None:
    await seed(context.sessions)
    [question] = await ask(context, "/oublier_moi")
    assert "seul administrateur" in question.text
    assert [b.data for b in question.buttons] == [CONFIRM, DISCARD]
    [cancelled] = await ask(context, button=DISCARD)
    assert "rien n'a été effacé" in cancelled.text
    async with context.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PersonRole)) == 2
    [question] = await ask(context, "/oublier_moi")
    assert question.buttons
    [unclear] = await ask(context, "peut-être")
    assert "oui" in unclear.text and unclear.buttons
    [said_no] = await ask(context, "non")
    assert "rien n'a été effacé" in said_no.text


async def test_forgetting_removes_the_person_everywhere_and_keeps_the_history(context: Context) -> None:
    ids = await seed(context.sessions)
    context.private_chats.update({(PLATFORM, USER_ID), (PLATFORM, OTHER_ID)})
    await ask(context, "/oublier_moi")
    [done] = await ask(context, "oui")
    assert "oublié" in done.text and "profil : 3" in done.text
    alias = done.text.split("**")[-2]
    assert alias.startswith(ALIAS_PREFIX) and USER_ID not in alias
    assert (PLATFORM, USER_ID) not in context.private_chats
    async with context.sessions() as session:
        assert await traces(session, USER_ID, NAME_SHOWN, EMAIL_VALUE) == []
        # what the network's history needs is still there, under the alias
        assert (await session.get(Event, ids["event"])).created_by == alias
        assert (await session.get(Decision, ids["decision"])).created_by == alias
        assert (await session.get(Followup, ids["followup"])).answered_by == alias
        table = await session.get(ConcertationTable, ids["table"])
        assert (table.coordinator_user_id, table.coordinator_name) == (alias, "")
        seat = await session.get(TableMember, ids["member"])
        assert seat.organization_name == "Maison Zed" and seat.representative_user_id is None
        assert set(await session.scalars(select(FollowupLog.detail))) == {"", f"ancien représentant : {alias}"}
        audit = await session.get(Metadata, ids["metadata"])
        assert (audit.updated_by, audit.replacement_value) == (alias, "418 555-0101")
        assert await session.scalar(select(func.count()).select_from(Metadata)) == 2
        # the place freed at the full event goes to the person waiting, who is told
        waiting = await session.get(Rsvp, (ids["event"], PLATFORM, OTHER_ID))
        assert waiting.position is None
        told = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == OTHER_ID)))
        assert "Une place s'est libérée" in to_reply(told[0].payload).text
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.chat_id != OTHER_ID)) == 1  # the group's, kept
    [nothing] = await ask(context, "/mes_donnees")
    data = json.loads(nothing.attachments[0].content)
    assert data["profil"] == [] and data["roles"]["detenus"] == [] and data["tables"]["sieges"] == []


async def test_forgetting_from_a_group_is_refused_and_confirming_late_does_nothing(context: Context) -> None:
    await seed(context.sessions)
    [reply] = await ask(context, "/oublier_moi", private=False)
    assert "privé" in reply.text and not reply.buttons
    [late] = await ask(context, button=CONFIRM)
    assert "rien à confirmer" in late.text
    async with context.sessions() as session:
        assert await traces(session, REF)  # still there


async def test_forgetting_in_english(context: Context) -> None:
    await seed(context.sessions)
    [question] = await ask(context, "/oublier_moi", locale="en")
    assert "only admin" in question.text
    [done] = await ask(context, button=CONFIRM, locale="en")
    assert "I have forgotten you" in done.text
