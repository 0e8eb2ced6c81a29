"""A fake Slack on 127.0.0.1: the Web API methods Passerelle calls (posting, updating and ephemeral
messages, file uploads, opening a direct conversation, opening a modal), response URLs and a Socket Mode websocket,
with every call recorded, the posted messages kept so they can be updated, and failures injected on
demand. As Slack does, files are shared to conversation ids only (C…, G…, D…), never to a user id."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

BOT_USER_ID = "UPASSERELLE"
BOT_ID = "BPASSERELLE"
TEAM_ID = "T0RESEAU"
APP_ID = "A0PASSERELLE"
CHANNEL = "C0ENTRAIDE"
CONVERSATION_ID = re.compile(r"[CGDZ][A-Z0-9]{8,}")  # what files.completeUploadExternal accepts as channel_id
SECTION_LIMIT, BLOCKS_LIMIT, ELEMENTS_LIMIT, LABEL_LIMIT, VALUE_LIMIT = 3000, 50, 25, 75, 2000


@dataclass(slots=True)
class Call:
    """One Web API call: the method, its arguments, the token used and whether it was answered ok."""

    method: str
    args: dict[str, Any]
    token: str
    status: int
    ok: bool


@dataclass(slots=True)
class Failure:
    """The answer to give a coming call instead of the real one."""

    status: int
    error: str
    retry_after: float | None = None


@dataclass(slots=True)
class FakeSlack:
    """The fake server; ``start()`` it, point ``SLACK_API_URL`` at ``api_url``, ``close()`` it."""

    calls: list[Call] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)  # channel -> error of chat.postMessage there
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (channel, ts) -> message
    base: str = ""
    people: dict[str, str] = field(default_factory=dict)  # user id → display name, for users.info
    views: list[dict[str, Any]] = field(default_factory=list)  # modals opened, in order
    expired_triggers: set[str] = field(default_factory=set)  # trigger ids views.open refuses
    _failures: dict[str, list[Failure | None]] = field(default_factory=dict)
    _held: dict[str, asyncio.Event] = field(default_factory=dict)
    _socket: web.WebSocketResponse | None = None
    _runner: web.AppRunner | None = None
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def api_url(self) -> str:
        """The Web API base, as ``SLACK_API_URL``."""
        return f"{self.base}/api/"

    def response_url(self, name: str) -> str:
        """A response URL whose posts are recorded in ``responses`` under ``name``."""
        return f"{self.base}/response/{name}"

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # the SDK reads some methods (users.info) with GET
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_get("/socket", self._websocket)
        self._runner = web.AppRunner(app, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base = f"http://{host}:{port}"

    async def close(self) -> None:
        """Stop listening."""
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def fail_next(self, method: str, status: int, *, count: int = 1, skip: int = 0, error: str = "",
                  retry_after: float | None = None) -> None:
        """Answer ``count`` calls of ``method``, after ``skip`` normal ones, with ``status`` (429 with
        ``Retry-After``, 5xx, or 200 with ``{"ok": false, "error": error}``)."""
        error = error or ("ratelimited" if status == 429 else "internal_error")
        failure = Failure(status, error, retry_after)
        self._failures.setdefault(method, []).extend([None] * skip + [failure] * count)

    def hold(self, method: str) -> asyncio.Event:
        """Keep calls of ``method`` waiting until the returned event is set."""
        self._held[method] = asyncio.Event()
        return self._held[method]

    def delivered(self, method: str = "chat.postMessage") -> list[Call]:
        """The calls of ``method`` answered ok."""
        return [call for call in self.calls if call.method == method and call.ok]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``condition()`` holds; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the fake Slack did not see what was expected in time")
            await asyncio.sleep(0.005)

    async def wait_delivered(self, count: int, method: str = "chat.postMessage") -> list[Call]:
        """The first ``count`` ok calls of ``method``, once there are that many."""
        await self.wait_for(lambda: len(self.delivered(method)) >= count)
        return self.delivered(method)[:count]

    async def send_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Push a Socket Mode envelope (``slash_commands``, ``events_api``, ``interactive``); its id."""
        await self.wait_for(lambda: self._socket is not None and not self._socket.closed)
        assert self._socket is not None
        envelope_id = f"envelope-{next(self._numbers)}"
        await self._socket.send_json({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api",
            **({"retry_attempt": 0, "retry_reason": ""} if kind == "events_api" else {}),
        })
        return envelope_id

    async def wait_ack(self, envelope_id: str) -> dict[str, Any]:
        """The acknowledgement of ``envelope_id``, once it came back over the websocket."""
        await self.wait_for(lambda: any(ack.get("envelope_id") == envelope_id for ack in self.acks))
        return next(ack for ack in self.acks if ack.get("envelope_id") == envelope_id)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or str(args.pop("token", ""))
        if method in self._held:
            await self._held[method].wait()
        failure = self._failures[method].pop(0) if self._failures.get(method) else None
        if failure is not None:
            self.calls.append(Call(method, args, token, failure.status, False))
            return _failure(failure)
        body = self._answer(method, args, token)
        self.calls.append(Call(method, args, token, 200, bool(body["ok"])))
        return web.json_response(body)

    def _answer(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        if method == "apps.connections.open":
            if not token.startswith("xapp-"):
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": True, "url": self.base.replace("http://", "ws://") + "/socket"}
        if not token.startswith("xoxb-"):
            return {"ok": False, "error": "not_authed"}
        if method == "auth.test":
            return {"ok": True, "url": "https://reseau.example.slack.com/", "team": "Réseau",
                    "user": "passerelle", "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
                    "is_enterprise_install": False}
        if method == "chat.postMessage":
            return self._post_message(args)
        if method == "chat.update":
            return self._update(args)
        if method == "chat.postEphemeral":
            return self._post_ephemeral(args)
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._numbers)}"
            return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(args.get("files", "[]"))
            missing = [f["id"] for f in files if f["id"] not in self.uploads]
            if missing or not CONVERSATION_ID.fullmatch(str(args.get("channel_id", ""))):
                return {"ok": False, "error": "invalid_arguments"}
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        if method == "conversations.open":
            return self._open(args)
        if method == "users.info":
            return self._user(args)
        if method == "views.open":
            return self._open_view(args)
        return {"ok": False, "error": "unknown_method"}

    def _open_view(self, args: dict[str, Any]) -> dict[str, Any]:
        """A modal, checked against Slack's limits; kept in ``views``."""
        trigger = str(args.get("trigger_id", ""))
        if not trigger or trigger in self.expired_triggers:
            return {"ok": False, "error": "expired_trigger_id"}
        view = args.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        if problem := view_problem(view or {}):
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": [problem]}}
        opened = {**view, "id": f"V{next(self._numbers):08d}"}
        self.views.append(opened)
        return {"ok": True, "view": opened}

    def _user(self, args: dict[str, Any]) -> dict[str, Any]:
        """A person of ``people`` (id → display name), as Slack describes them."""
        user_id = str(args.get("user", ""))
        if user_id not in self.people:
            return {"ok": False, "error": "user_not_found"}
        name = self.people[user_id]
        return {"ok": True, "user": {"id": user_id, "name": name.lower().replace(" ", "."),
                                     "real_name": name, "profile": {"display_name": name, "real_name": name}}}

    def _open(self, args: dict[str, Any]) -> dict[str, Any]:
        """The direct conversation with one person: ``D`` followed by their id without its ``U``."""
        users = str(args.get("users", ""))
        if not users.startswith(("U", "W")) or "," in users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": direct_id(users)}}

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.refused:
            return {"ok": False, "error": self.refused[channel]}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if problem := block_problem(args.get("blocks") or []):
            return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        ts = self._ts()
        message = {"type": "message", "ts": ts, "bot_id": BOT_ID, "text": args.get("text", ""),
                   "blocks": args.get("blocks") or [], **_thread(args)}
        self.messages[channel, ts] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        if (channel, ts) not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if problem := block_problem(args.get("blocks") or []):
            return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        message = self.messages[channel, ts] | {
            "text": args.get("text", ""), "blocks": args.get("blocks") or [],
            "edited": {"user": BOT_USER_ID, "ts": self._ts()},
        }
        self.messages[channel, ts] = message
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel or channel in self.refused:
            return {"ok": False, "error": self.refused.get(channel, "channel_not_found")}
        if not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if problem := block_problem(args.get("blocks") or []):
            return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        return {"ok": True, "message_ts": self._ts()}

    def _ts(self) -> str:
        """A message timestamp as Slack gives them: seconds, a dot, six digits, unique here."""
        return f"{int(time.time())}.{next(self._numbers):06d}"

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text=f"OK - {len(self.uploads[request.match_info['file_id']])}")

    async def _response(self, request: web.Request) -> web.Response:
        self.responses.append((request.match_info["name"], await request.json()))
        return web.Response(text="ok")

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID},
                                "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600}})
        self._socket = socket
        async for message in socket:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
        return socket


