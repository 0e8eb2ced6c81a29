"""Decisions carried back to the teams, end to end on Slack: the real slack-bolt adapter in Socket Mode
against the fake Slack, and the sweep run by hand on a fake clock. A coordinator sets up a table with
slash commands in her direct conversation with the bot, the representatives claim their seats and one
links the team's channel; two decisions are reminded in direct messages and in the team channel; "C'est
fait" with a note typed in the direct conversation and "Rappelle-moi dans 3 jours" (shown to the presser
alone) update the reminders; /suivi shows the loop and uploads its CSV; the cadence skips Christmas and
New Year's Day before the coordinator is told; people without the role are refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import AsyncIterator

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
from tests.bot.fake_slack import Call
from tests.bot.slack_chat import Person, SlackChat, labels, lines, slack_chat

pytestmark = pytest.mark.asyncio(loop_scope="module")

START = dt.datetime(2026, 12, 22, 14, 0, tzinfo=dt.UTC)  # Tuesday December 22nd, 9 h in Québec
TABLE = "Table petite enfance Jonquière"
TRANSIT = "Centre d'intervention familiale Le Transit"
ALPHA = "Centre Alpha de Jonquière"
TEAM = "C0TRANSIT1"  # Le Transit's team channel
SECOND = dt.timedelta(seconds=1)
CODE = re.compile(r"/table representer ([A-Z0-9]{8})")
PLAN, KIOSK = "Adopter le plan d'action 2027", "Tenir un kiosque à la fête de quartier"
REFUSED = (f"Seuls le coordonnateur de la table « {TABLE} » (marie.tremblay) et les administrateurs "
           "peuvent y enregistrer des décisions.")
BUTTONS = ["C'est fait", "Rappelle-moi dans 3 jours", "Pas concerné"]
MARIE = Person("U0MARIE", "marie.tremblay")  # the coordinator
ANNE = Person("U0ANNE", "anne.roy")  # represents the Centre Alpha
LUC = Person("U0LUC", "luc.gagnon")  # represents Le Transit
PAUL = Person("U0PAUL", "paul.cote")  # a member without a role


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    async with built_bot(tmp_path_factory.mktemp("followups-slack")) as built:
        yield built


class Workspace(SlackChat):
    """Passerelle in a Slack workspace: people type slash commands and messages and press buttons
    through the fake Slack's Socket Mode; the sweep runs at the fake clock's time."""

    async def command(self, person: Person, text: str, *, channel: str | None = None) -> Call:
        """``person`` types the slash command ``text`` in ``channel`` (their direct conversation with
        the bot by default); the bot's one answer."""
        name, _, rest = text.partition(" ")
        return await self.slash(person, name, rest, channel=channel or person.direct)

    async def tell(self, person: Person, text: str) -> Call:
        """``person`` writes ``text`` in their direct conversation with the bot; the bot's one answer."""
        return await self.write(person, text, channel=person.direct, channel_type="im")


@pytest_asyncio.fixture(loop_scope="module")
async def workspace(running: Running) -> AsyncIterator[Workspace]:
    """The bot on an emptied database, the clock at :data:`START`, Marie a coordinator; the sweep has
    run once, as it does all along (this week's digests are done)."""
    sessions = running.context.sessions
    await empty_tables(sessions, FollowupLog, Followup, Decision, TableMember, ConcertationTable, OutboxMessage,
                       Conversation, PersonRole, PrivateChat)
    await grant(sessions, "slack", MARIE.user_id, COORDINATOR, granted_by="test", now=START)
    people = {p.user_id: p.name for p in (MARIE, ANNE, LUC, PAUL)}
    async with slack_chat(Workspace, running, Clock(START), people=people) as workspace:
        assert await workspace.run_sweep() == Swept(0, 0, 0)
        yield workspace


def code_in(call: Call) -> str:
    """The invitation code a message hands on."""
    found = CODE.search(call.args["text"])
    assert found, call.args["text"]
    return found[1]


