"""Slack posts and updates, button notices shown to the presser alone, channel messages, names and
mentions: real slack-bolt and slack-sdk against the fake Slack on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.delivery import RateLimited, Rejected, Unavailable
from bot.slack import SlackAdapter, to_incoming, to_mentions
from handlers import router
from handlers.context import Context
from handlers.messages import Button, Card, ChatRef, Incoming, Reply
from tests.bot.adapter_setup import Sleeps, answering, slack_settings, started
from tests.bot.fake_slack import BOT_USER_ID, CHANNEL, FakeSlack, command, event, press

HERE = ChatRef("slack", CHANNEL)
RSVP = (Button("J'y serai", "rsvp:1:oui"), Button("Je ne peux pas", "rsvp:1:non"))

module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module")
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest_asyncio.fixture(loop_scope="module")
async def slack(fake: FakeSlack, context: Context) -> AsyncIterator[SlackAdapter]:
    """An adapter on the fake Socket Mode endpoint, on the sample directory (``tests/conftest.py``)."""
    async with started(SlackAdapter(slack_settings(fake, socket_mode=True), context, sleep=Sleeps())) as adapter:
        yield adapter


def posted(fake: FakeSlack, method: str) -> list[dict[str, Any]]:
    return [call.args for call in fake.calls if call.method == method]


@module_loop
async def test_post_returns_the_ts_and_edit_updates_text_and_buttons(
    slack: SlackAdapter, fake: FakeSlack
) -> None:
    ref = await slack.sender.post(HERE, Reply("**5 à 7** — 0 oui", buttons=RSVP))
    assert ref is not None and (CHANNEL, ref) in fake.messages
    await slack.sender.edit(HERE, ref, Reply("**5 à 7** — 1 oui", buttons=RSVP[:1]))
    [update] = fake.delivered("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (CHANNEL, ref)
    assert update.args["text"] == "5 à 7 — 1 oui"
    blocks = fake.messages[CHANNEL, ref]["blocks"]
    assert blocks[0]["text"]["text"] == "*5 à 7* — 1 oui"
    assert [e["value"] for e in blocks[-1]["elements"]] == ["rsvp:1:oui"]
    assert update.args["link_names"] is False and update.args["parse"] == "none"
    with pytest.raises(Rejected, match="message_not_found"):
        await slack.sender.edit(HERE, "1700000000.000999", Reply("x"))


@module_loop
async def test_edits_raise_the_delivery_failures(slack: SlackAdapter, fake: FakeSlack) -> None:
    ref = await slack.sender.post(HERE, Reply("Annonce")) or ""
    fake.fail_next("chat.update", 429, retry_after=4)
    with pytest.raises(RateLimited) as limited:
        await slack.sender.edit(HERE, ref, Reply("Annonce modifiée"))
    fake.fail_next("chat.update", 503)
    with pytest.raises(Unavailable):
        await slack.sender.edit(HERE, ref, Reply("Annonce modifiée"))
    await slack.sender.edit(HERE, ref, Reply("Annonce modifiée"))
    assert limited.value.retry_after == 4 and fake.messages[CHANNEL, ref]["text"] == "Annonce modifiée"


@module_loop
async def test_a_long_post_gives_its_first_ts_after_a_retry_and_an_edit_keeps_the_first_part(
    slack: SlackAdapter, fake: FakeSlack
) -> None:
    reply = Reply("Tous les services", tuple(Card(f"Service {n}", lines=("ligne",)) for n in range(30)), RSVP)
    fake.fail_next("chat.postMessage", 500, skip=1)
    with pytest.raises(Unavailable):
        await slack.sender.post(HERE, reply)
    ref = await slack.sender.post(HERE, reply)
    first, second = fake.delivered()
    assert (CHANNEL, ref) in fake.messages and fake.messages[CHANNEL, ref]["blocks"] == first.args["blocks"]
    await slack.sender.edit(HERE, ref or "", reply)
    [update] = fake.delivered("chat.update")
    assert update.args["blocks"] == first.args["blocks"] and second.args["blocks"] != first.args["blocks"]


@module_loop
async def test_a_button_notice_is_shown_to_the_presser_alone(
    slack: SlackAdapter, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(router.COMMANDS, "essai", answering(
        Reply("Le 5 à 7", buttons=RSVP), Reply("Noté.", notice=True)))
    monkeypatch.setitem(router.BUTTONS, "rsvp:", answering(Reply("Réponse **notée**.", notice=True),
                                                           Reply("Il reste 3 places.")))
    await fake.send_envelope("slash_commands", command(fake, "", name="/essai"))
    [announcement, done] = await fake.wait_delivered(2)
    assert done.args["text"] == "Noté."  # a notice outside a button press is a plain reply
    await fake.send_envelope("interactive", press(fake, announcement, "J'y serai"))
    await fake.wait_delivered(3)
    await fake.wait_for(lambda: len(fake.delivered("chat.postEphemeral")) == 1)
    [whisper] = posted(fake, "chat.postEphemeral")
    assert (whisper["channel"], whisper["user"], whisper["text"]) == (CHANNEL, "U0LUC", "Réponse notée.")
    assert whisper["blocks"][0]["text"]["text"] == "Réponse *notée*."
    assert fake.delivered()[2].args["text"] == "Il reste 3 places."


@module_loop
async def test_a_notice_that_cannot_be_whispered_goes_through_the_response_url(
    slack: SlackAdapter, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(router.BUTTONS, "rsvp:", answering(Reply("Réponse notée.", notice=True)))
    announcement = await slack.sender.post(HERE, Reply("Le 5 à 7", buttons=RSVP))
    fake.fail_next("chat.postEphemeral", 200, error="user_not_in_channel")
    await fake.send_envelope("interactive", press(fake, fake.delivered()[0], "J'y serai"))
    await fake.wait_for(lambda: len(fake.responses) == 1)
    [(name, answer)] = fake.responses
    assert name == f"press-{CHANNEL}"
    assert (answer["response_type"], answer["replace_original"]) == ("ephemeral", False)
    assert answer["text"] == "Réponse notée." and announcement is not None
    assert len(fake.delivered()) == 1  # never posted for everyone to see


def test_channel_messages_pass_through_with_their_mentions() -> None:
    said = event("message", "Jeudi 17 h dans <#C0ENTRAIDE|entraide> et <#C0TABLE>", channel_type="channel",
                 thread_ts="1700000000.000001")
    incoming = to_incoming(said, "fr", BOT_USER_ID)
    assert incoming == Incoming(ChatRef("slack", CHANNEL, "1700000000.000001"), "U0MARIE",
                                "Jeudi 17 h dans #entraide et", private=False,
                                mentions=("C0ENTRAIDE", "C0TABLE"))
    grouped = event("message", "Les Saguenéens", channel="G0CONCERTATION", channel_type="group")
    private = to_incoming(grouped, "fr")
    assert private is not None and (private.command, private.private) == (None, False)
    assert to_incoming(event("message", "/aide", channel_type="channel"), "fr") == Incoming(
        HERE, "U0MARIE", "/aide", private=False)
    for ignored in (event("message", "x", channel_type="channel", subtype="channel_join"),
                    event("message", "x", channel_type="channel", bot_id="B0AUTRE"),
                    event("message", "x", channel_type="mpim")):
        assert to_incoming(ignored, "fr") is None


def test_names_from_commands_and_buttons_and_none_from_events() -> None:
    typed = "<#C0ENTRAIDE|entraide> <#C0TABLE|table> <#C0ENTRAIDE|entraide> lundi"
    slash = {"command": "/annonce", "text": typed,
             "channel_id": CHANNEL, "user_id": "U0MARIE", "user_name": "marie.tremblay"}
    incoming = to_incoming(slash, "fr")
    assert incoming is not None and incoming.user_name == "marie.tremblay"
    assert incoming.mentions == ("C0ENTRAIDE", "C0TABLE")
    assert incoming.args == "#entraide #table #entraide lundi"
    pressed = {"type": "block_actions", "channel": {"id": CHANNEL}, "actions": [{"value": "rsvp:1:oui"}]}
    by_name = to_incoming(pressed | {"user": {"id": "U0LUC", "name": "luc", "username": "luc.g"}}, "fr")
    by_username = to_incoming(pressed | {"user": {"id": "U0LUC", "username": "luc.g"}}, "fr")
    assert by_name is not None and by_name.user_name == "luc"
    assert by_username is not None and by_username.user_name == "luc.g"
    mention = to_incoming(event("app_mention", f"<@{BOT_USER_ID}> /evenement <#C0TABLE|table>"), "fr")
    assert mention is not None and mention.user_name == "" and mention.mentions == ("C0TABLE",)
    assert to_mentions("<#C1> <@U1> <https://x.org|x> #nom") == ("C1",)
