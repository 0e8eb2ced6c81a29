"""The weekly digest: on Monday from 9 h (network zone), each coordinator gets one direct message per
table they coordinate, with the decisions still waiting to be relayed; a table with none is skipped.

Each digest is written once per week across restarts and processes: its outbox row carries the
dedupe key ``digest:<table id>:<ISO year-week>``. The producer runs on every sweep but reads the
database once per week per process: ``Context.digest_week`` remembers the week already done. A
bot that was down on Monday morning writes the week's digests when it comes back, the same week.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Reply
from handlers.payloads import to_payload
from handlers.reachability import reachable_among
from handlers.suivi_views import export_button, to_table_view
from handlers.texts import texts_for
from scheduler.followup_status import all_tables, decision_statuses
from scheduler.outbox import enqueue

log = logging.getLogger(__name__)
SEND_FROM = dt.time(9)  # on Monday, local time


def due_week(now: dt.datetime, zone: ZoneInfo) -> str | None:
    """The ISO week ("2026-W48") whose digests are due at ``now``: this week's from Monday 9 h;
    None on Monday before 9 h, when last week's are done and this week's not due yet."""
    local = now.astimezone(zone)
    if local.weekday() == 0 and local.time() < SEND_FROM:
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


async def enqueue_weekly_digests(context: Context, now: dt.datetime) -> int:
    """Write the week's digests to the outbox once it is due (once per process and per week); how many."""
    week = due_week(now, context.timezone)
    if week is None or context.digest_week == week:
        return 0
    written = await _write_digests(context, week, now)
    context.digest_week = week
    return written


async def _write_digests(context: Context, week: str, now: dt.datetime) -> int:
    today = now.astimezone(context.timezone).date()
    written = 0
    async with context.sessions.begin() as session:
        for table in await all_tables(session):
            decisions = await decision_statuses(session, table.id, today, open_only=True)
            if not decisions:
                continue
            coordinator = (table.coordinator_platform, table.coordinator_user_id)
            if not await reachable_among(session, [coordinator], known=context.private_chats):
                log.info("weekly digest of table %s skipped: its coordinator never wrote to the bot", table.id)
                continue
            chosen = await context.choices.choices(context.sessions, *coordinator, now)
            t = texts_for(chosen.language or context.language)
            title = t("**Suivi de la semaine — {table}**\nLes décisions encore à relayer :", table=escape(table.name))
            reply = Reply(to_table_view(t, decisions, today, title=title), buttons=(export_button(t, table),))
            written += await enqueue(
                session, *coordinator, None, to_payload(reply), now,
                topic=f"digest:{table.id}", dedupe_key=f"digest:{table.id}:{week}",
            )
    return written
