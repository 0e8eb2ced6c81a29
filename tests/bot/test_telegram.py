"""The Telegram adapter end to end: the real python-telegram-bot against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from telegram import Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery import RateLimited, Rejected, Unavailable
from bot.settings import Settings
from bot.telegram import SECRET_HEADER, TelegramAdapter, to_file_url, to_incoming
from bot.telegram_render import LIMIT, units
from bot.telegram_sender import to_failure
from bot.wiring import Running
from directory.models import Organization
from handlers import router
from handlers.messages import Attachment, Button, Card, ChatRef, Field, Reply
from scheduler.event_store import EventDraft, create_event
from tests.bot.adapter_setup import TELEGRAM_TOKEN, Sleeps, built_bot, telegram, telegram_settings
from tests.bot.fake_telegram import Call, FakeTelegram, callback_update, message_update, user

WEBHOOK = "https://passerelle.example.org/telegram"
SECRET = "s3cret-token_for-the-webhook"
HARMFUL = "<!channel> & <b>x</b> @everyone"
PRIVATE = ChatRef("telegram", "4242")

module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    """One bot built on a fresh SQLite database with the sample directory, shared by the tests."""
    async with built_bot(tmp_path_factory.mktemp("telegram")) as built:
        yield built


@pytest_asyncio.fixture(loop_scope="module")
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TELEGRAM_TOKEN) as server:
        yield server


async def healthz(_request: web.Request) -> web.Response:
    """The shared web server's own route, next to the webhook."""
    return web.Response(text="ok")


def keyboard(call: Call) -> list[list[dict[str, str]]] | None:
    """The inline keyboard of a sent message, if any."""
    markup = call.params.get("reply_markup")
    return None if markup is None else markup["inline_keyboard"]


@module_loop
async def test_question_in_a_private_chat_and_more_results(fake: FakeTelegram, running: Running) -> None:
    async with telegram(telegram_settings(fake), running):
        fake.push(message_update("/qui banque alimentaire jonquiere"))
        [first] = await fake.wait_for("sendMessage")
        assert first.params["parse_mode"] == "HTML" and first.params["chat_id"] == "4242"
        assert first.params["link_preview_options"] == {"is_disabled": True}
        text = first.params["text"]
        assert text.startswith("Résultats 1 à 3 sur 4 pour « banque alimentaire jonquiere » à Jonquière :")
        assert text.count("\n\n<b>") == 3 and " · <i>exemple</i>" in text and "\nTéléphone : 418" in text
        more = {"text": "Plus de résultats", "callback_data": "qui:3:banque alimentaire jonquiere"}
        assert keyboard(first) == [[more]]

        fake.push(callback_update("qui:3:banque alimentaire jonquiere"))
        await fake.wait_for("sendMessage", 2)
    answers = [call.method for call in fake.calls if call.method in ("sendMessage", "answerCallbackQuery")]
    assert answers == ["sendMessage", "answerCallbackQuery", "sendMessage"]
    second = fake.calls_of("sendMessage")[1]
    assert second.params["text"].startswith("Résultats 4 à 4 sur 4 pour ")
    assert second.params["text"].count("<b>") == 1 and keyboard(second) is None
    assert fake.calls_of("answerCallbackQuery")[0].params["callback_query_id"] == "query-1"


@module_loop
async def test_free_text_english_and_deep_link(fake: FakeTelegram, running: Running) -> None:
    async with telegram(telegram_settings(fake), running):
        fake.push(message_update("banque alimentaire jonquiere"))
        await fake.wait_for("sendMessage")
        fake.push(message_update("/start from-site", sender=user(language_code="en-US")))
        await fake.wait_for("sendMessage", 2)
    first, second = (call.params["text"] for call in fake.calls_of("sendMessage"))
    assert first.startswith("Résultats 1 à 3 sur 4 pour « banque alimentaire jonquiere »")
    assert second.startswith("<b>Passerelle</b> finds who to call")


@module_loop
async def test_setmycommands_in_french_and_english(fake: FakeTelegram, running: Running) -> None:
    async with telegram(telegram_settings(fake), running):
        pass
    french, english = fake.calls_of("setMyCommands")
    assert "language_code" not in french.params and english.params["language_code"] == "en"
    shared = ["evenements", "calendrier", "annonce", "annuler", "table", "decision", "suivi", "ordre_du_jour",
              "equipe"]
    assert [c["command"] for c in french.params["commands"]] == [
        "qui", "org", "aide", "lieu", "langue", "evenement", *shared, "reseau", "kit", "profil", "mes_donnees",
        "oublier_moi", "role", "service", "verifier", "historique", "annuler_modif", "synonyme"]
    assert [c["command"] for c in english.params["commands"]] == [
        "who", "org", "help", "lieu", "langue", "event", *shared, "network", "kit", "profile", "my_data",
        "forget_me", "role", "service", "verify", "history", "undo_edit", "synonym"]
    declared = {c["command"] for c in french.params["commands"] + english.params["commands"]}
    assert declared <= set(router.COMMANDS)  # every command offered has its handler
    descriptions = {c["command"]: c["description"] for c in english.params["commands"]}
    assert descriptions["event"].startswith("Create an event") and descriptions["annuler"].startswith("Stop")
    assert fake.calls_of("getMe") and fake.calls_of("deleteWebhook") and not fake.calls_of("setWebhook")
    link = running.context.start_links["telegram"]
    assert link == "https://t.me/passerelle_bot?start={payload}"
    assert link.format(payload="rsvp-12") == "https://t.me/passerelle_bot?start=rsvp-12"