def reminders(workspace: Workspace, decision: str, since: int = 0) -> dict[str, Call]:
    """The reminders of ``decision`` (with their buttons) posted from the ``since``-th call on, by channel."""
    return {call.args["channel"]: call for call in workspace.fake.calls[since:]
            if call.method == "chat.postMessage" and call.ok and f"« {decision}" in call.args["text"]
            and "C'est fait" in labels(call)}


async def seat(workspace: Workspace) -> list[Call]:
    """Marie creates the table and adds Le Transit and the Centre Alpha; Anne and Luc claim their seats
    with the codes, and Luc links his team's channel; the sweep tells Marie. The bot's answers, in order."""
    answers = [await workspace.command(MARIE, f"/table creer {TABLE} ; local ; Jonquière")]
    answers.append(await workspace.command(MARIE, f"/table ajouter {TABLE} ; le transit"))
    answers.append(await workspace.command(MARIE, f"/table ajouter {TABLE} ; {ALPHA} ; groupe d'action"))
    answers.append(await workspace.command(ANNE, f"/table representer {code_in(answers[2])}"))
    answers.append(await workspace.command(LUC, f"/table representer {code_in(answers[1])}"))
    answers.append(await workspace.command(LUC, "/equipe lier Le Transit", channel=TEAM))
    await workspace.run_sweep()
    return answers


async def decide(workspace: Workspace) -> list[Call]:
    """Marie records the meeting's two decisions, one command each; the bot's answers."""
    plan = await workspace.command(MARIE, f"/decision {TABLE} ; {PLAN} ; réunion hier")
    kiosk = await workspace.command(MARIE, f"/decision {TABLE} ; {KIOSK} ; réunion hier ; d'ici 15/01")
    return [plan, kiosk]


async def test_a_coordinator_sets_up_a_table_whose_representatives_claim_their_seats(
    workspace: Workspace,
) -> None:
    created, transit, alpha, anne, luc, linked = await seat(workspace)
    assert created.args["channel"] == MARIE.direct
    assert lines(created)[0] == f"Table créée : {TABLE} (local, Jonquière). Vous en êtes le coordonnateur."
    assert created.args["blocks"][0]["text"]["text"].startswith(f"Table créée : *{TABLE}*")
    code = code_in(alpha)
    assert lines(alpha) == [
        f"{ALPHA} fait maintenant partie de « {TABLE} » (rôle : groupe d'action).",
        (f"Invitation pour la personne qui représentera {ALPHA} à « {TABLE} » : qu'elle m'écrive "
        f"/table representer {code} (valide jusqu'au 5 janvier)."),
    ]
    assert lines(transit)[0] == f"{TRANSIT} fait maintenant partie de « {TABLE} » (rôle : membre)."
    assert (anne.args["channel"], lines(anne)) == (ANNE.direct, [
        (f"C'est noté : vous représentez maintenant {ALPHA} à « {TABLE} ». Je vous rappellerai les décisions "
         "à rapporter à votre équipe.")])
    assert luc.args["channel"] == LUC.direct and TRANSIT in luc.args["text"]
    assert (linked.args["channel"], lines(linked)) == (TEAM, [
        (f"Ce canal est maintenant celui de l'équipe de {TRANSIT} : les rappels des décisions de {TABLE} y "
        "arriveront.")])
    assert sorted(call.args["text"] for call in workspace.posted_to(MARIE.user_id)) == [
        f"anne.roy représente maintenant {ALPHA} à « {TABLE} ».",
        f"luc.gagnon représente maintenant {TRANSIT} à « {TABLE} ».",
    ]
    shown = await workspace.command(PAUL, f"/table {TABLE}")
    assert lines(shown)[-3:] == [
        "Membres (2)",
        f"- {ALPHA} — groupe d'action — représentant : anne.roy — pas de canal d'équipe",
        f"- {TRANSIT} — membre — représentant : luc.gagnon — canal d'équipe lié",
    ]


