"""Which platforms a run starts, from the credentials set, and running them together."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Mapping
from typing import Protocol

from aiohttp import web

from bot.delivery import Delivery, Keep
from bot.redelivery import sweep
from bot.settings import Settings
from bot.web import start_server, to_web_app
from handlers.context import Context

PLATFORMS = ("telegram", "slack", "console")


class ConfigurationError(Exception):
    """Credentials missing or incomplete for a platform: one line says which and how."""


class StartError(Exception):
    """A platform refused to start (token refused, server unreachable): one line says which."""


class Adapter(Protocol):
    """What ``serve`` needs of a platform adapter."""

    outbox: Delivery

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
) -> None:
    """Start ``adapters`` (and the web server when one of them needs HTTP) and the outbox sweep,
    run until ``stop`` is set or the process is asked to end, then stop them all."""
    stop = stop or _stop_on_signals()
    started: list[Adapter] = []
    runner: web.AppRunner | None = None
    sweeping: asyncio.Task[None] | None = None
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
        deliveries = {name: adapter.outbox for name, adapter in adapters.items()}
        sweeping = asyncio.create_task(sweep(context.sessions, deliveries, context.clock, stop))
        say("Passerelle est en ligne : " + ", ".join(adapters) + ".")
        await stop.wait()
    finally:
        if sweeping is not None:
            await sweeping
        if runner is not None:
            await runner.cleanup()
        for adapter in reversed(started):
            await adapter.stop()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
