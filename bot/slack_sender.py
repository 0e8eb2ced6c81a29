"""Posting, editing and whispering replies on Slack, with Web API errors turned into delivery failures.

``Sender`` implements ``handlers.messages.Outbox``: ``post`` sends a reply with
``chat.postMessage`` (files uploaded after; a retry resumes after the parts already sent)
and returns the ``ts`` of its first message; ``edit`` replaces a message with
``chat.update``; ``whisper`` shows a reply to one person only (``chat.postEphemeral``).

A direct message goes to the person's user id, which ``chat.postMessage`` takes as a channel;
``files.completeUploadExternal`` does not, so its files go to the direct conversation that
``conversations.open`` opens (or finds) with the person.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import RateLimited, Rejected, Unavailable
from bot.slack_render import to_messages
from handlers.messages import ChatRef, Reply
from handlers.texts import Texts

TRANSIENT = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})
UNREACHABLE = frozenset({"not_in_channel", "channel_not_found"})  # the bot may not post there
PROGRESS_KEPT = 256  # replies whose parts were partly sent, remembered so a retry does not repeat them
PLAIN = {"link_names": False, "parse": "none"}  # nobody pinged, nothing parsed: the text is escaped mrkdwn
USER_ID = re.compile(r"[UW][A-Z0-9]+")  # a person (a direct message), not a conversation

Step = Callable[[], Awaitable[Any]]


class Sender:
    """The Web API calls that show replies, each raising ``RateLimited``, ``Unavailable`` or ``Rejected``."""

    def __init__(self, client: AsyncWebClient, t: Texts) -> None:
        self.client = client
        self.t = t
        self.unreachable: set[str] = set()  # channels where the bot may not post, as last seen
        self._progress: OrderedDict[tuple[ChatRef, Reply], tuple[int, str | None]] = OrderedDict()

    async def post(self, chat: ChatRef, reply: Reply) -> str | None:
        """Post every part of ``reply`` once, resuming where a failure stopped it; the first message's ts."""
        key = (chat, reply)
        start, first = self._progress.get(key, (0, None))
        files_to = await self._files_channel(chat) if reply.attachments else chat.chat_id
        steps = self._steps(chat, reply, files_to)
        for index in range(start, len(steps)):
            response = await self._call(chat, steps[index], forget=key)
            if index == 0 and isinstance(response.get("ts"), str):
                first = response["ts"]
            self._progress[key] = (index + 1, first)
            self._progress.move_to_end(key)
            while len(self._progress) > PROGRESS_KEPT:
                self._progress.popitem(last=False)
        self._progress.pop(key, None)
        self.unreachable.discard(chat.chat_id)
        return first

    async def edit(self, chat: ChatRef, ref: str, reply: Reply) -> None:
        """Replace the text and buttons of message ``ref`` with ``reply``'s (its first part when too big)."""
        messages = to_messages(reply, self.t)
        text, blocks = (messages[0].text, messages[0].blocks) if messages else ("", [])
        await self._call(chat, partial(self.client.chat_update, channel=chat.chat_id, ts=ref, text=text,
                                       blocks=blocks, **PLAIN))

    async def whisper(self, chat: ChatRef, reply: Reply, *, to: str) -> None:
        """Show ``reply`` in ``chat`` to the person ``to`` alone (an ephemeral message; files left out)."""
        for message in to_messages(reply, self.t):
            await self._call(chat, partial(self.client.chat_postEphemeral, channel=chat.chat_id, user=to,
                                           thread_ts=chat.thread_id, text=message.text, blocks=message.blocks,
                                           **PLAIN))

    async def _call(self, chat: ChatRef, step: Step,
                    forget: tuple[ChatRef, Reply] | None = None) -> dict[str, Any]:
        try:
            response = await step()
        except SlackApiError as error:
            failure = to_failure(error)
            if isinstance(failure, Rejected):
                if forget is not None:
                    self._progress.pop(forget, None)
                if error_code(error) in UNREACHABLE:
                    self.unreachable.add(chat.chat_id)
            raise failure from error
        except (TimeoutError, aiohttp.ClientError, SlackRequestError) as error:
            raise Unavailable(str(error) or type(error).__name__) from error
        return response.data if isinstance(response.data, dict) else {}

    async def _files_channel(self, chat: ChatRef) -> str:
        """Where files for ``chat`` are uploaded: the chat itself, or for a person the direct conversation
        with them."""
        if not USER_ID.fullmatch(chat.chat_id):
            return chat.chat_id
        opened = await self._call(chat, partial(self.client.conversations_open, users=chat.chat_id))
        channel = opened.get("channel")
        if not isinstance(channel, dict) or not channel.get("id"):
            raise Rejected(f"no direct conversation opened with {chat.chat_id}")
        return str(channel["id"])

    def _steps(self, chat: ChatRef, reply: Reply, files_to: str) -> list[Step]:
        steps: list[Step] = [
            partial(self.client.chat_postMessage, channel=chat.chat_id, thread_ts=chat.thread_id,
                    text=message.text, blocks=message.blocks, unfurl_links=False, unfurl_media=False, **PLAIN)
            for message in to_messages(reply, self.t)
        ]
        steps += [
            partial(self.client.files_upload_v2, channel=files_to, thread_ts=chat.thread_id,
                    file=attachment.content, filename=attachment.filename, title=attachment.filename)
            for attachment in reply.attachments
        ]
        return steps


def to_failure(error: SlackApiError) -> RateLimited | Unavailable | Rejected:
    """A Web API error as the shared send path sees it: wait, retry later, or give up."""
    status = error.response.status_code
    code = error_code(error)
    if status == 429 or code == "ratelimited":
        return RateLimited(_seconds(error.response.headers.get("Retry-After")), code or "ratelimited")
    if status >= 500 or code in TRANSIENT:
        return Unavailable(code or f"HTTP {status}")
    return Rejected(code or f"HTTP {status}")


def error_code(error: SlackApiError) -> str:
    """The ``error`` field of a Web API answer ("channel_not_found"), or ""."""
    data = error.response.data
    return str(data.get("error") or "") if isinstance(data, dict) else ""


def _seconds(value: str | None) -> float:
    try:
        return max(float(value or 1), 0.0)
    except ValueError:
        return 1.0