async def test_decisions_are_reminded_in_direct_messages_and_in_the_team_channel(
    workspace: Workspace,
) -> None:
    await seat(workspace)
    before = len(workspace.fake.calls)
    plan, kiosk = await decide(workspace)
    number = lines(plan)[0].split("(n° ")[1][:8]
    assert lines(plan) == [
        (f"C'est enregistré (n° {number}) : « {PLAN} », pour tous les membres (2), à rapporter d'ici le "
         f"lundi 4 janvier 2027. Les rappels partent maintenant ; suivez-les avec /suivi {TABLE}.")]
    assert "à rapporter d'ici le vendredi 15 janvier 2027" in kiosk.args["text"]
    assert await workspace.run_sweep() == Swept(6, 0, 6)
    for decision, deadline in ((PLAN, "lundi 4 janvier 2027"), (KIOSK, "vendredi 15 janvier 2027")):
        sent = reminders(workspace, decision, before)
        assert sorted(sent) == sorted([TEAM, ANNE.user_id, LUC.user_id])
        for channel, organization in ((ANNE.user_id, ALPHA), (LUC.user_id, TRANSIT), (TEAM, TRANSIT)):
            assert lines(sent[channel]) == [
                f"Décision à rapporter à l'équipe de {organization}", f"« {decision} »",
                f"Table : {TABLE} · réunion du lundi 21 décembre · à rapporter d'ici le {deadline}",
                "Quand c'est présenté à votre équipe, touchez « C'est fait ».",
            ]
            assert labels(sent[channel]) == BUTTONS
            assert sent[channel].args["blocks"][0]["text"]["text"].startswith(
                f"*Décision à rapporter à l'équipe de {organization}*")
    assert await workspace.run_sweep() == Swept(0, 0, 0)  # each reminder once


async def test_done_with_a_note_and_a_snooze_then_the_follow_up_and_its_csv(workspace: Workspace) -> None:
    await seat(workspace)
    before = len(workspace.fake.calls)
    await decide(workspace)
    await workspace.run_sweep()
    plan = reminders(workspace, PLAN, before)
    posted = {channel: ts for (channel, ts), message in workspace.fake.messages.items()
              if message["text"].startswith("Décision à rapporter") and f"« {PLAN}" in message["text"]}
    question = await workspace.press(ANNE, plan[ANNE.user_id], "C'est fait", then="chat.postMessage")
    assert question.args["channel"] == ANNE.direct
    assert lines(question)[0].startswith("Bravo ! Une courte note pour la coordination ?")
    assert labels(question) == ["Sans note"]
    thanks = await workspace.tell(ANNE, "présenté à la réunion d'équipe du 23")
    assert lines(thanks) == [f"Merci ! C'est noté : décision rapportée à l'équipe de {ALPHA}."]
    snoozed = await workspace.press(LUC, plan[TEAM], "Rappelle-moi dans 3 jours")
    assert (snoozed.args["channel"], snoozed.args["user"], snoozed.args["text"]) == (
        TEAM, LUC.user_id, "D'accord : je vous le rappelle lundi 28 décembre.")  # Christmas skipped
    assert await workspace.run_sweep() == Swept(0, 0, 3)  # the reminders updated where they were posted
    updates = {call.args["channel"]: call for call in workspace.fake.delivered("chat.update")}
    assert {channel: call.args["ts"] for channel, call in updates.items()} == posted
    assert lines(updates[ANNE.user_id])[-1].startswith("✅ Rapportée à l'équipe (mardi 22 décembre, ")
    assert lines(updates[ANNE.user_id])[-1].endswith("Note : présenté à la réunion d'équipe du 23")
    assert labels(updates[ANNE.user_id]) == []
    for channel in (TEAM, LUC.user_id):
        assert lines(updates[channel])[-1] == "⏰ Prochain rappel : lundi 28 décembre."
        assert labels(updates[channel]) == ["C'est fait", "Pas concerné"]

    shown = await workspace.command(MARIE, "/suivi petite enfance")
    text = lines(shown)
    assert text[0] == f"Suivi des décisions — {TABLE}"
    plan_at = next(n for n, line in enumerate(text) if PLAN in line)
    kiosk_at = next(n for n, line in enumerate(text) if KIOSK in line)
    assert text[plan_at + 1:plan_at + 5] == [
        "Réunion du 21 décembre · à relayer d'ici le 4 janvier 2027", "✅ 1 · ⏳ 1",
        f"- ⏳ En attente : {TRANSIT}", f"- ✅ Relayée : {ALPHA} (« présenté à la réunion d'équipe du 23 »)",
    ]
    assert text[kiosk_at + 2:kiosk_at + 4] == ["✅ 0 · ⏳ 2", f"- ⏳ En attente : {ALPHA}, {TRANSIT}"]
    assert labels(shown) == ["Exporter en CSV"]
    await workspace.press(MARIE, shown, "Exporter en CSV", then="files.completeUploadExternal")
    [asked] = workspace.fake.delivered("files.getUploadURLExternal")
    [complete] = workspace.fake.delivered("files.completeUploadExternal")
    assert asked.args["filename"] == "suivi-table-petite-enfance-jonquiere-2026-12-22.csv"
    assert complete.args["channel_id"] == MARIE.direct
    [content] = workspace.fake.uploads.values()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["décision", "date de la réunion", "échéance", "organisme", "représentant", "statut",
                       "répondu le", "remarque"]
    assert sorted(row[:1] + row[3:4] + row[5:7] + row[7:] for row in rows[1:]) == [
        [PLAN, ALPHA, "relayée", "2026-12-22 09:00", "présenté à la réunion d'équipe du 23"],
        [PLAN, TRANSIT, "en attente", "", ""],
        [KIOSK, ALPHA, "en attente", "", ""],
        [KIOSK, TRANSIT, "en attente", "", ""],
    ]


