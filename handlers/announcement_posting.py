"""Posting due announcements: each due one is claimed by one producer, and in one transaction its
message is put in the outbox for every channel and it moves to its next occurrence (the rule for
occurrences missed while the bot was down is in ``scheduler.announcements``)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.announcement_views import to_french_moment
from handlers.choices import ChoiceCache
from handlers.context import Context
from handlers.messages import Reply
from handlers.payloads import to_payload
from handlers.texts import texts_for
from scheduler.announcements import advance, claim_due, claimed, plan_posting, to_schedule
from scheduler.outbox import enqueue
from scheduler.reminders import ON_TIME, to_french_delay

log = logging.getLogger(__name__)


async def enqueue_due_announcements(context: Context, now: dt.datetime) -> int:
    """Put the messages of every due announcement in the outbox; how many messages were added."""
    return await enqueue_due(context.sessions, now, choices=context.choices, language=context.language)


async def enqueue_due(
    sessions: async_sessionmaker[AsyncSession], now: dt.datetime, *, choices: ChoiceCache, language: str,
    limit: int = 50,
) -> int:
    """``enqueue_due_announcements`` with its services given one by one; each chat's message in its language."""
    added = 0
    for announcement_id in await claim_due(sessions, now, limit):
        added += await _post(sessions, announcement_id, now, choices, language)
    return added


async def _post(
    sessions: async_sessionmaker[AsyncSession], announcement_id: uuid.UUID, now: dt.datetime,
    choices: ChoiceCache, language: str,
) -> int:
    """Enqueue one claimed announcement's messages and move it on, all in one transaction."""
    added = 0
    async with sessions() as session, session.begin():
        found = await claimed(session, announcement_id)
        if found is None:  # paused, cancelled or changed since it was claimed
            return 0
        row, channels = found
        posting = plan_posting(row.due_at, to_schedule(row), now)
        if posting.occurrence is None:
            log.info("announcement %s: occurrence of %s skipped, too late", row.id, posting.missed.isoformat())
        else:
            for channel in channels:
                chosen = await choices.choices(sessions, channel.platform, channel.chat_id, now)
                text = _message(row.text, posting.occurrence, ZoneInfo(row.zone), now, chosen.language or language)
                key = f"announcement:{row.id}:{posting.occurrence.isoformat()}:{channel.platform}:{channel.chat_id}"
                if await enqueue(session, channel.platform, channel.chat_id, channel.thread_id,
                                 to_payload(Reply(text)), now, topic=f"announcement:{row.id}", dedupe_key=key):
                    added += 1
        advance(row, posting.next_due, now)
    return added


def _message(text: str, occurrence: dt.datetime, zone: ZoneInfo, now: dt.datetime, language: str) -> str:
    """The announcement's text, saying its delay when it goes out late."""
    if now - occurrence <= ON_TIME:
        return text
    t = texts_for(language)
    return text + "\n\n" + t("(Annonce prévue le {moment}, publiée avec {delay} de retard.)",
                             moment=to_french_moment(occurrence, zone, now), delay=to_french_delay(now - occurrence))
