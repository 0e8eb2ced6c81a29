"""The Telegram adapter: updates by long polling or a webhook, every answer sent through ``Delivery``.

In private chats free text is a question; in groups the bot answers commands, messages
that mention it and replies to its own messages (the answers to its questions, which a
forced reply brings back in privacy mode). Buttons come back as callback queries, each
answered once, with the pop-up notice of a reply meant for the presser alone (and the link it
opens: the start link of a private chat with the bot, for someone who never wrote to it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import logging
import os
import re
from functools import partial
from urllib.parse import urlsplit

from aiohttp import web
from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
    MaybeInaccessibleMessage,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.delivery import Delivery, Keep, Sleep
from bot.settings import Settings
from bot.telegram_http import AiohttpRequest
from bot.telegram_sender import Sender
from handlers.context import Context
from handlers.markup import to_plain
from handlers.messages import ChatRef, Incoming, Reply
from handlers.router import dispatch, split_command
from handlers.texts import texts_for

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 10  # updates handled at once; the database pool holds 5 + 10 connections
DEFAULT_API_URL = "https://api.telegram.org/bot"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
NOTICE_LIMIT = 200  # characters of a callback query's pop-up notice
COMMANDS: dict[str | None, list[BotCommand]] = {
    None: [
        BotCommand("qui", "Qui appeler : des services pour un besoin"),
        BotCommand("org", "La fiche d'un organisme et ses services"),
        BotCommand("aide", "Ce que fait Passerelle et comment lui demander"),
        BotCommand("lieu", "Le lieu par défaut de cette conversation"),
        BotCommand("langue", "La langue de cette conversation (fr ou en)"),
        BotCommand("evenement", "Créer un événement (5 à 7, portes ouvertes…)"),
        BotCommand("evenements", "Les événements à venir"),
        BotCommand("calendrier", "Les événements à venir en un fichier de calendrier"),
        BotCommand("annonce", "Programmer une annonce dans des canaux"),
        BotCommand("annuler", "Arrêter la question en cours"),
        BotCommand("table", "Les tables de concertation et leurs membres"),
        BotCommand("decision", "Noter les décisions d'une table à ramener aux équipes"),
        BotCommand("suivi", "Quelles équipes ont reçu les décisions"),
        BotCommand("ordre_du_jour", "Préparer l'ordre du jour d'une table"),
        BotCommand("equipe", "Lier ce groupe à l'équipe d'un organisme"),
        BotCommand("reseau", "Qui est dans le réseau, par secteur et catégorie"),
        BotCommand("kit", "Le kit d'accueil du réseau"),
        BotCommand("profil", "Votre profil et vos consentements de partage"),
        BotCommand("mes_donnees", "Tout ce que Passerelle garde sur vous"),
        BotCommand("oublier_moi", "Effacer vos données personnelles"),
        BotCommand("role", "Vos rôles ; donner un rôle (administration)"),
        BotCommand("service", "Ajouter, modifier, fermer un service (administration)"),
        BotCommand("verifier", "Confirmer qu'un service est toujours exact (administration)"),
        BotCommand("historique", "Qui a changé quoi dans une fiche"),
        BotCommand("annuler_modif", "Défaire la dernière modification d'une fiche (administration)"),
        BotCommand("synonyme", "Les mots du réseau pour un besoin (administration)"),
    ],
    "en": [
        BotCommand("who", "Who to call: services for a need"),
        BotCommand("org", "An organization's record and its services"),
        BotCommand("help", "What Passerelle does and how to ask it"),
        BotCommand("lieu", "The default place of this conversation"),
        BotCommand("langue", "The language of this conversation (fr or en)"),
        BotCommand("event", "Create an event (after-work, open house…)"),
        BotCommand("evenements", "Upcoming events"),
        BotCommand("calendrier", "Upcoming events as one calendar file"),
        BotCommand("annonce", "Schedule an announcement in channels"),
        BotCommand("annuler", "Stop the question under way"),
        BotCommand("table", "Concertation tables and their members"),
        BotCommand("decision", "Record a table's decisions to bring back to the teams"),
        BotCommand("suivi", "Which teams have received the decisions"),
        BotCommand("ordre_du_jour", "Draft a table's meeting agenda"),
        BotCommand("equipe", "Link this group to an organization's team"),
        BotCommand("network", "Who is in the network, by sector and category"),
        BotCommand("kit", "The network's welcome kit"),
        BotCommand("profile", "Your profile and what you agree to share"),
        BotCommand("my_data", "Everything Passerelle keeps about you"),
        BotCommand("forget_me", "Erase your personal data"),
        BotCommand("role", "Your roles; give a role (administration)"),
        BotCommand("service", "Add, change, close a service (administration)"),
        BotCommand("verify", "Confirm a service is still accurate (administration)"),
        BotCommand("history", "Who changed what in a record"),
        BotCommand("undo_edit", "Undo a record's last change (administration)"),
        BotCommand("synonym", "The network's words for a need (administration)"),
    ],
}


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
            .request(AiohttpRequest())
            .get_updates_request(AiohttpRequest(connection_pool_size=1))
            .job_queue(None)
            .build()
        )
        texts = filters.UpdateType.MESSAGE & filters.TEXT
        self.application.add_handler(MessageHandler(texts, self._on_message))
        self.application.add_handler(MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, self._on_join))
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self.application.add_error_handler(self._on_error)
        self.sender = Sender(self.application.bot, texts_for(context.language))
        self.outbox = Delivery(self.sender.post, keep=self.sender.forgetting(keep), sleep=sleep)
        secret = settings.telegram_webhook_secret
        self.secret = secret.get_secret_value() if secret else ""

    async def start(self) -> None:
        """Connect, register the commands in French and English, then poll or set the webhook."""
        await self.application.initialize()
        bot = self.application.bot
        self.context.start_links["telegram"] = f"https://t.me/{bot.username}?start={{payload}}"
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
        message = update.message
        if message is None:
            return
        incoming = to_incoming(message, self.application.bot.username, self.context.language)
        if incoming is not None:
            reply_to = None if incoming.private else message.message_id
            await self._send(incoming.chat, await dispatch(incoming, self.context), reply_to)

    async def _on_join(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        for incoming in to_join_incomings(message, self.context.language):
            await self._send(incoming.chat, await dispatch(incoming, self.context))

    async def _on_button(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        incoming = to_button_incoming(query, self.context.language)
        replies = await dispatch(incoming, self.context) if incoming is not None else []
        notice = next((reply for reply in replies if to_notice(reply) is not None), None)
        try:
            if notice is None:
                await query.answer()
            else:  # a link to open is the private chat with the bot: Telegram opens it on its Start button
                await query.answer(to_notice(notice), url=notice.opens)
        except TelegramError as error:
            log.info("callback query %s not answered: %s", query.id, error)
            notice = None
        if incoming is not None:
            await self._send(incoming.chat, [reply for reply in replies if reply is not notice])

    async def _send(self, chat: ChatRef, replies: list[Reply], reply_to: int | None = None) -> None:
        """Send ``replies``; in a group, a question answers the person's message ``reply_to``."""
        for reply in replies:
            outbox = self.outbox
            if reply_to is not None and reply.asks:
                outbox = dataclasses.replace(outbox, transport=partial(self.sender.post, reply_to=reply_to))
            await outbox.send(chat, reply)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update not handled: %r", update, exc_info=context.error)


