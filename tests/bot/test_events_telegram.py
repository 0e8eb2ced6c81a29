"""Events end to end on Telegram: the real python-telegram-bot adapter in a supergroup against the fake
Bot API, and the sweep run by hand on a fake clock. A coordinator creates a monthly 5-à-7 in one message
or through the guided conversation, people answer with the buttons (a waiting list, a promotion),
reminders arrive on time and once (none tried where Telegram would refuse it), and the ``.ics`` reaches
the presser privately and parses back."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import select

from bot.scheduling import Swept
from bot.wiring import Running
from directory.private_chats import PrivateChat
from directory.roles import COORDINATOR, PersonRole, grant
from scheduler.conversations import Conversation
from scheduler.events import Event
from scheduler.outbox import OutboxMessage
from tests.bot.adapter_setup import built_bot, empty_tables
from tests.bot.fake_outbox import TORONTO, Clock
from tests.bot.fake_telegram import Call, bot_message, message_update, user
from tests.bot.telegram_chat import TelegramChat, data_of, labels, telegram_chat

pytestmark = pytest.mark.asyncio(loop_scope="module")

GROUP_ID = -100123
NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)  # Friday November 20th, 9 h in Québec
FIRST = dt.datetime(2026, 12, 3, 17, 0, tzinfo=TORONTO)  # the first Thursday of December
ONE_MESSAGE = "/evenement 5 à 7 du réseau ; chaque premier jeudi du mois à 17 h ; Café du Quai ; places 2"
MARIE = user(4201, first_name="Marie", last_name="Tremblay")  # the coordinator
ANNE = user(4202, first_name="Anne", last_name="Roy")
LUC = user(4203, first_name="Luc", last_name="Gagnon")
JO = user(4204, first_name="Jo", last_name="Simard")
PAUL = user(4205, first_name="Paul", last_name="Côté")  # a member without a role
SECOND = dt.timedelta(seconds=1)
ANSWERS = ["J'y serai", "Peut-être", "Je ne peux pas", "Ajouter à mon calendrier"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    async with built_bot(tmp_path_factory.mktemp("events-telegram")) as built:
        yield built


class Group(TelegramChat):
    """A Telegram supergroup with Passerelle in it: people write and press buttons through the fake
    Bot API, and the sweep runs at the fake clock's time."""

    async def say(self, person: dict[str, Any], text: str, *, answering: Call | None = None) -> Call:
        """``person`` writes ``text`` in the group (as a reply to the bot's question ``answering``);
        the bot's one answer."""
        reply_to = None
        if answering is not None:
            reply_to = bot_message(answering.params["text"], chat_id=GROUP_ID, message_id=self.last_id())
        return await self.answered(message_update(text, chat_id=GROUP_ID, chat_type="supergroup", sender=person,
                                                  message_id=next(self.message_ids), reply_to=reply_to))

    def last_id(self) -> int:
        """The id of the latest message the bot sent in the group."""
        return max(n for chat, n in self.fake.messages if chat == GROUP_ID)


@pytest_asyncio.fixture(loop_scope="module")
async def group(running: Running) -> AsyncIterator[Group]:
    """The group on an emptied database, the clock at :data:`NOW`, Marie a coordinator; Anne and Jo
    have started the bot in private, Luc and Paul never did."""
    sessions = running.context.sessions
    await empty_tables(sessions, OutboxMessage, Event, Conversation, PersonRole, PrivateChat)
    await grant(sessions, "telegram", str(MARIE["id"]), COORDINATOR, granted_by="test", now=NOW)
    async with telegram_chat(Group, running, Clock(NOW)) as group:
        for person in (ANNE, JO):  # pressing Start in the bot's private chat sends /start
            group.fake.push(message_update("/start", chat_id=person["id"], sender=person))
        await group.fake.wait_for("sendMessage", 2)
        yield group


async def create_monthly(group: Group) -> Call:
    """Marie creates the monthly 5-à-7 in one message and confirms; the sweep posts its announcement,
    which is returned."""
    summary = await group.say(MARIE, ONE_MESSAGE)
    await group.press(MARIE, summary, "Confirmer", then="sendMessage")
    assert (await group.run_sweep()).delivered == 1
    return group.sent_to(GROUP_ID)[-1]


