"""Scheduler benchmark: 100 000 pending reminders, a busy moment falling due, the real clock.

    python bench/scheduler.py [--pending 100000] [--due 300] [--window 40] [--backends sqlite,postgresql]

Prints figures, asserts nothing. For each back end, a freshly migrated database gets ``--pending``
pending reminders (H-2 reminders of one-shot events, one channel and two people coming each):
``--due`` of them fall due during the ``--window`` seconds measured, spread evenly (a Thursday
17 h rush), the others over the next 60 days. Then the sweep runs as ``passerelle run`` runs it
(``bot.scheduling.sweeping``: the APScheduler job, the reminders fanned out to the outbox, the
outbox sent) on the real clock, through an in-memory ``Outbox`` that notes when each message
arrives. Figures:

- **passe** — time of each sweep pass (p50 / p95 / max) and the number of passes;
- **retard** — delivery lag between a reminder's due time and the in-memory ``Outbox`` receiving
  each of its messages (p50 / p95 / max; target p95 <= 1 s);
- **mémoire** — resident memory of the process at the end (psutil RSS);
- **redémarrage** — time to ready after a restart: building the bot on the full database
  (``bot.wiring.build``: migrations checked, search built) plus its first sweep pass.

SQLite is a file in a temporary folder; PostgreSQL a throwaway cluster started like
``tests/postgres.py`` does, or skipped with a note when ``initdb`` is missing.
Figures also go to ``bench/results/scheduler.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import migrations
from bench.importing import postgres
from bot.scheduling import Sweep, Swept, sweeping
from bot.sending import OutboxSender
from bot.settings import Settings
from bot.wiring import build
from directory.private_chats import PrivateChat
from handlers.messages import ChatRef, Reply
from scheduler.events import PENDING, YES, Event, EventChannel, Reminder, Rsvp

RESULTS = ROOT / "bench" / "results" / "scheduler.json"
HORIZON_DAYS = 60
START_DELAY = 2.0  # seconds between the end of the set-up and the first reminder due
OFFSET = dt.timedelta(hours=2)
CHUNK = 5000


class Stamping:
    """An in-memory ``Outbox`` noting the real time each message arrives, by chat."""

    def __init__(self) -> None:
        self.arrived: list[tuple[str, float]] = []

    async def post(self, chat: ChatRef, reply: Reply) -> str | None:
        self.arrived.append((chat.chat_id, time.time()))
        return str(len(self.arrived))

    async def edit(self, chat: ChatRef, ref: str, reply: Reply) -> None:
        self.arrived.append((chat.chat_id, time.time()))


class Timed:
    """A sweep whose passes are timed."""

    def __init__(self, sweep: Sweep) -> None:
        self.sweep, self.context = sweep, sweep.context
        self.passes: list[float] = []

    async def run(self, now: dt.datetime) -> Swept:
        started = time.perf_counter()
        swept = await self.sweep.run(now)
        self.passes.append(time.perf_counter() - started)
        return swept


def fill(url: str, numbers: range, due_at_of: Callable[[int], dt.datetime]) -> dict[str, dt.datetime]:
    """Write events ``numbers`` with their channel, two people coming (who once wrote to the bot
    privately) and an H-2 reminder due at
    ``due_at_of(number)``; the due time of each chat their reminders go to."""
    engine = migrations.sync_engine(url)
    now = dt.datetime.now(dt.UTC)
    due_by_chat: dict[str, dt.datetime] = {}
    try:
        with engine.begin() as connection:
            for start in range(numbers.start, numbers.stop, CHUNK):
                events, channels, answers, reminders, reachable = [], [], [], [], []
                for n in range(start, min(start + CHUNK, numbers.stop)):
                    due_at = due_at_of(n)
                    event_id, occurrence = uuid.uuid4(), due_at + OFFSET
                    events.append({"id": event_id, "title": f"5-à-7 {n}", "kind": "5-à-7", "starts_at": occurrence,
                                   "zone": "America/Toronto", "place": "Café l'Entre-Deux", "description": "",
                                   "skip_holidays": False, "status": "scheduled", "sequence": 0,
                                   "reminder_offsets": "PT2H", "created_by": "telegram:1", "created_at": now})
                    channels.append({"event_id": event_id, "platform": "telegram", "chat_id": f"-100{n}",
                                     "thread_id": None})
                    for person in (1, 2):
                        answers.append({"event_id": event_id, "platform": "telegram", "user_id": f"{n}0{person}",
                                        "answer": YES, "position": None, "answered_at": now, "display_name": ""})
                        # they once wrote to the bot privately: Telegram lets it write to them
                        reachable.append({"platform": "telegram", "user_id": f"{n}0{person}", "since": now})
                    reminders.append({"id": uuid.uuid4(), "event_id": event_id, "occurrence_start": occurrence,
                                      "offset": "PT2H", "due_at": due_at, "status": PENDING})
                    for chat in (f"-100{n}", f"{n}01", f"{n}02"):
                        due_by_chat[chat] = due_at
                connection.execute(Event.__table__.insert(), events)
                connection.execute(EventChannel.__table__.insert(), channels)
                connection.execute(Rsvp.__table__.insert(), answers)
                connection.execute(Reminder.__table__.insert(), reminders)
                connection.execute(PrivateChat.__table__.insert(), reachable)
    finally:
        engine.dispose()
    return due_by_chat


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95 and max of ``values`` (zeros when empty)."""
    if not values:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0}
    ordered = sorted(values)
    return {"p50": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            "max": ordered[-1]}


