"""The Slack adapter end to end: real slack-bolt against the fake Slack, in HTTP and Socket Mode."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from bot.settings import Settings
from bot.slack import SlackAdapter, SlackStartError, to_incoming, to_plain_text
from directory.models import Organization, Service
from handlers import router
from handlers.context import Context
from handlers.messages import Attachment, Button, Card, ChatRef, Incoming, Reply
from tests.bot.adapter_setup import SLACK_BOT_TOKEN, SLACK_SECRET, Sleeps, slack_settings, started
from tests.bot.fake_slack import BOT_USER_ID, CHANNEL, Call, FakeSlack, command, event, press

module_loop = pytest.mark.asyncio(loop_scope="module")

HOSTILE = "<!channel> & <b>x</b> @everyone"
HOSTILE_ESCAPED = "&lt;!channel&gt; &amp; &lt;b&gt;x&lt;/b&gt; @everyone"
QUESTION = "banque alimentaire jonquiere"
DIRECT, PRIVATE = "D0MARIE", "G0CONCERTATION"
FORM = "application/x-www-form-urlencoded"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def context(context: Context) -> Context:
    """The sample directory (``tests/conftest.py``), plus one organization whose name tries to ping everyone."""
    organization, service = uuid.uuid4(), uuid.uuid4()
    async with context.sessions() as session:
        session.add(Organization(id=organization, name=HOSTILE, description="Frigo zorglub"))
        session.add(Service(id=service, organization_id=organization, name=HOSTILE,
                            description="Frigo zorglub"))
        await session.commit()
    await context.search.refresh(context.sessions, [service])
    return context


@pytest_asyncio.fixture(loop_scope="module")
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest_asyncio.fixture(loop_scope="module")
async def http(fake: FakeSlack, context: Context) -> AsyncIterator[tuple[SlackAdapter, str]]:
    """An adapter in HTTP mode, its route served on 127.0.0.1; the events URL."""
    async with started(SlackAdapter(slack_settings(fake), context, sleep=Sleeps())) as adapter:
        app = web.Application()
        app.add_routes(adapter.routes())
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        try:
            yield adapter, f"http://{host}:{port}/slack/events"
        finally:
            await runner.cleanup()


@pytest_asyncio.fixture(loop_scope="module")
async def socket(fake: FakeSlack, context: Context) -> AsyncIterator[SlackAdapter]:
    """An adapter connected to the fake Socket Mode endpoint."""
    async with started(SlackAdapter(slack_settings(fake, socket_mode=True), context, sleep=Sleeps())) as adapter:
        yield adapter


def signed(body: str, secret: str = SLACK_SECRET, content_type: str = FORM) -> dict[str, str]:
    """Headers signing ``body`` as Slack does (``v0`` HMAC-SHA256 of the timestamp and the body)."""
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": content_type}


async def post(url: str, body: str, headers: dict[str, str]) -> tuple[int, float]:
    """POST ``body``; the status and how long the answer took."""
    sent_at = time.monotonic()
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=body.encode(), headers=headers) as response:
            await response.read()
            return response.status, time.monotonic() - sent_at


def section_texts(call: Call) -> str:
    return "\n".join(block["text"]["text"] for block in call.args["blocks"] if block["type"] == "section")


def buttons(call: Call) -> list[str]:
    return [e["text"]["text"] for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]]


@module_loop
async def test_http_slash_command_is_acknowledged_at_once_then_answered_and_paged(
    http: tuple[SlackAdapter, str], fake: FakeSlack
) -> None:
    _, url = http
    held = fake.hold("chat.postMessage")
    body = urlencode(command(fake, QUESTION))
    status, seconds = await post(url, body, signed(body))
    assert (status, seconds < 3, fake.delivered()) == (200, True, [])  # acknowledged before posting
    held.set()
    [first] = await fake.wait_delivered(1)
    assert first.token == SLACK_BOT_TOKEN and first.args["channel"] == CHANNEL and "thread_ts" not in first.args
    assert first.args["text"].startswith("Résultats 1 à 3 sur 4 pour « banque alimentaire jonquiere »")
    assert section_texts(first).startswith("Résultats 1 à 3 sur 4")
    assert "*Coordination du dépannage alimentaire*" in section_texts(first)
    assert buttons(first) == ["Plus de résultats"]

    body = urlencode({"payload": json.dumps(press(fake, first, "Plus de résultats"))})
    status, _ = await post(url, body, signed(body))
    assert status == 200
    second = (await fake.wait_delivered(2))[1]
    assert second.args["channel"] == CHANNEL
    assert section_texts(second).startswith("Résultats 4 à 4 sur 4") and buttons(second) == []


@module_loop
async def test_http_request_with_a_bad_signature_is_refused(
    http: tuple[SlackAdapter, str], fake: FakeSlack
) -> None:
    _, url = http
    body = urlencode(command(fake, QUESTION))
    assert (await post(url, body, signed(body, secret="0" * 32)))[0] == 401
    headers = signed(body) | {"X-Slack-Request-Timestamp": str(int(time.time()) - 600)}
    assert (await post(url, body, headers))[0] == 401
    await asyncio.sleep(0.05)
    assert [c.method for c in fake.calls] == ["auth.test"]


@module_loop
async def test_http_events_mentions_and_url_verification(
    http: tuple[SlackAdapter, str], fake: FakeSlack
) -> None:
    _, url = http
    body = json.dumps({"token": "legacy", "challenge": "défi-123", "type": "url_verification"})
    async with aiohttp.ClientSession() as session, session.post(
        url, data=body.encode(), headers=signed(body, content_type="application/json")
    ) as response:
        assert (response.status, await response.json()) == (200, {"challenge": "défi-123"})
    body = json.dumps(event("app_mention", f"<@{BOT_USER_ID}> /aide", thread_ts="1699999999.000001"))
    assert (await post(url, body, signed(body, content_type="application/json")))[0] == 200
    [answer] = await fake.wait_delivered(1)
    assert answer.args["thread_ts"] == "1699999999.000001"
    assert section_texts(answer).startswith("*Passerelle* trouve qui appeler dans le réseau")
    assert "\n• */qui* &lt;besoin&gt; : " in section_texts(answer)


@module_loop
async def test_socket_mode_command_button_mention_and_direct_message(
    socket: SlackAdapter, fake: FakeSlack
) -> None:
    assert socket.routes() == []
    assert socket.bot_user_id == BOT_USER_ID
    envelope = await fake.send_envelope("slash_commands", command(fake, QUESTION))
    assert await fake.wait_ack(envelope) == {"envelope_id": envelope}
    [first] = await fake.wait_delivered(1)
    assert first.args["channel"] == CHANNEL and buttons(first) == ["Plus de résultats"]

    envelope = await fake.send_envelope("interactive", press(fake, first, "Plus de résultats"))
    await fake.wait_ack(envelope)
    second = (await fake.wait_delivered(2))[1]
    assert section_texts(second).startswith("Résultats 4 à 4 sur 4")

    envelope = await fake.send_envelope("events_api", event("app_mention", f"<@{BOT_USER_ID}> {QUESTION}"))
    await fake.wait_ack(envelope)
    third = (await fake.wait_delivered(3))[2]
    assert third.args["channel"] == CHANNEL and section_texts(third).startswith("Résultats 1 à 3 sur 4")

    ignored = await fake.send_envelope("events_api", event("message", QUESTION, channel_type="channel"))
    await fake.wait_ack(ignored)
    mine = await fake.send_envelope("events_api", event("message", "echo", channel=DIRECT, channel_type="im",
                                                        bot_id="BPASSERELLE"))
    await fake.wait_ack(mine)
    envelope = await fake.send_envelope("events_api", event("message", "garderie a jonquiere", channel=DIRECT,
                                                            channel_type="im"))
    await fake.wait_ack(envelope)
    fourth = (await fake.wait_delivered(4))[3]
    assert fourth.args["channel"] == DIRECT and section_texts(fourth).startswith("Résultats 1 à 3 sur ")
    await socket.stop()
    assert [c.args["channel"] for c in fake.delivered()] == [CHANNEL, CHANNEL, CHANNEL, DIRECT]


@module_loop
async def test_a_rate_limit_is_waited_out_and_the_message_sent_once(
    socket: SlackAdapter, fake: FakeSlack
) -> None:
    fake.fail_next("chat.postMessage", 429, retry_after=2)
    assert await socket.outbox.send(ChatRef("slack", CHANNEL), Reply("Rappel : **5 à 7** jeudi")) is True
    assert [c.status for c in fake.calls if c.method == "chat.postMessage"] == [429, 200]
    assert len(fake.delivered()) == 1 and socket.outbox.sleep == Sleeps([2.0])


@module_loop
async def test_a_server_error_is_retried_and_the_message_sent_once(
    socket: SlackAdapter, fake: FakeSlack
) -> None:
    fake.fail_next("chat.postMessage", 500)
    assert await socket.outbox.send(ChatRef("slack", CHANNEL, "1700000000.000100"), Reply("Bonjour")) is True
    assert [c.status for c in fake.calls if c.method == "chat.postMessage"] == [500, 200]
    [delivered] = fake.delivered()
    assert delivered.args["thread_ts"] == "1700000000.000100"
    sleeps = socket.outbox.sleep
    assert isinstance(sleeps, Sleeps) and len(sleeps) == 1 and 0 < sleeps[0] <= 0.5


@module_loop
async def test_an_unreachable_slack_is_retried_then_the_message_kept(context: Context) -> None:
    kept: list[tuple[ChatRef, Reply, str]] = []

    async def keep(chat: ChatRef, reply: Reply, error: str) -> None:
        kept.append((chat, reply, error))

    unreachable = Settings(**{  # type: ignore[arg-type]
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
    })
    sleeps = Sleeps()
    adapter = SlackAdapter(unreachable, context, keep=keep, sleep=sleeps)
    chat = ChatRef("slack", CHANNEL)
    assert await adapter.outbox.send(chat, Reply("Rappel")) is False
    assert len(sleeps) == adapter.outbox.attempts - 1
    [(kept_chat, kept_reply, error)] = kept
    assert (kept_chat, kept_reply) == (chat, Reply("Rappel")) and "127.0.0.1:9" in error


@module_loop
async def test_a_long_reply_resumes_after_a_failure_without_repeating_a_part(
    socket: SlackAdapter, fake: FakeSlack
) -> None:
    cards = tuple(Card(f"Service {n}", lines=("ligne",), badge="exemple") for n in range(30))
    reply = Reply("Tous les services", cards, (Button("Plus de résultats", "qui:30:x"),))
    fake.fail_next("chat.postMessage", 503, skip=1)
    assert await socket.outbox.send(ChatRef("slack", CHANNEL), reply) is True
    assert [c.status for c in fake.calls if c.method == "chat.postMessage"] == [200, 503, 200]
    first, second = fake.delivered()
    lines = [line for call in (first, second) for line in section_texts(call).split("\n")]
    titles = [line for line in lines if line.startswith("*")]
    assert titles == [f"*Service {n}*" for n in range(30)]
    assert buttons(first) == [] and buttons(second) == ["Plus de résultats"]


@module_loop
async def test_refused_messages_are_not_retried_and_commands_are_answered_privately(
    http: tuple[SlackAdapter, str], fake: FakeSlack
) -> None:
    adapter, url = http
    fake.refused["C0INCONNU"] = "channel_not_found"
    assert await adapter.outbox.send(ChatRef("slack", "C0INCONNU"), Reply("x")) is False
    assert len([c for c in fake.calls if c.method == "chat.postMessage"]) == 1
    fake.refused[PRIVATE] = "not_in_channel"
    body = urlencode(command(fake, "", channel=PRIVATE, name="/aide"))
    assert (await post(url, body, signed(body)))[0] == 200
    await fake.wait_for(lambda: len(fake.responses) == 1)
    [(name, answer)] = fake.responses
    assert (name, answer["response_type"], answer["replace_original"]) == (PRIVATE, "ephemeral", False)
    assert answer["blocks"][0]["text"]["text"].startswith("*Passerelle* trouve qui appeler")
    assert fake.delivered() == []


@module_loop
async def test_directory_text_cannot_ping_the_channel(socket: SlackAdapter, fake: FakeSlack) -> None:
    await fake.send_envelope("slash_commands", command(fake, "frigo zorglub"))
    [answer] = await fake.wait_delivered(1)
    texts = section_texts(answer)
    assert f"*{HOSTILE_ESCAPED}*\n{HOSTILE_ESCAPED}" in texts
    assert HOSTILE_ESCAPED in answer.args["text"]
    raw = json.dumps(answer.args, ensure_ascii=False)
    assert "<!channel>" not in raw and "<b>" not in raw and "@everyone" in raw
    assert all(b["text"]["verbatim"] for b in answer.args["blocks"] if b["type"] == "section")
    assert answer.args["link_names"] is False and answer.args["parse"] == "none"


@module_loop
async def test_attachments_are_uploaded_to_the_conversation(socket: SlackAdapter, fake: FakeSlack) -> None:
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    reply = Reply("Le 5 à 7", attachments=(Attachment("5a7.ics", ics, "text/calendar"),))
    assert await socket.outbox.send(ChatRef("slack", CHANNEL, "1700000000.000100"), reply) is True
    methods = [c.method for c in fake.calls if c.method not in ("auth.test", "apps.connections.open")]
    assert methods == ["chat.postMessage", "files.getUploadURLExternal", "files.completeUploadExternal"]
    [complete] = fake.delivered("files.completeUploadExternal")
    assert (complete.args["channel_id"], complete.args["thread_ts"]) == (CHANNEL, "1700000000.000100")
    assert list(fake.uploads.values()) == [ics]


@module_loop
async def test_a_file_for_a_person_goes_to_the_direct_conversation_opened(
    socket: SlackAdapter, fake: FakeSlack
) -> None:
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    reply = Reply("Le 5 à 7", attachments=(Attachment("5a7.ics", ics, "text/calendar"),))
    assert await socket.sender.post(ChatRef("slack", "U0ANNE"), reply)
    methods = [c.method for c in fake.calls if c.method not in ("auth.test", "apps.connections.open")]
    assert methods == ["conversations.open", "chat.postMessage", "files.getUploadURLExternal",
                       "files.completeUploadExternal"]
    [opened] = fake.delivered("conversations.open")
    [posted] = fake.delivered()
    [complete] = fake.delivered("files.completeUploadExternal")
    assert (opened.args["users"], posted.args["channel"], complete.args["channel_id"]) == (
        "U0ANNE", "U0ANNE", "D0ANNE000")
    assert list(fake.uploads.values()) == [ics]


@module_loop
async def test_a_text_for_a_person_opens_no_conversation(socket: SlackAdapter, fake: FakeSlack) -> None:
    assert await socket.sender.post(ChatRef("slack", "U0ANNE"), Reply("Rappel"))
    assert [c.method for c in fake.calls if c.method not in ("auth.test", "apps.connections.open")] == [
        "chat.postMessage"]


@module_loop
async def test_bad_credentials_stop_the_start_with_the_variable_named(
    fake: FakeSlack, context: Context
) -> None:
    fake.fail_next("auth.test", 200, error="invalid_auth")
    adapter = SlackAdapter(slack_settings(fake), context)
    with pytest.raises(SlackStartError, match="SLACK_BOT_TOKEN : invalid_auth"):
        await adapter.start()
    assert adapter.client.session is None
    adapter = SlackAdapter(slack_settings(fake, socket_mode=True), context)
    fake.fail_next("apps.connections.open", 200, error="invalid_auth")
    with pytest.raises(SlackStartError, match="SLACK_APP_TOKEN : invalid_auth"):
        await adapter.start()
    assert adapter.client.session is None
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        SlackAdapter(slack_settings(fake).model_copy(update={"slack_signing_secret": None}), context)


def test_incoming_from_commands_mentions_messages_and_buttons() -> None:
    slash = to_incoming({"command": "/Qui", "text": "aide &amp; répit &lt;3 ans&gt;", "channel_id": "D1",
                         "user_id": "U1"}, "fr")
    question = "aide & répit <3 ans>"
    assert slash == Incoming(ChatRef("slack", "D1"), "U1", f"/qui {question}", "qui", question, private=True)
    text = f"<@{BOT_USER_ID}> /org  <https://x.org|Transit> <!here>"
    mention = to_incoming(event("app_mention", text), "en", BOT_USER_ID)
    assert mention == Incoming(ChatRef("slack", CHANNEL), "U0MARIE", "/org Transit", "org", "Transit",
                               locale="en", private=False)
    empty = to_incoming(event("app_mention", f"<@{BOT_USER_ID}>"), "fr", BOT_USER_ID)
    assert empty is not None and (empty.command, empty.args) == ("qui", "")
    chatter = to_incoming(event("message", "bonjour", channel_type="channel"), "fr", BOT_USER_ID)
    assert chatter == Incoming(ChatRef("slack", CHANNEL), "U0MARIE", "bonjour", private=False)
    mentioned = event("message", f"<@{BOT_USER_ID}> aide", channel_type="channel")
    assert to_incoming(mentioned, "fr", BOT_USER_ID) is None  # answered as the app_mention
    assert to_incoming(event("app_mention", f"<@{BOT_USER_ID}> aide", channel=DIRECT), "fr") is None
    direct = to_incoming(event("message", "/org transit", channel=DIRECT, channel_type="im"), "fr")
    assert direct == Incoming(ChatRef("slack", DIRECT), "U0MARIE", "/org transit", "org", "transit")
    edited = event("message", "x", channel=DIRECT, channel_type="im", subtype="message_changed")
    assert to_incoming(edited, "fr") is None
    assert to_incoming({"type": "block_actions", "actions": [{"action_id": "passerelle:0"}]}, "fr") is None
    assert to_incoming({"type": "view_submission"}, "fr") is None


def test_the_manifest_declares_what_the_adapter_listens_to() -> None:
    manifest = (Path(__file__).resolve().parents[2] / "slack-manifest.yml").read_text(encoding="utf-8")
    declared = re.findall(r"- command: /(\w+)", manifest)
    assert declared[:5] == ["qui", "org", "aide", "lieu", "langue"]
    assert {"evenement", "evenements", "calendrier", "annonce", "annuler", "table", "decision", "suivi",
            "ordre_du_jour", "equipe", "service", "historique", "annuler_modif", "profil", "kit", "role",
            "reseau"} <= set(declared)
    assert set(declared) <= set(router.COMMANDS)  # every slash command has its handler
    events = ["app_mention", "message.im", "message.channels", "message.groups", "member_joined_channel"]
    assert re.findall(r"^      - (\S+)$", manifest, re.MULTILINE) == events
    scopes = re.findall(r"^      - ([a-z.:]+) ", manifest, re.MULTILINE)
    assert {"channels:history", "groups:history", "chat:write", "channels:read", "groups:read"} <= set(scopes)
    assert "socket_mode_enabled: true" in manifest and "is_enabled: true" in manifest


def test_plain_text_from_slack_markup() -> None:
    slack = "<@U1|marie> voir <#C1|entraide> et <mailto:a@b.org|a@b.org> &amp; <https://x.org>"
    assert to_plain_text(slack) == "voir #entraide et a@b.org & https://x.org"
    assert to_plain_text("/decision Table ;  réunion hier\n\n1.  Plan\n2. Kiosque ") == (
        "/decision Table ; réunion hier\n1. Plan\n2. Kiosque")  # a pasted list keeps its lines