async def test_a_coordinator_creates_a_monthly_five_to_seven_in_one_message(group: Group) -> None:
    summary = await group.say(MARIE, ONE_MESSAGE)
    assert summary.params["text"].splitlines() == [
        "Vérifiez avant d'enregistrer :", "<b>5 à 7 du réseau</b>", "Type : 5-à-7",
        "Quand : chaque premier jeudi du mois à 17 h, à partir du jeudi 3 décembre, 17 h",
        "Lieu : Café du Quai", "Places : 2", "Rappels : J-7, J-1, H-2", "Annoncé dans : cette conversation",
    ]
    assert labels(summary) == ["Confirmer", "Annuler"]
    assert (await group.run_sweep()).delivered == 0  # nothing is announced before it is confirmed
    pressed = await group.press(MARIE, summary, "Confirmer", then="sendMessage")
    assert "text" not in pressed.params
    saved = group.sent_to(GROUP_ID)[-1].params["text"]
    assert saved.startswith("C'est enregistré : <b>5 à 7 du réseau</b> (n° ")
    assert "L'annonce part dans 1 conversation(s)" in saved and saved.endswith("J-7, J-1, H-2.")
    assert await group.run_sweep() == Swept(0, 0, 1)
    announcement = group.sent_to(GROUP_ID)[-1]
    assert announcement.params["text"].splitlines() == [
        "<b>5 à 7 du réseau</b>", "Type : 5-à-7",
        "Quand : chaque premier jeudi du mois à 17 h (prochain : jeudi 3 décembre, 17 h)",
        "Lieu : Café du Quai", "0 y seront · 0 peut-être · places : 2/2",
    ]
    assert labels(announcement) == ANSWERS and announcement.params["parse_mode"] == "HTML"
    async with group.context.sessions() as session:
        event = (await session.scalars(select(Event))).one()
    assert (event.rrule, event.capacity, event.starts_at) == ("FREQ=MONTHLY;BYDAY=1TH", 2, FIRST)
    assert event.created_by == f"telegram:{MARIE['id']}"
    assert await group.run_sweep() == Swept(0, 0, 0)


async def test_the_guided_conversation_answered_by_replies_refuses_a_bad_date(group: Group) -> None:
    title = await group.say(MARIE, "/evenement@passerelle_bot")
    assert title.params["text"].startswith("Quel est le titre de l'événement ?")
    assert title.params["reply_markup"] == {"force_reply": True, "selective": True}
    when = await group.say(MARIE, "Dîner d'apprentissage sur la référence", answering=title)
    assert when.params["text"].startswith("Quand ?") and "force_reply" in when.params["reply_markup"]
    refused = await group.say(MARIE, "le 31 novembre à 17 h", answering=when)
    assert "Le 31 novembre n'existe pas" in refused.params["text"]
    assert refused.params["text"].splitlines()[-1].startswith("Quand ?")
    place = await group.say(MARIE, "le 10 décembre à midi", answering=refused)
    assert place.params["text"] == "Où ? Donnez le lieu, ou « aucun »."
    description = await group.say(MARIE, "Salle du CLSC", answering=place)
    assert description.params["text"] == "Une description en quelques mots ? Ou « non »."
    summary = await group.say(MARIE, "Comment bien référer une famille", answering=description)
    lines = summary.params["text"].splitlines()
    assert lines[1:5] == ["<b>Dîner d'apprentissage sur la référence</b>", "Type : dîner d'apprentissage",
                          "Quand : jeudi 10 décembre, 12 h", "Lieu : Salle du CLSC"]
    assert "Annoncé dans : cette conversation" in lines and labels(summary) == ["Confirmer", "Annuler"]
    await group.press(MARIE, summary, "Confirmer", then="sendMessage")
    assert group.sent_to(GROUP_ID)[-1].params["text"].startswith(
        "C'est enregistré : <b>Dîner d'apprentissage sur la référence</b>")
    assert (await group.run_sweep()).delivered == 1
    announcement = group.sent_to(GROUP_ID)[-1]
    assert announcement.params["text"].splitlines()[:4] == [
        "<b>Dîner d'apprentissage sur la référence</b>", "Type : dîner d'apprentissage",
        "Quand : jeudi 10 décembre, 12 h", "Lieu : Salle du CLSC",
    ]
    assert labels(announcement) == ANSWERS