def direct_id(user_id: str) -> str:
    """The id of the fake's direct conversation with ``user_id`` ("U0ANNE" → "D0ANNE000")."""
    return "D" + user_id[1:].ljust(8, "0")


def view_problem(view: dict[str, Any]) -> str:
    """What Slack would refuse in a modal (its type, title and button lengths, input blocks), or ""."""
    if view.get("type") != "modal":
        return "not a modal"
    for name in ("title", "submit", "close"):
        text = (view.get(name) or {}).get("text", "")
        if name == "title" and not text or len(text) > 24:
            return f"{name} of {len(text)} characters"
    if len(view.get("private_metadata", "")) > 3000 or len(view.get("callback_id", "")) > 255:
        return "private_metadata or callback_id too long"
    blocks = view.get("blocks") or []
    if not 1 <= len(blocks) <= 100:
        return f"{len(blocks)} blocks"
    ids = [block.get("block_id") for block in blocks]
    if len(set(ids)) != len(ids):
        return "duplicate block_id"
    for block in blocks:
        if block.get("type") == "section" and 1 <= len((block.get("text") or {}).get("text", "")) <= 3000:
            continue
        if block.get("type") != "input" or (block.get("element") or {}).get("type") != "plain_text_input":
            return "not a text input"
        if not 1 <= len(block["label"]["text"]) <= 2000:
            return "label length"
        if len((block["element"].get("placeholder") or {}).get("text", "")) > 150:
            return "placeholder too long"
    return ""


