"""Which platforms ``passerelle run`` starts, the configuration it refuses, and ``serve``."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner, Result

import migrations
from bot.cli import app
from bot.delivery import Delivery
from bot.platforms import ConfigurationError, StartError, choose, serve, to_adapters
from bot.settings import SHAPES, Settings
from directory.db import create_engine, session_factory
from handlers.context import Context
from handlers.messages import ChatRef, Reply
from tests.bot.fake_outbox import FakeOutbox
from tests.postgres import free_port

TELEGRAM = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
SLACK_BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKl"
SLACK_APP = "xapp-1-A0123456789-1234567890123-abcdef"
SIGNING = "0123456789abcdef0123456789abcdef"
WEBHOOK = "https://passerelle.example.org/telegram"
NOW = dt.datetime(2025, 3, 10, tzinfo=dt.UTC)
VARIABLES = [*Settings.unprefixed(), *(f"PASSERELLE_{name.upper()}" for name in Settings.model_fields)]


@pytest.fixture(autouse=True)
def _clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No credential from the machine running the tests, and no ``.env`` file."""
    monkeypatch.chdir(tmp_path)
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def settings(**values: str) -> Settings:
    """Settings from ``values``, given under their environment names (``TELEGRAM_BOT_TOKEN``)."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_the_tokens_used_here_have_the_right_shape() -> None:
    for name, value in [("TELEGRAM_BOT_TOKEN", TELEGRAM), ("SLACK_BOT_TOKEN", SLACK_BOT),
                        ("SLACK_APP_TOKEN", SLACK_APP), ("SLACK_SIGNING_SECRET", SIGNING)]:
        assert SHAPES[name][0].fullmatch(value), name


@pytest.mark.parametrize(("values", "expected"), [
    ({}, ["console"]),
    ({"TELEGRAM_BOT_TOKEN": TELEGRAM}, ["telegram"]),
    (
        {"TELEGRAM_BOT_TOKEN": TELEGRAM, "TELEGRAM_WEBHOOK_URL": WEBHOOK,
         "TELEGRAM_WEBHOOK_SECRET": "s3cret_-x"},
        ["telegram"],
    ),
    ({"SLACK_BOT_TOKEN": SLACK_BOT, "SLACK_APP_TOKEN": SLACK_APP}, ["slack"]),
    ({"SLACK_BOT_TOKEN": SLACK_BOT, "SLACK_SIGNING_SECRET": SIGNING}, ["slack"]),
    ({"TELEGRAM_BOT_TOKEN": TELEGRAM, "SLACK_BOT_TOKEN": SLACK_BOT, "SLACK_SIGNING_SECRET": SIGNING},
     ["telegram", "slack"]),
    ({"TELEGRAM_BOT_TOKEN": "  ", "SLACK_BOT_TOKEN": ""}, ["console"]),
], ids=["nothing", "telegram", "telegram-webhook", "slack-socket", "slack-http", "both", "blank"])
def test_every_platform_with_credentials_starts(values: dict[str, str], expected: list[str]) -> None:
    assert choose(settings(**values)) == expected


@pytest.mark.parametrize("forced", ["console", "telegram", "slack"])
def test_a_forced_platform_starts_alone(forced: str) -> None:
    both = settings(TELEGRAM_BOT_TOKEN=TELEGRAM, SLACK_BOT_TOKEN=SLACK_BOT, SLACK_APP_TOKEN=SLACK_APP)
    assert choose(both, forced) == [forced]


@pytest.mark.parametrize(("values", "forced", "named"), [
    ({}, "telegram", "TELEGRAM_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": SLACK_BOT, "SLACK_APP_TOKEN": SLACK_APP}, "telegram", "TELEGRAM_BOT_TOKEN"),
    ({}, "slack", "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": SLACK_BOT}, None, "SLACK_APP_TOKEN"),
    ({"SLACK_BOT_TOKEN": SLACK_BOT}, "slack", "SLACK_SIGNING_SECRET"),
    ({"SLACK_APP_TOKEN": SLACK_APP}, None, "SLACK_BOT_TOKEN"),
    ({"SLACK_SIGNING_SECRET": SIGNING}, None, "SLACK_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": TELEGRAM, "TELEGRAM_WEBHOOK_URL": WEBHOOK}, None, "TELEGRAM_WEBHOOK_SECRET"),
    ({"TELEGRAM_WEBHOOK_URL": WEBHOOK, "TELEGRAM_WEBHOOK_SECRET": "abc"}, None, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_API_URL": "http://127.0.0.1:8081"}, None, "TELEGRAM_BOT_TOKEN"),
    ({}, "discord", "telegram, slack ou console"),
], ids=["telegram-forced", "telegram-forced-slack-set", "slack-forced", "slack-half", "slack-half-forced",
        "slack-app-alone", "slack-secret-alone", "webhook-no-secret", "webhook-no-token", "api-no-token",
        "unknown"])
def test_incomplete_credentials_are_named(values: dict[str, str], forced: str | None, named: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        choose(settings(**values), forced)
    message = str(raised.value)
    assert named in message
    assert "\n" not in message


def test_slack_half_configured_names_both_ways_to_finish() -> None:
    with pytest.raises(ConfigurationError, match="SLACK_APP_TOKEN .* ou SLACK_SIGNING_SECRET"):
        choose(settings(SLACK_BOT_TOKEN=SLACK_BOT))


def test_forcing_the_console_ignores_even_incomplete_credentials() -> None:
    assert choose(settings(SLACK_BOT_TOKEN=SLACK_BOT), "console") == ["console"]


@pytest.mark.parametrize(("name", "value"), [
    ("TELEGRAM_BOT_TOKEN", "123456:court"),
    ("TELEGRAM_WEBHOOK_SECRET", "avec des espaces"),
    ("SLACK_BOT_TOKEN", "xapp-1-A0123456789-1234567890123"),
    ("SLACK_APP_TOKEN", SLACK_BOT),
    ("SLACK_SIGNING_SECRET", "0123456789ABCDEF"),
])
def test_a_malformed_credential_is_refused_with_its_shape(name: str, value: str) -> None:
    with pytest.raises(ValidationError) as raised:
        settings(**{name: value})
    (problem,) = raised.value.errors()
    assert problem["loc"] == (name,)
    assert "valeur mal formée ; attendu : " + SHAPES[name][1] in problem["msg"]


def test_credentials_are_read_under_their_own_names_and_kept_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f"  {TELEGRAM} ")
    monkeypatch.setenv("PASSERELLE_SLACK_BOT_TOKEN", SLACK_BOT)  # not a name Passerelle reads
    read = Settings(_env_file=None)  # type: ignore[call-arg]
    assert read.telegram_bot_token is not None and read.telegram_bot_token.get_secret_value() == TELEGRAM
    assert not read.slack
    assert TELEGRAM not in repr(read) and TELEGRAM not in str(read)


def test_a_url_must_be_http() -> None:
    with pytest.raises(ValidationError, match="URL attendue"):
        settings(TELEGRAM_WEBHOOK_URL="passerelle.example.org/telegram")


def passerelle(*args: str, env: dict[str, str]) -> Result:
    """``passerelle ARGS`` run in this process with ``env`` added to a clean environment."""
    return CliRunner().invoke(app, list(args), env=env)


@pytest.mark.parametrize(("env", "line"), [
    ({"TELEGRAM_BOT_TOKEN": "123:abc"},
     "Configuration invalide : TELEGRAM_BOT_TOKEN : valeur mal formée ; "
     "attendu : « 123456789:AA… » donné par @BotFather"),
    ({"PASSERELLE_HTTP_PORT": "0"}, "Configuration invalide : PASSERELLE_HTTP_PORT : "),
    ({"SLACK_BOT_TOKEN": SLACK_BOT},
     "Configuration incomplète : SLACK_APP_TOKEN (Socket Mode, « xapp-… ») "
     "ou SLACK_SIGNING_SECRET (mode HTTP) manquant avec SLACK_BOT_TOKEN"),
], ids=["malformed", "port", "incomplete"])
def test_run_refuses_a_bad_configuration_in_one_line(env: dict[str, str], line: str) -> None:
    result = passerelle("run", env=env)
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    (said,) = result.stderr.splitlines()
    assert said.startswith(line)
    assert result.stdout == ""
    assert not list(Path.cwd().iterdir())  # nothing started: not even the database was created


def test_run_forced_on_a_platform_without_credentials_says_which() -> None:
    result = passerelle("run", "--platform", "telegram", env={})
    assert result.exit_code == 2
    (said,) = result.stderr.splitlines()
    assert said.startswith("Configuration incomplète : TELEGRAM_BOT_TOKEN manquant")


def test_the_command_prints_one_line_without_traceback_nor_the_value(tmp_path: Path) -> None:
    """The real ``passerelle`` program, as a person runs it."""
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    secret_looking = "123456789:not a token but close enough to be a secret"
    env["TELEGRAM_BOT_TOKEN"] = secret_looking
    program = Path(sys.executable).with_name("passerelle")
    done = subprocess.run([str(program), "run"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "Configuration invalide : TELEGRAM_BOT_TOKEN : valeur mal formée ; "
        "attendu : « 123456789:AA… » donné par @BotFather"
    ]
    assert "Traceback" not in done.stderr and secret_looking not in done.stderr


def test_the_console_needs_no_adapter() -> None:
    assert to_adapters(["console"], settings(), cast(Context, None), keep=None) == {}


# serve


class FakeAdapter:
    """A platform adapter that records its calls and mounts one webhook route (or none)."""

    def __init__(
        self, name: str, calls: list[str], *, path: str | None = None, fail_start: bool = False
    ) -> None:
        self.name, self.calls, self.path, self.fail_start = name, calls, path, fail_start
        self.received: list[Any] = []
        self.outbox = Delivery(self.transport)
        self.sender = FakeOutbox()

    async def transport(self, chat: ChatRef, reply: Reply) -> None:
        """Never called here: the outbox is empty."""
        self.calls.append(f"{self.name}.send")

    async def start(self) -> None:
        self.calls.append(f"{self.name}.start")
        if self.fail_start:
            raise ConnectionError(f"{self.name} injoignable")

    async def stop(self) -> None:
        self.calls.append(f"{self.name}.stop")

    def routes(self) -> list[web.RouteDef]:
        self.calls.append(f"{self.name}.routes")
        if self.path is None:
            return []

        async def webhook(request: web.Request) -> web.Response:
            self.received.append(await request.json())
            return web.json_response({"ok": True})

        return [web.post(self.path, webhook)]


@pytest_asyncio.fixture
async def context(tmp_path: Path) -> AsyncIterator[Context]:
    """What ``serve`` reads of a context: sessions on a migrated database and a fixed clock."""
    url = f"sqlite:///{tmp_path}/passerelle.db"
    await asyncio.to_thread(migrations.upgrade, url)
    engine = create_engine(url)
    sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
    try:
        yield cast(Context, SimpleNamespace(sessions=sessions, clock=lambda: NOW))
    finally:
        await engine.dispose()


class Said:
    """Collects what ``serve`` says; ``online`` is set once it says the bot is up."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.online = asyncio.Event()

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if line.startswith("Passerelle est en ligne"):
            self.online.set()