@module_loop
async def test_a_group_answer_opens_the_private_chat_until_the_person_starts_the_bot(
    fake: FakeTelegram, running: Running
) -> None:
    now = dt.datetime.now(dt.UTC)
    draft = EventDraft("5 à 7 du réseau", "5-à-7", now + dt.timedelta(days=30), "America/Toronto", "Bar Le Zinc")
    async with running.context.sessions.begin() as session:
        event = await create_event(session, draft, "telegram:1", now)
    group: dict[str, Any] = {"chat_id": -100123, "chat_type": "supergroup", "sender": user(6161)}
    async with telegram(telegram_settings(fake), running):
        fake.push(callback_update(f"rsvp:y:{event.id.hex}", **group))
        await fake.wait_for("answerCallbackQuery")
        fake.push(message_update(f"/start evt_{event.id.hex}", chat_id=6161, sender=user(6161)))
        await fake.wait_for("sendMessage", 2)
        fake.push(callback_update(f"rsvp:m:{event.id.hex}", **group))
        await fake.wait_for("answerCallbackQuery", 2)
    first, second = (call.params for call in fake.calls_of("answerCallbackQuery"))
    assert first == {
        "callback_query_id": "query-1", "url": f"https://t.me/passerelle_bot?start=evt_{event.id.hex}",
        "text": "C'est noté : vous y serez. Touchez « Démarrer » pour recevoir les rappels en privé.",
    }
    assert second == {"callback_query_id": "query-1", "text": "C'est noté : peut-être."}
    intro, shown = fake.calls_of("sendMessage")  # nothing written in the group
    assert intro.params["chat_id"] == shown.params["chat_id"] == "6161"
    assert intro.params["text"].startswith("Vous recevrez ici les rappels")
    assert shown.params["text"].startswith("<b>5 à 7 du réseau</b>") and "1 y sera" in shown.params["text"]


@module_loop
async def test_groups_answer_commands_and_mentions_only(fake: FakeTelegram, running: Running) -> None:
    group: dict[str, Any] = {"chat_id": -100123, "chat_type": "supergroup"}
    async with telegram(telegram_settings(fake), running):
        fake.push(message_update("quelqu'un connaît une banque alimentaire?", **group))
        fake.push(message_update("/aide@autre_bot", **group))
        fake.push(message_update("@Passerelle_bot banque alimentaire jonquiere", thread_id=7, **group))
        await fake.wait_for("sendMessage")
        fake.push(message_update("/org@passerelle_bot transit", **group))
        await fake.wait_for("sendMessage", 2)
        fake.push(message_update("@passerelle_bot /aide", **group))
        await fake.wait_for("sendMessage", 3)
    mention, org, help_ = fake.calls_of("sendMessage")
    assert mention.params["chat_id"] == "-100123" and mention.params["message_thread_id"] == "7"
    assert "« banque alimentaire jonquiere »" in mention.params["text"]
    assert "message_thread_id" not in org.params
    assert "<b>Centre d'intervention familiale Le Transit</b>" in org.params["text"]
    assert help_.params["text"].startswith("<b>Passerelle</b> trouve qui appeler")


@module_loop
async def test_webhook_checks_the_secret(fake: FakeTelegram, running: Running) -> None:
    config = telegram_settings(fake, TELEGRAM_WEBHOOK_URL=WEBHOOK, TELEGRAM_WEBHOOK_SECRET=SECRET)
    async with telegram(config, running) as adapter:
        [hook] = fake.calls_of("setWebhook")
        assert hook.params["url"] == WEBHOOK and hook.params["secret_token"] == SECRET
        assert not fake.calls_of("deleteWebhook")
        app = web.Application()
        app.router.add_get("/healthz", healthz)
        app.add_routes(adapter.routes())
        async with TestClient(TestServer(app)) as client:
            update = {**message_update("/aide"), "update_id": 1}
            wrong = await client.post("/telegram", json=update, headers={SECRET_HEADER: "not-the-secret"})
            missing = await client.post("/telegram", json=update)
            broken = [
                (await client.post("/telegram", data=body, headers={SECRET_HEADER: SECRET})).status
                for body in (b"{", b"[1]", b"{}", b'{"update_id": "x"}', b'{"update_id": 2, "message": 5}')
            ]
            right = await client.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
            assert (wrong.status, missing.status, right.status) == (403, 403, 200) and broken == [400] * 5
            assert (await client.get("/healthz")).status == 200
            await fake.wait_for("sendMessage")
    [answer] = fake.calls_of("sendMessage")
    assert answer.params["text"].startswith("<b>Passerelle</b> trouve qui appeler")


