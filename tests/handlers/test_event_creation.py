"""Creating events: the guided conversation on the console, Telegram and Slack, one-message creation,
the date always shown back before saving, bad dates asked again, /annuler, expiry and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.console import ConsoleChat
from handlers.context import Context
from handlers.messages import ChatRef
from scheduler.events import PENDING, Event, Reminder
from tests.handlers import events_chat
from tests.handlers.events_chat import Clock, Person, button, make_coordinator, outbox, text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")
clock = events_chat.clock

TELEGRAM_GROUP = ChatRef("telegram", "-1001")
SLACK_CHANNEL = ChatRef("slack", "C100")
WHEN_QUESTION = "Quand ? Par exemple « jeudi prochain 17 h »"


async def event_titled(context: Context, title: str) -> Event:
    """The one event named ``title``."""
    async with context.sessions() as session:
        return (await session.scalars(select(Event).where(Event.title == title))).one()


async def test_guided_conversation_on_the_console(context: Context, clock: Clock) -> None:
    chat = ConsoleChat(context, user_id="console-guided")
    assert (await chat.handle("/evenement")).startswith("Quel est le titre de l'événement ?")
    assert (await chat.handle("5 à 7 de Noël")).startswith(WHEN_QUESTION)
    assert (await chat.handle("le 5 decembre")).startswith("À quelle heure, « le 5 decembre » ?")
    assert (await chat.handle("17h")).startswith("Où ?")
    assert (await chat.handle("Café du Port, Jonquière")).startswith("Une description")
    summary = await chat.handle("non")  # the console is a chat of its own: no "where to announce?"
    assert summary.splitlines()[:7] == [
        "Vérifiez avant d'enregistrer :", "5 à 7 de Noël", "Type : 5-à-7", "Quand : samedi 5 décembre, 17 h",
        "Lieu : Café du Port, Jonquière", "Rappels : J-7, J-1, H-2", "Annoncé dans : cette conversation",
    ]
    assert summary.endswith("[1] Confirmer  [2] Annuler")
    saved = await chat.handle("1")
    assert saved.startswith("C'est enregistré : 5 à 7 de Noël (n° ")
    event = await event_titled(context, "5 à 7 de Noël")
    assert event.starts_at == dt.datetime(2026, 12, 5, 22, 0, tzinfo=dt.UTC) and event.created_by == "console:console-guided"
    (post,) = await outbox(context, topic=f"event:{event.id}:announce")
    assert (post.platform, post.chat_id) == ("console", "console")
    assert "Quand : samedi 5 décembre, 17 h" in text_of(post)
    assert [label for label, _ in post.payload["buttons"]] == [
        "J'y serai", "Peut-être", "Je ne peux pas", "Ajouter à mon calendrier",
    ]


async def test_one_message_on_the_console_is_announced_in_the_console(context: Context, clock: Clock) -> None:
    chat = ConsoleChat(context, user_id="console-one")
    summary = await chat.handle("/evenement Causerie ; le 4 décembre à 12 h ; Bibliothèque")
    assert summary.startswith("Vérifiez avant d'enregistrer :") and "Annoncé dans : cette conversation" in summary
    assert (await chat.handle("1")).startswith("C'est enregistré : Causerie (n° ")
    event = await event_titled(context, "Causerie")
    (post,) = await outbox(context, topic=f"event:{event.id}:announce")
    assert (post.platform, post.chat_id) == ("console", "console")


@pytest.mark.parametrize(("line", "title", "said"), [
    ("/evenement Accueil ; lundi 23 novembre 10 h ; CLSC", "Accueil", "J-1, H-2 (trop tard pour J-7)"),
    ("/evenement Café ; aujourd'hui 10 h ; CLSC", "Café", "aucun (trop tard pour J-7, J-1, H-2)"),
    ("/evenement Suivi ; chaque lundi à 10 h ; CLSC", "Suivi",
     "J-7, J-1, H-2 (trop tard pour J-7 la première fois)"),
    ("/evenement Bilan ; le 18 décembre à 10 h ; CLSC", "Bilan", "J-7, J-1, H-2"),
])
async def test_the_reminders_already_past_are_said(
    context: Context, clock: Clock, line: str, title: str, said: str
) -> None:
    organizer = Person(TELEGRAM_GROUP, "4210")
    await make_coordinator(context, organizer)
    summary = await organizer.one(context, line)
    assert f"Rappels : {said}" in summary.text.splitlines()
    (saved,) = await organizer.press(context, button(summary, "Confirmer"))
    assert saved.text.endswith(f" ; rappels : {said}."), saved.text
    event = await event_titled(context, title)
    async with context.sessions() as session:
        written = (await session.scalars(select(Reminder.offset).where(Reminder.event_id == event.id))).all()
    if said.startswith("aucun"):
        assert written == []
    elif "(trop tard pour J-7)" in said:
        assert sorted(written) == ["P1D", "PT2H"]


async def test_telegram_group_bad_dates_are_refused_and_asked_again(context: Context, clock: Clock) -> None:
    organizer = Person(TELEGRAM_GROUP, "4201", "Marie Tremblay")
    member = Person(TELEGRAM_GROUP, "4202", "Paul")
    await make_coordinator(context, organizer)
    assert (await organizer.one(context, "/evenement@passerelle_bot")).asks
    assert (await organizer.one(context, "Dîner d'apprentissage sur la référence")).text.startswith(WHEN_QUESTION)
    assert await member.say(context, "on se voit jeudi?") == []  # no conversation: group chatter is ignored
    for line, problem in [
        ("hier 17h", "C'est déjà passé : jeudi 19 novembre, 17 h."),
        ("le 31 novembre 17h", "Le 31 novembre n'existe pas"),
        ("vendredi 17 h", "Aujourd'hui est vendredi"),
        ("n'importe quand", "Je ne comprends pas"),
    ]:
        reply = await organizer.one(context, line)
        assert reply.asks and problem in reply.text, reply.text
        assert reply.text.splitlines()[-1].startswith(WHEN_QUESTION)
    assert (await organizer.one(context, "le 10 décembre à midi")).text.startswith("Où ?")
    assert (await organizer.one(context, "Salle du CLSC")).text.startswith("Une description")
    summary = await organizer.one(context, "Comment bien référer une famille")
    assert "Quand : jeudi 10 décembre, 12 h" in summary.text and "Annoncé dans : cette conversation" in summary.text
    assert [reply.text for reply in await member.press(context, button(summary, "Confirmer"))] == [
        "Il n'y a rien à confirmer (la question a peut-être expiré) : recommencez avec /evenement."
    ]
    (saved,) = await organizer.press(context, button(summary, "Confirmer"))
    assert saved.text.startswith("C'est enregistré : **Dîner d'apprentissage sur la référence**")
    event = await event_titled(context, "Dîner d'apprentissage sur la référence")
    assert (event.kind, event.place, event.description) == (
        "dîner d'apprentissage", "Salle du CLSC", "Comment bien référer une famille",
    )
    (post,) = await outbox(context, topic=f"event:{event.id}:announce")
    assert (post.platform, post.chat_id) == ("telegram", "-1001")


async def test_one_message_monthly_five_to_seven_on_slack(context: Context, clock: Clock) -> None:
    organizer = Person(SLACK_CHANNEL, "U4201", "Marie")
    await make_coordinator(context, organizer)
    summary = await organizer.one(
        context, "/evenement 5 à 7 mensuel ; chaque premier jeudi du mois à 17 h ; Bar Le Zinc ; places 30 ; "
                 "rappels J-3 H-1", mentions=("C200",),
    )
    assert summary.text.splitlines()[1:] == [
        "**5 à 7 mensuel**", "Type : 5-à-7",
        "Quand : chaque premier jeudi du mois à 17 h, à partir du jeudi 3 décembre, 17 h",
        "Lieu : Bar Le Zinc", "Places : 30", "Rappels : J-3, H-1", "Annoncé dans : cette conversation, C200",
    ]
    assert [b.label for b in summary.buttons] == ["Confirmer", "Annuler"]
    assert (await organizer.one(context, "oui")).text.startswith("C'est enregistré : **5 à 7 mensuel**")
    event = await event_titled(context, "5 à 7 mensuel")
    assert (event.rrule, event.capacity, event.reminder_offsets) == ("FREQ=MONTHLY;BYDAY=1TH", 30, "P3D,PT1H")
    posts = await outbox(context, topic=f"event:{event.id}:announce")
    assert sorted(post.chat_id for post in posts) == ["C100", "C200"]
    assert "0 y seront · 0 peut-être · places : 30/30" in text_of(posts[0])
    async with context.sessions() as session:
        offsets = (await session.scalars(
            select(Reminder.offset).where(Reminder.event_id == event.id, Reminder.status == PENDING)
        )).all()
    assert set(offsets) == {"P3D", "PT1H"} and len(offsets) == 4  # December and January within 60 days


async def test_a_private_message_asks_where_to_announce(context: Context, clock: Clock) -> None:
    organizer = Person(ChatRef("slack", "D4203"), "U4203", private=True)
    await make_coordinator(context, organizer)
    ask = await organizer.one(context, "/event Portes ouvertes ; demain 13 h ; CPE Les Lucioles")
    assert ask.asks and ask.text.startswith("Où l'annoncer ?")
    again = await organizer.one(context, "partout")
    assert again.text.startswith("Je ne vois ni canal ni groupe dans votre réponse.")
    summary = await organizer.one(context, "dans <#C300|general>", mentions=("C300",))
    assert "Annoncé dans : C300" in summary.text and "Quand : samedi 21 novembre, 13 h" in summary.text


async def test_cancel_stops_the_conversation(context: Context, clock: Clock) -> None:
    organizer = Person(TELEGRAM_GROUP, "4204")
    await make_coordinator(context, organizer)
    await organizer.say(context, "/evenement")
    assert (await organizer.one(context, "/annuler")).text == "C'est annulé : rien n'a été enregistré."
    assert await organizer.say(context, "Un titre") == []
    assert (await organizer.one(context, "/annuler")).text == "Il n'y a rien à annuler : aucune question en cours."
    await organizer.say(context, "/evenement Réunion")
    assert (await organizer.one(context, "Annuler")).text == "C'est annulé : rien n'a été enregistré."
    summary = await organizer.one(context, "/evenement Réunion ; demain 10 h ; CLSC")
    (stopped,) = await organizer.press(context, button(summary, "Annuler"))
    assert stopped.text == "C'est annulé : rien n'a été enregistré."
    async with context.sessions() as session:
        assert (await session.scalars(select(Event).where(Event.title == "Réunion"))).all() == []


async def test_a_conversation_expires_after_fifteen_minutes(context: Context, clock: Clock) -> None:
    organizer = Person(TELEGRAM_GROUP, "4205")
    await make_coordinator(context, organizer)
    await organizer.say(context, "/evenement")
    clock.now += dt.timedelta(minutes=14)
    assert (await organizer.one(context, "Assemblée")).text.startswith(WHEN_QUESTION)
    clock.now += dt.timedelta(minutes=16)
    assert await organizer.say(context, "demain 17 h") == []
    private = Person(ChatRef("telegram", "4206"), "4206", private=True)
    await make_coordinator(context, private)
    await private.say(context, "/evenement")
    clock.now += dt.timedelta(minutes=15)
    (answer,) = await private.say(context, "banque alimentaire jonquiere")
    assert answer.cards  # a question again, answered from the directory


async def test_only_coordinators_and_admins_create_events(context: Context, clock: Clock) -> None:
    member = Person(TELEGRAM_GROUP, "4299")
    refused = await member.one(context, "/evenement 5 à 7 ; demain 17 h ; Bar")
    assert refused.text.startswith("Seuls les **coordonnateurs** et les **administrateurs**")
    assert "telegram:4299" in refused.text
    assert await member.say(context, "demain 17 h") == []


async def test_english_questions(context: Context, clock: Clock) -> None:
    chat = ConsoleChat(context, user_id="console-en")
    context.language = "en"
    try:
        assert (await chat.handle("/evenement")).startswith("What is the event's title?")
    finally:
        context.language = "fr"
        await chat.handle("/annuler")
