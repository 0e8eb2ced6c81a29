"""Changing the directory end to end, with the real adapters against the fake platforms: on Telegram an
admin changes a phone in one message or field by field, sees it in the next answer and in the history,
and undoes it; on Slack the change is made in a modal whose refused fields show under them; members
are refused on both, and nothing they send changes the directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot.wiring import Running
from directory.changelog import Metadata
from directory.roles import ADMIN, PersonRole, grant
from scheduler.conversations import Conversation
from tests.bot.adapter_setup import built_bot, empty_tables
from tests.bot.fake_outbox import Clock
from tests.bot.fake_slack import submission
from tests.bot.fake_telegram import Call, message_update, user
from tests.bot.slack_chat import Person, SlackChat, slack_chat
from tests.bot.slack_chat import labels as slack_labels
from tests.bot.telegram_chat import TelegramChat, telegram_chat

pytestmark = pytest.mark.asyncio(loop_scope="module")

START = dt.datetime(2040, 3, 11, 15, 0, tzinfo=dt.UTC)  # after the sample's import, logged at the real time
SERVICE = "Halte-répit Aide-Parents Plus"
MARIE = user(4201, first_name="Marie", last_name="Tremblay")  # an admin
PAUL = user(4205, first_name="Paul", last_name="Côté")  # a member
NADIA, LUC = Person("U0NADIA", "Nadia Roy"), Person("U0LUC", "Luc Gagnon")  # Slack: an admin, a member
CHANNEL = "C0RESEAU"
REFUSED = "Seuls les administrateurs du réseau peuvent faire ceci."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    async with built_bot(tmp_path_factory.mktemp("editing")) as built:
        sessions = built.context.sessions
        await empty_tables(sessions, PersonRole, Conversation)
        await grant(sessions, "telegram", str(MARIE["id"]), ADMIN, granted_by="test", now=START)
        await grant(sessions, "slack", NADIA.user_id, ADMIN, granted_by="test", now=START)
        yield built


async def log_rows(running: Running) -> int:
    async with running.context.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Metadata)) or 0)


class Directory(TelegramChat):
    async def tell(self, person: dict, text: str, answers: int = 1) -> list[Call]:
        """``person`` writes ``text`` to the bot privately; the bot's ``answers`` messages."""
        before = len(self.fake.calls_of("sendMessage"))
        self.fake.push(message_update(text, chat_id=person["id"], sender=person, message_id=next(self.message_ids)))
        return (await self.fake.wait_for("sendMessage", before + answers))[before:]


@pytest_asyncio.fixture(loop_scope="module")
async def telegram(running: Running) -> AsyncIterator[Directory]:
    clock = Clock(START)
    async with telegram_chat(Directory, running, clock) as chat:
        yield chat


async def test_telegram_an_admin_changes_a_phone_in_one_message_and_undoes_it(
    telegram: Directory, running: Running
) -> None:
    [saved] = await telegram.tell(MARIE, f"/service modifier {SERVICE} ; telephone ; 418 555-0199")
    assert "418 555-0199" in saved.params["text"] and "C'est enregistré" in saved.params["text"]
    [answer] = await telegram.tell(MARIE, f"/qui {SERVICE}")
    assert "418 555-0199" in answer.params["text"]
    [history] = await telegram.tell(MARIE, f"/historique {SERVICE}")
    assert "Marie Tremblay" in history.params["text"] and "418 555-0199" in history.params["text"]
    before = len(telegram.fake.calls_of("sendMessage"))
    await telegram.press(MARIE, saved, "Défaire", then="sendMessage")
    undone = telegram.fake.calls_of("sendMessage")[before]
    assert "C'est défait" in undone.params["text"]
    [answer] = await telegram.tell(MARIE, f"/qui {SERVICE}")
    assert "418 555-0199" not in answer.params["text"]


async def test_telegram_field_by_field(telegram: Directory) -> None:
    [listing] = await telegram.tell(MARIE, f"/service modifier {SERVICE}")
    assert "quel champ changer" in listing.params["text"]
    [asked] = await telegram.tell(MARIE, "telephone")
    assert "Nouvelle valeur pour <b>Téléphone</b>" in asked.params["text"]
    [again] = await telegram.tell(MARIE, "555-0142")
    assert "Réessayez" in again.params["text"]
    saved, more = await telegram.tell(MARIE, "418 555-0142", answers=2)
    assert "418 555-0142" in saved.params["text"] and "Un autre champ" in more.params["text"]
    [done] = await telegram.tell(MARIE, "fin")
    assert done.params["text"] == "Terminé."