async def test_the_cadence_skips_christmas_and_new_year_then_the_coordinator_is_told(
    workspace: Workspace,
) -> None:
    await seat(workspace)
    await decide(workspace)
    assert (await workspace.run_sweep()).produced == 6  # J: Tuesday December 22nd
    to_anne = reminders(workspace, PLAN)[ANNE.user_id]
    await workspace.press(ANNE, to_anne, "C'est fait", then="chat.postMessage")
    done = await workspace.press(ANNE, workspace.posted_to(ANNE.direct)[-1], "Sans note")
    assert (done.args["channel"], done.args["text"]) == (
        ANNE.direct, f"Merci ! C'est noté : décision rapportée à l'équipe de {ALPHA}.")
    assert await workspace.run_sweep() == Swept(0, 0, 1)  # Anne's reminder updated
    assert await at(workspace, morning(dt.date(2026, 12, 25))) == Swept(0, 0, 0)  # J+3 is Christmas
    assert await at(workspace, morning(dt.date(2026, 12, 28)) - SECOND) == Swept(0, 0, 0)
    since = len(workspace.fake.calls)
    # Monday the 28th: the second reminders, and the weekly digest
    assert await at(workspace, morning(dt.date(2026, 12, 28))) == Swept(6, 0, 6)
    second = reminders(workspace, KIOSK, since)
    assert sorted(second) == sorted([TEAM, ANNE.user_id, LUC.user_id])
    assert lines(second[ANNE.user_id])[0] == f"Rappel n° 2 : décision à rapporter à l'équipe de {ALPHA}"
    assert sorted(reminders(workspace, PLAN, since)) == sorted([TEAM, LUC.user_id])  # Anne did it
    digest = workspace.posted_to(MARIE.user_id)[-1]
    assert lines(digest)[:2] == [f"Suivi de la semaine — {TABLE}", "Les décisions encore à relayer :"]
    not_concerned = await workspace.press(ANNE, second[ANNE.user_id], "Pas concerné")
    assert not_concerned.args["text"] == f"C'est noté : {ALPHA} n'est pas concerné par cette décision."
    assert (await workspace.run_sweep()).produced == 0
    since = len(workspace.fake.calls)
    assert await at(workspace, morning(dt.date(2026, 12, 29))) == Swept(4, 0, 4)  # J+7: Le Transit, twice
    assert sorted(reminders(workspace, PLAN, since)) == sorted(reminders(workspace, KIOSK, since)) == sorted(
        [TEAM, LUC.user_id])
    assert await at(workspace, morning(dt.date(2027, 1, 1))) == Swept(0, 0, 0)  # J+10 is New Year's Day
    assert await at(workspace, morning(dt.date(2027, 1, 4)) - SECOND) == Swept(0, 0, 0)
    told = len(workspace.posted_to(MARIE.user_id))
    # Monday the 4th: the coordinator told about both decisions, and the weekly digest
    assert await at(workspace, morning(dt.date(2027, 1, 4))) == Swept(3, 0, 3)
    escalations = [lines(call) for call in workspace.posted_to(MARIE.user_id)[told:]
                   if call.args["text"].startswith("Décision pas encore")]
    assert len(escalations) == 2
    for escalation in escalations:
        assert escalation[0] == "Décision pas encore rapportée aux équipes (1 organisme(s), après 3 rappels)"
        assert f"- {TRANSIT} (représentant·e : luc.gagnon)" in escalation
    assert await at(workspace, morning(dt.date(2027, 1, 5))) == Swept(0, 0, 0)  # the reminders stop


