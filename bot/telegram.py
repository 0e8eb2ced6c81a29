"""The Telegram adapter: updates by long polling or a webhook, every answer sent through ``Delivery``.

In private chats free text is a question; in groups the bot answers commands and
messages that mention it. Buttons come back as callback queries.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
import os
import re
from collections.abc import Awaitable, Callable
from functools import partial
from urllib.parse import urlsplit

from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MaybeInaccessibleMessage,
    Message,
    MessageEntity,
    Update,
    User,
)
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
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.delivery import Delivery, Keep, RateLimited, Rejected, Sleep, Unavailable
from bot.settings import Settings
from bot.telegram_render import to_keyboard, to_messages
from handlers.context import Context
from handlers.messages import ChatRef, Incoming, Reply
from handlers.router import dispatch, split_command
from handlers.texts import Texts, texts_for

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 10  # updates handled at once; the database pool holds 5 + 10 connections
DEFAULT_API_URL = "https://api.telegram.org/bot"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
COMMANDS: dict[str | None, list[BotCommand]] = {
    None: [
        BotCommand("qui", "Qui appeler : des services pour un besoin"),
        BotCommand("org", "La fiche d'un organisme et ses services"),
        BotCommand("aide", "Ce que fait Passerelle et comment lui demander"),
        BotCommand("lieu", "Le lieu par défaut de cette conversation"),
        BotCommand("langue", "La langue de cette conversation (fr ou en)"),
    ],
    "en": [
        BotCommand("who", "Who to call: services for a need"),
        BotCommand("org", "An organization's record and its services"),
        BotCommand("help", "What Passerelle does and how to ask it"),
        BotCommand("lieu", "The default place of this conversation"),
        BotCommand("langue", "The language of this conversation (fr or en)"),
    ],
}
RETRYLESS = (BadRequest, Forbidden, InvalidToken, ChatMigrated, Conflict, EndPointNotFound)

Step = Callable[[], Awaitable[object]]


class TelegramAdapter:
    """Passerelle on Telegram: receives updates, dispatches them, answers through ``outbox``."""

    def __init__(
        self, settings: Settings, context: Context, *, keep: Keep | None = None, sleep: Sleep = asyncio.sleep
    ) -> None:
        if settings.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        if settings.telegram_webhook_url and settings.telegram_webhook_secret is None:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is not set (required with TELEGRAM_WEBHOOK_URL)")
        os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB 22's opt-in: durations as timedelta
        self.settings = settings
        self.context = context
        api_url = settings.telegram_api_url or DEFAULT_API_URL
        self.application = (
            ApplicationBuilder()
            .token(settings.telegram_bot_token.get_secret_value())
            .base_url(api_url)
            .base_file_url(to_file_url(api_url))
            .concurrent_updates(CONCURRENT_UPDATES)
            .job_queue(None)
            .build()
        )
        texts = filters.UpdateType.MESSAGE & filters.TEXT
        self.application.add_handler(MessageHandler(texts, self._on_message))
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self.application.add_error_handler(self._on_error)
        self.sender = Sender(self.application.bot, texts_for(context.language))
        self.outbox = Delivery(self.sender.send, keep=self.sender.forgetting(keep), sleep=sleep)
        secret = settings.telegram_webhook_secret
        self.secret = secret.get_secret_value() if secret else ""

    async def start(self) -> None:
        """Connect, register the commands in French and English, then poll or set the webhook."""
        await self.application.initialize()
        bot = self.application.bot
        for language, commands in COMMANDS.items():
            try:
                await bot.set_my_commands(commands, language_code=language)
            except TelegramError as error:
                log.warning("commands (%s) not registered: %s", language or "fr", error)
        await self.application.start()
        if self.settings.telegram_webhook_url:
            await bot.set_webhook(
                self.settings.telegram_webhook_url, allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False, secret_token=self.secret,
            )
        elif self.application.updater is not None:
            await self.application.updater.start_polling(
                drop_pending_updates=False, allowed_updates=ALLOWED_UPDATES
            )

    async def stop(self) -> None:
        """Stop receiving, finish the updates under way, and disconnect."""
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    def routes(self) -> list[web.RouteDef]:
        """The webhook route (the path of ``TELEGRAM_WEBHOOK_URL``), to mount on any aiohttp app."""
        if not self.settings.telegram_webhook_url:
            return []
        return [web.post(urlsplit(self.settings.telegram_webhook_url).path or "/", self._on_webhook)]

    async def _on_webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return web.Response(status=403)
        try:
            data = await request.json()
            update = Update.de_json(data, self.application.bot) if isinstance(data, dict) else None
        except (AttributeError, KeyError, TypeError, ValueError):
            update = None
        if update is None or not isinstance(update.update_id, int):
            return web.Response(status=400)
        await self.application.update_queue.put(update)
        return web.Response()

    async def _on_message(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is None:
            return
        incoming = to_incoming(update.message, self.application.bot.username, self.context.language)
        if incoming is not None:
            await self._answer(incoming)

    async def _on_button(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as error:
            log.info("callback query %s not answered: %s", query.id, error)
        incoming = to_button_incoming(query, self.context.language)
        if incoming is not None:
            await self._answer(incoming)

    async def _answer(self, incoming: Incoming) -> None:
        for reply in await dispatch(incoming, self.context):
            await self.outbox.send(incoming.chat, reply)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update not handled: %r", update, exc_info=context.error)


class Sender:
    """Sends one reply as Telegram messages and documents; a retry resumes after the parts already sent."""

    def __init__(self, bot: Bot, t: Texts) -> None:
        self.bot = bot
        self.t = t
        self._sent: dict[tuple[ChatRef, int], tuple[Reply, int]] = {}

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """Send ``reply`` to ``chat`` once, raising the delivery failure a Telegram error stands for."""
        key = (chat, id(reply))
        steps = self._steps(chat, reply)
        for index in range(self._sent.pop(key, (reply, 0))[1], len(steps)):
            try:
                await steps[index]()
            except TelegramError as error:
                failure = to_failure(error)
                if index and not isinstance(failure, Rejected):
                    self._sent[key] = (reply, index)
                raise failure from error

    def forgetting(self, keep: Keep | None) -> Keep:
        """``keep``, after forgetting how far the reply got (it will be sent whole next time)."""

        async def forget_then_keep(chat: ChatRef, reply: Reply, error: str) -> None:
            self._sent.pop((chat, id(reply)), None)
            if keep is not None:
                await keep(chat, reply, error)

        return forget_then_keep

    def _steps(self, chat: ChatRef, reply: Reply) -> list[Step]:
        thread = int(chat.thread_id) if chat.thread_id else None
        texts = to_messages(reply, self.t)
        markups: list[InlineKeyboardMarkup | None] = [None] * (len(texts) + len(reply.attachments))
        if markups:
            markups[-1] = to_keyboard(reply.buttons)
        steps: list[Step] = [
            partial(self.bot.send_message, chat.chat_id, text, parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW, reply_markup=markup, message_thread_id=thread)
            for text, markup in zip(texts, markups, strict=False)
        ]
        steps += [
            partial(self.bot.send_document, chat.chat_id, a.content, filename=a.filename,
                    reply_markup=markup, message_thread_id=thread)
            for a, markup in zip(reply.attachments, markups[len(texts):], strict=True)
        ]
        return steps


def to_failure(error: TelegramError) -> RateLimited | Unavailable | Rejected:
    """The delivery failure a python-telegram-bot error stands for."""
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return RateLimited(wait.total_seconds() if isinstance(wait, dt.timedelta) else wait, str(error))
    if isinstance(error, RETRYLESS):
        return Rejected(str(error))
    return Unavailable(str(error))


def to_file_url(api_url: str) -> str:
    """The file base URL next to the API base (``…/bot`` → ``…/file/bot``)."""
    return api_url.removesuffix("/bot") + "/file/bot" if api_url.endswith("/bot") else api_url


def to_incoming(message: Message, username: str, language: str) -> Incoming | None:
    """What a message says to the bot, or None when it is not meant for it (group chatter)."""
    private = message.chat.type == Chat.PRIVATE
    text = (message.text or "").strip() if private else _addressed_text(message, username)
    if text is None:
        return None
    command, args = split_command(text)
    if command is None and not private:
        command, args = "qui", text
    user_id = str(message.from_user.id if message.from_user else message.chat.id)
    return Incoming(
        to_chat_ref(message), user_id, text, command, args,
        locale=to_locale(message.from_user, language), private=private,
    )


def to_button_incoming(query: CallbackQuery, language: str) -> Incoming | None:
    """A pressed button, or None when its message is out of reach (inline messages)."""
    if query.message is None or query.data is None:
        return None
    return Incoming(
        to_chat_ref(query.message), str(query.from_user.id), button_data=query.data,
        locale=to_locale(query.from_user, language), private=query.message.chat.type == Chat.PRIVATE,
    )


def to_chat_ref(message: MaybeInaccessibleMessage) -> ChatRef:
    """Where to answer a message: its chat, and its forum topic if it has one."""
    thread = None
    if isinstance(message, Message) and message.is_topic_message and message.message_thread_id:
        thread = str(message.message_thread_id)
    return ChatRef("telegram", str(message.chat.id), thread)


def to_locale(user: User | None, language: str) -> str:
    """English for people whose Telegram is in English, else the network's language."""
    return "en" if user and (user.language_code or "").lower().startswith("en") else language


def _addressed_text(message: Message, username: str) -> str | None:
    """In a group, a command for this bot, or a message mentioning it (mention removed); else None."""
    text = (message.text or "").strip()
    if text.startswith("/"):
        addressee = text.split(maxsplit=1)[0].partition("@")[2]
        return text if addressee.lower() in ("", username.lower()) else None
    mentions = message.parse_entities([MessageEntity.MENTION]).values()
    if f"@{username}".lower() not in (mention.lower() for mention in mentions):
        return None
    return " ".join(re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).split())