async def test_answers_fill_the_places_then_the_waiting_list_and_a_withdrawal_promotes(group: Group) -> None:
    announcement = await create_monthly(group)
    message = (GROUP_ID, group.last_id())
    counts = []
    for person in (ANNE, LUC, JO):
        answer = await group.press(person, announcement, "J'y serai")
        swept = await group.run_sweep()
        counts.append((answer.params, swept, group.fake.messages[message]["text"].splitlines()[-1]))
    (anne, anne_swept, anne_counts), (luc, _, luc_counts), (jo, _, jo_counts) = counts
    assert anne == {"callback_query_id": "query-1", "text": "C'est noté : vous y serez."}
    assert anne_swept == Swept(0, 0, 1)  # the edit of the announcement
    assert luc["text"] == (
        "C'est noté : vous y serez. Touchez « Démarrer » pour recevoir les rappels en privé.")
    assert luc["url"].startswith("https://t.me/passerelle_bot?start=evt_")  # Luc never wrote to the bot
    assert jo["text"] == ("C'est complet : vous êtes n° 1 sur la liste d'attente. "
                          "Je vous écrirai si une place se libère.")
    assert (anne_counts, luc_counts, jo_counts) == (
        "1 y sera · 0 peut-être · places : 1/2", "2 y seront · 0 peut-être · places : 0/2",
        "2 y seront · 0 peut-être · places : 0/2 · 1 en attente",
    )
    withdrawn = await group.press(ANNE, announcement, "Je ne peux pas")
    assert withdrawn.params["text"] == "C'est noté : vous ne pourrez pas."
    assert await group.run_sweep() == Swept(0, 0, 2)  # the promotion told privately, the edit
    _welcome, promoted = group.sent_to(JO["id"])
    assert promoted.params["text"] == (
        "Une place s'est libérée : vous êtes inscrit·e à <b>5 à 7 du réseau</b> "
        "(chaque premier jeudi du mois à 17 h (prochain : jeudi 3 décembre, 17 h))."
    )
    edits = group.fake.delivered("editMessageText")
    assert len(edits) == 4
    assert {(int(e.params["chat_id"]), int(e.params["message_id"])) for e in edits} == {message}
    assert edits[-1].params["text"].splitlines()[-1] == "2 y seront · 0 peut-être · places : 0/2"
    assert labels(edits[-1]) == ANSWERS
    assert len(group.sent_to(ANNE["id"])) == 1 and group.sent_to(LUC["id"]) == []  # nothing but the welcome



async def test_reminders_arrive_on_time_once_and_none_is_tried_where_telegram_would_refuse_it(
    group: Group,
) -> None:
    announcement = await create_monthly(group)
    for person in (ANNE, LUC):  # Luc never started the bot: Telegram would refuse to write to him first
        await group.press(person, announcement, "J'y serai")
    await group.run_sweep()
    reminders: dict[str, list[Call]] = {}
    for offset, relative in ((dt.timedelta(days=7), "dans 7 jours"), (dt.timedelta(days=1), "demain")):
        due = (FIRST - offset).astimezone(dt.UTC)
        group.clock.now = due - SECOND
        assert await group.run_sweep() == Swept(0, 0, 0)  # not a second early
        tried = len(group.fake.calls_of("sendMessage"))
        group.clock.now = due
        assert await group.run_sweep() == Swept(2, 0, 2)  # for the group and Anne; nothing for Luc
        assert await group.run_sweep() == Swept(0, 0, 0)  # and never again
        calls = group.fake.calls_of("sendMessage")[tried:]
        assert sorted((int(c.params["chat_id"]), c.status) for c in calls) == [(GROUP_ID, 200), (ANNE["id"], 200)]
        reminders[relative] = calls
        for call in calls:
            assert call.params["text"].splitlines()[:3] == [
                "<b>Rappel : 5 à 7 du réseau</b>", f"5-à-7 · {relative}, jeudi 3 décembre, 17 h",
                "Lieu : Café du Quai",
            ]
            assert labels(call) == ANSWERS[:3]
    assert "2 personnes y seront." in reminders["demain"][0].params["text"]
    group.clock.now = (FIRST - dt.timedelta(hours=2)).astimezone(dt.UTC)
    assert (await group.run_sweep()).delivered == 2  # H-2 as well
    assert [c for c in group.fake.calls_of("sendMessage") if c.params["chat_id"] == str(LUC["id"])] == []


