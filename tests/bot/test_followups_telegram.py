"""Decisions carried back to the teams, end to end on Telegram: the real python-telegram-bot adapter
against the fake Bot API, and the sweep run by hand on a fake clock. A coordinator sets up a table whose
representatives claim their seats (after writing to the bot privately, so that it may write to them) and
link a team group; two decisions pasted at once are confirmed and reminded privately and in the team
group; "C'est fait" with a note and "Rappelle-moi dans 3 jours" edit the reminders; /suivi shows the loop
and exports it as CSV; the cadence skips Christmas and New Year's Day before the coordinator is told; a
new representative takes over mid-loop; people without the role are refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.scheduling import Swept
from bot.wiring import Running
from directory.concertation import ConcertationTable, TableMember
from directory.private_chats import PrivateChat
from directory.roles import COORDINATOR, PersonRole, grant
from scheduler.conversations import Conversation
from scheduler.followups import PENDING, Decision, Followup, FollowupLog
from scheduler.outbox import OutboxMessage
from tests.bot.adapter_setup import at, built_bot, empty_tables, morning
from tests.bot.fake_outbox import Clock
from tests.bot.fake_telegram import Call, message_update, user
from tests.bot.telegram_chat import TelegramChat, data_of, labels, telegram_chat

pytestmark = pytest.mark.asyncio(loop_scope="module")

START = dt.datetime(2026, 12, 22, 14, 0, tzinfo=dt.UTC)  # Tuesday December 22nd, 9 h in Québec
TABLE = "Table petite enfance Jonquière"
TRANSIT = "Centre d'intervention familiale Le Transit"
ALPHA = "Centre Alpha de Jonquière"
TEAM_ID = -100456  # Le Transit's team group
MARIE = user(4201, first_name="Marie", last_name="Tremblay")  # the coordinator
ANNE = user(4202, first_name="Anne", last_name="Roy")  # represents the Centre Alpha
LUC = user(4203, first_name="Luc", last_name="Gagnon")  # represents Le Transit
PAUL = user(4205, first_name="Paul", last_name="Côté")  # a member without a role
JO = user(4206, first_name="Jo", last_name="Simard")  # Luc's successor
SECOND = dt.timedelta(seconds=1)
CODE = re.compile(r"/table representer ([A-Z0-9]{8})")
PLAN, KIOSK = "Adopter le plan d'action 2027", "Tenir un kiosque à la fête de quartier"
PASTED = f"/decision {TABLE} ; réunion hier\n1. {PLAN}\n2. {KIOSK} ; d'ici le 15 janvier"
REFUSED = (f"Seuls le coordonnateur de la table « {TABLE} » (Marie Tremblay) et les administrateurs "
           "peuvent y enregistrer des décisions.")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    async with built_bot(tmp_path_factory.mktemp("followups-telegram")) as built:
        yield built


class Network(TelegramChat):
    """Passerelle on Telegram: people write to it privately or in their team's group and press
    buttons through the fake Bot API; the sweep runs at the fake clock's time."""

    async def tell(self, person: dict[str, Any], text: str) -> Call:
        """``person`` writes ``text`` to the bot privately; the bot's one answer."""
        return await self.answered(message_update(text, chat_id=person["id"], sender=person,
                                                  message_id=next(self.message_ids)))

    async def in_team(self, person: dict[str, Any], text: str) -> Call:
        """``person`` writes ``text`` in the team's group; the bot's one answer."""
        return await self.answered(message_update(text, chat_id=TEAM_ID, chat_type="supergroup",
                                                  sender=person, message_id=next(self.message_ids)))

    def id_of(self, call: Call) -> int:
        """The message id the fake gave the message ``call`` sent (the latest such, before any edit)."""
        chat_id = int(call.params["chat_id"])
        return max(n for chat, n in self.fake.messages if chat == chat_id
                   and self.fake.messages[chat, n]["text"] == call.params["text"])