@module_loop
async def test_commands_not_registered_do_not_stop_the_bot(fake: FakeTelegram, running: Running) -> None:
    fake.fail("setMyCommands", 500, times=2)
    async with telegram(telegram_settings(fake), running):
        fake.push(message_update("/aide"))
        await fake.wait_for("sendMessage")
    assert [call.status for call in fake.calls_of("setMyCommands")] == [500, 500]


@module_loop
async def test_rate_limit_waits_retry_after_then_delivers_once(fake: FakeTelegram, running: Running) -> None:
    sleeps = Sleeps()
    fake.fail("sendMessage", 429, retry_after=3)
    async with telegram(telegram_settings(fake), running, sleeps):
        fake.push(message_update("/aide"))
        await fake.wait_for("sendMessage", 2)
    assert [call.status for call in fake.calls_of("sendMessage")] == [429, 200]
    assert len(fake.delivered("sendMessage")) == 1 and sleeps == [3]


@module_loop
async def test_server_errors_are_retried_with_backoff(fake: FakeTelegram, running: Running) -> None:
    sleeps = Sleeps()
    fake.fail("sendMessage", 500, times=2)
    async with telegram(telegram_settings(fake), running, sleeps):
        fake.push(message_update("/aide"))
        await fake.wait_for("sendMessage", 3)
    assert [call.status for call in fake.calls_of("sendMessage")] == [500, 500, 200]
    assert len(sleeps) == 2 and 0 < sleeps[0] < sleeps[1]


@module_loop
async def test_a_refused_message_is_not_retried_and_the_bot_goes_on(
    fake: FakeTelegram, running: Running
) -> None:
    sleeps = Sleeps()
    fake.fail("sendMessage", 403)
    async with telegram(telegram_settings(fake), running, sleeps):
        fake.push(message_update("/aide"))
        await fake.wait_for("sendMessage")
        fake.push(message_update("/org transit"))
        await fake.wait_for("sendMessage", 2)
    assert [call.status for call in fake.calls_of("sendMessage")] == [403, 200] and sleeps == []
    assert "Le Transit" in fake.calls_of("sendMessage")[1].params["text"]


@module_loop
async def test_directory_text_is_escaped(fake: FakeTelegram, running: Running) -> None:
    async with running.context.sessions() as session, session.begin():
        session.add(Organization(id=uuid.uuid4(), name=HARMFUL, description=f"Voir {HARMFUL}"))
    reply = Reply(
        f"**Fiche** [site](https://example.org/?a=1&b=\"<x>) {HARMFUL}",
        cards=(Card(HARMFUL, HARMFUL, (HARMFUL,), (Field(HARMFUL, HARMFUL),), HARMFUL),),
    )
    async with telegram(telegram_settings(fake), running) as adapter:
        fake.push(message_update(f"/org {HARMFUL}"))
        await fake.wait_for("sendMessage")
        assert await adapter.outbox.send(PRIVATE, reply)
    card, built = (call.params["text"] for call in fake.calls_of("sendMessage"))
    safe = "&lt;!channel&gt; &amp; &lt;b&gt;x&lt;/b&gt; @everyone"
    assert card.startswith(f"<b>{safe}</b>\nVoir {safe}")
    assert built == (
        '<b>Fiche</b> <a href="https://example.org/?a=1&amp;b=&quot;&lt;x&gt;">site</a> '
        f"{safe}\n\n"
        f"<b>{safe}</b> — {safe} · <i>{safe}</i>\n{safe}\n{safe} : {safe}"
    )
    for text in (card, built):
        assert "<b>x</b>" not in text and "<!channel>" not in text


