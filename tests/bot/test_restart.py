"""A sweeper killed with SIGKILL while it sends, then started again, several times: every reminder
reaches every chat, and nothing arrives twice but the one message in flight at each kill."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import migrations
from directory.private_chats import remember_private_chat
from scheduler.reminders import CLAIM_TIMEOUT
from tests.bot.fake_outbox import TORONTO, add_event, emptied, yes

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)
STARTS = dt.datetime(2026, 10, 22, 17, 0, tzinfo=TORONTO).astimezone(dt.UTC)
EVENTS, PEOPLE = 10, 3
DELAY = 0.01  # seconds per message on the fake platform, so that a kill lands while sending


async def sweeper(url: str, log: Path, now: dt.datetime) -> asyncio.subprocess.Process:
    """Start a sweeper process at ``now``, one message in flight at a time."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bot.sweeper_process", url, str(log), now.isoformat(), "--delay", str(DELAY),
        "--concurrency", "1", cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def received(log: Path) -> list[tuple[str, str]]:
    """What the fake platform received so far: (chat, text), in order."""
    if not log.exists():
        return []
    return [(m["chat"], m["text"]) for m in map(json.loads, log.read_text().splitlines())]


async def kill_after(process: asyncio.subprocess.Process, log: Path, messages: int) -> None:
    """Kill ``process`` with SIGKILL once the platform received ``messages`` messages in all."""
    async with asyncio.timeout(60):
        while len(received(log)) < messages:
            assert process.returncode is None, "the sweeper ended before the kill"
            await asyncio.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    assert await process.wait() == -signal.SIGKILL


async def test_a_sweeper_killed_while_sending_and_restarted_loses_nothing_and_repeats_at_most_one(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/passerelle.db"
    await asyncio.to_thread(migrations.upgrade, url)
    async with emptied(url) as sessions:
        for n in range(EVENTS):
            await add_event(sessions, STARTS, T0, channels=(("telegram", f"-100{n}", None),),
                            answers=tuple(yes("telegram", f"{n}0{p}") for p in range(PEOPLE)),
                            title=f"5-à-7 numéro {n}", reminder_offsets="P7D")
            for p in range(PEOPLE):  # each wrote to the bot privately, so that reminders may reach them
                await remember_private_chat(sessions, "telegram", f"{n}0{p}", T0)
    log, now = tmp_path / "sent.jsonl", STARTS - dt.timedelta(days=7)
    kills = (5, 23)
    for messages in kills:
        await kill_after(await sweeper(url, log, now), log, messages)
        now += CLAIM_TIMEOUT  # the next one starts once the claims of the killed one ran out
    last = await sweeper(url, log, now)
    async with asyncio.timeout(60):
        assert await last.wait() == 0
    counts = Counter(received(log))
    assert len(counts) == EVENTS * (1 + PEOPLE)  # every chat got its reminder
    assert sum(counts.values()) - len(counts) <= len(kills)  # a repeat at most per kill: the one in flight
