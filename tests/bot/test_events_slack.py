"""Events end to end on Slack: the real slack-bolt adapter in Socket Mode in a channel against the fake
Slack, and the sweep run by hand on a fake clock. A coordinator creates a monthly 5-à-7 with the slash
command or through the guided conversation (plain channel messages), people answer with the buttons
(a waiting list, a promotion), reminders arrive on time and once, and the ``.ics`` reaches the presser
in a direct message and parses back."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import select

from bot.scheduling import Swept
from bot.wiring import Running
from directory.roles import COORDINATOR, PersonRole, grant
from scheduler.conversations import Conversation
from scheduler.events import Event
from scheduler.outbox import OutboxMessage
from tests.bot.adapter_setup import built_bot, empty_tables
from tests.bot.fake_outbox import TORONTO, Clock
from tests.bot.fake_slack import CHANNEL, Call
from tests.bot.slack_chat import Person, SlackChat, labels, lines, slack_chat

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)  # Friday November 20th, 9 h in Québec
FIRST = dt.datetime(2026, 12, 3, 17, 0, tzinfo=TORONTO)  # the first Thursday of December
SECOND = dt.timedelta(seconds=1)
ONE_MESSAGE = "5 à 7 du réseau ; chaque premier jeudi du mois à 17 h ; Café du Quai ; places 2"
ANSWERS = ["J'y serai", "Peut-être", "Je ne peux pas", "Ajouter à mon calendrier"]
MARIE = Person("U0MARIE", "marie.tremblay")  # the coordinator
ANNE, LUC, JO = Person("U0ANNE", "anne.roy"), Person("U0LUC", "luc.gagnon"), Person("U0JO", "jo.simard")
PAUL = Person("U0PAUL", "paul.cote")  # a member without a role


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    async with built_bot(tmp_path_factory.mktemp("events-slack")) as built:
        yield built


class Channel(SlackChat):
    """A Slack channel with Passerelle in it: people type slash commands and messages and press buttons
    through the fake Slack's Socket Mode, and the sweep runs at the fake clock's time."""

    async def command(self, person: Person, text: str) -> Call:
        """``person`` types ``/evenement text``; the bot's one answer."""
        return await self.slash(person, "/evenement", text, channel=CHANNEL)

    async def say(self, person: Person, text: str) -> Call:
        """``person`` writes ``text`` in the channel; the bot's one answer."""
        return await self.write(person, text, channel=CHANNEL, channel_type="channel")


@pytest_asyncio.fixture(loop_scope="module")
async def channel(running: Running) -> AsyncIterator[Channel]:
    """The channel on an emptied database, the clock at :data:`NOW`, Marie a coordinator."""
    sessions = running.context.sessions
    await empty_tables(sessions, OutboxMessage, Event, Conversation, PersonRole)
    await grant(sessions, "slack", MARIE.user_id, COORDINATOR, granted_by="test", now=NOW)
    async with slack_chat(Channel, running, Clock(NOW)) as channel:
        yield channel


async def create_monthly(channel: Channel) -> Call:
    """Marie creates the monthly 5-à-7 with the slash command and confirms; the sweep posts its
    announcement, which is returned."""
    summary = await channel.command(MARIE, ONE_MESSAGE)
    await channel.press(MARIE, summary, "Confirmer", then="chat.postMessage")
    assert (await channel.run_sweep()).delivered == 1
    return channel.posted_to(CHANNEL)[-1]


async def test_a_coordinator_creates_a_monthly_five_to_seven_with_the_slash_command(channel: Channel) -> None:
    summary = await channel.command(MARIE, ONE_MESSAGE)
    assert lines(summary) == [
        "Vérifiez avant d'enregistrer :", "5 à 7 du réseau", "Type : 5-à-7",
        "Quand : chaque premier jeudi du mois à 17 h, à partir du jeudi 3 décembre, 17 h",
        "Lieu : Café du Quai", "Places : 2", "Rappels : J-7, J-1, H-2", "Annoncé dans : cette conversation",
    ]
    assert labels(summary) == ["Confirmer", "Annuler"]
    assert (await channel.run_sweep()).delivered == 0  # nothing is announced before it is confirmed
    saved = await channel.press(MARIE, summary, "Confirmer", then="chat.postMessage")
    assert saved.args["channel"] == CHANNEL
    assert lines(saved)[0].startswith("C'est enregistré : 5 à 7 du réseau (n° ")
    assert await channel.run_sweep() == Swept(0, 0, 1)
    announcement = channel.posted_to(CHANNEL)[-1]
    assert lines(announcement) == [
        "5 à 7 du réseau", "Type : 5-à-7",
        "Quand : chaque premier jeudi du mois à 17 h (prochain : jeudi 3 décembre, 17 h)",
        "Lieu : Café du Quai", "0 y seront · 0 peut-être · places : 2/2",
    ]
    assert announcement.args["blocks"][0]["text"]["text"].startswith("*5 à 7 du réseau*")
    assert labels(announcement) == ANSWERS
    async with channel.context.sessions() as session:
        found = (await session.scalars(select(Event))).one()
    assert (found.rrule, found.capacity, found.starts_at) == ("FREQ=MONTHLY;BYDAY=1TH", 2, FIRST)
    assert found.created_by == f"slack:{MARIE.user_id}"
    assert await channel.run_sweep() == Swept(0, 0, 0)


