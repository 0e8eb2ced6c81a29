"""Invitations to represent an organization at a table: claimed by command or by the Telegram link,
refused when expired, unknown, malformed or already used; and the turnover of ``/table remplacer``,
whose pending follow-ups move to the new representative with their history, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from handlers.context import Context
from scheduler.followups import CLAIMED, DONE, PENDING, Followup, FollowupLog
from tests.handlers import events_chat, tables_chat
from tests.handlers.events_chat import NOW, Clock
from tests.handlers.tables_chat import ANNE, LUC, MARIE, PAUL, add_followups, code_in, member_row

pytestmark = pytest.mark.asyncio(loop_scope="module")
clock, context, fresh = events_chat.clock, tables_chat.context, tables_chat.fresh
TABLE = "Table petite enfance Jonquière"
TRANSIT = "Centre d'intervention familiale Le Transit"
CLAIMED_TEXT = (f"C'est noté : vous représentez maintenant **{TRANSIT}** à « {TABLE} ». Je vous rappellerai "
                "les décisions à rapporter à votre équipe.")


async def invite(context: Context) -> str:
    """A table with Le Transit as member; the code of its invitation."""
    await MARIE.one(context, f"/table creer {TABLE} ; local ; Jonquière")
    return code_in(await MARIE.one(context, f"/table ajouter {TABLE} ; {TRANSIT}"))


async def test_the_invited_person_claims_the_seat_with_the_code(context: Context, clock: Clock) -> None:
    code = await invite(context)
    reply = await LUC.one(context, f"/table representer {code.lower()}")
    assert reply.text == CLAIMED_TEXT
    member = await member_row(context, "Le Transit")
    assert (member.representative_platform, member.representative_user_id, member.representative_name) == (
        "slack", "U0LUC", "Luc Gagnon")
    assert member.invite_expires_at is None
    assert "représentant : Luc Gagnon" in (await PAUL.one(context, f"/table {TABLE}")).text


async def test_the_telegram_link_claims_the_seat(context: Context, clock: Clock) -> None:
    code = await invite(context)
    replies = await ANNE.say(context, f"/start rep_{code}")
    assert [r.text for r in replies] == [CLAIMED_TEXT]
    member = await member_row(context, "Le Transit")
    assert (member.representative_platform, member.representative_user_id) == ("telegram", "4202")


async def test_a_claim_in_a_telegram_group_asks_for_a_private_word(context: Context, clock: Clock) -> None:
    code = await invite(context)
    in_group = tables_chat.Person(tables_chat.ChatRef("telegram", "-100999"), "4203", "Jo Simard")
    reply = await in_group.one(context, f"/table representer {code}")
    assert reply.text.splitlines() == [
        CLAIMED_TEXT, "Écrivez-moi une fois en privé (/start) pour que je puisse vous envoyer les rappels."]


@pytest.mark.parametrize(("line", "expected"), [
    ("/table representer", "Donnez le code reçu du coordonnateur : **/table representer <code>**"),
    ("/table representer abc", ("« ABC » n'est pas un code d'invitation : il compte 8 lettres et chiffres, "
                               "par exemple **/table representer K7M2QX9P**.")),
    ("/table representer ZZZZZZZZ", ("Code inconnu. Vérifiez-le (8 lettres et chiffres) ou demandez-en un nouveau "
                                    "au coordonnateur de la table.")),
    ("/start rep_OOOOOOOO", "« OOOOOOOO » n'est pas un code d'invitation"),
])
async def test_a_wrong_code_is_explained(context: Context, clock: Clock, line: str, expected: str) -> None:
    await invite(context)
    reply = await LUC.one(context, line)
    assert reply.text.startswith(expected), reply.text
    assert (await member_row(context, "Le Transit")).representative_user_id is None


async def test_an_expired_code_is_refused(context: Context, clock: Clock) -> None:
    code = await invite(context)
    clock.now = NOW + dt.timedelta(days=14)
    reply = await LUC.one(context, f"/table representer {code}")
    assert reply.text == ("Ce code a expiré. Demandez-en un nouveau au coordonnateur, qui tape "
                          f"**/table remplacer {TABLE} ; {TRANSIT}**.")
    assert (await member_row(context, "Le Transit")).representative_user_id is None
    fresh_code = code_in(await MARIE.one(context, f"/table remplacer {TABLE} ; Le Transit"))
    assert (await LUC.one(context, f"/table representer {fresh_code}")).text == CLAIMED_TEXT


async def test_a_used_code_cannot_be_claimed_again(context: Context, clock: Clock) -> None:
    code = await invite(context)
    await LUC.one(context, f"/table representer {code}")
    assert (await ANNE.one(context, f"/table representer {code}")).text == (
        "Ce code a déjà été utilisé. Demandez un nouveau code au coordonnateur de la table.")
    assert (await LUC.one(context, f"/table representer {code}")).text == (
        f"Vous représentez déjà **{TRANSIT}** à cette table.")
    assert (await member_row(context, "Le Transit")).representative_user_id == "U0LUC"


async def test_the_code_of_a_member_that_left_is_refused(context: Context, clock: Clock) -> None:
    code = await invite(context)
    await MARIE.one(context, f"/table retirer {TABLE} ; Le Transit")
    assert (await LUC.one(context, f"/table representer {code}")).text == (
        f"{TRANSIT} ne fait plus partie de cette table : ce code ne vaut plus.")


async def test_a_replacement_moves_the_pending_followups_with_their_history(context: Context, clock: Clock) -> None:
    await LUC.one(context, f"/table representer {await invite(context)}")
    member = await member_row(context, "Le Transit")
    pending, claimed, done = await add_followups(context, member.id, (PENDING, CLAIMED, DONE))
    old_code = member.invite_code
    reply = await MARIE.one(context, f"/table remplacer {TABLE} ; transit")
    code = code_in(reply)
    assert code != old_code
    assert reply.text.splitlines()[-1] == ("Luc Gagnon reste le représentant jusqu'à ce que la nouvelle personne "
                                           "utilise le code ; les suivis en attente lui seront alors transmis.")
    assert (await member_row(context, "Le Transit")).representative_user_id == "U0LUC"  # until the claim
    assert (await ANNE.one(context, f"/table representer {old_code}")).text.startswith("Code inconnu.")
    clock.now = NOW + dt.timedelta(days=2)
    reply = await ANNE.one(context, f"/table representer {code}")
    assert reply.text.splitlines() == [
        CLAIMED_TEXT, "Les 2 suivis en attente de votre prédécesseur vous sont transmis."]
    member = await member_row(context, "Le Transit")
    assert (member.representative_platform, member.representative_user_id, member.representative_name) == (
        "telegram", "4202", "Anne Roy")
    async with context.sessions() as session:
        followups = {f.id: (f.status, f.due_at, f.stage) for f in await session.scalars(select(Followup))}
        logs = [(log.followup_id, log.kind, log.actor, log.detail, log.at)
                for log in await session.scalars(select(FollowupLog))]
    assert followups == {
        pending: (PENDING, clock.now, 0),  # reminded to the new person at the next sweep
        claimed: (CLAIMED, NOW + dt.timedelta(days=3), 1),  # a reminder being written: left to its sender
        done: (DONE, NOW + dt.timedelta(days=3), 1),
    }
    detail = "ancien représentant : Luc Gagnon (slack:U0LUC)"
    assert sorted(logs) == sorted((f, "moved", "telegram:4202", detail, clock.now) for f in (pending, claimed))


async def test_a_first_claim_moves_nothing(context: Context, clock: Clock) -> None:
    code = await invite(context)
    member = await member_row(context, "Le Transit")
    await add_followups(context, member.id, (PENDING,))
    assert (await LUC.one(context, f"/table representer {code}")).text == CLAIMED_TEXT
    async with context.sessions() as session:
        assert (await session.scalars(select(FollowupLog))).all() == []
        assert (await session.scalar(select(Followup.stage))) == 1


async def test_a_replacement_needs_the_table_and_member(context: Context, clock: Clock) -> None:
    await invite(context)
    assert (await MARIE.one(context, f"/table remplacer {TABLE}")).text == (
        "Pour changer de représentant : **/table remplacer <table> ; <organisme>**")
    assert (await MARIE.one(context, f"/table remplacer {TABLE} ; Centre Alpha")).text == (
        f"Aucun membre de « {TABLE} » ne s'appelle « Centre Alpha ». Vouliez-vous dire « {TRANSIT} » ?")
    assert (await MARIE.one(context, f"/table remplacer {TABLE} ; Maison Zzyzx")).text.startswith(
        f"Aucun membre de « {TABLE} » ne ressemble à « Maison Zzyzx ».")
    reply = await MARIE.one(context, f"/table remplacer {TABLE} ; Le Transit")
    assert reply.text.startswith(f"Invitation pour la personne qui représentera **{TRANSIT}**")
    assert "reste le représentant" not in reply.text