@pytest_asyncio.fixture(loop_scope="module")
async def network(running: Running) -> AsyncIterator[Network]:
    """The bot on an emptied database, the clock at :data:`START`, Marie a coordinator; the sweep has
    run once, as it does all along (this week's digests are done)."""
    sessions = running.context.sessions
    await empty_tables(sessions, FollowupLog, Followup, Decision, TableMember, ConcertationTable, OutboxMessage,
                       Conversation, PersonRole, PrivateChat)
    await grant(sessions, "telegram", str(MARIE["id"]), COORDINATOR, granted_by="test", now=START)
    async with telegram_chat(Network, running, Clock(START)) as network:
        assert await network.run_sweep() == Swept(0, 0, 0)
        yield network


def code_in(call: Call) -> str:
    """The invitation code a message hands on."""
    found = CODE.search(call.params["text"])
    assert found, call.params["text"]
    return found[1]


def csv_rows(document: Call) -> list[list[str]]:
    """The rows of the CSV file a document carries."""
    return list(csv.reader(io.StringIO(document.files["document"][1].decode("utf-8-sig"))))


async def seat(network: Network) -> list[Call]:
    """Marie creates the table and adds Le Transit and the Centre Alpha; Anne claims the Centre Alpha's
    seat with the invitation link, Luc starts the bot then claims Le Transit's with the code, and links
    his team's group; the sweep tells Marie. The bot's answers, in that order."""
    answers = [await network.tell(MARIE, f"/table creer {TABLE} ; local ; Jonquière")]
    answers.append(await network.tell(MARIE, f"/table ajouter {TABLE} ; le transit"))
    answers.append(await network.tell(MARIE, f"/table ajouter {TABLE} ; {ALPHA} ; groupe d'action"))
    answers.append(await network.tell(ANNE, f"/start rep_{code_in(answers[2])}"))
    await network.tell(LUC, "/start")
    answers.append(await network.tell(LUC, f"/table representer {code_in(answers[1])}"))
    answers.append(await network.in_team(LUC, "/equipe lier Le Transit"))
    await network.run_sweep()  # Marie is told who claimed the seats
    return answers


async def decide(network: Network) -> None:
    """Marie pastes the meeting's two decisions and confirms."""
    shown = await network.tell(MARIE, PASTED)
    await network.press(MARIE, shown, "Confirmer", then="sendMessage")


def reminders(network: Network, decision: str, since: int = 0) -> dict[int, Call]:
    """The reminders of ``decision`` (with their buttons) sent from the ``since``-th call on, by chat."""
    return {int(call.params["chat_id"]): call for call in network.fake.calls[since:]
            if call.method == "sendMessage" and call.status == 200 and f"« {decision}" in call.params["text"]
            and "C'est fait" in labels(call)}


async def test_a_coordinator_sets_up_a_table_whose_representatives_claim_their_seats(
    network: Network,
) -> None:
    created, transit, alpha, anne, luc, linked = await seat(network)
    assert created.params["text"].splitlines()[0] == (
        f"Table créée : <b>{TABLE}</b> (local, Jonquière). Vous en êtes le coordonnateur.")
    code = code_in(alpha)
    assert alpha.params["text"].splitlines() == [
        f"<b>{ALPHA}</b> fait maintenant partie de « {TABLE} » (rôle : groupe d'action).",
        (f"Invitation pour la personne qui représentera <b>{ALPHA}</b> à « {TABLE} » : qu'elle m'écrive "
        f"<b>/table representer {code}</b> (valide jusqu'au 5 janvier)."),
        ("Sur Telegram, elle peut aussi ouvrir ce lien : "
        f'<a href="https://t.me/passerelle_bot?start=rep_{code}">accepter l\'invitation</a>'),
    ]
    assert transit.params["text"].splitlines()[0] == (
        f"<b>{TRANSIT}</b> fait maintenant partie de « {TABLE} » (rôle : membre).")
    assert anne.params == {
        "chat_id": str(ANNE["id"]), "parse_mode": "HTML", "link_preview_options": {"is_disabled": True},
        "text": f"C'est noté : vous représentez maintenant <b>{ALPHA}</b> à « {TABLE} ». Je vous "
                "rappellerai les décisions à rapporter à votre équipe.",
    }
    assert luc.params["chat_id"] == str(LUC["id"]) and f"<b>{TRANSIT}</b>" in luc.params["text"]
    assert linked.params["chat_id"] == str(TEAM_ID)
    assert linked.params["text"] == (
        f"Ce canal est maintenant celui de l'équipe de <b>{TRANSIT}</b> : les rappels des décisions "
        f"de {TABLE} y arriveront.")
    assert sorted(call.params["text"] for call in network.sent_to(MARIE["id"])[-2:]) == [
        f"Anne Roy représente maintenant <b>{ALPHA}</b> à « {TABLE} ».",
        f"Luc Gagnon représente maintenant <b>{TRANSIT}</b> à « {TABLE} ».",
    ]
    shown = await network.tell(PAUL, f"/table {TABLE}")
    assert shown.params["text"].splitlines()[-3:] == [
        "<b>Membres (2)</b>",
        f"- {ALPHA} — groupe d'action — représentant : Anne Roy — pas de canal d'équipe",
        f"- {TRANSIT} — membre — représentant : Luc Gagnon — canal d'équipe lié",
    ]


