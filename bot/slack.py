"""The Slack adapter: slash commands, mentions, messages and buttons, with slack-bolt.

Socket Mode when an app token is set; otherwise HTTP mode, where ``routes()`` gives the
``POST /slack/events`` route for the shared web server and the signing secret checks
every request. Each request is acknowledged at once and answered after. Every reply
goes through ``outbox`` (``sender.post``), which honours rate limits and retries; a
notice in answer to a button is shown to the presser alone. Channel messages pass
through (the router answers them only within a conversation under way).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Awaitable
from functools import partial
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.delivery import Delivery, Keep, Sleep
from bot.settings import Settings
from bot.slack_forms import CALLBACK_ID, to_errors, to_form_incoming, to_modal
from bot.slack_render import ACTION_PREFIX, to_messages
from bot.slack_sender import Sender, error_code
from handlers.context import Context
from handlers.messages import ChatRef, Incoming, Reply
from handlers.router import dispatch, split_command
from handlers.texts import texts_for

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"
ACTION_ID = re.compile(rf"^{re.escape(ACTION_PREFIX)}\d+$")
CALL_TIMEOUT = 30.0  # seconds for one Web API call
STOP_GRACE = 5.0  # seconds given to answers under way when stopping
CONCURRENT_ANSWERS = 10  # questions answered at once; the database pool holds 5 + 10 connections
_CONTROL = re.compile(r"<([^<>]*)>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|[^<>]*)?>")
_PERSON = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


class SlackStartError(Exception):
    """Slack refused the credentials at start (the message says which and why)."""


class SlackAdapter:
    """Passerelle on Slack: the bolt app, its Socket Mode connection or HTTP route, and the outbox."""

    def __init__(self, settings: Settings, context: Context, *, keep: Keep | None = None,
                 sleep: Sleep = asyncio.sleep) -> None:
        if settings.slack_bot_token is None:
            raise ValueError("SLACK_BOT_TOKEN manquant")
        self.socket_mode = settings.slack_app_token is not None
        if not self.socket_mode and settings.slack_signing_secret is None:
            raise ValueError("SLACK_APP_TOKEN (Socket Mode) ou SLACK_SIGNING_SECRET (mode HTTP) manquant")
        self.settings = settings
        self.context = context
        self.bot_user_id = ""
        self._answering = asyncio.Semaphore(CONCURRENT_ANSWERS)
        self.client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=settings.slack_api_url or DEFAULT_API_URL,
            timeout=int(CALL_TIMEOUT),
            retry_handlers=[],  # ``outbox`` does the retrying
        )
        self.sender = Sender(self.client, texts_for(context.language))
        self.outbox = Delivery(self.sender.post, keep=keep, sleep=sleep)
        secret = settings.slack_signing_secret
        self.app = AsyncApp(name="passerelle", client=self.client,
                            signing_secret=secret.get_secret_value() if secret else "")
        self.app.command(re.compile(r"^/"))(self._on_request)
        self.app.event("app_mention")(self._on_request)
        self.app.event("message")(self._on_request)
        self.app.event("member_joined_channel")(self._on_request)
        self.app.action(ACTION_ID)(self._on_request)
        self.app.view(CALLBACK_ID)(self._on_form)
        self._socket: AsyncSocketModeHandler | None = None
        self._working: set[asyncio.Task[Any]] = set()
        self._names: dict[str, str] = {}  # user id → name, for events (they carry none)

    async def start(self) -> None:
        """Check the token (learning the bot's user id), then connect Socket Mode when configured."""
        self.client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT))
        try:
            identity = await self._check("SLACK_BOT_TOKEN", self.client.auth_test())
            self.bot_user_id = str(identity["user_id"])
            if self.settings.slack_app_token is not None:
                await self._connect(self.settings.slack_app_token.get_secret_value())
        except SlackStartError:
            await self.stop()
            raise
        log.info("Slack : connecté comme %s (%s), %s", identity.get("user"), self.bot_user_id,
                 "Socket Mode" if self.socket_mode else f"HTTP sur {EVENTS_PATH}")

    async def _connect(self, app_token: str) -> None:
        opened = await self._check("SLACK_APP_TOKEN", self.client.apps_connections_open(app_token=app_token))
        self._socket = AsyncSocketModeHandler(self.app, app_token, web_client=self.client)
        self._socket.client.wss_uri = str(opened["url"])
        await self._socket.connect_async()

    async def stop(self) -> None:
        """Disconnect, give the answers under way a moment to go out, then close the connections."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._working:
            _, late = await asyncio.wait(set(self._working), timeout=STOP_GRACE)
            for task in late:
                task.cancel()
        if self.client.session is not None:
            await self.client.session.close()
            self.client.session = None

    def routes(self) -> list[web.RouteDef]:
        """The HTTP route Slack posts events to (none in Socket Mode), for the shared web server."""
        if self.socket_mode:
            return []
        return [web.post(EVENTS_PATH, self._on_http)]

    async def _on_http(self, request: web.Request) -> web.Response:
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def _check(self, variable: str, call: Awaitable[AsyncSlackResponse]) -> AsyncSlackResponse:
        try:
            return await call
        except SlackApiError as error:
            raise SlackStartError(f"Slack refuse {variable} : {error_code(error)}") from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise SlackStartError(f"Slack injoignable ({self.client.base_url}) : {error}") from error

    async def _on_request(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond | None) -> None:
        """Every listener: acknowledge at once, then answer in a task of its own."""
        await ack()
        incoming = to_incoming(body, self.context.language, self.bot_user_id)
        if incoming is not None:
            self._spawn(self._named_then_answer(incoming, respond, str(body.get("trigger_id") or "")))

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._working.add(task)
        task.add_done_callback(self._working.discard)

    async def _on_form(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """A submitted modal: answers checked before acknowledging, so that refused ones show under
        their fields (Slack waits 3 s; the check and the write take milliseconds); the replies after."""
        incoming = to_form_incoming(body, self.context.language)
        if incoming is None:
            await ack()
            return
        if incoming.user_id and not incoming.user_name:
            incoming = dataclasses.replace(incoming, user_name=await self._name_of(incoming.user_id))
        try:
            async with self._answering:
                replies = await dispatch(incoming, self.context)
        except Exception:  # dispatch answers errors itself; this is the last guard
            log.exception("form from %s failed", incoming.user_id)
            replies = []
        refused = next((reply.form_errors for reply in replies if reply.form_errors), ())
        if refused:
            await ack(response_action="errors", errors=to_errors(refused))
            return
        await ack()
        self._spawn(self._deliver(incoming, replies, None))

    async def _named_then_answer(self, incoming: Incoming, respond: AsyncRespond | None, trigger: str) -> None:
        # events carry no name, unlike commands and buttons; plain chatter in a channel needs none
        chatter = not incoming.private and incoming.command is None
        if not incoming.user_name and incoming.user_id and not chatter:
            incoming = dataclasses.replace(incoming, user_name=await self._name_of(incoming.user_id))
        await self._answer(incoming, respond, trigger)

    async def _name_of(self, user_id: str) -> str:
        """How Slack shows the person (display name, else real name), remembered; "" when it cannot say."""
        if user_id not in self._names:
            try:
                found = await self.client.users_info(user=user_id)
            except (SlackApiError, SlackRequestError, TimeoutError, aiohttp.ClientError) as error:
                log.warning("Slack : nom de %s inconnu (%s)", user_id, error)
                return ""
            user = found.get("user") or {}
            profile = user.get("profile") or {}
            self._names[user_id] = str(
                profile.get("display_name") or profile.get("real_name") or user.get("real_name")
                or user.get("name") or ""
            )
        return self._names[user_id]

    async def _answer(self, incoming: Incoming, respond: AsyncRespond | None, trigger: str = "") -> None:
        try:
            async with self._answering:  # bursts wait their turn instead of exhausting the database pool
                replies = await dispatch(incoming, self.context)
        except Exception:  # one failed answer never stops the bot
            log.exception("answer to %s in Slack chat %s failed", incoming.user_id, incoming.chat.chat_id)
            return
        await self._deliver(incoming, replies, respond, trigger)

    async def _deliver(self, incoming: Incoming, replies: list[Reply], respond: AsyncRespond | None,
                       trigger: str = "") -> None:
        try:
            for reply in replies:
                if reply.form is not None and trigger and await self._open_form(incoming, reply, trigger):
                    continue
                if reply.notice and incoming.button_data is not None:
                    delivered = await self._whisper(incoming, reply)
                else:
                    delivered = await self.outbox.send(incoming.chat, reply)
                    delivered = delivered or incoming.chat.chat_id not in self.sender.unreachable
                if not delivered and respond is not None:
                    await self._answer_privately(respond, reply)
                elif not delivered and incoming.form_values is not None:  # a form has no response URL
                    await self.outbox.send(ChatRef("slack", incoming.user_id), reply)
        except Exception:  # one failed answer never stops the bot
            log.exception("answer to %s in Slack chat %s failed", incoming.user_id, incoming.chat.chat_id)

    async def _open_form(self, incoming: Incoming, reply: Reply, trigger: str) -> bool:
        """Open ``reply``'s form as a modal; false when Slack refuses (the reply's text is posted instead)."""
        if reply.form is None:
            return False
        cancel = texts_for(incoming.locale)("Annuler")
        try:
            await self.client.views_open(trigger_id=trigger, view=to_modal(reply.form, incoming.chat, cancel))
        except (SlackApiError, SlackRequestError, TimeoutError, aiohttp.ClientError) as error:
            log.warning("Slack : formulaire non ouvert pour %s (%s)", incoming.user_id, error)
            return False
        return True

    async def _whisper(self, incoming: Incoming, reply: Reply) -> bool:
        """A notice shown to the person who pressed the button alone; never kept to be posted later."""
        whisper = partial(self.sender.whisper, to=incoming.user_id)
        return await dataclasses.replace(self.outbox, transport=whisper, keep=None).send(incoming.chat, reply)

    async def _answer_privately(self, respond: AsyncRespond, reply: Reply) -> None:
        """Where the bot may not post, the person who asked still gets the answer, for their eyes only."""
        for message in to_messages(reply, texts_for(self.context.language)):
            try:
                await respond(text=message.text, blocks=message.blocks, response_type="ephemeral",
                              replace_original=False)
            except (TimeoutError, aiohttp.ClientError) as error:
                log.warning("private answer through response_url failed: %s", error)


def to_incoming(body: dict[str, Any], locale: str, bot_user_id: str = "") -> Incoming | None:
    """What a person sent, from a slash command, an event or a button press; None for what we ignore
    (bot messages, edits and other subtypes, and channel messages that mention ``bot_user_id``,
    which come again as ``app_mention``)."""
    if "command" in body:
        channel = str(body.get("channel_id", ""))
        command = str(body["command"]).lstrip("/").lower()
        raw = str(body.get("text", ""))
        args = to_plain_text(raw)
        return Incoming(ChatRef("slack", channel), str(body.get("user_id", "")), f"/{command} {args}".strip(),
                        command, args, locale=locale, private=channel.startswith("D"),
                        user_name=str(body.get("user_name") or ""), mentions=to_mentions(raw),
                        people=to_people(raw, bot_user_id), can_open_forms=bool(body.get("trigger_id")))
    if body.get("type") == "block_actions":
        return _button(body, locale)
    if body.get("type") == "event_callback":
        return _event(body.get("event") or {}, locale, bot_user_id)
    return None


def to_mentions(text: str) -> tuple[str, ...]:
    """The channel ids named in Slack text (``<#C123|nom>`` → ``C123``), once each, in order."""
    return tuple(dict.fromkeys(_CHANNEL.findall(text)))


def to_people(text: str, bot_user_id: str = "") -> tuple[str, ...]:
    """The user ids of the people named in Slack text (``<@U123|marie>`` → ``U123``), the bot left
    out, once each, in order."""
    return tuple(dict.fromkeys(user for user in _PERSON.findall(text) if user != bot_user_id))


def _button(body: dict[str, Any], locale: str) -> Incoming | None:
    actions = body.get("actions") or []
    container = body.get("container") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    if not actions or not channel or "value" not in actions[0]:
        return None
    thread = (body.get("message") or {}).get("thread_ts") or container.get("thread_ts")
    user = body.get("user") or {}
    return Incoming(ChatRef("slack", channel, thread), str(user.get("id", "")),
                    button_data=str(actions[0]["value"]), locale=locale, private=channel.startswith("D"),
                    user_name=str(user.get("name") or user.get("username") or ""),
                    can_open_forms=bool(body.get("trigger_id")))


def _event(event: dict[str, Any], locale: str, bot_user_id: str) -> Incoming | None:
    if event.get("bot_id") or event.get("subtype") or not event.get("user"):
        return None
    if event.get("type") == "member_joined_channel":
        return to_join_incoming(event, locale, bot_user_id)
    channel = str(event.get("channel", ""))
    chat = ChatRef("slack", channel, event.get("thread_ts"))
    raw = str(event.get("text", ""))
    text = to_plain_text(raw)
    command, args = split_command(text)
    user, mentions, people = str(event["user"]), to_mentions(raw), to_people(raw, bot_user_id)
    if event.get("type") == "app_mention" and not channel.startswith("D"):  # in a DM, message.im answers
        if command is None:
            command, args = "qui", text
        return Incoming(chat, user, text, command, args, locale=locale, private=False, mentions=mentions,
                        people=people)
    if event.get("type") != "message":
        return None
    if event.get("channel_type") == "im":
        return Incoming(chat, user, text, command, args, locale=locale, private=True, mentions=mentions,
                        people=people)
    if event.get("channel_type") in ("channel", "group") and not (bot_user_id and f"<@{bot_user_id}" in raw):
        return Incoming(chat, user, text, locale=locale, private=False, mentions=mentions, people=people)
    return None


def to_join_incoming(event: dict[str, Any], locale: str, bot_user_id: str) -> Incoming | None:
    """The person a ``member_joined_channel`` event says joined a channel, as a ``joined`` Incoming;
    None for the bot itself."""
    user = str(event.get("user", ""))
    if not user or user == bot_user_id:
        return None
    return Incoming(ChatRef("slack", str(event.get("channel", ""))), user, locale=locale, private=False, joined=True)


def to_plain_text(text: str) -> str:
    """Slack message text as the person typed it: mentions dropped, links as their label, entities
    decoded, spaces squeezed within each line."""

    def control(match: re.Match[str]) -> str:
        target, _, label = match[1].partition("|")
        if target.startswith(("@", "!")):
            return ""
        if target.startswith("#"):
            return f"#{label}" if label else ""
        return label or target.removeprefix("mailto:")

    plain = _CONTROL.sub(control, text)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    lines = (" ".join(line.split()) for line in plain.splitlines())  # a pasted list keeps its lines
    return "\n".join(line for line in lines if line)
