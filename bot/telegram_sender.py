"""Posting and editing replies on Telegram, with its errors turned into delivery failures.

``Sender`` implements ``handlers.messages.Outbox``: ``post`` sends a reply as HTML messages
and documents (a retry resumes after the parts already sent) and returns the id of the first
message; ``edit`` replaces the text and keyboard of a message the bot sent.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import Bot, ForceReply, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)

from bot.delivery import Keep, RateLimited, Rejected, Unavailable
from bot.telegram_render import to_keyboard, to_messages
from handlers.messages import ChatRef, Reply
from handlers.texts import Texts

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
RETRYLESS = (BadRequest, Forbidden, InvalidToken, ChatMigrated, Conflict, EndPointNotFound)
NOT_MODIFIED = "message is not modified"  # an edit to what the message already says
PROGRESS_KEPT = 256  # replies whose parts were partly sent, remembered so a retry does not repeat them

Step = Callable[[], Awaitable[object]]
Markup = InlineKeyboardMarkup | ForceReply | None


class Sender:
    """Posts replies as Telegram messages and documents, and edits them."""

    def __init__(self, bot: Bot, t: Texts) -> None:
        self.bot = bot
        self.t = t
        # how far each partly sent reply got; the reply is held so that its id stays its own
        self._sent: OrderedDict[tuple[ChatRef, int], tuple[Reply, int, str | None]] = OrderedDict()

    async def post(self, chat: ChatRef, reply: Reply, *, reply_to: int | None = None) -> str | None:
        """Send ``reply`` to ``chat`` once; the id of its first message. With ``reply_to`` (a person's
        message in a group) a question (``reply.asks``, no buttons) answers that message with a forced
        reply, so that the person's answer reaches the bot in privacy mode. Raises the delivery failure
        a Telegram error stands for."""
        key = (chat, id(reply))
        _, start, first = self._sent.pop(key, (reply, 0, None))
        steps = self._steps(chat, reply, reply_to)
        for index in range(start, len(steps)):
            try:
                message = await steps[index]()
            except TelegramError as error:
                failure = to_failure(error)
                if index and not isinstance(failure, Rejected):
                    self._sent[key] = (reply, index, first)
                    while len(self._sent) > PROGRESS_KEPT:
                        self._sent.popitem(last=False)
                raise failure from error
            if index == 0 and isinstance(message, Message):
                first = str(message.message_id)
        return first

    async def edit(self, chat: ChatRef, ref: str, reply: Reply) -> None:
        """Replace the text and keyboard of message ``ref`` with ``reply``'s (its first part when too
        long); an edit that changes nothing counts as done."""
        if not ref.isdigit():
            raise Rejected(f"not a Telegram message id: {ref!r}")
        texts = to_messages(reply, self.t)
        keyboard = to_keyboard(reply.buttons)
        try:
            if texts:
                await self.bot.edit_message_text(
                    texts[0], chat_id=chat.chat_id, message_id=int(ref), parse_mode=ParseMode.HTML,
                    reply_markup=keyboard, link_preview_options=NO_PREVIEW,
                )
            else:
                await self.bot.edit_message_reply_markup(chat.chat_id, int(ref), reply_markup=keyboard)
        except BadRequest as error:
            if NOT_MODIFIED not in error.message.lower():
                raise to_failure(error) from error
        except TelegramError as error:
            raise to_failure(error) from error

    def forgetting(self, keep: Keep | None) -> Keep:
        """``keep``, after forgetting how far the reply got (it will be sent whole next time)."""

        async def forget_then_keep(chat: ChatRef, reply: Reply, error: str) -> None:
            self._sent.pop((chat, id(reply)), None)
            if keep is not None:
                await keep(chat, reply, error)

        return forget_then_keep

    def _steps(self, chat: ChatRef, reply: Reply, reply_to: int | None) -> list[Step]:
        thread = int(chat.thread_id) if chat.thread_id else None
        texts = to_messages(reply, self.t)
        markups: list[Markup] = [None] * (len(texts) + len(reply.attachments))
        if markups:
            markups[-1] = to_keyboard(reply.buttons)
        answered: list[ReplyParameters | None] = [None] * len(texts)
        if texts and reply_to is not None and reply.asks and not reply.buttons:
            last = len(texts) - 1
            markups[last] = ForceReply(selective=True)
            answered[last] = ReplyParameters(reply_to, allow_sending_without_reply=True)
        steps: list[Step] = [
            partial(self.bot.send_message, chat.chat_id, text, parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW, reply_markup=markup, message_thread_id=thread,
                    reply_parameters=parameters)
            for text, markup, parameters in zip(texts, markups, answered, strict=False)
        ]
        steps += [
            partial(self.bot.send_document, chat.chat_id, a.content, filename=a.filename,
                    reply_markup=markup, message_thread_id=thread)
            for a, markup in zip(reply.attachments, markups[len(texts):], strict=True)
        ]
        return steps


def to_failure(error: TelegramError) -> RateLimited | Unavailable | Rejected:
    """The delivery failure a python-telegram-bot error stands for (a 403 "bot can't initiate
    conversation with a user" is a refusal: the person never started the bot)."""
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return RateLimited(wait.total_seconds() if isinstance(wait, dt.timedelta) else wait, str(error))
    if isinstance(error, RETRYLESS):
        return Rejected(str(error))
    return Unavailable(str(error))