def submission(view: dict[str, Any], values: dict[str, str], user: str = "U0MARIE") -> dict[str, Any]:
    """The ``view_submission`` payload of ``view`` (one opened by the bot) filled with ``values``."""
    state = {block["block_id"]: {"value": {"type": "plain_text_input",
                                           "value": values.get(block["block_id"], block["element"].get("initial_value"))}}
             for block in view["blocks"] if block["type"] == "input"}
    return {
        "type": "view_submission", "team": {"id": TEAM_ID, "domain": "reseau"},
        "user": {"id": user, "username": "marie", "name": "marie", "team_id": TEAM_ID},
        "api_app_id": APP_ID, "token": "legacy", "trigger_id": "9.8.7",
        "view": {**view, "state": {"values": state}, "team_id": TEAM_ID, "app_id": APP_ID},
    }


def block_problem(blocks: list[dict[str, Any]]) -> str:
    """What Slack would refuse in ``blocks`` (limits and unique action ids), or ""."""
    if len(blocks) > BLOCKS_LIMIT:
        return f"more than {BLOCKS_LIMIT} blocks"
    action_ids: list[str] = []
    for block in blocks:
        texts = [block["text"]] if "text" in block else []
        texts += block.get("elements", []) if block["type"] == "context" else []
        for text in texts:
            if not 1 <= len(text["text"]) <= SECTION_LIMIT:
                return f"text of {len(text['text'])} characters"
        if block["type"] == "actions":
            if len(block["elements"]) > ELEMENTS_LIMIT:
                return f"more than {ELEMENTS_LIMIT} elements"
            for element in block["elements"]:
                if len(element["text"]["text"]) > LABEL_LIMIT or len(element["value"]) > VALUE_LIMIT:
                    return "button label or value too long"
                action_ids.append(element["action_id"])
    if len(action_ids) != len(set(action_ids)):
        return "duplicate action_id"
    return ""


def command(fake: FakeSlack, text: str, channel: str = CHANNEL, name: str = "/qui") -> dict[str, str]:
    """The payload of a slash command typed by Marie in ``channel``."""
    return {
        "token": "legacy", "team_id": TEAM_ID, "team_domain": "reseau", "channel_id": channel,
        "channel_name": "entraide", "user_id": "U0MARIE", "user_name": "marie", "command": name, "text": text,
        "api_app_id": APP_ID, "response_url": fake.response_url(channel), "trigger_id": "1.2.3",
    }


def event(kind: str, text: str, channel: str = CHANNEL, **more: Any) -> dict[str, Any]:
    """An Events API callback: Marie's ``kind`` event (``message``, ``app_mention``) in ``channel``."""
    return {
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": APP_ID, "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:8]}", "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        "event": {"type": kind, "user": "U0MARIE", "text": text, "channel": channel,
                  "ts": "1700000000.000100", "event_ts": "1700000000.000100", **more},
    }


def press(fake: FakeSlack, post: Call, label: str) -> dict[str, Any]:
    """The block_actions payload of pressing the button ``label`` of a posted message."""
    element = next(element for block in post.args["blocks"] if block["type"] == "actions"
                   for element in block["elements"] if element["text"]["text"] == label)
    channel = post.args["channel"]
    message = {"type": "message", "ts": "1700000001.000200", "text": post.args["text"],
               "blocks": post.args["blocks"],
               **({"thread_ts": post.args["thread_ts"]} if "thread_ts" in post.args else {})}
    return {
        "type": "block_actions", "user": {"id": "U0LUC", "username": "luc", "team_id": TEAM_ID},
        "api_app_id": APP_ID, "token": "legacy", "team": {"id": TEAM_ID, "domain": "reseau"},
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel,
                      "is_ephemeral": False},
        "trigger_id": "4.5.6", "channel": {"id": channel, "name": "entraide"}, "message": message,
        "response_url": fake.response_url(f"press-{channel}"),
        "actions": [{"type": "button", "block_id": "b", "action_id": element["action_id"],
                     "text": element["text"], "value": element["value"], "action_ts": "1700000002.000300"}],
    }


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    elif request.can_read_body:
        args.update(await request.post())
    if isinstance(args.get("blocks"), str):
        args["blocks"] = json.loads(args["blocks"])
    return args


def _thread(args: dict[str, Any]) -> dict[str, Any]:
    return {"thread_ts": args["thread_ts"]} if args.get("thread_ts") else {}


def _failure(failure: Failure) -> web.Response:
    if failure.status >= 500:
        return web.Response(status=failure.status, text="<html>bad gateway</html>", content_type="text/html")
    headers = {"Retry-After": f"{failure.retry_after:g}"} if failure.retry_after is not None else {}
    return web.json_response({"ok": False, "error": failure.error}, status=failure.status, headers=headers)