async def measure(url: str, pending: int, due: int, window: float) -> dict[str, Any]:
    """Fill the database, sweep through the window on the real clock, then time a restart."""
    started = time.perf_counter()
    await asyncio.to_thread(migrations.upgrade, url)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    spread = dt.timedelta(days=HORIZON_DAYS) / max(pending - due, 1)
    await asyncio.to_thread(fill, url, range(due, pending), lambda n: later + spread * (n - due))
    filled = time.perf_counter() - started
    settings = Settings(database_url=url)  # type: ignore[call-arg]
    running = await build(settings, say=lambda _line: None, sample_if_empty=False)
    # the rush is written last, so that it falls due after the set-up, while the sweep runs
    first = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=START_DELAY)
    step = dt.timedelta(seconds=window) / max(due, 1)
    due_by_chat = await asyncio.to_thread(fill, url, range(due), lambda n: first + step * n)
    stamping = Stamping()
    context = running.context
    timed = Timed(Sweep(context, OutboxSender(context.sessions, {"telegram": stamping}, context.clock)))
    try:
        async with sweeping(timed):  # type: ignore[arg-type]
            end = first + dt.timedelta(seconds=window + 3)
            while dt.datetime.now(dt.UTC) < end or len(stamping.arrived) < len(due_by_chat):
                await asyncio.sleep(0.2)
                if dt.datetime.now(dt.UTC) > end + dt.timedelta(seconds=30):
                    break
    finally:
        await running.close()
    rss = psutil.Process().memory_info().rss / 2**20
    lags = [at - due_by_chat[chat].timestamp() for chat, at in stamping.arrived if chat in due_by_chat]
    started = time.perf_counter()
    restarted = await build(settings, say=lambda _line: None, sample_if_empty=False)
    built = time.perf_counter() - started
    try:
        context = restarted.context
        sweep = Sweep(context, OutboxSender(context.sessions, {"telegram": Stamping()}, context.clock))
        await sweep.run(context.clock())
        ready = time.perf_counter() - started
    finally:
        await restarted.close()
    return {
        "pending": pending, "due_in_window": due, "window_s": window, "fill_s": filled,
        "messages_expected": len(due_by_chat), "messages_received": len(stamping.arrived),
        "passes": len(timed.passes), "pass_s": percentiles(timed.passes), "lag_s": percentiles(lags),
        "rss_mib": rss, "restart_build_s": built, "restart_ready_s": ready,
    }


def show(backend: str, figures: dict[str, Any]) -> None:
    """Print one back end's figures."""
    passes, lag = figures["pass_s"], figures["lag_s"]
    print(f"\n{backend} — {figures['pending']:,} rappels en attente, {figures['due_in_window']:,} dus en "
          f"{figures['window_s']:g} s (base remplie en {figures['fill_s']:.1f} s)".replace(",", " "))
    print(f"  messages reçus    {figures['messages_received']} / {figures['messages_expected']}")
    print(f"  passe             {figures['passes']} passes, p50 {passes['p50'] * 1000:.1f} ms, "
          f"p95 {passes['p95'] * 1000:.1f} ms, max {passes['max'] * 1000:.1f} ms")
    print(f"  retard            p50 {lag['p50']:.3f} s, p95 {lag['p95']:.3f} s, max {lag['max']:.3f} s "
          f"(cible p95 <= 1 s)")
    print(f"  mémoire           {figures['rss_mib']:.0f} Mio (RSS)")
    print(f"  redémarrage       {figures['restart_ready_s']:.2f} s jusqu'à prêt "
          f"(construction {figures['restart_build_s']:.2f} s + première passe)")


async def main() -> None:
    parser = argparse.ArgumentParser(description="Mesures du balayage des rappels.")
    parser.add_argument("--pending", type=int, default=100_000, help="rappels en attente")
    parser.add_argument("--due", type=int, default=300, help="rappels dus pendant la fenêtre mesurée")
    parser.add_argument("--window", type=float, default=40.0, help="secondes mesurées")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite, postgresql ou les deux")
    arguments = parser.parse_args()
    backends = [b.strip() for b in arguments.backends.split(",") if b.strip()]
    results: dict[str, Any] = {"machine": platform.platform(), "cpus": psutil.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-") as folder:
        if "sqlite" in backends:
            results["sqlite"] = await measure(f"sqlite:///{folder}/scheduler.db", arguments.pending, arguments.due,
                                              arguments.window)
            show("SQLite", results["sqlite"])
        with postgres() if "postgresql" in backends else nullcontext(None) as new_database:
            if "postgresql" in backends and new_database is None:
                print("\nPostgreSQL : initdb / pg_ctl introuvables, installez postgresql pour le mesurer")
            elif new_database is not None:
                results["postgresql"] = await measure(new_database("scheduler"), arguments.pending, arguments.due,
                                                      arguments.window)
                show("PostgreSQL", results["postgresql"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"\nRésultats : {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
