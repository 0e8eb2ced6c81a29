"""Platform benchmark: Telegram and Slack adapters against the fake platform servers.

    python bench/platforms.py [--updates 2000] [--chats 50] [--rounds 20] [--paced-seconds 20] [--profile]

Prints figures, asserts nothing. The bot is built once (``bot.wiring.build``) on a temporary
SQLite database holding the sample directory; the Telegram adapter (webhook, then long
polling) and the Slack adapter (HTTP mode) run in one process, as ``passerelle run`` runs them,
behind the bot's web server (``bot.web``) on 127.0.0.1. A second process plays the platforms:
it runs the fake Bot API and the fake Slack Web API of the tests and sends the load.

For each platform and mode:

- **débit** (throughput): ``--updates`` ``/qui`` questions and "plus de résultats" presses, each
  from its own chat, sent as fast as the bot accepts them; handled per second, an update being
  handled when its answer (``sendMessage`` / ``chat.postMessage``) reaches the fake server;
- **latence** (latency): ``--chats`` chats asking at once, ``--rounds`` times; from the moment
  the update reaches the bot (start of the webhook / events POST; for long polling, the
  moment the update is queued at the fake Bot API) to its answer at the fake; p50 / p95 / max;
- **rythme** (pace): ``--chats`` conversations in progress, each asking again after reading its
  answer for a random time (mean ``--think`` s), for ``--paced-seconds``;
- the same with a single chat ("à vide"), and the answer time of each POST (for Slack, the
  acknowledgement, which Slack wants within 3 s);
- "le cœur": our own code alone (search, SQL, handler, rendering), one question at a time.

The bot process's CPU time, SQL statements and logged warnings are counted per phase; with
``--profile``, two more throughput runs per platform and mode: one under a SIGPROF sampler
(CPU ms per update by layer: SQL, search, HTTP client, asyncio…), one under cProfile.
Figures go to ``bench/results/platform.json`` (profile: ``platform-profile.txt``, and the raw
cProfile data in ``platform-<platform>-<mode>.prof``, for ``pstats`` or snakeviz).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import hmac
import io
import json
import logging
import multiprocessing
import os
import platform
import pstats
import random
import signal
import sqlite3
import sys
import sysconfig
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent

import aiohttp
import psutil
from sqlalchemy import event

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import synthetic
from bench.figures import percentile, table
from bot import eventloop, slack_render, telegram_render
from bot.scheduling import Sweep, sweep_until
from bot.sending import OutboxSender
from bot.settings import Settings
from bot.slack import EVENTS_PATH, SlackAdapter
from bot.slack_render import ACTION_PREFIX
from bot.telegram import SECRET_HEADER, TelegramAdapter
from bot.web import start_server, to_web_app
from bot.wiring import Running, build
from directory.records import service_records
from directory.relevance import load_judgments
from handlers.messages import ChatRef, Incoming
from handlers.questions import QuestionStore
from handlers.referral import PAGE_SIZE, to_more_data
from handlers.router import dispatch
from handlers.texts import texts_for
from tests.bot.fake_slack import APP_ID, TEAM_ID, FakeSlack
from tests.bot.fake_telegram import FakeTelegram, callback_update, message_update, user

RESULTS = ROOT / "bench" / "results" / "platform.json"
PROFILE = ROOT / "bench" / "results" / "platform-profile.txt"
JUDGMENTS = ROOT / "tests" / "relevance" / "queries.toml"
SYNTHETIC_QUESTIONS = 60  # besides the graded questions: synthetic ones, most about places far away
TELEGRAM_TOKEN = "123456789:AAF-fake_token_for_passerelle_bench_0123"
WEBHOOK = "https://passerelle.example.org/telegram"
WEBHOOK_SECRET = "bench-secret_for-the-webhook"
SLACK_BOT_TOKEN = "xoxb-1000000001-2000000002-passerelleBENCH"
SLACK_SECRET = "e3b0c44298fc1c149afbf4c8996fb924"
APOLOGY = ("Désolé", "Sorry")  # the reply of a handler that failed
BUTTON_SHARE, GROUP_SHARE = 0.2, 0.1  # of the updates: "plus de résultats" presses; questions in a group
FORM = "application/x-www-form-urlencoded"


# --- The bot process ---------------------------------------------------------------------------


class Counting(logging.Handler):
    """Counts the warnings and errors the bot logs, keeping the first few."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            cause = ""
            if record.exc_info and record.exc_info[1] is not None:
                cause = (
                    f" — {type(record.exc_info[1]).__name__}: {str(record.exc_info[1]).splitlines()[0][:200]}"
                )
            self.first.append(f"{record.levelname} {record.name}: {record.getMessage()[:200]}{cause}")

    def reset(self) -> None:
        self.count, self.first = 0, []


# Layers of the event loop's thread, recognised by file path from the innermost frame outwards:
# the first frame that matches names the layer a sample is charged to.
LAYERS = (
    ("/selectors.py", "boucle en attente (epoll)"),
    ("/sqlalchemy/", "SQL : SQLAlchemy, aiosqlite, greenlet"),
    ("/aiosqlite/", "SQL : SQLAlchemy, aiosqlite, greenlet"),
    ("/greenlet/", "SQL : SQLAlchemy, aiosqlite, greenlet"),
    ("/directory/records.py", "SQL : SQLAlchemy, aiosqlite, greenlet"),
    ("/directory/channels.py", "SQL : SQLAlchemy, aiosqlite, greenlet"),
    ("/directory/", "recherche (directory : analyse, score, explications)"),
    ("/bot/telegram_render.py", "rendu HTML / Block Kit (bot/*_render)"),
    ("/bot/slack_render.py", "rendu HTML / Block Kit (bot/*_render)"),
    ("/handlers/", "gestionnaires (handlers : cartes, textes, babel)"),
    ("/babel/", "gestionnaires (handlers : cartes, textes, babel)"),
    ("/telegram/", "python-telegram-bot (objets, Application, Bot)"),
    ("/slack_bolt/", "slack-bolt, slack_sdk"),
    ("/slack_sdk/", "slack-bolt, slack_sdk"),
    ("/aiohttp/", "aiohttp (serveur web ; clients HTTP de Slack et de Telegram)"),
    ("/bot/", "adaptateurs et envoi (bot/)"),
    ("/asyncio/", "asyncio (tâches, ordonnancement)"),
)
OTHER_THREADS = "autres fils (SQLite dans les fils d'aiosqlite)"