async def test_pasted_decisions_are_confirmed_then_reminded_privately_and_in_the_team_group(
    network: Network,
) -> None:
    await seat(network)
    shown = await network.tell(MARIE, PASTED)
    assert shown.params["text"].splitlines() == [
        f"<b>2 décisions pour la table « {TABLE} »</b> :",
        (f"1. {PLAN} — réunion du lundi 21 décembre · pour : tous les membres (2) · "
         "d'ici le lundi 4 janvier 2027"),
        (f"2. {KIOSK} — réunion du lundi 21 décembre · pour : tous les membres (2) · "
         "d'ici le vendredi 15 janvier 2027"),
        "Touchez « Confirmer » pour les enregistrer : les rappels partiront aux représentant·es.",
    ]
    assert labels(shown) == ["Confirmer", "Annuler"]
    assert await network.run_sweep() == Swept(0, 0, 0)  # nothing is saved before it is confirmed
    before = len(network.fake.calls)
    pressed = await network.press(MARIE, shown, "Confirmer", then="sendMessage")
    assert "text" not in pressed.params
    saved = network.sent_to(MARIE["id"])[-1].params["text"]
    assert saved.startswith(f"C'est enregistré : 2 décisions de la table « {TABLE} » (n° ")
    assert saved.endswith(f"4 rappels aux organismes. Suivez-les avec /suivi {TABLE}.")
    assert await network.run_sweep() == Swept(6, 0, 6)
    for decision, deadline in ((PLAN, "lundi 4 janvier 2027"), (KIOSK, "vendredi 15 janvier 2027")):
        sent = reminders(network, decision, before)
        assert sorted(sent) == sorted([TEAM_ID, ANNE["id"], LUC["id"]])
        for chat_id, organization in ((ANNE["id"], ALPHA), (LUC["id"], TRANSIT), (TEAM_ID, TRANSIT)):
            assert sent[chat_id].params["text"].splitlines() == [
                f"<b>Décision à rapporter à l'équipe de {organization}</b>", f"« {decision} »",
                f"Table : {TABLE} · réunion du lundi 21 décembre · à rapporter d'ici le {deadline}",
                "Quand c'est présenté à votre équipe, touchez « C'est fait ».",
            ]
            assert labels(sent[chat_id]) == ["C'est fait", "Rappelle-moi dans 3 jours", "Pas concerné"]
            assert all(len(data_of(sent[chat_id], label).encode()) <= 64 for label in labels(sent[chat_id]))
        assert data_of(sent[LUC["id"]], "C'est fait") == data_of(sent[TEAM_ID], "C'est fait")
    assert await network.run_sweep() == Swept(0, 0, 0)  # each reminder once
    again = await network.press(MARIE, shown, "Confirmer", then="sendMessage")
    assert "text" not in again.params
    assert network.sent_to(MARIE["id"])[-1].params["text"].startswith("Il n'y a rien à confirmer")


