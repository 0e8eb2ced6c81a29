"""Following the directory's change log, so that a change made through another process (another bot
behind the same PostgreSQL, an import from the command line) shows in this one's answers within a
sweep. Changes made here are refreshed at once by the editing commands; seeing them again is harmless.

The log is read a few seconds back each time (``LOOKBACK``): a change written just before another
but committed after it is still seen. Services to refresh are taken ``BATCH`` at a time, so that a
large import is caught up over several sweeps without holding the bot up.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory import audit
from directory.editable import ORGANIZATION, SERVICE
from directory.models import Service
from handlers.context import Context
from handlers.synonym_commands import RESOURCE as SYNONYM
from handlers.synonym_commands import reload

LOOKBACK = dt.timedelta(seconds=5)
EMPTY_LOG = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # where following an empty log starts
BATCH = 500  # services refreshed in one sweep


async def log_position(sessions: async_sessionmaker[AsyncSession]) -> dt.datetime:
    """The date of the newest change in the log: read it before building the search from the
    database, and follow from there."""
    async with sessions() as session:
        return await audit.newest_change(session) or EMPTY_LOG


async def follow_directory(context: Context) -> int:
    """Refresh what changed in the log since last time; the number of records seen changed."""
    follower = context.follower
    seen = follower.seen
    if seen is None:
        follower.seen = follower.floor = await log_position(context.sessions)
        return 0
    since = max(seen - LOOKBACK, follower.floor) if follower.floor else seen - LOOKBACK
    async with context.sessions() as session:
        changes = await audit.changes_after(session, since)
        fresh = [(kind, record, at) for kind, record, at in changes
                 if record not in follower.applied or follower.applied[record] < at]
        organizations = [record for kind, record, _ in fresh if kind == ORGANIZATION]
        services = [record for kind, record, _ in fresh if kind == SERVICE]
        if organizations:
            services += await session.scalars(select(Service.id).where(Service.organization_id.in_(organizations)))
    for _, record, at in fresh:
        follower.applied[record] = at
    if changes:
        seen = follower.seen = max(seen, changes[-1][2])
    horizon = seen - LOOKBACK
    follower.applied = {record: at for record, at in follower.applied.items() if at > horizon}
    follower.pending.update(dict.fromkeys(services))
    batch = list(follower.pending)[:BATCH]
    for record in batch:
        del follower.pending[record]
    if batch:
        await context.search.refresh(context.sessions, batch)
    if any(kind == SYNONYM for kind, _, _ in fresh):
        await reload(context)
    return len(fresh)