def to_file_url(api_url: str) -> str:
    """The file base URL next to the API base (``…/bot`` → ``…/file/bot``)."""
    return api_url.removesuffix("/bot") + "/file/bot" if api_url.endswith("/bot") else api_url


def to_notice(reply: Reply) -> str | None:
    """The pop-up text of a notice that fits one (plain text, no cards, buttons or files), else None."""
    if not reply.notice or reply.cards or reply.buttons or reply.attachments:
        return None
    text = to_plain(reply.text).strip()
    return text if 0 < len(text) <= NOTICE_LIMIT else None


def to_incoming(message: Message, username: str, language: str) -> Incoming | None:
    """What a message says to the bot, or None when it is not meant for it (group chatter). In a group,
    a reply to the bot's own message passes as it is (the answer to a question); a command or a
    mention of the bot without a command is a question (``/qui``)."""
    private = message.chat.type == Chat.PRIVATE
    text = (message.text or "").strip()
    if not private:
        text = _without_mention(text, username) if _mentions(message, username) else text
        if text.startswith("/") and not _for_this_bot(text, username):
            return None
    command, args = split_command(text)
    if not private and command is None and not _answers_bot(message, username):
        if not _mentions(message, username):
            return None
        command, args = "qui", text
    sender = message.from_user
    return Incoming(
        to_chat_ref(message), str(sender.id if sender else message.chat.id), text, command, args,
        locale=to_locale(sender, language), private=private, user_name=sender.full_name if sender else "",
        mentions=to_mentions(message, username), people=to_people(message),
    )


