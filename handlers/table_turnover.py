"""What happens to a member's open follow-ups when its people change: when the organization leaves
the table they are closed (nobody is reminded for it any more); when a new representative takes the
seat they follow the seat to that person, with the former one named in their history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import TableMember
from scheduler.followups import CLOSED, LEFT, MOVED, OPEN, PENDING, Followup, FollowupLog


async def close_followups(session: AsyncSession, member: TableMember, now: dt.datetime, actor: str) -> int:
    """Close the member's open follow-ups, each with a "left" entry in its history; how many."""
    closed = list(await session.scalars(
        update(Followup)
        .where(Followup.member_id == member.id, Followup.status.in_(OPEN))
        .values(status=CLOSED, due_at=None, claimed_until=None)
        .returning(Followup.id)
    ))
    detail = f"{member.organization_name} a quitté la table"
    session.add_all(FollowupLog(followup_id=followup_id, at=now, kind=LEFT, actor=actor, detail=detail)
                    for followup_id in closed)
    return len(closed)


async def move_followups(session: AsyncSession, member: TableMember, former: str, now: dt.datetime,
                         actor: str) -> int:
    """Record that the member's open follow-ups now go to its new representative, each with a "moved"
    entry naming ``former``; the waiting ones fall due now, their reminders counted afresh for the new
    person and no longer escalated (the new person starts a fresh cadence). How many moved."""
    moved = list(await session.scalars(
        select(Followup.id).where(Followup.member_id == member.id, Followup.status.in_(OPEN)).order_by(Followup.id)
    ))
    await session.execute(
        update(Followup)
        .where(Followup.member_id == member.id, Followup.status == PENDING)
        .values(due_at=now, stage=0, escalated_at=None)
    )
    detail = f"ancien représentant : {former}"
    session.add_all(FollowupLog(followup_id=followup_id, at=now, kind=MOVED, actor=actor, detail=detail)
                    for followup_id in moved)
    return len(moved)
