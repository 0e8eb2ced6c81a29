"""Which platforms a run starts, from the credentials set, and running them together."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from aiohttp import web

from bot.console import ConsoleChat, run_console
from bot.delivery import Delivery, Keep
from bot.plain import to_text
from bot.scheduling import Producer, Sweep, sweeping
from bot.sending import OutboxSender
from bot.settings import Settings
from bot.web import start_server, to_web_app
from handlers.context import Context
from handlers.messages import ChatRef, Outbox, Reply
from handlers.texts import texts_for

PLATFORMS = ("telegram", "slack", "console")


class ConfigurationError(Exception):
    """Credentials missing or incomplete for a platform: one line says which and how."""


class StartError(Exception):
    """A platform refused to start (token refused, server unreachable): one line says which."""


class Adapter(Protocol):
    """What ``serve`` needs of a platform adapter."""

    outbox: Delivery  # direct replies
    sender: Outbox  # proactive messages: the outbox's posts and edits

    async def start(self) -> None:
        """Connect and begin receiving messages."""

    async def stop(self) -> None:
        """Stop receiving and release connections."""

    def routes(self) -> list[web.RouteDef]:
        """HTTP routes to mount on the bot's web server (none in polling or Socket Mode)."""


def choose(settings: Settings, forced: str | None = None) -> list[str]:
    """The platforms to start: every one whose credentials are set, the console when none is,
    or only ``forced``; raises ``ConfigurationError`` when credentials are incomplete."""
    problems = _problems(settings)
    if forced is not None:
        if forced not in PLATFORMS:
            raise ConfigurationError(f"plateforme inconnue : {forced} (telegram, slack ou console)")
        if forced == "telegram" and not settings.telegram:
            raise ConfigurationError("TELEGRAM_BOT_TOKEN manquant : le jeton « 123456789:AA… » donné par @BotFather")
        if forced == "slack" and not settings.slack:
            raise ConfigurationError("SLACK_BOT_TOKEN manquant : le jeton « xoxb-… » de l'app Slack")
        if forced in problems:
            raise ConfigurationError(problems[forced])
        return [forced]
    if problems:
        raise ConfigurationError(next(iter(problems.values())))
    chosen = [name for name, wanted in (("telegram", settings.telegram), ("slack", settings.slack)) if wanted]
    return chosen or ["console"]


def _problems(settings: Settings) -> dict[str, str]:
    problems: dict[str, str] = {}
    if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
        problems["telegram"] = (
            "TELEGRAM_WEBHOOK_SECRET manquant : avec TELEGRAM_WEBHOOK_URL, un secret de 1 à 256 caractères "
            "A-Z, a-z, 0-9, _ ou - protège le webhook"
        )
    if (settings.telegram_webhook_url or settings.telegram_api_url) and not settings.telegram:
        problems["telegram"] = "TELEGRAM_BOT_TOKEN manquant : le jeton « 123456789:AA… » donné par @BotFather"
    if settings.slack and not (settings.slack_app_token or settings.slack_signing_secret):
        problems["slack"] = (
            "SLACK_APP_TOKEN (Socket Mode, « xapp-… ») ou SLACK_SIGNING_SECRET (mode HTTP) manquant "
            "avec SLACK_BOT_TOKEN"
        )
    if (settings.slack_app_token or settings.slack_signing_secret) and not settings.slack:
        problems["slack"] = "SLACK_BOT_TOKEN manquant : le jeton « xoxb-… » de l'app Slack (OAuth & Permissions)"
    return problems


def to_adapters(names: list[str], settings: Settings, context: Context, keep: Keep | None) -> dict[str, Adapter]:
    """The adapters of ``names`` (the console excepted) by platform, built for ``context``."""
    adapters: dict[str, Adapter] = {}
    if "telegram" in names:
        from bot.telegram import TelegramAdapter

        adapters["telegram"] = TelegramAdapter(settings, context, keep=keep)
    if "slack" in names:
        from bot.slack import SlackAdapter

        adapters["slack"] = SlackAdapter(settings, context, keep=keep)
    return adapters


async def serve(
    adapters: Mapping[str, Adapter],
    context: Context,
    port: int,
    say: Callable[[str], None],
    stop: asyncio.Event | None = None,
    producers: Sequence[Producer] = (),
) -> None:
    """Start ``adapters`` (and the web server when one of them needs HTTP) and the sweep of due
    reminders, ``producers`` and outbox messages, run until ``stop`` is set or the process is asked
    to end, then stop them all."""
    stop = stop or _stop_on_signals()
    started: list[Adapter] = []
    runner: web.AppRunner | None = None
    try:
        for name, adapter in adapters.items():
            try:
                await adapter.start()
            except Exception as error:
                raise StartError(f"{name} : {error}") from error
            started.append(adapter)
        routes = [route for adapter in started for route in adapter.routes()]
        if routes:
            runner = await start_server(to_web_app(routes), port)
            say(f"Serveur HTTP à l'écoute sur le port {port}.")
        sender = OutboxSender(context.sessions, {name: adapter.sender for name, adapter in adapters.items()},
                              context.clock)
        async with sweeping(Sweep(context, sender, producers)):
            say("Passerelle est en ligne : " + ", ".join(adapters) + ".")
            await stop.wait()
    finally:
        if runner is not None:
            await runner.cleanup()
        for adapter in reversed(started):
            await adapter.stop()


class ConsoleOutbox:
    """The console's proactive messages (reminders, announcements) written on the terminal; their
    buttons become the chat's numbered choices, as an answer's do."""

    def __init__(self, chat: ConsoleChat, write: Callable[[str], None] = print) -> None:
        self.chat = chat
        self.t = texts_for(chat.context.language)
        self.write = write
        self.posted = 0

    async def post(self, chat: ChatRef, reply: Reply) -> str | None:
        """Write ``reply``; its number is its id."""
        self.posted += 1
        self._show(reply)
        return str(self.posted)

    async def edit(self, chat: ChatRef, ref: str, reply: Reply) -> None:
        """A terminal cannot change what it wrote: the new text is written again."""
        self._show(reply)

    def _show(self, reply: Reply) -> None:
        self.chat.buttons = list(reply.buttons)
        self.write(to_text(reply, self.t))


async def serve_console(context: Context, producers: Sequence[Producer] = (),
                        write: Callable[[str], None] = print) -> None:
    """Open the console chat, with the sweep writing due reminders and announcements on the terminal."""
    chat = ConsoleChat(context)
    sender = OutboxSender(context.sessions, {"console": ConsoleOutbox(chat, write)}, context.clock)
    async with sweeping(Sweep(context, sender, producers)):
        await run_console(context, chat)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