class Sampler:
    """A statistical profiler of the event loop's thread: every ``interval`` seconds of the process's
    CPU time (``ITIMER_PROF``), the interrupted stack is charged to a layer of ``LAYERS`` and to its
    innermost function, for the loop thread's share of that CPU (the rest goes to ``OTHER_THREADS``).
    Much lighter than cProfile, so the figures stay close to the real ones."""

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.layers: Counter[str] = Counter()  # weighted: floats
        self.own: Counter[tuple[str, int, str]] = Counter()
        self.samples = 0
        self._layer_of_code: dict[Any, str | None] = {}
        self._clocks = (time.thread_time(), time.process_time())
        self._previous = signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, interval, interval)

    def _sample(self, _signal: int, frame: Any) -> None:
        if frame is None:
            return
        self.samples += 1
        # The timer counts every thread's CPU, and a signal is handled in the loop's thread only when it
        # holds the GIL: the CPU of aiosqlite's threads would land where the loop waits for the GIL
        # (after a syscall). Each sample counts for the loop's share of the CPU spent since the last.
        clocks = (time.thread_time(), time.process_time())
        spent = clocks[1] - self._clocks[1]
        share = min(1.0, (clocks[0] - self._clocks[0]) / spent) if spent > 0 else 1.0
        self._clocks = clocks
        self.layers[OTHER_THREADS] += 1 - share
        code = frame.f_code
        self.own[(code.co_filename, code.co_firstlineno, code.co_name)] += share
        layer = None
        while frame is not None and layer is None:
            code = frame.f_code
            if code not in self._layer_of_code:
                self._layer_of_code[code] = next(
                    (name for pattern, name in LAYERS if pattern in code.co_filename), None
                )
            layer = self._layer_of_code[code]
            frame = frame.f_back
        self.layers[layer or "autres"] += share

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, self._previous or signal.SIG_DFL)

    def text(self, phase: str, cpu: float) -> str:
        out = io.StringIO()
        total = max(self.samples, 1)
        out.write(
            f"\n=== échantillons (toutes les {1000 * self.interval:g} ms de CPU du processus) : {phase} — "
            f"{self.samples} échantillons pour {cpu:.1f} s de CPU ===\n"
        )
        out.write("couche (du cadre le plus profond vers l'extérieur, la première reconnue)       part\n")
        for layer, count in self.layers.most_common():
            out.write(f"  {layer:<64} {100 * count / total:5.1f} %\n")
        out.write(
            "\nfonctions où était le fil de la boucle (cadre le plus profond)                     part\n"
        )
        for (filename, line, function), count in self.own.most_common(25):
            out.write(f"  {short_path(filename) + f':{line}({function})':<84} {100 * count / total:5.1f} %\n")
        return out.getvalue()


def layer_of(frame: Any) -> str:
    """The layer of ``LAYERS`` a stack belongs to, looking from its innermost frame outwards."""
    while frame is not None:
        filename = frame.f_code.co_filename
        for pattern, layer in LAYERS:
            if pattern in filename:
                return layer
        frame = frame.f_back
    return "autres"


def short_path(filename: str) -> str:
    """``filename`` without the site-packages, standard library or repository prefix."""
    for prefix in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"], str(ROOT)):
        if filename.startswith(prefix + "/"):
            return filename[len(prefix) + 1 :]
    return filename