async def test_the_guided_conversation_in_channel_messages_refuses_a_bad_date(channel: Channel) -> None:
    title = await channel.command(MARIE, "")
    assert lines(title)[0].startswith("Quel est le titre de l'événement ?")
    assert lines(await channel.say(MARIE, "Dîner d'apprentissage sur la référence"))[0].startswith("Quand ?")
    refused = lines(await channel.say(MARIE, "le 31 novembre à 17 h"))
    assert "Le 31 novembre n'existe pas" in refused[0] and refused[-1].startswith("Quand ?")
    assert lines(await channel.say(MARIE, "le 10 décembre à midi")) == ["Où ? Donnez le lieu, ou « aucun »."]
    description = await channel.say(MARIE, "Salle du CLSC")
    assert lines(description) == ["Une description en quelques mots ? Ou « non »."]
    summary = await channel.say(MARIE, "Comment bien référer une famille")
    assert lines(summary)[1:5] == ["Dîner d'apprentissage sur la référence", "Type : dîner d'apprentissage",
                                   "Quand : jeudi 10 décembre, 12 h", "Lieu : Salle du CLSC"]
    assert "Annoncé dans : cette conversation" in lines(summary)
    assert labels(summary) == ["Confirmer", "Annuler"]
    saved = await channel.press(MARIE, summary, "Confirmer", then="chat.postMessage")
    assert lines(saved)[0].startswith("C'est enregistré : Dîner d'apprentissage sur la référence")
    assert (await channel.run_sweep()).delivered == 1
    announcement = channel.posted_to(CHANNEL)[-1]
    assert lines(announcement)[:4] == lines(summary)[1:5]
    assert labels(announcement) == ANSWERS


async def test_answers_fill_the_places_then_the_waiting_list_and_a_withdrawal_promotes(
    channel: Channel,
) -> None:
    announcement = await create_monthly(channel)
    shown = list(channel.fake.messages)[-1]  # (channel, ts) of the announcement, the latest post
    seen = []
    for person in (ANNE, LUC, JO):
        notice = await channel.press(person, announcement, "J'y serai")
        swept = await channel.run_sweep()
        seen.append((notice.args["user"], notice.args["text"], swept,
                     channel.fake.messages[shown]["text"].splitlines()[-1]))
    noted = "C'est noté : vous y serez."
    full = "C'est complet : vous êtes n° 1 sur la liste d'attente. Je vous écrirai si une place se libère."
    assert seen == [
        (ANNE.user_id, noted, Swept(0, 0, 1), "1 y sera · 0 peut-être · places : 1/2"),
        (LUC.user_id, noted, Swept(0, 0, 1), "2 y seront · 0 peut-être · places : 0/2"),
        (JO.user_id, full, Swept(0, 0, 1), "2 y seront · 0 peut-être · places : 0/2 · 1 en attente"),
    ]
    withdrawn = await channel.press(ANNE, announcement, "Je ne peux pas")
    assert withdrawn.args["text"] == "C'est noté : vous ne pourrez pas."
    assert await channel.run_sweep() == Swept(0, 0, 2)  # the promotion told privately, the edit
    [promoted] = channel.posted_to(JO.user_id)
    assert promoted.args["text"] == (
        "Une place s'est libérée : vous êtes inscrit·e à 5 à 7 du réseau "
        "(chaque premier jeudi du mois à 17 h (prochain : jeudi 3 décembre, 17 h))."
    )
    updates = channel.fake.delivered("chat.update")
    assert len(updates) == 4 and {(u.args["channel"], u.args["ts"]) for u in updates} == {shown}
    assert lines(updates[-1])[-1] == "2 y seront · 0 peut-être · places : 0/2"
    assert labels(updates[-1]) == ANSWERS
    assert channel.posted_to(ANNE.user_id) == channel.posted_to(LUC.user_id) == []