async def test_telegram_a_member_is_refused(telegram: Directory, running: Running) -> None:
    before = await log_rows(running)
    for line in (f"/service modifier {SERVICE} ; telephone ; 418 555-0100", "/org ajouter Le Phare",
                 f"/service fermer {SERVICE}", f"/annuler_modif {SERVICE}"):
        [refused] = await telegram.tell(PAUL, line)
        assert REFUSED.replace("administrateurs", "<b>administrateurs</b>") in refused.params["text"]
    assert await log_rows(running) == before


@pytest_asyncio.fixture(loop_scope="module")
async def slack(running: Running) -> AsyncIterator[SlackChat]:
    async with slack_chat(SlackChat, running, Clock(START)) as chat:
        yield chat


async def test_slack_an_admin_changes_a_phone_in_a_modal(slack: SlackChat, running: Running) -> None:
    opened = len(slack.fake.views)
    body = {"command": "/service", "text": f"modifier {SERVICE}", "channel_id": CHANNEL, "user_id": NADIA.user_id,
            "user_name": NADIA.name, "trigger_id": "13345.98.ab", "team_id": "T0RESEAU", "api_app_id": "A0PASSERELLE",
            "response_url": slack.fake.response_url(CHANNEL), "token": "legacy"}
    await slack.fake.wait_ack(await slack.fake.send_envelope("slash_commands", body))
    await slack.fake.wait_for(lambda: len(slack.fake.views) > opened)
    view = slack.fake.views[-1]
    assert view["title"]["text"] == "Modifier le service"
    assert view["blocks"][0]["text"]["text"] == "Halte-répit — Aide-Parents Plus"
    fields = {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}
    assert fields["nom"]["element"]["initial_value"] == "Halte-répit" and not fields["nom"]["optional"]

    before = await log_rows(running)
    refused = await slack.fake.wait_ack(await slack.fake.send_envelope(
        "interactive", submission(view, {"telephone": "555-0199"}, user=NADIA.user_id)))
    assert refused["payload"]["response_action"] == "errors"
    assert "indicatif" in refused["payload"]["errors"]["telephone"]
    assert await log_rows(running) == before

    posted = len(slack.fake.delivered())
    accepted = await slack.fake.wait_ack(await slack.fake.send_envelope(
        "interactive", submission(view, {"telephone": "418 555-0166"}, user=NADIA.user_id)))
    assert not accepted.get("payload")
    [saved] = (await slack.fake.wait_delivered(posted + 1))[posted:]
    assert saved.args["channel"] == CHANNEL and "418 555-0166" in saved.args["text"]
    assert slack_labels(saved) == ["Défaire"]
    answer = await slack.slash(NADIA, "/qui", SERVICE, channel=CHANNEL)
    assert "418 555-0166" in str(answer.args["blocks"])

    slack.fake.refused[CHANNEL] = "not_in_channel"  # the bot was removed from the channel meanwhile
    posted = len(slack.fake.delivered())
    await slack.fake.wait_ack(await slack.fake.send_envelope(
        "interactive", submission(view, {"telephone": "418 555-0177"}, user=NADIA.user_id)))
    [told] = (await slack.fake.wait_delivered(posted + 1))[posted:]
    assert told.args["channel"] == NADIA.user_id and "418 555-0177" in told.args["text"]  # privately instead


async def test_slack_a_member_is_refused_and_no_modal_opens(slack: SlackChat, running: Running) -> None:
    opened, before = len(slack.fake.views), await log_rows(running)
    refused = await slack.slash(LUC, "/service", f"modifier {SERVICE}", channel=CHANNEL)
    assert REFUSED in refused.args["text"] and len(slack.fake.views) == opened
    refused = await slack.slash(LUC, "/org", "ajouter Le Phare", channel=CHANNEL)
    assert REFUSED in refused.args["text"]
    assert await log_rows(running) == before