class BotSide:
    """The bot as ``passerelle run`` composes it (adapters, web server, outbox sweep), on 127.0.0.1."""

    def __init__(self) -> None:
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        self.running: Running | None = None
        self.settings: Settings | None = None
        self.telegram: TelegramAdapter | None = None
        self.slack: SlackAdapter | None = None
        self.poller: TelegramAdapter | None = None
        self.runner: Any = None
        self.stop_sweep = asyncio.Event()
        self.sweeping: asyncio.Task[None] | None = None
        self.statements = 0
        self.logged = Counting()
        self.profiler: cProfile.Profile | None = None
        self.sampler: Sampler | None = None
        self.mark: tuple[float, float, int] = (0.0, 0.0, 0)
        self.questions: list[str] = []

    async def start(self, telegram_api: str, slack_api: str) -> dict[str, Any]:
        """Build the bot on a fresh database, start both adapters and the web server; the workload."""
        logging.getLogger().addHandler(self.logged)
        logging.getLogger().setLevel(logging.WARNING)
        self.folder = tempfile.TemporaryDirectory(prefix="passerelle-bench-")
        self.settings = Settings(  # type: ignore[call-arg] - the platform variables go by their aliases
            database_url=f"sqlite:///{self.folder.name}/bench.db",
            TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
            TELEGRAM_API_URL=telegram_api,
            TELEGRAM_WEBHOOK_URL=WEBHOOK,
            TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
            SLACK_BOT_TOKEN=SLACK_BOT_TOKEN,
            SLACK_SIGNING_SECRET=SLACK_SECRET,
            SLACK_API_URL=slack_api,
            SLACK_APP_TOKEN=None,
        )
        started = time.perf_counter()
        self.running = await build(self.settings, say=lambda _message: None)
        built = time.perf_counter() - started
        event.listen(self.running.engine.sync_engine, "before_cursor_execute", self._count_statement)
        context = self.running.context
        self.telegram = TelegramAdapter(self.settings, context, keep=self.running.keep)
        self.slack = SlackAdapter(self.settings, context, keep=self.running.keep)
        await self.telegram.start()
        await self.slack.start()
        self.runner = await start_server(
            to_web_app(self.telegram.routes() + self.slack.routes()), 0, "127.0.0.1"
        )
        port = self.runner.addresses[0][1]
        senders = {"telegram": self.telegram.sender, "slack": self.slack.sender}
        sweep = Sweep(context, OutboxSender(context.sessions, senders, context.clock), self.running.producers)
        self.sweeping = asyncio.create_task(sweep_until(sweep, self.stop_sweep))
        return {"base": f"http://127.0.0.1:{port}", "build_s": built, **self._workload()}

    def _workload(self) -> dict[str, Any]:
        """The questions (graded ones of the sample directory, then synthetic ones) and, for those
        with more than a page of answers, the data of their "plus de résultats" button."""
        assert self.running is not None
        search = self.running.context.search
        questions = [j.text for j in load_judgments(JUDGMENTS)]
        graded = len(questions)
        places = synthetic.place_rows(search.gazetteer)
        questions += [text for text, _ in synthetic.queries(SYNTHETIC_QUESTIONS, places)]
        buttons = []
        for question in questions:
            response = search.search(question, limit=PAGE_SIZE)
            data = to_more_data(question, PAGE_SIZE, QuestionStore())
            if not response.abstained and response.total > PAGE_SIZE and "#" not in data:
                buttons.append(data)
        self.questions = questions
        return {"questions": questions, "graded": graded, "buttons": buttons}

    async def core(self, count: int, concurrency: int) -> dict[str, Any]:
        """Each step of answering ``/qui`` on its own, one question at a time (no platform, no HTTP):
        the search, the chat's choices, the records of the results, the whole handler, and the
        rendering for each platform; then the whole handler ``concurrency`` questions at a time."""
        assert self.running is not None
        context = self.running.context
        questions = [self.questions[i % len(self.questions)] for i in range(count)]
        t = texts_for(context.language)
        steps: dict[str, list[tuple[float, float]]] = {}

        def timed(step: str, started: tuple[float, float]) -> None:
            steps.setdefault(step, []).append(
                (time.perf_counter() - started[0], time.thread_time() - started[1])
            )

        def now() -> tuple[float, float]:
            return time.perf_counter(), time.thread_time()

        statements = self.statements
        for n, question in enumerate(questions):
            started = now()
            response = context.search.search(question, limit=PAGE_SIZE)
            timed("recherche (Search.search)", started)
            started = now()
            await context.choices.choices(context.sessions, "telegram", str(30_000_000 + n), context.clock())
            timed("choix de la conversation (ChoiceCache, en mémoire)", started)
            if not response.abstained and response.results:
                started = now()
                async with context.sessions() as session:
                    await service_records(session, [r.doc.service_id for r in response.results])
                timed("fiches des résultats (service_records, 5 SQL)", started)
            incoming = Incoming(
                ChatRef("telegram", str(30_000_000 + n)), "1", f"/qui {question}", "qui", question
            )
            started = now()
            replies = await dispatch(incoming, context)
            timed("gestionnaire entier (dispatch)", started)
            started = now()
            for reply in replies:
                telegram_render.to_messages(reply, t)
                telegram_render.to_keyboard(reply.buttons)
            timed("rendu Telegram (HTML)", started)
            started = now()
            for reply in replies:
                slack_render.to_messages(reply, t)
            timed("rendu Slack (Block Kit)", started)
        sequential = self.statements - statements
        incomings = [
            Incoming(ChatRef("telegram", str(40_000_000 + n)), "1", f"/qui {q}", "qui", q)
            for n, q in enumerate(questions)
        ]
        await asyncio.gather(
            *(dispatch(i, context) for i in incomings[:concurrency])
        )  # opens the pool's connections
        cpu, started_at = time.process_time(), time.perf_counter()
        for first in range(0, len(incomings), concurrency):
            await asyncio.gather(*(dispatch(i, context) for i in incomings[first : first + concurrency]))
        wall, cpu = time.perf_counter() - started_at, time.process_time() - cpu
        return {
            "questions": count,
            "sql_statements_sequential": sequential,
            "steps": {
                step: {
                    "n": len(values),
                    **{f"wall_{k}": v for k, v in summary([w for w, _ in values]).items() if k != "n"},
                    "thread_cpu_mean_ms": 1000 * sum(c for _, c in values) / len(values),
                }
                for step, values in steps.items()
            },
            "concurrent_dispatch": {
                "concurrency": concurrency,
                "per_s": count / max(wall, 1e-9),
                "cpu_ms_per_question": 1000 * cpu / max(count, 1),
            },
        }

    def _count_statement(self, *_: object) -> None:
        self.statements += 1

    async def begin(self, phase: str, profile: str = "") -> None:
        """Start counting CPU time, SQL statements and warnings for ``phase``, and profiling it
        when ``profile`` is ``"cprofile"`` or ``"échantillons"``."""
        self.logged.reset()
        self.mark = (time.process_time(), time.perf_counter(), self.statements)
        if profile == "cprofile":
            self.profiler = cProfile.Profile()  # wall clock of the event loop's thread; idle = epoll
            self.profiler.enable()
        elif profile:
            self.sampler = Sampler()

    async def end(self, phase: str) -> dict[str, Any]:
        """What ``phase`` cost the bot process since ``begin``."""
        cpu, wall = time.process_time() - self.mark[0], time.perf_counter() - self.mark[1]
        found: dict[str, Any] = {
            "cpu_s": cpu,
            "wall_s": wall,
            "sql_statements": self.statements - self.mark[2],
            "warnings": self.logged.count,
            "first_warnings": list(self.logged.first),
        }
        if self.profiler is not None:
            self.profiler.disable()
            found["profile"] = profile_text(self.profiler, phase)
            PROFILE.parent.mkdir(parents=True, exist_ok=True)
            slug = "-".join(phase.lower().split()[:2])
            self.profiler.dump_stats(PROFILE.with_name(f"platform-{slug}.prof"))
            self.profiler = None
        if self.sampler is not None:
            self.sampler.stop()
            found["profile"] = self.sampler.text(phase, cpu)
            found["layers"] = {k: v / max(self.sampler.samples, 1) for k, v in self.sampler.layers.items()}
            self.sampler = None
        return found

    async def polling(self, on: bool) -> None:
        """Start (or stop) a second Telegram adapter that long-polls the same fake Bot API."""
        assert self.settings is not None and self.running is not None
        if on and self.poller is None:
            polling = self.settings.model_copy(
                update={"telegram_webhook_url": None, "telegram_webhook_secret": None}
            )
            self.poller = TelegramAdapter(polling, self.running.context, keep=self.running.keep)
            await self.poller.start()
        elif not on and self.poller is not None:
            poller, self.poller = self.poller, None
            await poller.stop()

    async def stop(self) -> None:
        """Stop everything started, in reverse order (safe to call twice)."""
        self.stop_sweep.set()
        if self.sweeping is not None:
            await self.sweeping
            self.sweeping = None
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
        if self.poller is not None:
            poller, self.poller = self.poller, None
            await poller.stop()
        for name in ("slack", "telegram"):
            adapter = getattr(self, name)
            if adapter is not None:
                setattr(self, name, None)
                await adapter.stop()
        if self.running is not None:
            running, self.running = self.running, None
            await running.close()
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None


def bot_process(connection: Connection) -> None:
    """The bot's own process: runs the calls the platform process sends until ``stop`` or EOF."""
    eventloop.run(_serve_calls(connection))


async def _serve_calls(connection: Connection) -> None:
    side = BotSide()
    try:
        while True:
            try:
                name, args = await asyncio.to_thread(connection.recv)
            except (EOFError, OSError):
                break
            try:
                answer = (True, await getattr(side, name)(*args))
            except Exception:  # noqa: BLE001 - reported to the other process
                answer = (False, traceback.format_exc())
            connection.send(answer)
            if name == "stop":
                break
    finally:
        await side.stop()
        connection.close()


