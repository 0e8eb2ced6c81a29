"""The one scheduler job: twice a second, due rows become outbox messages and due messages go out.

``Sweep.run(now)`` is one pass, a plain function of the time: directory changes made by other
processes are followed (``handlers.directory_sync``), the due producers (reminders, then
the ones wiring adds, like announcements) write outbox rows, recurring events get their reminders
written further as the horizon moves, then the due outbox rows are sent until none is left.
``sweeping`` runs it under APScheduler (one interval job, one instance at a time, late runs
coalesced) for as long as the bot runs, and lets the pass in progress finish when it stops. A
tick that finds the previous pass still running is skipped, as intended: APScheduler's warning
about it is logged at debug level only (``QuietSkips``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.sending import OutboxSender
from handlers.context import Context
from handlers.directory_sync import follow_directory
from handlers.due import enqueue_due_reminders
from handlers.reachability import flush_private_chats
from scheduler.reminders import extend_schedules

log = logging.getLogger(__name__)
Producer = Callable[[Context, dt.datetime], Awaitable[int]]
EVERY = 0.5  # seconds between passes (half of it is the average wait of a message falling due)
MISFIRE_GRACE = 30  # seconds a pass may start late (the loop was busy) rather than be dropped
STOP_WAIT = 30.0  # seconds given to the pass in progress to finish when the bot stops
SKIPPED = "maximum number of running instances reached"  # APScheduler's words for a tick skipped


@dataclass(frozen=True, slots=True)
class Swept:
    """What one pass did: outbox messages written by producers, reminders written ahead, messages delivered."""

    produced: int
    scheduled: int
    delivered: int


@dataclass(slots=True)
class Sweep:
    """One pass over everything due: ``producers`` after the reminders, then the outbox."""

    context: Context
    sender: OutboxSender
    producers: Sequence[Producer] = ()

    async def run(self, now: dt.datetime) -> Swept:
        """Produce, schedule further, then send what is due at ``now``; a step that fails is logged
        and the next ones still run."""
        await self._step("flush_private_chats", flush_private_chats(self.context))  # read below
        await self._step("follow_directory", follow_directory(self.context))
        produced = 0
        for producer in (enqueue_due_reminders, *self.producers):
            produced += await self._step(producer.__name__, producer(self.context, now))
        scheduled = await self._step("extend_schedules", extend_schedules(self.context.sessions, now))
        delivered = await self._step("send_due", self.sender.send_due(now))
        return Swept(produced, scheduled, delivered)

    @staticmethod
    async def _step(name: str, step: Awaitable[int]) -> int:
        try:
            return await step
        except Exception:
            log.exception("sweep step %s failed", name)
            return 0


class QuietSkips(logging.LoggerAdapter[logging.Logger]):
    """APScheduler's logger, with the warning about a tick skipped while the previous pass still
    runs lowered to debug: with one instance at a time, a long pass skips ticks by design."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        """Log as the wrapped logger does, a skipped tick at debug level."""
        if level == logging.WARNING and SKIPPED in str(msg):
            level = logging.DEBUG
        super().log(level, msg, *args, **kwargs)


@asynccontextmanager
async def sweeping(sweep: Sweep, every: float = EVERY) -> AsyncIterator[AsyncIOScheduler]:
    """Run ``sweep`` every ``every`` seconds (a first pass at once) while the block runs; on the
    way out, no new pass starts and the one in progress may finish."""
    idle = asyncio.Event()
    idle.set()

    async def tick() -> None:
        idle.clear()
        try:
            await sweep.run(sweep.context.clock())
        finally:
            idle.set()

    scheduler = AsyncIOScheduler(timezone=dt.UTC, logger=QuietSkips(logging.getLogger("apscheduler.scheduler")))
    scheduler.add_job(
        tick, "interval", seconds=every, id="sweep", max_instances=1, coalesce=True,
        misfire_grace_time=MISFIRE_GRACE, next_run_time=dt.datetime.now(dt.UTC),
    )
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.pause()
        try:
            await asyncio.wait_for(idle.wait(), STOP_WAIT)
        except TimeoutError:
            log.warning("the sweep in progress did not finish within %g s", STOP_WAIT)
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # the shutdown runs on the loop


async def sweep_until(sweep: Sweep, stop: asyncio.Event, every: float = EVERY) -> None:
    """Run ``sweep`` every ``every`` seconds until ``stop`` is set."""
    async with sweeping(sweep, every):
        await stop.wait()