def to_join_incomings(message: Message, language: str) -> list[Incoming]:
    """One ``joined`` Incoming for each person a message says joined the group (bots left out)."""
    return [
        Incoming(to_chat_ref(message), str(member.id), locale=to_locale(member, language), private=False,
                 user_name=member.full_name, joined=True)
        for member in message.new_chat_members if not member.is_bot
    ]


def to_button_incoming(query: CallbackQuery, language: str) -> Incoming | None:
    """A pressed button, or None when its message is out of reach (inline messages)."""
    if query.message is None or query.data is None:
        return None
    return Incoming(
        to_chat_ref(query.message), str(query.from_user.id), button_data=query.data,
        locale=to_locale(query.from_user, language), private=query.message.chat.type == Chat.PRIVATE,
        user_name=query.from_user.full_name,
    )


def to_mentions(message: Message, username: str) -> tuple[str, ...]:
    """The "@name" words of ``message`` other than the bot's own, once each, in order."""
    own = f"@{username}".lower()
    found = message.parse_entities([MessageEntity.MENTION]).values()
    return tuple(dict.fromkeys(mention for mention in found if mention.lower() != own))


def to_people(message: Message) -> tuple[str, ...]:
    """The user ids of the people ``message`` designates: those mentioned by name (people without a
    username, whose mention carries their id) and the author of the message it replies to, unless
    that is a bot; once each, in order."""
    found = [str(e.user.id) for e in message.parse_entities([MessageEntity.TEXT_MENTION]) if e.user]
    replied = message.reply_to_message
    # in a forum topic, every message "replies" to the topic's creation: that designates nobody
    opening = replied is not None and (replied.forum_topic_created is not None
                                       or replied.message_id == message.message_thread_id)
    author = replied.from_user if replied is not None and not opening else None
    if author is not None and not author.is_bot:
        found.append(str(author.id))
    return tuple(dict.fromkeys(found))


def to_chat_ref(message: MaybeInaccessibleMessage) -> ChatRef:
    """Where to answer a message: its chat, and its forum topic if it has one."""
    thread = None
    if isinstance(message, Message) and message.is_topic_message and message.message_thread_id:
        thread = str(message.message_thread_id)
    return ChatRef("telegram", str(message.chat.id), thread)


def to_locale(user: User | None, language: str) -> str:
    """English for people whose Telegram is in English, else the network's language."""
    return "en" if user and (user.language_code or "").lower().startswith("en") else language


def _for_this_bot(command: str, username: str) -> bool:
    """Whether "/cmd" or "/cmd@bot" at the start of ``command`` is addressed to this bot."""
    addressee = command.split(maxsplit=1)[0].partition("@")[2]
    return addressee.lower() in ("", username.lower())


def _mentions(message: Message, username: str) -> bool:
    mentions = message.parse_entities([MessageEntity.MENTION]).values()
    return f"@{username}".lower() in (mention.lower() for mention in mentions)


def _answers_bot(message: Message, username: str) -> bool:
    """Whether ``message`` replies to a message of this bot."""
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    return author is not None and author.is_bot and (author.username or "").lower() == username.lower()


def _without_mention(text: str, username: str) -> str:
    return " ".join(re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).split())