class Remote:
    """``BotSide`` in the other process: the same coroutines, over a pipe."""

    def __init__(self, connection: Connection, timeout: float) -> None:
        self.connection = connection
        self.timeout = timeout

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        async def call(*args: Any) -> Any:
            self.connection.send((name, args))
            ready = await asyncio.to_thread(self.connection.poll, self.timeout)
            if not ready:
                raise TimeoutError(f"le processus du robot n'a pas répondu à {name} en {self.timeout:g} s")
            ok, value = self.connection.recv()
            if not ok:
                raise RuntimeError(f"{name} a échoué dans le processus du robot :\n{value}")
            return value

        return call


# --- The platform side: fake servers that time the answers, and the load -----------------------


class Arrivals:
    """When each expected chat got its answer at a fake server; the chats of one phase at a time."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.answered: dict[str, float] = {}
        self.expected: set[str] = set()
        self.apologies = 0
        self.stray = 0
        self._complete = asyncio.Event()
        self.waiting: dict[str, asyncio.Future[float]] = {}  # paced chats, each waiting for its answer

    def expect(self, keys: Sequence[str]) -> None:
        self.sent, self.answered, self.expected = {}, {}, set(keys)
        self.apologies = 0
        self._complete.clear()

    def note(self, key: str, text: str) -> None:
        now = time.perf_counter()
        waiter = self.waiting.pop(key, None)
        if waiter is not None and not waiter.done():
            self.apologies += str(text).startswith(APOLOGY)
            waiter.set_result(now)
            return
        if key not in self.expected or key in self.answered:
            self.stray += 1  # a late answer of an earlier phase, or a second part
            return
        self.answered[key] = now
        self.apologies += str(text).startswith(APOLOGY)
        if len(self.answered) == len(self.expected):
            self._complete.set()

    async def wait(self, timeout: float) -> bool:
        """True once every expected chat was answered, False after ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._complete.wait(), timeout)
        except TimeoutError:
            return False
        return True


def timed_fakes(arrivals: Arrivals) -> tuple[Callable[[str], FakeTelegram], Callable[[], FakeSlack]]:
    """The fake Bot API and the fake Slack Web API of the tests, noting in ``arrivals`` when each
    ``sendMessage`` / ``chat.postMessage`` arrives."""

    class TimedTelegram(FakeTelegram):
        async def _answer_send_message(self, params: dict[str, Any]) -> Any:
            arrivals.note(f"t{params['chat_id']}", params.get("text", ""))
            return await super()._answer_send_message(params)

    class TimedSlack(FakeSlack):
        def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
            arrivals.note(f"s{args.get('channel', '')}", args.get("text", ""))
            return super()._post_message(args)

    return TimedTelegram, TimedSlack


@dataclass(slots=True)
class Request:
    """One update to deliver: the chat it comes from, and the POST (or the long-polling update)."""

    key: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    update: dict[str, Any] | None = None