async def test_the_calendar_button_sends_an_ics_privately_with_the_rule_and_the_zone(group: Group) -> None:
    announcement = await create_monthly(group)
    in_group = len(group.sent_to(GROUP_ID))
    pressed = await group.press(ANNE, announcement, "Ajouter à mon calendrier")
    assert pressed.params["text"] == "Je vous l'ai envoyé en privé." and "url" not in pressed.params
    assert await group.run_sweep() == Swept(0, 0, 1)
    said = group.sent_to(ANNE["id"])[-1].params["text"]
    assert said == "Le calendrier de « 5 à 7 du réseau » : ouvrez le fichier pour l'ajouter à votre agenda."
    [document] = group.fake.delivered("sendDocument")
    assert document.params["chat_id"] == str(ANNE["id"])
    filename, content = document.files["document"]
    assert filename.endswith(".ics")
    calendar = Calendar.from_ical(content)
    [zone] = calendar.walk("VTIMEZONE")
    [event] = calendar.walk("VEVENT")
    assert (zone["TZID"], event["DTSTART"].params["TZID"]) == ("America/Toronto", "America/Toronto")
    assert event["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=1TH"
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("5 à 7 du réseau", "Café du Quai")
    assert event.decoded("DTSTART") == FIRST
    coming = recurring_ical_events.of(calendar).between(NOW, dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    assert [o.decoded("DTSTART").astimezone(TORONTO).isoformat() for o in coming] == [
        "2026-12-03T17:00:00-05:00", "2027-01-07T17:00:00-05:00", "2027-02-04T17:00:00-05:00"]

    linked = await group.press(LUC, announcement, "Ajouter à mon calendrier")  # Luc never started the bot
    event_hex = data_of(announcement, "Ajouter à mon calendrier").removeprefix("ics:")
    assert linked.params["url"] == f"https://t.me/passerelle_bot?start=ics_{event_hex}"
    assert linked.params["text"] == "Touchez « Démarrer » : je vous envoie le calendrier en privé."
    group.fake.push(message_update(f"/start ics_{event_hex}", chat_id=LUC["id"], sender=LUC))
    [_, to_luc] = await group.fake.wait_for("sendDocument", 2)
    assert to_luc.params["chat_id"] == str(LUC["id"]) and to_luc.files["document"][1] == content
    assert len(group.sent_to(GROUP_ID)) == in_group  # nothing in the group, for anyone


async def test_a_member_without_a_role_is_refused(group: Group) -> None:
    refused = await group.say(PAUL, ONE_MESSAGE)
    assert refused.params["text"] == (
        "Seuls les <b>coordonnateurs</b> et les <b>administrateurs</b> du réseau peuvent faire ceci. "
        "Pour obtenir le rôle, demandez à un administrateur de lancer : "
        f"<b>passerelle role add telegram:{PAUL['id']} coordinator</b>"
    )
    assert "reply_markup" not in refused.params
    guided = await group.say(PAUL, "/evenement")
    assert guided.params["text"] == refused.params["text"]
    async with group.context.sessions() as session:
        assert (await session.scalars(select(Event.id))).all() == []
        assert (await session.scalars(select(Conversation.flow))).all() == []
    assert await group.run_sweep() == Swept(0, 0, 0)
