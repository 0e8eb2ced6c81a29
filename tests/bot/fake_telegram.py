"""A fake Telegram Bot API on 127.0.0.1: records every call, serves queued updates to long
polling, and can be told to fail the next calls of a method (429 with ``retry_after``, 5xx, 403).
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
JSON_PARAMS = {"reply_markup", "commands", "allowed_updates", "link_preview_options"}
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


@dataclass(slots=True)
class Failure:
    """How to answer a coming call instead of succeeding."""

    status: int
    retry_after: int | None = None


class FakeTelegram:
    """The Bot API of one bot, served at ``url`` (``http://127.0.0.1:<port>/bot``)."""

    def __init__(self, token: str) -> None:
        self.token = token
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
        return web.json_response({"ok": True, "result": await answer(params)})

    async def _answer_get_me(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _answer_set_my_commands(self, params: dict[str, Any]) -> Any:
        return True

    async def _answer_delete_webhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _answer_set_webhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _answer_answer_callback_query(self, params: dict[str, Any]) -> Any:
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
        return self._message(params, text=params["text"])

    async def _answer_edit_message_text(self, params: dict[str, Any]) -> Any:
        return self._message(params, message_id=int(params["message_id"]), text=params["text"])

    async def _answer_send_document(self, params: dict[str, Any]) -> Any:
        return self._message(params, document={"file_id": "document-1", "file_unique_id": "d1"})

    def _message(self, params: dict[str, Any], **fields: Any) -> dict[str, Any]:
        if "message_id" not in fields:
            fields["message_id"] = self._next_message_id
            self._next_message_id += 1
        chat_id = int(params["chat_id"])
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


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _snake(method: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", method).lower()


def user(user_id: int = 4242, language_code: str = "fr") -> dict[str, Any]:
    """A person on Telegram."""
    return {"id": user_id, "is_bot": False, "first_name": "Marie", "language_code": language_code}


def message_update(
    text: str, *, chat_id: int = 4242, chat_type: str = "private", sender: dict[str, Any] | None = None,
    thread_id: int | None = None, message_id: int = 100,
) -> dict[str, Any]:
    """An update carrying a text message, with its command and mention entities as Telegram marks them."""
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "Table de concertation"
    message: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()), "chat": chat, "from": sender or user(),
        "text": text, "entities": _entities(text),
    }
    if thread_id is not None:
        message |= {"message_thread_id": thread_id, "is_topic_message": True}
    return {"message": message}


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