@module_loop
async def test_long_answer_is_split_with_the_keyboard_last(fake: FakeTelegram, running: Running) -> None:
    cards = tuple(Card(f"Service {n}", lines=("é" * 480,)) for n in range(10))
    reply = Reply("**Résultats**", cards, (Button("Plus de résultats", "qui:10:x"),))
    sleeps = Sleeps()
    fake.fail("sendMessage", 500, after=1)
    async with telegram(telegram_settings(fake), running, sleeps) as adapter:
        assert await adapter.outbox.send(PRIVATE, reply)
    calls = fake.calls_of("sendMessage")
    assert [call.status for call in calls] == [200, 500, 200] and len(sleeps) == 1
    first, second = (call.params["text"] for call in fake.delivered("sendMessage"))
    assert units(first) + units(second) > 5000 and units(first) <= LIMIT and units(second) <= LIMIT
    assert first.startswith("<b>Résultats</b>\n\n<b>Service 0</b>") and second.startswith("<b>Service ")
    assert first.count("<b>Service") + second.count("<b>Service") == 10
    assert keyboard(fake.delivered("sendMessage")[0]) is None
    more = {"text": "Plus de résultats", "callback_data": "qui:10:x"}
    assert keyboard(fake.delivered("sendMessage")[1]) == [[more]]


@module_loop
async def test_attachments_are_sent_as_documents(fake: FakeTelegram, running: Running) -> None:
    invitation = Attachment("5-a-7.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    reply = Reply("**5 à 7** du réseau", buttons=(Button("J'y serai", "rsvp:1"),), attachments=(invitation,))
    async with telegram(telegram_settings(fake), running) as adapter:
        assert await adapter.outbox.send(ChatRef("telegram", "-100123", "9"), reply)
    [message] = fake.calls_of("sendMessage")
    [document] = fake.calls_of("sendDocument")
    assert keyboard(message) is None
    assert keyboard(document) == [[{"text": "J'y serai", "callback_data": "rsvp:1"}]]
    assert document.files["document"] == ("5-a-7.ics", invitation.content)
    assert document.params["chat_id"] == "-100123" and document.params["message_thread_id"] == "9"


def test_the_people_a_message_designates() -> None:
    paul = user(4205, first_name="Paul")
    replying = message_update("/role donner admin", chat_id=-100123, chat_type="supergroup",
                              reply_to={**message_update("bonjour", chat_id=-100123, chat_type="supergroup",
                                                         sender=paul, message_id=40)["message"]})
    in_topic = message_update("/role donner admin", chat_id=-100123, chat_type="supergroup", thread_id=7,
                              reply_to={**message_update("Sujet", chat_id=-100123, chat_type="supergroup",
                                                         sender=paul, message_id=7)["message"],
                                        "forum_topic_created": {"name": "Sujet", "icon_color": 7322096}})
    found = []
    for update in (replying, in_topic):
        message = Update.de_json({**update, "update_id": 1}).message
        assert message is not None
        incoming = to_incoming(message, "passerelle_bot", "fr")
        assert incoming is not None
        found.append(incoming.people)
    assert found == [("4205",), ()]  # a topic's opening message designates nobody


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("/start from-site", "private", ("start", "from-site", True)),
    ("banque alimentaire", "private", (None, "banque alimentaire", True)),
    ("/qui@passerelle_bot répit", "supergroup", ("qui", "répit", False)),
    ("@passerelle_bot  répit  Chicoutimi", "supergroup", ("qui", "répit Chicoutimi", False)),
    ("Merci @PASSERELLE_BOT, /org transit", "group", ("qui", "Merci , /org transit", False)),
    ("@passerelle_bot /org transit", "group", ("org", "transit", False)),
    ("/qui@autre_bot répit", "supergroup", None),
    ("@passerelle_bots répit", "supergroup", None),
    ("répit", "group", None),
])
def test_to_incoming(text: str, kind: str, expected: tuple[str | None, str, bool] | None) -> None:
    chat_id = 4242 if kind == "private" else -100123
    update = Update.de_json({**message_update(text, chat_id=chat_id, chat_type=kind, thread_id=3), "update_id": 1})
    assert update.message is not None
    incoming = to_incoming(update.message, "passerelle_bot", "fr")
    if expected is None:
        assert incoming is None
        return
    assert incoming is not None and (incoming.command, incoming.args, incoming.private) == expected
    assert incoming.chat == ChatRef("telegram", str(chat_id), "3") and incoming.user_id == "4242"


def test_errors_map_to_delivery_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as TelegramAdapter opts in
    limited = to_failure(RetryAfter(3))
    assert isinstance(limited, RateLimited) and limited.retry_after == 3
    assert all(isinstance(to_failure(e), Unavailable) for e in (NetworkError("Bad Gateway"), TimedOut()))
    refusals = (BadRequest("x"), Forbidden("x"), ChatMigrated(-1001))
    assert all(isinstance(to_failure(e), Rejected) for e in refusals)
    assert to_file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(("values", "named"), [
    ({"TELEGRAM_BOT_TOKEN": None}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_URL": WEBHOOK, "TELEGRAM_WEBHOOK_SECRET": None},
     "TELEGRAM_WEBHOOK_SECRET"),
])
def test_a_token_and_a_webhook_secret_are_required(values: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        TelegramAdapter(Settings(**values), None)  # type: ignore[arg-type]