async def test_done_with_a_note_and_a_snooze_then_the_follow_up_and_its_csv(network: Network) -> None:
    await seat(network)
    before = len(network.fake.calls)
    await decide(network)
    await network.run_sweep()
    plan = reminders(network, PLAN, before)
    message_ids = {chat_id: network.id_of(call) for chat_id, call in plan.items()}
    pressed = await network.press(ANNE, plan[ANNE["id"]], "C'est fait", then="sendMessage")
    assert "text" not in pressed.params
    question = network.sent_to(ANNE["id"])[-1]
    assert question.params["text"].startswith("Bravo ! Une courte note pour la coordination ?")
    assert labels(question) == ["Sans note"]
    thanks = await network.tell(ANNE, "présenté à la réunion d'équipe du 23")
    assert thanks.params["text"] == f"Merci ! C'est noté : décision rapportée à l'équipe de {ALPHA}."
    snoozed = await network.press(LUC, plan[TEAM_ID], "Rappelle-moi dans 3 jours")
    assert snoozed.params["text"] == "D'accord : je vous le rappelle lundi 28 décembre."  # Christmas skipped
    assert await network.run_sweep() == Swept(0, 0, 3)  # the reminders edited where they were sent
    edits = {int(call.params["chat_id"]): call for call in network.fake.delivered("editMessageText")}
    assert sorted(edits) == sorted([TEAM_ID, ANNE["id"], LUC["id"]])
    assert edits[ANNE["id"]].params["text"].splitlines()[-1] == (
        "✅ Rapportée à l'équipe (mardi 22 décembre, Anne Roy). Note : présenté à la réunion d'équipe du 23")
    assert labels(edits[ANNE["id"]]) == []
    for chat_id in (TEAM_ID, LUC["id"]):
        assert edits[chat_id].params["text"].splitlines()[-1] == "⏰ Prochain rappel : lundi 28 décembre."
        assert labels(edits[chat_id]) == ["C'est fait", "Pas concerné"]
    assert {chat_id: int(edit.params["message_id"]) for chat_id, edit in edits.items()} == message_ids

    shown = await network.tell(MARIE, "/suivi petite enfance")
    lines = shown.params["text"].splitlines()
    assert lines[0] == f"<b>Suivi des décisions — {TABLE}</b>"
    plan_at = next(n for n, line in enumerate(lines) if PLAN in line)
    kiosk_at = next(n for n, line in enumerate(lines) if KIOSK in line)
    assert lines[plan_at + 1:plan_at + 5] == [
        "Réunion du 21 décembre · à relayer d'ici le 4 janvier 2027", "✅ 1 · ⏳ 1",
        f"- ⏳ En attente : {TRANSIT}", f"- ✅ Relayée : {ALPHA} (« présenté à la réunion d'équipe du 23 »)",
    ]
    assert lines[kiosk_at + 2:kiosk_at + 4] == ["✅ 0 · ⏳ 2", f"- ⏳ En attente : {ALPHA}, {TRANSIT}"]
    assert labels(shown) == ["Exporter en CSV"]
    await network.press(MARIE, shown, "Exporter en CSV", then="sendDocument")
    [document] = network.fake.delivered("sendDocument")
    assert document.params["chat_id"] == str(MARIE["id"])
    assert document.files["document"][0] == "suivi-table-petite-enfance-jonquiere-2026-12-22.csv"
    rows = csv_rows(document)
    assert rows[0] == ["décision", "date de la réunion", "échéance", "organisme", "représentant", "statut",
                       "répondu le", "remarque"]
    assert sorted(rows[1:]) == [
        [PLAN, "2026-12-21", "2027-01-04", ALPHA, "Anne Roy", "relayée", "2026-12-22 09:00",
         "présenté à la réunion d'équipe du 23"],
        [PLAN, "2026-12-21", "2027-01-04", TRANSIT, "Luc Gagnon", "en attente", "", ""],
        [KIOSK, "2026-12-21", "2027-01-15", ALPHA, "Anne Roy", "en attente", "", ""],
        [KIOSK, "2026-12-21", "2027-01-15", TRANSIT, "Luc Gagnon", "en attente", "", ""],
    ]


