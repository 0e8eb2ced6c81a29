"""Due follow-ups turned into outbox messages: the reminder to bring a decision back to the team, or,
at the end of the cadence (``scheduler.followups``), the coordinator told who has not relayed it.

A reminder goes privately to the member's representative (on Telegram only to someone who once
wrote to the bot privately, ``handlers.reachability``) and to the team's channel when one is
linked. When neither can be reached, the coordinator is told once per representative, and the
cadence still runs so that the escalation names the organization in due time. Each claimed
follow-up is settled in the transaction that writes its messages, and every message has a dedupe
key (follow-up, stage, platform, chat), so a retried sweep never writes one twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember
from handlers.context import Context
from handlers.followup_texts import followup_topic, to_escalation, to_reminder, to_unreachable
from handlers.payloads import to_payload
from handlers.reachability import reachable_among
from handlers.table_notices import tell_coordinator
from handlers.texts import Texts, texts_for
from scheduler import followups
from scheduler.followups import CLOSED, LEFT, Decision, DueFollowup, Followup, FollowupLog, History
from scheduler.outbox import enqueue

BATCH = 50


async def enqueue_due_followups(context: Context, now: dt.datetime, batch: int = BATCH) -> int:
    """Claim every due follow-up and write its reminder or escalation; the number of messages written."""
    written = 0
    while claimed := await followups.claim_due(context.sessions, now, batch):
        for due in claimed:
            written += await follow_up(context, due, now)
    return written


async def follow_up(context: Context, due: DueFollowup, now: dt.datetime) -> int:
    """Write the messages of one claimed follow-up and settle it, in one transaction; how many were
    written (none when it was answered meanwhile)."""
    async with context.sessions.begin() as session:
        followup = await followups.take_claimed(session, due.id)
        if followup is None:
            return 0
        decision = await session.get(Decision, followup.decision_id)
        member = await session.get(TableMember, followup.member_id)
        table = await session.get(ConcertationTable, decision.table_id) if decision is not None else None
        if decision is None or table is None or member is None or member.left_at is not None:
            followup.status, followup.due_at = CLOSED, None  # nobody left to remind for it
            session.add(FollowupLog(followup_id=followup.id, at=now, kind=LEFT))
            return 0
        history = (await followups.histories(session, [followup.id]))[followup.id]
        t = texts_for(context.language)
        if followups.escalation_due(followup, history):
            return await _escalate(session, context, t, decision, table, followup, now)
        return await _remind(session, context, t, (decision, table, member), followup, history, now)


async def _remind(
    session: AsyncSession, context: Context, t: Texts, about: tuple[Decision, ConcertationTable, TableMember],
    followup: Followup, history: History, now: dt.datetime,
) -> int:
    decision, table, member = about
    today = now.astimezone(context.timezone).date()
    payload = to_payload(to_reminder(t, decision, table, member, followup, today))
    chats: list[tuple[str, str, str | None]] = []
    if member.representative_platform and member.representative_user_id:
        person = (member.representative_platform, member.representative_user_id)
        reachable = await reachable_among(session, [person], known=context.private_chats)
        chats.extend((platform, user_id, None) for platform, user_id in reachable)
    if member.team_platform and member.team_chat_id:
        chats.append((member.team_platform, member.team_chat_id, member.team_thread_id))
    written = 0
    # each reminder falls due at its own instant, also after a change of representative restarts the count
    step = followup.due_at.isoformat() if followup.due_at else str(followup.stage)
    for platform, chat_id, thread_id in chats:
        written += await enqueue(
            session, platform, chat_id, thread_id, payload, now, topic=followup_topic(followup.id),
            dedupe_key=f"followup:{followup.id}:{step}:{platform}:{chat_id}",
        )
    if not chats:
        person = f"{member.representative_platform}:{member.representative_user_id}"
        written += await tell_coordinator(session, table, to_payload(to_unreachable(t, table, member)), now,
                                           f"followup:unreachable:{member.id}:{person}",
                                           known=context.private_chats)
    detail = ", ".join(f"{platform}:{chat_id}" for platform, chat_id, _ in chats) or "unreachable"
    followups.record_reminder(session, followup, history, now, context.timezone, table.summer_break, detail)
    return written


async def _escalate(
    session: AsyncSession, context: Context, t: Texts, decision: Decision, table: ConcertationTable,
    followup: Followup, now: dt.datetime,
) -> int:
    marked = await followups.escalate(session, followup, now)
    late = [member for f in marked if (member := await session.get(TableMember, f.member_id)) is not None]
    late.sort(key=lambda member: member.organization_name)
    today = now.astimezone(context.timezone).date()
    payload = to_payload(to_escalation(t, decision, table, late, today))
    return await tell_coordinator(session, table, payload, now, f"followup:{followup.id}:escalation",
                                  known=context.private_chats)