async def test_people_without_the_role_are_refused(workspace: Workspace) -> None:
    await seat(workspace)
    for person in (PAUL, LUC):  # a member without a role, a representative
        refused = await workspace.command(person, f"/decision {TABLE} ; {PLAN}")
        assert (refused.args["channel"], refused.args["text"]) == (person.direct, REFUSED)
    in_team = await workspace.command(PAUL, f"/decision {TABLE} ; {PLAN}", channel=TEAM)
    assert (in_team.args["channel"], in_team.args["text"]) == (TEAM, REFUSED)
    assert (await workspace.command(PAUL, f"/suivi {TABLE}")).args["text"] == (
        f"Le suivi de la table « {TABLE} » est réservé aux personnes qui y siègent : son coordonnateur "
        "(marie.tremblay), les représentants de ses organismes et les administrateurs.")
    async with workspace.context.sessions() as session:
        assert (await session.scalars(select(Decision.id))).all() == []
    assert await workspace.run_sweep() == Swept(0, 0, 0)
    await workspace.command(MARIE, f"/decision {TABLE} ; {PLAN}")
    await workspace.run_sweep()
    refused = await workspace.press(PAUL, reminders(workspace, PLAN)[TEAM], "C'est fait")
    assert (refused.args["user"], refused.args["channel"]) == (PAUL.user_id, TEAM)
    assert refused.args["text"].startswith("Seul·e luc.gagnon, représentant·e de")
    async with workspace.context.sessions() as session:
        assert set((await session.scalars(select(Followup.status))).all()) == {PENDING}


async def test_decisions_pasted_at_once_are_shown_then_confirmed(workspace: Workspace) -> None:
    await seat(workspace)
    shown = await workspace.command(MARIE, f"/decision {TABLE} ; réunion hier\n1. {PLAN}\n2. {KIOSK}")
    assert lines(shown)[0] == f"2 décisions pour la table « {TABLE} » :"
    assert labels(shown) == ["Confirmer", "Annuler"]
    saved = await workspace.press(MARIE, shown, "Confirmer", then="chat.postMessage")
    assert lines(saved)[0].startswith(f"C'est enregistré : 2 décisions de la table « {TABLE} »")
    assert (await workspace.run_sweep()).produced == 6


async def test_a_person_who_writes_in_a_direct_message_is_named(workspace: Workspace) -> None:
    await workspace.command(MARIE, f"/table creer {TABLE} ; local ; Jonquière")
    invitation = await workspace.command(MARIE, f"/table ajouter {TABLE} ; {ALPHA}")
    await workspace.tell(ANNE, f"/table representer {code_in(invitation)}")
    await workspace.command(MARIE, f"/decision {TABLE} ; {PLAN}")
    await workspace.run_sweep()
    to_anne = reminders(workspace, PLAN)[ANNE.user_id]
    await workspace.press(ANNE, to_anne, "C'est fait", then="chat.postMessage")
    await workspace.tell(ANNE, "non")
    await workspace.run_sweep()
    said = [call.args["text"] for call in workspace.fake.calls
            if call.method in ("chat.postMessage", "chat.update")]
    assert not [text for text in said if ANNE.user_id in text]
