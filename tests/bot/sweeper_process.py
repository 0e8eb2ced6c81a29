"""A sweeper in a process of its own, for the restart tests: it sweeps the database at a fixed
instant, sending through a fake platform that takes ``--delay`` seconds per message and writes each
one as a JSON line to a file, and exits once a pass finds nothing left to do.

    python -m tests.bot.sweeper_process sqlite:////tmp/x.db /tmp/sent.jsonl 2026-10-15T21:00:00+00:00
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from pathlib import Path

from bot.scheduling import Sweep, Swept
from bot.sending import OutboxSender
from directory.db import create_engine, session_factory
from tests.bot.fake_outbox import Clock, FakeOutbox, to_context


async def main(url: str, log: Path, now: dt.datetime, delay: float, concurrency: int) -> None:
    """Sweep at ``now`` until nothing is left."""
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        platform = FakeOutbox(log=log, delay=delay)
        context = to_context(sessions, Clock(now))
        sender = OutboxSender(sessions, {"telegram": platform}, context.clock, concurrency=concurrency, batch=8)
        sweep = Sweep(context, sender)
        while await sweep.run(now) != Swept(0, 0, 0):
            pass
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("log", type=Path)
    parser.add_argument("now", type=dt.datetime.fromisoformat)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--concurrency", type=int, default=1)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url, arguments.log, arguments.now, arguments.delay, arguments.concurrency))