async def test_the_cadence_skips_christmas_and_new_year_then_the_coordinator_is_told(
    network: Network,
) -> None:
    await seat(network)
    await decide(network)
    assert (await network.run_sweep()).produced == 6  # J: Tuesday December 22nd
    await network.press(ANNE, reminders(network, PLAN)[ANNE["id"]], "C'est fait", then="sendMessage")
    done = await network.press(ANNE, network.sent_to(ANNE["id"])[-1], "Sans note")
    assert done.params["text"] == f"Merci ! C'est noté : décision rapportée à l'équipe de {ALPHA}."
    assert await network.run_sweep() == Swept(0, 0, 1)  # Anne's reminder edited
    assert await at(network, morning(dt.date(2026, 12, 25))) == Swept(0, 0, 0)  # J+3 is Christmas
    assert await at(network, morning(dt.date(2026, 12, 28)) - SECOND) == Swept(0, 0, 0)
    since = len(network.fake.calls)
    # Monday the 28th: the second reminders, and the weekly digest
    assert await at(network, morning(dt.date(2026, 12, 28))) == Swept(6, 0, 6)
    second = reminders(network, KIOSK, since)
    assert sorted(second) == sorted([TEAM_ID, ANNE["id"], LUC["id"]])
    assert second[ANNE["id"]].params["text"].splitlines()[0] == (
        f"<b>Rappel n° 2 : décision à rapporter à l'équipe de {ALPHA}</b>")
    assert sorted(reminders(network, PLAN, since)) == sorted([TEAM_ID, LUC["id"]])  # Anne did it
    digest = network.sent_to(MARIE["id"])[-1]
    assert digest.params["text"].splitlines()[:2] == [
        f"<b>Suivi de la semaine — {TABLE}</b>", "Les décisions encore à relayer :"]
    assert labels(digest) == ["Exporter en CSV"]
    not_concerned = await network.press(ANNE, second[ANNE["id"]], "Pas concerné")
    assert not_concerned.params["text"] == f"C'est noté : {ALPHA} n'est pas concerné par cette décision."
    assert (await network.run_sweep()).produced == 0
    since = len(network.fake.calls)
    assert await at(network, morning(dt.date(2026, 12, 29))) == Swept(4, 0, 4)  # J+7: Le Transit, twice
    assert sorted(reminders(network, PLAN, since)) == sorted(reminders(network, KIOSK, since)) == sorted(
        [TEAM_ID, LUC["id"]])
    assert await at(network, morning(dt.date(2027, 1, 1))) == Swept(0, 0, 0)  # J+10 is New Year's Day
    assert await at(network, morning(dt.date(2027, 1, 4)) - SECOND) == Swept(0, 0, 0)
    told = len(network.sent_to(MARIE["id"]))
    # Monday the 4th: the coordinator told about both decisions, and the weekly digest
    assert await at(network, morning(dt.date(2027, 1, 4))) == Swept(3, 0, 3)
    escalations = [call.params["text"].splitlines() for call in network.sent_to(MARIE["id"])[told:]
                   if call.params["text"].startswith("<b>Décision pas encore")]
    assert len(escalations) == 2
    for escalation in escalations:
        assert escalation[0] == (
            "<b>Décision pas encore rapportée aux équipes</b> (1 organisme(s), après 3 rappels)")
        assert f"- {TRANSIT} (représentant·e : Luc Gagnon)" in escalation
    assert await at(network, morning(dt.date(2027, 1, 5))) == Swept(0, 0, 0)  # the reminders stop