class Load:
    """Builds the updates: a seeded mix of ``/qui`` questions (some in groups) and button presses."""

    def __init__(self, questions: Sequence[str], buttons: Sequence[str], fake_slack: FakeSlack) -> None:
        self.questions, self.buttons, self.fake_slack = list(questions), list(buttons), fake_slack
        self.rng = random.Random(11)
        self.update_id = 0

    def _pick(self) -> tuple[str, str, bool]:
        roll = self.rng.random()
        if self.buttons and roll < BUTTON_SHARE:
            return "bouton", self.rng.choice(self.buttons), False
        return "qui", self.rng.choice(self.questions), roll > 1 - GROUP_SHARE

    def telegram(self, chat: int) -> Request:
        """An update from chat number ``chat`` (private, or a supergroup)."""
        kind, value, group = self._pick()
        self.update_id += 1
        sender = user(100_000 + chat)
        if kind == "bouton":
            update = callback_update(value, chat_id=10_000_000 + chat, sender=sender)
            update["callback_query"]["id"] = f"query-{self.update_id}"
        elif group:
            update = message_update(
                f"/qui@passerelle_bot {value}",
                chat_id=-(10_000_000 + chat),
                chat_type="supergroup",
                sender=sender,
            )
        else:
            update = message_update(f"/qui {value}", chat_id=10_000_000 + chat, sender=sender)
        update["update_id"] = self.update_id
        chat_id = (
            update["callback_query"]["message"]["chat"]["id"]
            if kind == "bouton"
            else update["message"]["chat"]["id"]
        )
        body = json.dumps(update).encode()
        headers = {SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
        return Request(f"t{chat_id}", body, headers, update)

    def slack(self, chat: int) -> Request:
        """A signed slash command or button press from channel number ``chat``."""
        kind, value, group = self._pick()
        channel = f"{'C' if group else 'D'}{chat:09d}"
        person = f"U{chat:09d}"
        if kind == "bouton":
            payload = {
                "type": "block_actions",
                "user": {"id": person, "username": "marie", "team_id": TEAM_ID},
                "api_app_id": APP_ID,
                "token": "legacy",
                "team": {"id": TEAM_ID, "domain": "reseau"},
                "container": {
                    "type": "message",
                    "message_ts": "1700000001.000200",
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                "trigger_id": "4.5.6",
                "channel": {"id": channel, "name": "entraide"},
                "message": {"type": "message", "ts": "1700000001.000200", "text": "Résultats"},
                "response_url": self.fake_slack.response_url(channel),
                "actions": [
                    {
                        "type": "button",
                        "block_id": "b",
                        "action_id": f"{ACTION_PREFIX}0",
                        "text": {"type": "plain_text", "text": "Plus de résultats"},
                        "value": value,
                        "action_ts": "1700000002.000300",
                    }
                ],
            }
            body = urlencode({"payload": json.dumps(payload)})
        else:
            body = urlencode(
                {
                    "token": "legacy",
                    "team_id": TEAM_ID,
                    "team_domain": "reseau",
                    "channel_id": channel,
                    "channel_name": "entraide",
                    "user_id": person,
                    "user_name": "marie",
                    "command": "/qui",
                    "text": value,
                    "api_app_id": APP_ID,
                    "response_url": self.fake_slack.response_url(channel),
                    "trigger_id": "1.2.3",
                }
            )
        return Request(f"s{channel}", body.encode(), signed(body))


def signed(body: str) -> dict[str, str]:
    """Headers signing ``body`` as Slack does (``v0`` HMAC-SHA256 of the timestamp and the body)."""
    timestamp = str(int(time.time()))
    digest = hmac.new(SLACK_SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}", "Content-Type": FORM}


class Driver:
    """Sends the load to the bot and measures; runs in the platform process."""

    def __init__(
        self,
        bot: Any,
        arrivals: Arrivals,
        http: aiohttp.ClientSession,
        telegram: FakeTelegram,
        urls: dict[str, str],
        options: argparse.Namespace,
    ) -> None:
        self.bot, self.arrivals, self.http, self.fake_telegram = bot, arrivals, http, telegram
        self.urls, self.options = urls, options
        self.failed_posts: list[str] = []

    async def _post(self, mode: str, request: Request, acks: list[float]) -> None:
        started = time.perf_counter()
        self.arrivals.sent[request.key] = started
        if mode == "polling":
            assert request.update is not None
            self.fake_telegram.push({k: v for k, v in request.update.items() if k != "update_id"})
            return
        try:
            async with self.http.post(
                self.urls[mode], data=request.body, headers=request.headers
            ) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            self.failed_posts.append(f"{type(error).__name__}: {error}")
            return
        acks.append(time.perf_counter() - started)
        if status != 200 and len(self.failed_posts) < 1000:
            self.failed_posts.append(f"HTTP {status}")

    async def throughput(
        self, name: str, mode: str, requests: list[Request], profile: str = ""
    ) -> dict[str, Any]:
        """Send ``requests`` as fast as the bot takes them, then wait for every answer."""
        self.arrivals.expect([r.key for r in requests])
        self.failed_posts = []
        acks: list[float] = []
        await self.bot.begin(name, profile)
        cpu = time.process_time()
        started = time.perf_counter()
        if mode == "polling":
            for request in requests:  # queued at the fake Bot API at once; the bot fetches them
                await self._post(mode, request, acks)
        else:
            pending = iter(requests)

            async def sender() -> None:
                for request in pending:
                    await self._post(mode, request, acks)

            await asyncio.gather(*(sender() for _ in range(self.options.connections)))
        accepted = time.perf_counter()
        complete = await self.arrivals.wait(self.options.timeout)
        finished = time.perf_counter()
        driver_cpu = time.process_time() - cpu
        bot = await self.bot.end(name)
        answered = self.arrivals.answered
        last = max(answered.values(), default=finished)
        latencies = [answered[k] - self.arrivals.sent[k] for k in answered]
        return {
            "mode": mode,
            "updates": len(requests),
            "handled": len(answered),
            "complete": complete,
            "seconds": last - started,
            "handled_per_s": len(answered) / max(last - started, 1e-9),
            "accepted_per_s": len(requests) / max(accepted - started, 1e-9),
            "apologies": self.arrivals.apologies,
            "failed_posts": len(self.failed_posts),
            "first_failed_posts": self.failed_posts[:3],
            "latency": summary(latencies),
            "ack": summary(acks),
            "driver_cpu_share": driver_cpu / max(finished - started, 1e-9),
            **bot_figures(bot, len(answered)),
        }

    async def latency(self, name: str, mode: str, rounds: list[list[Request]]) -> dict[str, Any]:
        """Rounds of requests sent at once (one per chat); the next round once the last is answered."""
        self.failed_posts = []
        latencies: list[float] = []
        acks: list[float] = []
        handled = incomplete = apologies = 0
        await self.bot.begin(name)
        cpu = time.process_time()
        started = time.perf_counter()
        for requests in rounds:
            self.arrivals.expect([r.key for r in requests])
            await asyncio.gather(*(self._post(mode, request, acks) for request in requests))
            incomplete += not await self.arrivals.wait(self.options.timeout)
            answered = self.arrivals.answered
            latencies += [answered[k] - self.arrivals.sent[k] for k in answered]
            handled += len(answered)
            apologies += self.arrivals.apologies
        finished = time.perf_counter()
        driver_cpu = time.process_time() - cpu
        bot = await self.bot.end(name)
        return {
            "mode": mode,
            "chats": len(rounds[0]) if rounds else 0,
            "rounds": len(rounds),
            "updates": sum(len(r) for r in rounds),
            "handled": handled,
            "incomplete_rounds": incomplete,
            "seconds": finished - started,
            "apologies": apologies,
            "failed_posts": len(self.failed_posts),
            "first_failed_posts": self.failed_posts[:3],
            "latency": summary(latencies),
            "ack": summary(acks),
            "driver_cpu_share": driver_cpu / max(finished - started, 1e-9),
            **bot_figures(bot, handled),
        }


    async def paced(
        self, name: str, mode: str, asks: list[Callable[[], Request]], seconds: float, think: float
    ) -> dict[str, Any]:
        """Chats that each ask, wait for the answer, read it for a random time (exponential, mean
        ``think`` seconds), and ask again, for ``seconds``: many chats in conversation at once, at a
        human pace, rather than all asking at the same instant."""
        self.failed_posts = []
        self.arrivals.expect([])
        latencies: list[float] = []
        acks: list[float] = []
        missing = 0
        pace = random.Random(20261123)
        loop = asyncio.get_running_loop()
        await self.bot.begin(name)
        cpu = time.process_time()
        started = time.perf_counter()
        ends = started + seconds

        async def conversation(ask: Callable[[], Request]) -> None:
            nonlocal missing
            await asyncio.sleep(pace.expovariate(1 / think))
            while time.perf_counter() < ends:
                request = ask()
                answered = self.arrivals.waiting[request.key] = loop.create_future()
                await self._post(mode, request, acks)
                try:
                    at = await asyncio.wait_for(answered, self.options.timeout)
                except TimeoutError:
                    missing += 1
                    continue
                latencies.append(at - self.arrivals.sent[request.key])
                await asyncio.sleep(pace.expovariate(1 / think))

        await asyncio.gather(*(conversation(ask) for ask in asks))
        finished = time.perf_counter()
        driver_cpu = time.process_time() - cpu
        bot = await self.bot.end(name)
        return {
            "mode": mode,
            "chats": len(asks),
            "think_s": think,
            "updates": len(latencies) + missing,
            "handled": len(latencies),
            "missing": missing,
            "seconds": finished - started,
            "handled_per_s": len(latencies) / max(finished - started, 1e-9),
            "apologies": self.arrivals.apologies,
            "failed_posts": len(self.failed_posts),
            "first_failed_posts": self.failed_posts[:3],
            "latency": summary(latencies),
            "ack": summary(acks),
            "driver_cpu_share": driver_cpu / max(finished - started, 1e-9),
            **bot_figures(bot, len(latencies)),
        }


def bot_figures(bot: dict[str, Any], handled: int) -> dict[str, Any]:
    """The bot process's costs of a phase, also per handled update."""
    return {
        "bot_cpu_share": bot["cpu_s"] / max(bot["wall_s"], 1e-9),
        "bot_cpu_ms_per_update": 1000 * bot["cpu_s"] / max(handled, 1),
        "sql_per_update": bot["sql_statements"] / max(handled, 1),
        "bot_warnings": bot["warnings"],
        "first_bot_warnings": bot["first_warnings"],
        **({"profile": bot["profile"]} if "profile" in bot else {}),
        **(
            {
                "layers": bot["layers"],
                "layer_cpu_ms_per_update": {
                    k: 1000 * v * bot["cpu_s"] / max(handled, 1) for k, v in bot["layers"].items()
                },
            }
            if "layers" in bot
            else {}
        ),
    }


async def drive(options: argparse.Namespace, bot: Any, say: Callable[[str], None]) -> dict[str, Any]:
    """Start the fake servers, have the bot start against them, run every phase, stop the bot."""
    arrivals = Arrivals()
    wanted = set(options.platforms.split(","))
    phases: dict[str, dict[str, Any]] = {}
    timed_telegram, timed_slack = timed_fakes(arrivals)
    async with timed_telegram(TELEGRAM_TOKEN) as telegram:
        slack = timed_slack()
        await slack.start()
        try:
            info = await bot.start(telegram.url, slack.api_url)
            say(
                f"Robot construit en {info['build_s']:.1f} s ; {len(info['questions'])} questions "
                f"({info['graded']} de {JUDGMENTS.relative_to(ROOT)}, {len(info['questions']) - info['graded']} "
                f"synthétiques), {len(info['buttons'])} avec un bouton « Plus de résultats »"
            )
            core = None
            if options.core:
                say(f"… cœur seul : {options.core} questions une à une, puis {options.chats} à la fois")
                core = await bot.core(options.core, options.chats)
            urls = {"webhook": info["base"] + "/telegram", "slack": info["base"] + EVENTS_PATH}
            load = Load(info["questions"], info["buttons"], slack)
            connector = aiohttp.TCPConnector(limit=max(options.connections, options.chats) + 8)
            async with aiohttp.ClientSession(connector=connector) as http:
                driver = Driver(bot, arrivals, http, telegram, urls, options)
                chat = iter(range(1, 10**8))  # every throughput update from a chat of its own

                def batch(make: Callable[[int], Request], count: int) -> list[Request]:
                    return [make(next(chat)) for _ in range(count)]

                def rounds(make: Callable[[int], Request], count: int, chats: int = 0) -> list[list[Request]]:
                    chats = [next(chat) for _ in range(chats or options.chats)]
                    return [[make(c) for c in chats] for _ in range(count)]

                def conversations(make: Callable[[int], Request]) -> list[Callable[[], Request]]:
                    return [partial(make, next(chat)) for _ in range(options.chats)]

                plans: list[tuple[str, str, Callable[[int], Request], int, int]] = []
                if "telegram" in wanted:
                    plans.append(
                        ("Telegram webhook", "webhook", load.telegram, options.updates, options.rounds)
                    )
                if "slack" in wanted:
                    plans.append(("Slack HTTP", "slack", load.slack, options.updates, options.rounds))
                for label, mode, make, updates, count in plans:
                    await driver.throughput(f"{label} échauffement", mode, batch(make, options.warmup))
                    say(f"… {label} : débit, {updates} mises à jour")
                    phases[f"{label} débit"] = await driver.throughput(
                        f"{label} débit", mode, batch(make, updates)
                    )
                    say(
                        f"… {label} : latence, {options.chats} conversations × {count} tours, puis 1 × {options.solo_rounds}"
                    )
                    phases[f"{label} latence"] = await driver.latency(
                        f"{label} latence", mode, rounds(make, count)
                    )
                    if options.solo_rounds:
                        phases[f"{label} à vide"] = await driver.latency(
                            f"{label} à vide", mode, rounds(make, options.solo_rounds, 1)
                        )
                    if options.paced_seconds:
                        say(
                            f"… {label} : au rythme des gens, {options.chats} conversations pendant "
                            f"{options.paced_seconds:g} s (lecture {options.think:g} s en moyenne)"
                        )
                        phases[f"{label} rythme"] = await driver.paced(
                            f"{label} rythme", mode, conversations(make), options.paced_seconds, options.think
                        )
                if options.profile:
                    for label, mode, make, *_ in plans:
                        for how in ("échantillons", "cprofile"):
                            say(f"… {label} : profil ({how}), {options.profile_updates} mises à jour")
                            phases[f"{label} profil {how}"] = await driver.throughput(
                                f"{label} profil {how}",
                                mode,
                                batch(make, options.profile_updates),
                                profile=how,
                            )
                if "telegram" in wanted and options.polling_updates:
                    await bot.polling(True)
                    try:
                        label = "Telegram polling"
                        await driver.throughput(
                            f"{label} échauffement", "polling", batch(load.telegram, options.warmup)
                        )
                        say(f"… {label} : débit, {options.polling_updates} mises à jour")
                        phases[f"{label} débit"] = await driver.throughput(
                            f"{label} débit", "polling", batch(load.telegram, options.polling_updates)
                        )
                        say(
                            f"… {label} : latence, {options.chats} conversations × {options.polling_rounds} tours"
                        )
                        phases[f"{label} latence"] = await driver.latency(
                            f"{label} latence", "polling", rounds(load.telegram, options.polling_rounds)
                        )
                        if options.solo_rounds:
                            phases[f"{label} à vide"] = await driver.latency(
                                f"{label} à vide", "polling", rounds(load.telegram, options.solo_rounds, 1)
                            )
                        if options.paced_seconds:
                            say(f"… {label} : au rythme des gens, {options.chats} conversations")
                            phases[f"{label} rythme"] = await driver.paced(
                                f"{label} rythme", "polling", conversations(load.telegram),
                                options.paced_seconds, options.think,
                            )
                        for how in ("échantillons", "cprofile") if options.profile else ():
                            say(f"… {label} : profil ({how}), {options.profile_updates} mises à jour")
                            phases[f"{label} profil {how}"] = await driver.throughput(
                                f"{label} profil {how}",
                                "polling",
                                batch(load.telegram, options.profile_updates),
                                profile=how,
                            )
                    finally:
                        await bot.polling(False)
        finally:
            try:
                await bot.stop()
            finally:
                await slack.close()
    return {
        "phases": phases,
        "core": core,
        "stray_answers": arrivals.stray,
        "build_s": info["build_s"],
        "questions": len(info["questions"]),
        "buttons": len(info["buttons"]),
    }


# --- Figures -----------------------------------------------------------------------------------


def summary(seconds: Sequence[float]) -> dict[str, float | int]:
    """Count, p50, p95, p99, max and mean of durations, in ms."""
    if not seconds:
        return {"n": 0}
    return {
        "n": len(seconds),
        "p50_ms": 1000 * percentile(seconds, 50),
        "p95_ms": 1000 * percentile(seconds, 95),
        "p99_ms": 1000 * percentile(seconds, 99),
        "max_ms": 1000 * max(seconds),
        "mean_ms": 1000 * sum(seconds) / len(seconds),
    }


def profile_text(profiler: cProfile.Profile, phase: str) -> str:
    """Own time by package, then the top functions by own and cumulative time."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    by_package: dict[str, float] = {}
    total = 0.0
    for (filename, _, function), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[package_of(filename, function)] = by_package.get(package_of(filename, function), 0.0) + own
        total += own
    out.write(f"\n=== profil du processus du robot : {phase} ===\n")
    out.write(
        f"temps propre par paquet (total {total:.2f} s, fil de la boucle seulement ; "
        "« (fonctions en C) » comprend l'attente dans epoll) :\n"
    )
    for name, own in sorted(by_package.items(), key=lambda item: -item[1])[:16]:
        out.write(f"  {name:<28} {own:7.2f} s  {100 * own / max(total, 1e-9):5.1f} %\n")
    for key in ("tottime", "cumulative"):
        out.write(f"\n--- tri par {key} ---\n")
        stats.sort_stats(key).print_stats(25)
    site = sysconfig.get_paths()["purelib"] + "/"
    return out.getvalue().replace(site, "").replace(str(ROOT) + "/", "")


def package_of(filename: str, function: str) -> str:
    """The top-level package a profiled function belongs to (``sqlalchemy``, ``handlers``, …)."""
    if filename == "~":
        return "(fonctions en C)"
    site = sysconfig.get_paths()["purelib"] + "/"
    if filename.startswith(site):
        return filename[len(site) :].split("/")[0]
    if filename.startswith(str(ROOT) + "/"):
        return "passerelle/" + filename[len(str(ROOT)) + 1 :].split("/")[0]
    stdlib = sysconfig.get_paths()["stdlib"] + "/"
    if filename.startswith(stdlib):
        return "stdlib/" + filename[len(stdlib) :].split("/")[0].removesuffix(".py")
    return filename


def ms(figures: dict[str, Any], key: str) -> str:
    return f"{figures[key]:.1f}" if key in figures else "—"


def report(found: dict[str, Any]) -> None:
    """The throughput and latency tables, then what went wrong, if anything."""
    phases = found["phases"]
    throughput = {k.removesuffix(" débit"): v for k, v in phases.items() if k.endswith(" débit")}
    print("\n== Débit : chaque mise à jour d'une conversation à elle, envoyées au plus vite ==")
    print(
        table(
            [
                "mode",
                "envoyées",
                "traitées",
                "durée s",
                "traitées/s",
                "reçues/s",
                "CPU robot",
                "ms CPU/maj",
                "SQL/maj",
                "p50 ms",
                "p95 ms",
                "accusé p95 ms",
                "CPU pilote",
            ],
            [
                [
                    name,
                    r["updates"],
                    r["handled"],
                    f"{r['seconds']:.1f}",
                    f"{r['handled_per_s']:.0f}",
                    "—" if r["mode"] == "polling" else f"{r['accepted_per_s']:.0f}",
                    f"{100 * r['bot_cpu_share']:.0f} %",
                    f"{r['bot_cpu_ms_per_update']:.2f}",
                    f"{r['sql_per_update']:.1f}",
                    ms(r["latency"], "p50_ms"),
                    ms(r["latency"], "p95_ms"),
                    ms(r["ack"], "p95_ms"),
                    f"{100 * r['driver_cpu_share']:.0f} %",
                ]
                for name, r in throughput.items()
            ],
        )
    )
    latency = {k: v for k, v in phases.items() if "rounds" in v}
    if latency:
        print(
            "\n== Latence : n conversations qui demandent en même temps, par tours (« à vide » : une seule) =="
        )
        print(
            table(
                [
                    "mesure",
                    "conv.",
                    "tours",
                    "réponses",
                    "p50 ms",
                    "p95 ms",
                    "p99 ms",
                    "max ms",
                    "accusé p50 ms",
                    "accusé p95 ms",
                    "accusé max ms",
                    "CPU robot",
                    "ms CPU/maj",
                ],
                [
                    [
                        name,
                        r["chats"],
                        r["rounds"],
                        r["handled"],
                        ms(r["latency"], "p50_ms"),
                        ms(r["latency"], "p95_ms"),
                        ms(r["latency"], "p99_ms"),
                        ms(r["latency"], "max_ms"),
                        ms(r["ack"], "p50_ms"),
                        ms(r["ack"], "p95_ms"),
                        ms(r["ack"], "max_ms"),
                        f"{100 * r['bot_cpu_share']:.0f} %",
                        f"{r['bot_cpu_ms_per_update']:.2f}",
                    ]
                    for name, r in latency.items()
                ],
            )
        )
    paced = {k: v for k, v in phases.items() if "think_s" in v}
    if paced:
        print(
            "\n== Au rythme des gens : n conversations en cours, chacune redemande après avoir lu "
            "(temps de lecture exponentiel) =="
        )
        print(
            table(
                ["mesure", "conv.", "lecture s", "réponses", "traitées/s", "p50 ms", "p95 ms", "p99 ms",
                 "max ms", "sans réponse", "CPU robot", "ms CPU/maj"],
                [
                    [
                        name, r["chats"], f"{r['think_s']:g}", r["handled"], f"{r['handled_per_s']:.0f}",
                        ms(r["latency"], "p50_ms"), ms(r["latency"], "p95_ms"), ms(r["latency"], "p99_ms"),
                        ms(r["latency"], "max_ms"), r["missing"], f"{100 * r['bot_cpu_share']:.0f} %",
                        f"{r['bot_cpu_ms_per_update']:.2f}",
                    ]
                    for name, r in paced.items()
                ],
            )
        )
    sampled = {
        k.removesuffix(" profil échantillons"): v for k, v in phases.items() if "layer_cpu_ms_per_update" in v
    }
    if sampled:
        layers = sorted(
            {layer for r in sampled.values() for layer in r["layer_cpu_ms_per_update"]},
            key=lambda layer: -max(r["layer_cpu_ms_per_update"].get(layer, 0) for r in sampled.values()),
        )
        print("\n== Où va le CPU du robot (profil par échantillons, ms CPU par mise à jour) ==")
        print(
            table(
                ["couche", *sampled],
                [
                    [layer, *(f"{r['layer_cpu_ms_per_update'].get(layer, 0):.2f}" for r in sampled.values())]
                    for layer in layers
                ]
                + [
                    [
                        "total (sous profilage)",
                        *(f"{r['bot_cpu_ms_per_update']:.2f}" for r in sampled.values()),
                    ]
                ],
            )
        )
    if found.get("one_process"):
        print(
            "\n(--one-process : « CPU robot » et « CPU pilote » sont le même processus, faux serveurs compris.)"
        )
    print(
        "\nLatence = de l'arrivée de la mise à jour au robot (début du POST ; en polling, sa mise en file au faux "
        "Bot API) à l'arrivée de la réponse au faux serveur. Accusé = réponse HTTP au POST (Slack : < 3 s). "
        "CPU robot = temps CPU du processus du robot / durée ; CPU pilote = celui du processus des faux serveurs."
    )
    core = found.get("core")
    if core:
        print(f"\n== Le cœur sans plateforme : {core['questions']} questions « /qui », une à la fois ==")
        print(
            table(
                ["étape", "n", "moy. ms", "p50 ms", "p95 ms", "max ms", "CPU ms (fil)"],
                [
                    [
                        step,
                        r["n"],
                        f"{r['wall_mean_ms']:.2f}",
                        f"{r['wall_p50_ms']:.2f}",
                        f"{r['wall_p95_ms']:.2f}",
                        f"{r['wall_max_ms']:.2f}",
                        f"{r['thread_cpu_mean_ms']:.2f}",
                    ]
                    for step, r in core["steps"].items()
                ],
            )
        )
        together = core["concurrent_dispatch"]
        print(
            f"Gestionnaire entier, {together['concurrency']} questions à la fois : {together['per_s']:.0f} questions/s, "
            f"{together['cpu_ms_per_question']:.2f} ms CPU (processus) par question. "
            "CPU (fil) = temps CPU du fil de la boucle ; le reste de la durée attend SQLite (fil d'aiosqlite)."
        )
    problems = []
    for name, r in phases.items():
        if r.get("complete") is False or r.get("incomplete_rounds"):
            problems.append(f"{name} : {r['handled']} réponses sur {r['updates']} avant le délai")
        if r["apologies"]:
            problems.append(f"{name} : {r['apologies']} réponses « Désolé, une erreur… »")
        if r["failed_posts"]:
            problems.append(
                f"{name} : {r['failed_posts']} POST refusés ou échoués ({r['first_failed_posts']})"
            )
        if r["bot_warnings"]:
            problems.append(
                f"{name} : {r['bot_warnings']} avertissements du robot, dont {r['first_bot_warnings']}"
            )
    if found["stray_answers"]:
        problems.append(f"{found['stray_answers']} réponses en trop (tardives ou en plusieurs parties)")
    for problem in problems:
        print(f"Attention : {problem}")


def versions() -> dict[str, str]:
    found = {}
    for name in (
        "python-telegram-bot",
        "slack_bolt",
        "slack_sdk",
        "aiohttp",
        "SQLAlchemy",
        "aiosqlite",
    ):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "?"
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--updates", type=int, default=2000, help="mises à jour par mesure de débit (webhook, Slack)"
    )
    parser.add_argument("--chats", type=int, default=50, help="conversations qui demandent en même temps")
    parser.add_argument("--rounds", type=int, default=20, help="tours de la mesure de latence")
    parser.add_argument(
        "--solo-rounds",
        type=int,
        default=20,
        help="tours de latence à vide, une conversation à la fois (0 : pas de mesure à vide)",
    )
    parser.add_argument(
        "--polling-updates",
        type=int,
        default=1000,
        help="mises à jour de la mesure de débit en long polling (0 : pas de long polling)",
    )
    parser.add_argument(
        "--paced-seconds", type=float, default=20.0,
        help="durée de la mesure au rythme des gens (0 : pas de mesure)",
    )
    parser.add_argument(
        "--think", type=float, default=1.0,
        help="temps moyen (s) entre une réponse et la question suivante d'une même conversation",
    )
    parser.add_argument("--polling-rounds", type=int, default=10, help="tours de latence en long polling")
    parser.add_argument("--connections", type=int, default=64, help="POST en vol au plus pendant le débit")
    parser.add_argument("--warmup", type=int, default=50, help="mises à jour d'échauffement, non comptées")
    parser.add_argument(
        "--core",
        type=int,
        default=300,
        help="questions du coût par étape, sans plateforme (0 : ne pas le mesurer)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="secondes d'attente des réponses, par mesure"
    )
    parser.add_argument(
        "--platforms", default="telegram,slack", help="plateformes à mesurer : telegram, slack"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profiler (cProfile) le processus du robot sur une mesure de débit de plus",
    )
    parser.add_argument(
        "--profile-updates", type=int, default=1000, help="mises à jour de la mesure profilée"
    )
    parser.add_argument(
        "--one-process",
        action="store_true",
        help="robot, faux serveurs et charge dans un seul processus et une seule boucle",
    )
    options = parser.parse_args(argv)

    meta = {
        "python": platform.python_version(),
        "cpus": psutil.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "machine": platform.machine(),
        "one_process": options.one_process,
        "versions": versions(),
        "options": vars(options),
    }
    print(
        f"Passerelle — banc d'essai des plateformes ({platform.python_version()}, {psutil.cpu_count()} cœurs, "
        f"{platform.machine()}, SQLite {sqlite3.sqlite_version})"
    )
    print("Bibliothèques : " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()))
    print(
        "Un seul processus pour tout (--one-process)"
        if options.one_process
        else "Le robot dans un processus ; les faux serveurs et la charge dans un autre (127.0.0.1)"
    )
    meta["load_before"] = os.getloadavg()[0]
    print(
        f"Charge de la machine au départ : {meta['load_before']:.2f} (moyenne sur 1 min ; d'autres processus "
        "qui calculent faussent les chiffres)"
    )
    started = time.perf_counter()
    if options.one_process:
        found = eventloop.run(drive(options, BotSide(), lambda line: print(line, flush=True)))
    else:
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        child = context.Process(target=bot_process, args=(theirs,), name="passerelle-robot", daemon=True)
        child.start()
        theirs.close()
        try:
            found = eventloop.run(
                drive(options, Remote(ours, options.timeout + 60), lambda line: print(line, flush=True))
            )
        finally:
            ours.close()
            child.join(30)
            if child.is_alive():
                child.terminate()
                child.join(5)
    found["one_process"] = options.one_process
    report(found)
    meta["load_after"] = os.getloadavg()[0]
    print(
        f"\nDurée totale : {time.perf_counter() - started:.0f} s ; charge de la machine à la fin : "
        f"{meta['load_after']:.2f} (dont ce banc : jusqu'à ~2)"
    )

    profiles = [r.pop("profile") for r in found["phases"].values() if "profile" in r]
    if profiles:
        text = "\n".join(profiles)
        print(text)
        PROFILE.parent.mkdir(parents=True, exist_ok=True)
        PROFILE.write_text(text, encoding="utf-8")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"meta": meta, **found}, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"Chiffres écrits dans {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
