"""Due reminders turned into outbox messages: one post to each channel of the event and one direct
message to each person who said "J'y serai" (and is not on the waiting list) and whom the bot may
write to privately (``handlers.reachability``: on Telegram, who once wrote to it privately).

Each claimed reminder is settled in the same transaction that writes its messages, so either
both happen or neither does. A sweeper stopped between the claim and that transaction leaves
the reminder claimed; once the claim runs out another sweep takes it again and sends it (late,
saying the delay, or skipped by the lateness rule of ``scheduler.reminders``). The dedupe key
of each message (reminder, platform, chat) keeps any retry from writing it twice.
A direct message goes to the person's user id: a Telegram private chat has the user's id, and
Slack opens the direct conversation when a message is posted to a user id.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from handlers.context import Context
from handlers.payloads import to_payload
from handlers.reachability import reachable_among
from handlers.reminder_texts import to_reminder
from handlers.texts import texts_for
from scheduler import outbox, reminders
from scheduler.events import YES, Event, EventChannel, Rsvp
from scheduler.reminders import Due

BATCH = 50


def reminder_topic(event: Event) -> str:
    """The outbox topic of an event's reminders in its channels."""
    return f"event:{event.id}:reminder"


async def enqueue_due_reminders(context: Context, now: dt.datetime, batch: int = BATCH) -> int:
    """Claim every due reminder and write its messages to the outbox; the number of messages written."""
    written = 0
    while claimed := await reminders.claim_due(context.sessions, now, batch):
        for due in claimed:
            written += await enqueue_reminder(context, due, now)
    return written


async def enqueue_reminder(context: Context, due: Due, now: dt.datetime) -> int:
    """Write the messages of one claimed reminder and settle it, in one transaction; the number of
    messages written (none when the reminder was cancelled meanwhile or already sent)."""
    t = texts_for(context.language)
    async with context.sessions.begin() as session:
        if not await reminders.settle_in(session, due.id, now):
            return 0
        event = await session.get(Event, due.event_id)
        if event is None:
            return 0
        channels = (await session.scalars(select(EventChannel).where(EventChannel.event_id == event.id))).all()
        coming = (
            await session.execute(
                select(Rsvp.platform, Rsvp.user_id)
                .where(Rsvp.event_id == event.id, Rsvp.answer == YES, Rsvp.position.is_(None))
                .order_by(Rsvp.answered_at)
            )
        ).all()
        payload = to_payload(to_reminder(t, event, due, len(coming), now))
        written = 0
        for channel in channels:
            written += await outbox.enqueue(
                session, channel.platform, channel.chat_id, channel.thread_id, payload, now,
                topic=reminder_topic(event), dedupe_key=f"reminder:{due.id}:{channel.platform}:{channel.chat_id}",
            )
        for platform, user_id in await reachable_among(session, coming, known=context.private_chats):
            written += await outbox.enqueue(
                session, platform, user_id, None, payload, now,
                dedupe_key=f"reminder:{due.id}:{platform}:{user_id}",
            )
        return written