async def test_a_new_representative_takes_the_pending_follow_up_over_mid_loop(network: Network) -> None:
    await seat(network)
    await network.tell(MARIE, f"/decision {TABLE} ; {PLAN} ; pour Le Transit")
    assert await network.run_sweep() == Swept(2, 0, 2)  # Luc and Le Transit's group
    first = reminders(network, PLAN)[LUC["id"]]
    invitation = await network.tell(MARIE, f"/table remplacer {TABLE} ; Le Transit")
    assert invitation.params["text"].splitlines()[-1] == (
        "Luc Gagnon reste le représentant jusqu'à ce que la nouvelle personne utilise le code ; les suivis "
        "en attente lui seront alors transmis.")
    network.clock.now = START + dt.timedelta(hours=2)
    claimed = await network.tell(JO, f"/start rep_{code_in(invitation)}")
    assert claimed.params["text"].splitlines()[-1] == (
        "Le suivi en attente de votre prédécesseur vous est transmis.")
    since = len(network.fake.calls)
    await network.run_sweep()
    assert JO["id"] in reminders(network, PLAN, since)  # the cadence starts again for Jo
    refused = await network.press(LUC, first, "C'est fait")
    assert refused.params["text"] == (
        f"Seul·e Jo Simard, représentant·e de {TRANSIT}, ou la coordination de la table « {TABLE} » "
        "(Marie Tremblay) peut répondre à ce rappel.")
    await network.press(JO, reminders(network, PLAN, since)[JO["id"]], "C'est fait", then="sendMessage")
    await network.tell(JO, "non")
    # every reminder of the decision edited (Luc's without its buttons), and nobody reminded any more
    assert await at(network, morning(dt.date(2027, 1, 11))) == Swept(0, 0, 4)
    [to_luc] = [call for call in network.fake.delivered("editMessageText")
                if call.params["chat_id"] == str(LUC["id"])]
    assert to_luc.params["text"].splitlines()[-1].startswith(
        "✅ Rapportée à l'équipe (mardi 22 décembre, Jo Simard)")
    assert labels(to_luc) == [] and network.sent_to(LUC["id"])[-1] == first


async def test_people_without_the_role_are_refused(network: Network) -> None:
    await seat(network)
    for person in (PAUL, LUC):  # a member without a role, a representative
        refused = await network.tell(person, f"/decision {TABLE} ; {PLAN}")
        assert refused.params["text"] == REFUSED
        assert (await network.tell(person, f"/decision {TABLE}\n{PLAN}\n{KIOSK}")).params["text"] == REFUSED
    assert (await network.in_team(PAUL, f"/decision {TABLE} ; {PLAN}")).params["text"] == REFUSED
    assert (await network.tell(PAUL, f"/suivi {TABLE}")).params["text"] == (
        f"Le suivi de la table « {TABLE} » est réservé aux personnes qui y siègent : son coordonnateur "
        "(Marie Tremblay), les représentants de ses organismes et les administrateurs.")
    assert (await network.tell(PAUL, f"/table ajouter {TABLE} ; CPE Gari-Gatou")).params["text"] == (
        f"Seuls le coordonnateur de la table « {TABLE} » (Marie Tremblay) et les administrateurs peuvent "
        "changer ses membres.")
    async with network.context.sessions() as session:
        assert (await session.scalars(select(Decision.id))).all() == []
    assert await network.run_sweep() == Swept(0, 0, 0)
    await network.tell(MARIE, f"/decision {TABLE} ; {PLAN}")
    await network.run_sweep()
    refused = await network.press(PAUL, reminders(network, PLAN)[TEAM_ID], "C'est fait")
    assert refused.params["text"].startswith("Seul·e Luc Gagnon, représentant·e de")
    async with network.context.sessions() as session:
        assert set((await session.scalars(select(Followup.status))).all()) == {PENDING}


async def test_after_a_replacement_the_team_group_follows_the_new_cadence(network: Network) -> None:
    await seat(network)
    await network.tell(MARIE, f"/decision {TABLE} ; {PLAN} ; pour Le Transit")
    await network.run_sweep()
    await at(network, morning(dt.date(2026, 12, 28)))  # J+3: the second reminder
    invitation = await network.tell(MARIE, f"/table remplacer {TABLE} ; Le Transit")
    await network.tell(JO, f"/start rep_{code_in(invitation)}")
    before = {chat_id: len(network.sent_to(chat_id)) for chat_id in (JO["id"], TEAM_ID)}
    await network.run_sweep()
    await at(network, morning(dt.date(2026, 12, 31)))  # J'+3 of the new cadence
    assert len(network.sent_to(JO["id"])) - before[JO["id"]] == 2  # J' and J'+3 (besides the welcome)
    assert len(network.sent_to(TEAM_ID)) > before[TEAM_ID]  # the team hears of it again at least at J'+3
