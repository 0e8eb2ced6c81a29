"""A fake Telegram Bot API on 127.0.0.1: records every call, serves queued updates to long
polling, keeps the messages sent so they can be edited, and can be told to fail the next calls of
a method (429 with ``retry_after``, 5xx, 403). With ``require_start`` it refuses, as Telegram does,
to send to a private chat whose person never wrote to the bot (pressing Start sends ``/start``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Passerelle", "username": "passerelle_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
JSON_PARAMS = {"reply_markup", "commands", "allowed_updates", "link_preview_options", "reply_parameters"}
TEXT_LIMIT, NOTICE_LIMIT = 4096, 200
NOT_STARTED = "Forbidden: bot can't initiate conversation with a user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry later",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(slots=True)
class Call:
    """One request the bot made: the method, its parameters, files, and the status answered."""

    method: str
    params: dict[str, Any]
    status: int = 200
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


class Refusal(Exception):
    """An error answer from a method: its status and Telegram's description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(slots=True)
class Failure:
    """How to answer a coming call instead of succeeding."""

    status: int
    retry_after: int | None = None


class FakeTelegram:
    """The Bot API of one bot, served at ``url`` (``http://127.0.0.1:<port>/bot``)."""

    def __init__(self, token: str, *, require_start: bool = False) -> None:
        self.token = token
        self.require_start = require_start
        self.started: set[int] = set()  # people who wrote to the bot in private
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, message id) -> text, reply_markup
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.failures: dict[str, deque[Failure | None]] = defaultdict(deque)
        self.port = 0
        self._next_update_id = 1
        self._next_message_id = 1
        self._arrived = asyncio.Event()
        self._recorded = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The API base up to and including ``/bot``."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        self._closing = True
        self._arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def push(self, update: dict[str, Any]) -> int:
        """Queue ``update`` for ``getUpdates`` under the next update id, which is returned."""
        update_id = self._next_update_id
        self._next_update_id += 1
        message = update.get("message") or {}
        if (message.get("chat") or {}).get("type") == "private":
            self.started.add(int(message["chat"]["id"]))
        self.updates.append({**update, "update_id": update_id})
        self._arrived.set()
        return update_id

    def fail(self, method: str, status: int, *, times: int = 1, retry_after: int | None = None,
             after: int = 0) -> None:
        """Answer ``status`` to ``times`` calls of ``method``, once ``after`` more calls have succeeded."""
        self.failures[method].extend([None] * after + [Failure(status, retry_after)] * times)

    def calls_of(self, method: str) -> list[Call]:
        """Every call of ``method``, failed or not, in order."""
        return [call for call in self.calls if call.method == method]

    def delivered(self, method: str) -> list[Call]:
        """The calls of ``method`` that succeeded."""
        return [call for call in self.calls_of(method) if call.status == 200]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The calls of ``method`` once there are ``count`` of them (AssertionError after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(self.calls_of(method)) < count:
            self._recorded.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{count} × {method} expected, got {[c.method for c in self.calls]}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._recorded.wait(), left)
        return self.calls_of(method)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params, files = await _read_params(request)
        call = Call(method, params, files=files)
        if method != "getUpdates":
            self.calls.append(call)
            self._recorded.set()
        pending = self.failures[method]
        failure = pending.popleft() if pending else None
        if failure is not None:
            call.status = failure.status
            extra = {"retry_after": failure.retry_after} if failure.retry_after is not None else None
            return _error(failure.status, DESCRIPTIONS.get(failure.status, "Error"), extra)
        answer = getattr(self, f"_answer_{_snake(method)}", None)
        if answer is None:
            call.status = 404
            return _error(404, "Not Found: method not found")
        try:
            return web.json_response({"ok": True, "result": await answer(params)})
        except Refusal as refusal:
            call.status = refusal.status
            return _error(refusal.status, refusal.description)

    async def _answer_get_me(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _answer_set_my_commands(self, params: dict[str, Any]) -> Any:
        return True

    async def _answer_delete_webhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _answer_set_webhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _answer_answer_callback_query(self, params: dict[str, Any]) -> Any:
        if len(params.get("text") or "") > NOTICE_LIMIT:
            raise Refusal(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _answer_get_updates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self.updates and not self._closing:
            self._arrived.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)
        return self.updates[:100]

    async def _answer_send_message(self, params: dict[str, Any]) -> Any:
        _check_length(params["text"], "Bad Request: message is too long")
        return self._sent(params, text=params["text"])

    async def _answer_send_document(self, params: dict[str, Any]) -> Any:
        return self._sent(params, document={"file_id": "document-1", "file_unique_id": "d1"})

    async def _answer_edit_message_text(self, params: dict[str, Any]) -> Any:
        _check_length(params["text"], "Bad Request: MESSAGE_TOO_LONG")
        return self._edited(params, text=params["text"])

    async def _answer_edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        return self._edited(params)

    def _sent(self, params: dict[str, Any], **fields: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if self.require_start and chat_id > 0 and chat_id not in self.started:
            raise Refusal(403, NOT_STARTED)
        fields["message_id"] = self._next_message_id
        self._next_message_id += 1
        self.messages[chat_id, fields["message_id"]] = {
            "text": fields.get("text", ""), "reply_markup": params.get("reply_markup"),
        }
        return self._message(chat_id, **fields)

    def _edited(self, params: dict[str, Any], **fields: Any) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise Refusal(400, "Bad Request: message to edit not found")
        stored = self.messages[key]
        new = {"text": fields.get("text", stored["text"]), "reply_markup": params.get("reply_markup")}
        if new == stored:
            raise Refusal(400, NOT_MODIFIED)
        self.messages[key] = new
        return self._message(key[0], message_id=key[1], text=new["text"], edit_date=int(time.time()))

    def _message(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        return {"date": int(time.time()), "chat": chat, "from": BOT_USER, **fields}


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            files[name] = (value.filename, value.file.read())
        elif name in JSON_PARAMS:
            params[name] = json.loads(value)
        else:
            params[name] = value
    return params, files


def _check_length(text: str, description: str) -> None:
    if not 1 <= len(text.encode("utf-16-le")) // 2 <= TEXT_LIMIT:
        raise Refusal(400, description)


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _snake(method: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", method).lower()


def user(user_id: int = 4242, language_code: str = "fr", first_name: str = "Marie",
         last_name: str = "Tremblay") -> dict[str, Any]:
    """A person on Telegram."""
    return {"id": user_id, "is_bot": False, "first_name": first_name, "last_name": last_name,
            "language_code": language_code}


def message_update(
    text: str, *, chat_id: int = 4242, chat_type: str = "private", sender: dict[str, Any] | None = None,
    thread_id: int | None = None, message_id: int = 100, reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An update carrying a text message, with its command and mention entities as Telegram marks them;
    ``reply_to`` is the message it answers (see ``bot_message``)."""
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "Table de concertation"
    message: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()), "chat": chat, "from": sender or user(),
        "text": text, "entities": _entities(text),
    }
    if thread_id is not None:
        message |= {"message_thread_id": thread_id, "is_topic_message": True}
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"message": message}


def bot_message(text: str, *, chat_id: int = -100123, message_id: int = 1,
                author: dict[str, Any] | None = None) -> dict[str, Any]:
    """A message the bot (or ``author``) sent in a chat, as a reply refers to it."""
    chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
    return {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": author or BOT_USER,
            "text": text}


def callback_update(
    data: str, *, chat_id: int = 4242, chat_type: str = "private", sender: dict[str, Any] | None = None,
    thread_id: int | None = None,
) -> dict[str, Any]:
    """An update for a button pressed under a message the bot sent."""
    update = message_update("…", chat_id=chat_id, chat_type=chat_type, thread_id=thread_id, message_id=1)
    message = update["message"]
    message["from"] = BOT_USER
    return {"callback_query": {
        "id": "query-1", "from": sender or user(), "chat_instance": "instance-1", "data": data,
        "message": message,
    }}


def _entities(text: str) -> list[dict[str, Any]]:
    entities = []
    for match in re.finditer(r"(?:^/\w+(?:@\w+)?)|@\w+", text):
        offset = len(text[: match.start()].encode("utf-16-le")) // 2
        length = len(match.group().encode("utf-16-le")) // 2
        kind = "bot_command" if match.group().startswith("/") else "mention"
        entities.append({"type": kind, "offset": offset, "length": length})
    return entities
