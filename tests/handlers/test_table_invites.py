"""Invitations to represent an organization at a table: claimed by command or by the Telegram link,
the coordinator told; asked for in a group, sent privately (or shown with a warning to a coordinator
the bot cannot write to); refused when expired, unknown, malformed or already used; and the turnover of
``/table remplacer``, whose pending follow-ups move to the new representative with their history and a
fresh cadence, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from handlers.context import Context
from handlers.payloads import to_reply
from scheduler.followups import CLAIMED, DONE, PENDING, Followup, FollowupLog
from tests.handlers import events_chat, tables_chat
from tests.handlers.events_chat import NOW, Clock, outbox, text_of
from tests.handlers.tables_chat import (
    ANNE,
    JULIE,
    LUC,
    MARIE,
    MARIE_IN_GROUP,
    PAUL,
    add_followups,
    code_in,
    member_row,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
clock, context, fresh = events_chat.clock, tables_chat.context, tables_chat.fresh
TABLE = "Table petite enfance Jonquière"
TRANSIT = "Centre d'intervention familiale Le Transit"
CODE_LINE = "qu'elle m'écrive **/table representer "
SENT_PRIVATELY = ("Je vous ai envoyé l'invitation en privé : transmettez le code à la personne qui représentera "
                  "l'organisme.")
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


async def test_the_coordinator_is_told_privately_who_took_the_seat(context: Context, clock: Clock) -> None:
    await LUC.one(context, f"/table representer {await invite(context)}")
    (told,) = await outbox(context, chat_id=MARIE.user_id)
    assert (told.platform, text_of(told)) == (
        "telegram", f"Luc Gagnon représente maintenant **{TRANSIT}** à « {TABLE} ».")
    await MARIE.one(context, f"/table ajouter {TABLE} ; Maison de la famille")
    own_code = code_in(await MARIE.one(context, f"/table remplacer {TABLE} ; transit"))
    await MARIE.one(context, f"/table representer {own_code}")
    assert len(await outbox(context, chat_id=MARIE.user_id)) == 1  # not told of her own seat


async def test_an_invitation_asked_for_in_a_group_is_sent_privately(context: Context, clock: Clock) -> None:
    await MARIE.one(context, f"/table creer {TABLE} ; local ; Jonquière")  # Marie wrote to the bot privately
    added = await MARIE_IN_GROUP.one(context, f"/table ajouter {TABLE} ; {TRANSIT}")
    assert added.text.splitlines() == [
        f"**{TRANSIT}** fait maintenant partie de « {TABLE} » (rôle : membre).", SENT_PRIVATELY]
    replaced = await MARIE_IN_GROUP.one(context, f"/table remplacer {TABLE} ; transit")
    assert replaced.text == SENT_PRIVATELY
    first, second = await outbox(context, platform="telegram", chat_id=MARIE.user_id)
    assert (first.thread_id, second.thread_id) == (None, None)
    assert text_of(first).startswith(f"Invitation pour la personne qui représentera **{TRANSIT}**")
    assert (await LUC.one(context, f"/table representer {code_in(to_reply(first.payload))}")).text.startswith(
        "Code inconnu.")  # replaced by the second
    assert (await LUC.one(context, f"/table representer {code_in(to_reply(second.payload))}")).text == CLAIMED_TEXT


async def test_in_a_slack_channel_the_invitation_goes_to_the_coordinator(context: Context, clock: Clock) -> None:
    await JULIE.one(context, f"/table creer {TABLE} ; local ; Jonquière")
    in_channel = tables_chat.Person(tables_chat.ChatRef("slack", "C0TABLE"), JULIE.user_id, JULIE.name)
    assert (await in_channel.one(context, f"/table ajouter {TABLE} ; {TRANSIT}")).text.endswith(SENT_PRIVATELY)
    (sent,) = await outbox(context, platform="slack")
    assert sent.chat_id == JULIE.user_id and CODE_LINE in text_of(sent)


async def test_a_coordinator_the_bot_cannot_write_to_sees_the_code_with_a_warning(
    context: Context, clock: Clock
) -> None:
    await MARIE_IN_GROUP.one(context, f"/table creer {TABLE} ; local ; Jonquière")  # never wrote privately
    added = await MARIE_IN_GROUP.one(context, f"/table ajouter {TABLE} ; {TRANSIT}")
    assert code_in(added)
    assert added.text.splitlines()[-1] == (
        "Attention : tout le groupe voit ce code, et n'importe qui ici pourrait s'en servir. La prochaine fois, "
        "demandez l'invitation en m'écrivant en privé (/start).")
    assert await outbox(context) == []


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
    escalated = NOW + dt.timedelta(days=1)
    async with context.sessions.begin() as session:  # Luc never relayed them: the coordinator was told
        await session.execute(update(Followup).values(escalated_at=escalated))
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
        followups = {f.id: (f.status, f.due_at, f.stage, f.escalated_at)
                     for f in await session.scalars(select(Followup))}
        logs = [(log.followup_id, log.kind, log.actor, log.detail, log.at)
                for log in await session.scalars(select(FollowupLog))]
    assert followups == {
        pending: (PENDING, clock.now, 0, None),  # a fresh cadence for the new person from the next sweep
        claimed: (CLAIMED, NOW + dt.timedelta(days=3), 1, escalated),  # a reminder being written: left to its sender
        done: (DONE, NOW + dt.timedelta(days=3), 1, escalated),
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
