"""Telegram posts and edits, button notices, questions in groups, names and mentions: the real
python-telegram-bot against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram import Update

from bot.delivery import RateLimited, Rejected, Unavailable
from bot.telegram import to_button_incoming, to_incoming, to_notice
from bot.telegram_render import LIMIT, units
from bot.wiring import Running
from handlers import router
from handlers.messages import Button, Card, ChatRef, Incoming, Reply
from tests.bot.adapter_setup import TELEGRAM_TOKEN, Sleeps, answering, built_bot, telegram, telegram_settings
from tests.bot.fake_telegram import (
    NOT_STARTED,
    FakeTelegram,
    bot_message,
    callback_update,
    message_update,
    user,
)

GROUP: dict[str, Any] = {"chat_id": -100123, "chat_type": "supergroup"}
GROUP_CHAT = ChatRef("telegram", "-100123")
RSVP = (Button("J'y serai", "rsvp:1:oui"), Button("Je ne peux pas", "rsvp:1:non"))

module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    async with built_bot(tmp_path_factory.mktemp("telegram-replies")) as built:
        yield built


@pytest_asyncio.fixture(loop_scope="module")
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TELEGRAM_TOKEN, require_start=True) as server:
        yield server


@module_loop
async def test_post_returns_the_first_message_id_and_edit_replaces_text_and_buttons(
    fake: FakeTelegram, running: Running
) -> None:
    async with telegram(telegram_settings(fake), running) as adapter:
        ref = await adapter.sender.post(GROUP_CHAT, Reply("**5 à 7** — 0 oui", buttons=RSVP))
        assert ref is not None and ref.isdigit()
        await adapter.sender.edit(GROUP_CHAT, ref, Reply("**5 à 7** — 1 oui", buttons=RSVP[:1]))
        await adapter.sender.edit(GROUP_CHAT, ref, Reply("**5 à 7** — 1 oui", buttons=RSVP[:1]))
        with pytest.raises(Rejected, match="(?i)message to edit not found"):
            await adapter.sender.edit(GROUP_CHAT, "999", Reply("x"))
        with pytest.raises(Rejected):
            await adapter.sender.edit(GROUP_CHAT, "1700000000.000100", Reply("x"))
    first, again, _ = fake.calls_of("editMessageText")
    assert first.params | {"chat_id": "-100123", "message_id": ref, "parse_mode": "HTML"} == first.params
    assert first.params["text"] == "<b>5 à 7</b> — 1 oui"
    yes = {"text": "J'y serai", "callback_data": "rsvp:1:oui"}
    assert first.params["reply_markup"] == {"inline_keyboard": [[yes]]}
    assert (first.status, again.status) == (200, 400)  # "message is not modified" is no failure
    assert fake.messages[-100123, int(ref)]["text"] == "<b>5 à 7</b> — 1 oui"


@module_loop
async def test_a_long_post_gives_its_first_id_even_after_a_retry_and_an_edit_keeps_the_first_part(
    fake: FakeTelegram, running: Running
) -> None:
    cards = tuple(Card(f"Service {n}", lines=("é" * 480,)) for n in range(10))
    reply = Reply("**Résultats**", cards, RSVP)
    fake.fail("sendMessage", 502, after=1)
    async with telegram(telegram_settings(fake), running) as adapter:
        with pytest.raises(Unavailable):
            await adapter.sender.post(GROUP_CHAT, reply)
        ref = await adapter.sender.post(GROUP_CHAT, reply)
        await adapter.sender.edit(GROUP_CHAT, ref or "", reply)
    sent = fake.delivered("sendMessage")
    assert len(sent) == 2 and ref == str(min(message for _, message in fake.messages))
    [edit] = fake.calls_of("editMessageText")
    assert edit.status == 200 and units(edit.params["text"]) <= LIMIT
    assert edit.params["text"] == sent[0].params["text"]
    assert edit.params["reply_markup"]["inline_keyboard"][1][0]["text"] == "Je ne peux pas"


@module_loop
async def test_edits_raise_the_delivery_failures(fake: FakeTelegram, running: Running) -> None:
    async with telegram(telegram_settings(fake), running) as adapter:
        ref = await adapter.sender.post(GROUP_CHAT, Reply("Annonce")) or ""
        fake.fail("editMessageText", 429, retry_after=7)
        with pytest.raises(RateLimited) as limited:
            await adapter.sender.edit(GROUP_CHAT, ref, Reply("Annonce modifiée"))
        fake.fail("editMessageText", 500)
        with pytest.raises(Unavailable):
            await adapter.sender.edit(GROUP_CHAT, ref, Reply("Annonce modifiée"))
        await adapter.sender.edit(GROUP_CHAT, ref, Reply("Annonce modifiée"))
    assert limited.value.retry_after == 7
    assert [call.status for call in fake.calls_of("editMessageText")] == [429, 500, 200]


@module_loop
async def test_a_private_message_to_someone_who_never_started_the_bot_is_refused(
    fake: FakeTelegram, running: Running
) -> None:
    stranger = ChatRef("telegram", "5151")
    async with telegram(telegram_settings(fake), running) as adapter:
        with pytest.raises(Rejected, match="can't initiate conversation"):
            await adapter.sender.post(stranger, Reply("Rappel : 5 à 7 demain"))
        assert await adapter.outbox.send(stranger, Reply("Rappel : 5 à 7 demain")) is False
        fake.push(message_update("/start", chat_id=5151, sender=user(5151)))
        await fake.wait_for("sendMessage", 3)
        assert await adapter.sender.post(stranger, Reply("Rappel : 5 à 7 demain")) is not None
    statuses = [call.status for call in fake.calls_of("sendMessage")]
    assert statuses == [403, 403, 200, 200] and adapter.outbox.sleep == Sleeps()
    assert NOT_STARTED.startswith("Forbidden")


@module_loop
async def test_a_button_notice_is_the_pop_up_of_the_press(
    fake: FakeTelegram, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(router.BUTTONS, "essai:", answering(
        Reply("Réponse **notée** : vous y serez.", notice=True), Reply("Il reste 3 places.")))
    async with telegram(telegram_settings(fake), running):
        fake.push(callback_update("essai:oui", **GROUP))
        await fake.wait_for("sendMessage")
    [answer] = fake.calls_of("answerCallbackQuery")
    assert answer.params == {"callback_query_id": "query-1", "text": "Réponse notée : vous y serez."}
    [message] = fake.calls_of("sendMessage")
    assert message.params["text"] == "Il reste 3 places."
    assert [c.method for c in fake.calls][-2:] == ["answerCallbackQuery", "sendMessage"]


@module_loop
async def test_a_long_notice_is_a_message_and_the_press_is_still_answered_once(
    fake: FakeTelegram, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_notice = Reply("Votre réponse est notée. " * 10, notice=True)
    monkeypatch.setitem(router.BUTTONS, "essai:", answering(long_notice))
    monkeypatch.setitem(router.COMMANDS, "essai", answering(Reply("Fait.", notice=True)))
    async with telegram(telegram_settings(fake), running):
        fake.push(callback_update("essai:oui", **GROUP))
        await fake.wait_for("sendMessage")
        fake.push(callback_update("rien:du:tout", **GROUP))
        await fake.wait_for("sendMessage", 2)
        fake.push(message_update("/essai", **GROUP))
        await fake.wait_for("sendMessage", 3)
    first, unknown = fake.calls_of("answerCallbackQuery")
    assert "text" not in first.params and "text" not in unknown.params
    notice, stale, command = (call.params["text"] for call in fake.calls_of("sendMessage"))
    assert notice.startswith("Votre réponse est notée.") and len(notice) > 200
    assert stale == "Ce bouton n'est plus actif." and command == "Fait."


@module_loop
async def test_a_question_in_a_group_forces_a_reply_to_the_person(
    fake: FakeTelegram, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(router.COMMANDS, "essai", answering(
        Reply("Quel est le **titre** de l'événement ?", asks=True),
        Reply("Ou choisissez :", buttons=RSVP, asks=True)))
    async with telegram(telegram_settings(fake), running):
        fake.push(message_update("/essai", message_id=321, **GROUP))
        await fake.wait_for("sendMessage", 2)
        fake.push(message_update("/essai", message_id=322))
        await fake.wait_for("sendMessage", 4)
    group_question, group_choice, private_question, private_choice = fake.calls_of("sendMessage")
    assert group_question.params["reply_markup"] == {"force_reply": True, "selective": True}
    answered = {"message_id": 321, "allow_sending_without_reply": True}
    assert group_question.params["reply_parameters"] == answered
    assert "inline_keyboard" in group_choice.params["reply_markup"]
    assert "reply_parameters" not in group_choice.params
    assert "reply_markup" not in private_question.params and "reply_parameters" not in private_question.params
    assert "inline_keyboard" in private_choice.params["reply_markup"]


def incoming_of(text: str, *, kind: str = "supergroup", **extra: Any) -> Incoming | None:
    chat_id = 4242 if kind == "private" else -100123
    data = {**message_update(text, chat_id=chat_id, chat_type=kind, **extra), "update_id": 1}
    update = Update.de_json(data)
    assert update.message is not None
    return to_incoming(update.message, "passerelle_bot", "fr")


@pytest.mark.parametrize(("text", "expected"), [
    ("5 à 7 de décembre", (None, "5 à 7 de décembre")),
    ("@passerelle_bot jeudi 17 h", (None, "jeudi 17 h")),
    ("/annuler", ("annuler", "")),
    ("/annuler@autre_bot", None),
])
def test_a_group_reply_to_the_bot_passes_as_an_answer(
    text: str, expected: tuple[str | None, str] | None
) -> None:
    incoming = incoming_of(text, reply_to=bot_message("Quel est le titre ?"))
    if expected is None:
        assert incoming is None
        return
    assert incoming is not None and (incoming.command, incoming.args, incoming.private) == (*expected, False)
    assert incoming.text == (expected[1] if expected[0] is None else text)


def test_a_group_reply_to_someone_else_is_not_for_the_bot() -> None:
    other = bot_message("Salut", author=user(99, first_name="Luc"))
    assert incoming_of("d'accord", reply_to=other) is None
    another_bot = bot_message("Bip", author={"id": 5, "is_bot": True, "first_name": "X", "username": "x_bot"})
    assert incoming_of("ok", reply_to=another_bot) is None


def test_names_and_mentions() -> None:
    channels = "@reseau_saguenay et @Entraide_Jonquiere @reseau_saguenay"
    incoming = incoming_of(f"@passerelle_bot /annonce {channels}")
    assert incoming is not None and incoming.user_name == "Marie Tremblay"
    assert incoming.mentions == ("@reseau_saguenay", "@Entraide_Jonquiere")
    assert (incoming.command, incoming.args) == ("annonce", channels)
    private = incoming_of("/evenement 5 à 7", kind="private", sender=user(first_name="Luc", last_name=""))
    assert private is not None and private.user_name == "Luc" and private.mentions == ()


def test_button_presses_carry_the_name() -> None:
    anne = user(7, first_name="Anne", last_name="Roy")
    data = {**callback_update("rsvp:1:oui", sender=anne), "update_id": 1}
    query = Update.de_json(data).callback_query
    assert query is not None
    incoming = to_button_incoming(query, "fr")
    assert incoming is not None and (incoming.user_id, incoming.user_name) == ("7", "Anne Roy")


def test_only_short_plain_notices_are_pop_ups() -> None:
    assert to_notice(Reply("**Noté** [voir](https://x.org)", notice=True)) == "Noté voir (https://x.org)"
    assert to_notice(Reply("Noté")) is None
    assert to_notice(Reply("x" * 201, notice=True)) is None and to_notice(Reply("x" * 200, notice=True))
    assert to_notice(Reply("Noté", buttons=RSVP, notice=True)) is None
    assert to_notice(Reply("", notice=True)) is None
