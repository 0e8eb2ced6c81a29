"""``/annonce`` through the router as the console, a Telegram group and a Slack channel: prepared and
shown back, confirmed by its author, listed, changed, paused, resumed, cancelled; refused to members;
bad input answered in French; then posted by the producer against a fixed clock."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from directory.roles import COORDINATOR, grant
from handlers.announcements import enqueue_due_announcements
from handlers.context import Context
from handlers.messages import ChatRef, Incoming, Reply
from handlers.payloads import to_reply
from handlers.router import dispatch, split_command
from scheduler.announcements import ACTIVE, Announcement
from scheduler.outbox import OutboxMessage

pytestmark = pytest.mark.asyncio(loop_scope="module")
T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)  # Monday November 23rd, 9 h in Montréal
WEEK = dt.timedelta(days=7)
CONSOLE = ChatRef("console", "console")
GROUP = ChatRef("telegram", "-100555")
CHANNEL = ChatRef("slack", "C0TABLE", "1700000000.000100")


@pytest.fixture(autouse=True)
def fixed_clock(context: Context) -> Iterator[None]:
    context.clock = lambda: T0
    yield


@pytest.fixture(autouse=True)
async def no_announcements(context: Context) -> None:
    async with context.sessions.begin() as session:
        await session.execute(delete(Announcement))
        await session.execute(delete(OutboxMessage))


async def say(context: Context, text: str, chat: ChatRef = CONSOLE, user: str = "local", *, private: bool = True,
              mentions: tuple[str, ...] = (), locale: str = "fr") -> Reply:
    command, args = split_command(text)
    incoming = Incoming(chat, user, text, command, args, private=private, mentions=mentions, locale=locale)
    (reply,) = await dispatch(incoming, context)
    return reply


async def press(context: Context, data: str, chat: ChatRef = CONSOLE, user: str = "local") -> Reply:
    (reply,) = await dispatch(Incoming(chat, user, button_data=data, private=chat == CONSOLE), context)
    return reply


async def created(context: Context, text: str, chat: ChatRef = CONSOLE, user: str = "local", **options: object) -> str:
    """Prepare and confirm an announcement; its short id."""
    shown = await say(context, text, chat, user, **options)  # type: ignore[arg-type]
    assert [b.label for b in shown.buttons] == ["Confirmer", "Annuler"], shown.text
    done = await press(context, shown.buttons[0].data, chat, user)
    assert done.text.startswith("C'est enregistré : annonce **"), done.text
    return done.text.split("**")[1]


async def test_console_creates_a_recurring_announcement_shown_back_first(context: Context) -> None:
    shown = await say(context, "/annonce chaque lundi à 9 h sauf jours fériés | Rappel : la table se réunit jeudi")
    assert shown.text == (
        "**Annonce à confirmer**\n"
        "Quand : **chaque lundi à 9 h, sauf les jours fériés**\n"
        "Première publication : lundi 30 novembre, 9 h\n"
        "Où : ici\n"
        "Texte :\n"
        "Rappel : la table se réunit jeudi"
    )
    assert (await say(context, "/annonce liste")).text.startswith("Aucune annonce prévue.")  # not saved yet
    done = await press(context, shown.buttons[0].data)
    short_id = done.text.split("**")[1]
    assert done.text == (f"C'est enregistré : annonce **{short_id}**, première publication le lundi 30 novembre, "
                         "9 h. Pour la gérer : **/annonce liste**.")
    again = await press(context, shown.buttons[0].data)
    assert again.text.startswith("Cette annonce n'attend plus de confirmation") and again.notice
    listed = await say(context, "/annonce liste")
    assert f"- **{short_id}** · chaque lundi à 9 h, sauf les jours fériés · prochaine : lundi 30 novembre, 9 h · ici" \
           in listed.text


async def test_cancel_button_saves_nothing(context: Context) -> None:
    shown = await say(context, "/annonce demain 8h Bonjour à toutes et à tous")
    assert "Quand : **mardi 24 novembre, 8 h**" in shown.text and shown.text.endswith("Bonjour à toutes et à tous")
    assert (await press(context, shown.buttons[1].data)).text == "D'accord, rien n'est changé."
    assert (await say(context, "/annonce liste")).text.startswith("Aucune annonce prévue.")


async def test_edit_pause_resume_and_cancel(context: Context) -> None:
    short_id = await created(context, "/annonce chaque lundi à 9 h | Bonne semaine")
    shown = await say(context, f"/annonce modifier {short_id} chaque mardi à 10 h | Bon mardi")
    assert shown.text.startswith(f"**Modification de l'annonce {short_id} à confirmer**\n"
                                 "Quand : **chaque mardi à 10 h**\nProchaine publication : mardi 24 novembre, 10 h")
    assert (await press(context, shown.buttons[0].data)).text == (
        f"C'est modifié : annonce **{short_id}**, prochaine publication le mardi 24 novembre, 10 h.")
    text_only = await say(context, f"/annonce modifier {short_id} texte Bon mardi à tous")
    assert "Quand : **chaque mardi à 10 h**" in text_only.text and text_only.text.endswith("Bon mardi à tous")
    await press(context, text_only.buttons[0].data)
    assert "« Bon mardi à tous »" in (await say(context, "/annonce liste")).text

    paused = await say(context, f"/annonce pause {short_id}")
    assert paused.text == f"L'annonce **{short_id}** est en pause. Pour la reprendre : **/annonce reprendre {short_id}**"
    assert "· en pause ·" in (await say(context, "/annonce liste")).text
    assert await enqueue_due_announcements(context, T0 + WEEK) == 0
    context.clock = lambda: T0 + WEEK
    resumed = await say(context, f"/annonce reprendre {short_id}")
    assert resumed.text == f"L'annonce **{short_id}** reprend : prochaine publication le mardi 1er décembre, 10 h."
    assert (await say(context, f"/annonce reprendre {short_id}")).text == f"L'annonce **{short_id}** n'est pas en pause."
    cancelled = await say(context, f"/annonce annuler {short_id}")
    assert cancelled.text == f"L'annonce **{short_id}** est annulée : elle ne sera plus publiée."
    assert (await say(context, f"/annonce annuler {short_id}")).text.startswith(
        f"Aucune annonce en cours n'a l'identifiant « {short_id} »")


async def test_telegram_member_refused_coordinator_accepted(context: Context) -> None:
    refused = await say(context, "/annonce demain 8h | Bonjour", GROUP, "7001", private=False)
    assert "**passerelle role add telegram:7001 coordinator**" in refused.text and not refused.buttons
    await grant(context.sessions, "telegram", "7001", COORDINATOR, granted_by="cli", now=T0)
    short_id = await created(context, "/annonce demain 8h | Bonjour", GROUP, "7001", private=False,
                             mentions=("@autre_groupe",))
    listed = await say(context, "/annonce liste", GROUP, "7001", private=False)
    assert f"- **{short_id}** · une fois · prochaine : mardi 24 novembre, 8 h · ici, @autre_groupe" in listed.text
    assert await enqueue_due_announcements(context, T0 + dt.timedelta(hours=23)) == 2
    async with context.sessions() as session:
        sent = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.chat_id)))
    assert [(m.platform, m.chat_id, to_reply(m.payload).text) for m in sent] == [
        ("telegram", "-100555", "Bonjour"), ("telegram", "@autre_groupe", "Bonjour"),
    ]


async def test_only_the_author_confirms(context: Context) -> None:
    await grant(context.sessions, "telegram", "7002", COORDINATOR, granted_by="cli", now=T0)
    await grant(context.sessions, "telegram", "7003", COORDINATOR, granted_by="cli", now=T0)
    shown = await say(context, "/annonce demain 8h | Bonjour", GROUP, "7002", private=False)
    other = await press(context, shown.buttons[0].data, GROUP, "7003")
    assert other.text == "Seule la personne qui a préparé cette annonce peut la confirmer ou l'annuler."


async def test_private_chat_needs_channels(context: Context) -> None:
    await grant(context.sessions, "telegram", "7004", COORDINATOR, granted_by="cli", now=T0)
    private = ChatRef("telegram", "7004")
    refused = await say(context, "/annonce demain 8h | Bonjour", private, "7004")
    assert refused.text.startswith("Dans une conversation privée, nommez le ou les canaux où publier")
    shown = await say(context, "/annonce @groupe demain 8h | Bonjour", private, "7004", mentions=("@groupe",))
    assert "Où : @groupe" in shown.text and "Quand : **mardi 24 novembre, 8 h**" in shown.text


async def test_slack_channel_with_thread_in_english(context: Context) -> None:
    await grant(context.sessions, "slack", "U0COORD", COORDINATOR, granted_by="cli", now=T0)
    shown = await say(context, "/annonce chaque premier jeudi du mois à 17 h | 5 à 7 du réseau", CHANNEL, "U0COORD",
                      private=False, locale="en")
    assert shown.text.startswith("**Announcement to confirm**\nWhen: **chaque premier jeudi du mois à 17 h**")
    assert [b.label for b in shown.buttons] == ["Confirm", "Cancel"]
    await press(context, shown.buttons[0].data, CHANNEL, "U0COORD")
    assert await enqueue_due_announcements(context, dt.datetime(2026, 12, 3, 22, 0, tzinfo=dt.UTC)) == 1
    async with context.sessions() as session:
        (message,) = await session.scalars(select(OutboxMessage))
    assert (message.platform, message.chat_id, message.thread_id) == ("slack", "C0TABLE", "1700000000.000100")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/annonce", "**/annonce** publie un message une fois ou à un rythme"),
        ("/annonce demain | Bonjour", "À quelle heure publier le mardi 24 novembre ?"),
        ("/annonce chaque lundi | Bonjour", "À quelle heure publier ? Par exemple : **/annonce chaque lundi à 9 h"),
        ("/annonce demain 8h |", "Il manque le texte de l'annonce"),
        ("/annonce | Bonjour", "Il manque la date ou le rythme"),
        ("/annonce n'importe quoi ici", "Je ne trouve pas la date ou le rythme au début du message."),
        ("/annonce le 31 février 9h | x", "31"),
        ("/annonce chaque mois le 31 à 9 h | x", "Tous les mois n'ont pas de 31"),
        ("/annonce pause", "Quelle annonce ? Donnez son identifiant, par exemple **/annonce pause 3f2a9c1e**"),
        ("/annonce reprendre abcdef", "Aucune annonce en cours n'a l'identifiant « abcdef »"),
        ("/annonce demain 8h | " + "x" * 3001, "Annonce trop longue (3001 caractères) : 3000 au plus."),
    ],
)
async def test_bad_input_gets_a_french_message_and_saves_nothing(context: Context, text: str, expected: str) -> None:
    reply = await say(context, text)
    assert expected in reply.text and not reply.buttons
    async with context.sessions() as session:
        assert list(await session.scalars(select(Announcement))) == []


async def test_an_edit_without_changes_explains_how(context: Context) -> None:
    short_id = await created(context, "/annonce chaque lundi à 9 h | Bonne semaine")
    reply = await say(context, f"/annonce modifier {short_id}")
    assert reply.text.startswith(f"Que changer ? Par exemple : **/annonce modifier {short_id} chaque mardi à 10 h**")


async def test_stale_button_data(context: Context) -> None:
    assert (await press(context, "ann:ok:nonsense")).text == "Ce bouton n'est plus actif."


async def test_an_id_is_eight_characters_and_its_beginning_will_do_unless_another_begins_alike(
    context: Context,
) -> None:
    short_id = await created(context, "/annonce chaque lundi à 9 h | Bonne semaine")
    assert re.fullmatch("[0-9a-f]{8}", short_id)
    paused = await say(context, f"/annonce pause {short_id[:4].upper()}")
    assert paused.text.startswith(f"L'annonce **{short_id}** est en pause.")
    async with context.sessions.begin() as session:
        session.add(Announcement(id=uuid.UUID(short_id[:4].ljust(32, "0")), text="Autre", zone="America/Toronto",
                                 first_at=T0, status=ACTIVE, due_at=T0 + WEEK, created_by="local",
                                 created_at=T0, updated_at=T0))
    ambiguous = await say(context, f"/annonce reprendre {short_id[:4]}")
    assert ambiguous.text.startswith(f"Plusieurs annonces commencent par « {short_id[:4]} » : donnez l'identifiant")
    resumed = await say(context, f"/annonce reprendre {short_id}")
    assert resumed.text.startswith(f"L'annonce **{short_id}** reprend")