async def test_serve_answers_health_checks_and_webhooks_then_stops_everything(context: Context) -> None:
    calls: list[str] = []
    adapter = FakeAdapter("telegram", calls, path="/telegram/webhook")
    port, said, stop = free_port(), Said(), asyncio.Event()
    serving = asyncio.create_task(serve({"telegram": adapter}, context, port, said, stop))
    try:
        await asyncio.wait_for(said.online.wait(), timeout=5)
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as client:
            async with client.get("/healthz") as response:
                assert response.status == 200 and await response.json() == {"status": "ok"}
            async with client.post("/telegram/webhook", json={"update_id": 7}) as response:
                assert response.status == 200 and await response.json() == {"ok": True}
        assert adapter.received == [{"update_id": 7}]
    finally:
        stop.set()
        await asyncio.wait_for(serving, timeout=5)
    assert said.lines == [
        f"Serveur HTTP à l'écoute sur le port {port}.", "Passerelle est en ligne : telegram."
    ]
    assert calls == ["telegram.start", "telegram.routes", "telegram.stop"]
    async with aiohttp.ClientSession() as client:
        with pytest.raises(aiohttp.ClientConnectionError):
            await client.get(f"http://127.0.0.1:{port}/healthz")


async def test_serve_without_routes_opens_no_port_and_stops_adapters_in_reverse(context: Context) -> None:
    calls: list[str] = []
    adapters = {"telegram": FakeAdapter("telegram", calls), "slack": FakeAdapter("slack", calls)}
    port, said, stop = free_port(), Said(), asyncio.Event()
    serving = asyncio.create_task(serve(adapters, context, port, said, stop))
    try:
        await asyncio.wait_for(said.online.wait(), timeout=5)
        async with aiohttp.ClientSession() as client:
            with pytest.raises(aiohttp.ClientConnectionError):
                await client.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        stop.set()
        await asyncio.wait_for(serving, timeout=5)
    assert said.lines == ["Passerelle est en ligne : telegram, slack."]
    assert calls == [
        "telegram.start", "slack.start", "telegram.routes", "slack.routes", "slack.stop", "telegram.stop"
    ]


async def test_an_adapter_that_cannot_start_stops_those_already_started(context: Context) -> None:
    calls: list[str] = []
    adapters = {
        "telegram": FakeAdapter("telegram", calls), "slack": FakeAdapter("slack", calls, fail_start=True)
    }
    with pytest.raises(StartError, match="slack : slack injoignable"):
        await asyncio.wait_for(serve(adapters, context, free_port(), Said(), asyncio.Event()), timeout=5)
    assert calls == ["telegram.start", "slack.start", "telegram.stop"]