async def test_reminders_arrive_on_time_and_once_even_after_a_failed_try(channel: Channel) -> None:
    announcement = await create_monthly(channel)
    for person in (ANNE, LUC):
        await channel.press(person, announcement, "J'y serai")
    await channel.run_sweep()
    for offset, relative in ((dt.timedelta(days=7), "dans 7 jours"), (dt.timedelta(days=1), "demain")):
        due = (FIRST - offset).astimezone(dt.UTC)
        channel.clock.now = due - SECOND
        assert await channel.run_sweep() == Swept(0, 0, 0)  # not a second early
        delivered = len(channel.fake.delivered())
        channel.fake.fail_next("chat.postMessage", 503)  # a passing failure, retried in place
        channel.clock.now = due
        assert await channel.run_sweep() == Swept(3, 0, 3)  # the channel, Anne and Luc
        assert await channel.run_sweep() == Swept(0, 0, 0)  # and never again
        reminders = channel.fake.delivered()[delivered:]
        assert sorted(call.args["channel"] for call in reminders) == [CHANNEL, ANNE.user_id, LUC.user_id]
        for call in reminders:
            assert lines(call)[:3] == [
                "Rappel : 5 à 7 du réseau", f"5-à-7 · {relative}, jeudi 3 décembre, 17 h",
                "Lieu : Café du Quai",
            ]
            assert "2 personnes y seront." in lines(call) and labels(call) == ANSWERS[:3]
    assert [call.status for call in channel.fake.calls if call.method == "chat.postMessage"].count(503) == 2


async def test_the_calendar_button_uploads_an_ics_in_a_direct_message_with_the_rule_and_the_zone(
    channel: Channel,
) -> None:
    announcement = await create_monthly(channel)
    in_channel = len(channel.posted_to(CHANNEL))
    notice = await channel.press(ANNE, announcement, "Ajouter à mon calendrier")
    assert (notice.args["user"], notice.args["text"]) == (ANNE.user_id, "Je vous l'ai envoyé en privé.")
    assert await channel.run_sweep() == Swept(0, 0, 1)
    assert lines(channel.posted_to(ANNE.user_id)[-1]) == [
        "Le calendrier de « 5 à 7 du réseau » : ouvrez le fichier pour l'ajouter à votre agenda."]
    [opened] = channel.fake.delivered("conversations.open")
    [complete] = channel.fake.delivered("files.completeUploadExternal")
    assert (opened.args["users"], complete.args["channel_id"]) == (ANNE.user_id, ANNE.direct)
    assert len(channel.posted_to(CHANNEL)) == in_channel  # nothing in the channel, for anyone
    [content] = channel.fake.uploads.values()
    calendar = Calendar.from_ical(content)
    [zone] = calendar.walk("VTIMEZONE")
    [found] = calendar.walk("VEVENT")
    assert (zone["TZID"], found["DTSTART"].params["TZID"]) == ("America/Toronto", "America/Toronto")
    assert found["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=1TH"
    assert (str(found["SUMMARY"]), str(found["LOCATION"])) == ("5 à 7 du réseau", "Café du Quai")
    coming = recurring_ical_events.of(calendar).between(NOW, dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    assert [o.decoded("DTSTART").astimezone(TORONTO).isoformat() for o in coming] == [
        "2026-12-03T17:00:00-05:00", "2027-01-07T17:00:00-05:00", "2027-02-04T17:00:00-05:00"]


async def test_a_member_without_a_role_is_refused(channel: Channel) -> None:
    refused = await channel.command(PAUL, ONE_MESSAGE)
    assert refused.args["text"] == (
        "Seuls les coordonnateurs et les administrateurs du réseau peuvent faire ceci. Pour obtenir le rôle, "
        f"demandez à un administrateur de lancer : passerelle role add slack:{PAUL.user_id} coordinator"
    )
    assert lines(await channel.command(PAUL, "")) == lines(refused)
    async with channel.context.sessions() as session:
        assert (await session.scalars(select(Event.id))).all() == []
        assert (await session.scalars(select(Conversation.flow))).all() == []
    assert await channel.run_sweep() == Swept(0, 0, 0)
