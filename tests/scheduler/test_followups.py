"""Follow-ups in the database, on SQLite and PostgreSQL: each claimed by one sweeper only, the cadence
read from their history, and escalations grouped per decision."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.concertation import ConcertationTable, TableMember, fold_name
from scheduler import followups
from scheduler.followups import (
    CLAIMED,
    DONE,
    ESCALATED,
    MOVED,
    PENDING,
    REMINDED,
    SNOOZED,
    Decision,
    Followup,
    FollowupLog,
    History,
    to_history,
)
from tests.scheduler.racing import claim_twice

Sessions = async_sessionmaker[AsyncSession]
TORONTO = ZoneInfo("America/Toronto")
T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)  # Friday 9 h
DAY = dt.timedelta(days=1)


async def seat(sessions: Sessions, members: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """An emptied database with one table of ``members`` members; the table's id and the members' ids."""
    async with sessions.begin() as session:
        for model in (FollowupLog, Followup, Decision, TableMember, ConcertationTable):
            await session.execute(delete(model))
        table = ConcertationTable(id=uuid.uuid4(), name="Table", name_key=fold_name("Table"), level="local",
                                  coordinator_platform="slack", coordinator_user_id="U0C", created_at=T0)
        session.add(table)
        await session.flush()
        rows = [TableMember(id=uuid.uuid4(), table_id=table.id, organization_id=uuid.uuid4(),
                            organization_name=f"Organisme {n}", joined_at=T0) for n in range(members)]
        session.add_all(rows)
    return table.id, [row.id for row in rows]


async def test_two_sweepers_never_claim_the_same_follow_up(url: str, sessions: Sessions) -> None:
    table_id, members = await seat(sessions, 5)
    async with sessions.begin() as session:
        for number in range(4):
            await followups.create_decision(session, table_id, f"Décision {number}", T0.date(), T0.date() + 14 * DAY,
                                            members, "slack:U0C", T0)
    first, second, _queries = await claim_twice(url, sessions, lambda s: followups.claim_due(s, T0, limit=50))
    ids = [due.id for due in first + second]
    assert len(ids) == len(set(ids)) == 20
    assert await followups.claim_due(sessions, T0 + followups.CLAIM_TIMEOUT - dt.timedelta(seconds=1)) == []
    retaken = await followups.claim_due(sessions, T0 + followups.CLAIM_TIMEOUT, limit=50)
    assert len(retaken) == 20  # claims left by a stopped sweeper run out


async def test_a_claim_answered_meanwhile_is_not_taken(sessions: Sessions) -> None:
    table_id, members = await seat(sessions, 1)
    async with sessions.begin() as session:
        decision = await followups.create_decision(session, table_id, "Décision", T0.date(), T0.date(), members,
                                                   "slack:U0C", T0)
    (due,) = await followups.claim_due(sessions, T0)
    async with sessions.begin() as session:
        held = await followups.lock_followup(session, due.id)
        assert held is not None and held.status == CLAIMED and held.decision_id == decision.id
        followups.record_answer(session, held, DONE, "slack:U0A", T0, "présenté lundi")
    async with sessions.begin() as session:
        assert await followups.take_claimed(session, due.id) is None
    with pytest.raises(ValueError, match="not an answer"):
        followups.record_answer(None, held, PENDING, "x", T0)  # type: ignore[arg-type]


def test_the_history_starts_again_with_a_new_representative() -> None:
    log = [(REMINDED, T0), (REMINDED, T0 + 3 * DAY), (ESCALATED, T0 + 10 * DAY), (MOVED, T0 + 11 * DAY)]
    assert to_history(log) == History(None, escalated=False, snoozed_last=False)
    log += [(REMINDED, T0 + 11 * DAY), (SNOOZED, T0 + 12 * DAY)]
    assert to_history(log) == History(T0 + 11 * DAY, escalated=False, snoozed_last=True)


@pytest.mark.parametrize(("stage", "expected"), [
    (1, dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)),  # J+3 is Monday
    (2, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)),  # J+7
    (3, dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)),  # J+10, the coordinator told
    (4, dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)),  # a reminder owed after a snooze: then told
])
def test_the_cadence_counts_from_the_first_reminder(stage: int, expected: dt.datetime) -> None:
    history = History(T0, escalated=False, snoozed_last=False)
    assert followups.next_due(history, stage, T0, TORONTO, summer_break=False) == expected


def test_a_late_step_falls_on_the_next_working_morning_and_none_after_escalation() -> None:
    history = History(T0, escalated=False, snoozed_last=False)
    late = T0 + 12 * DAY  # Wednesday December 2nd, 9 h
    assert followups.next_due(history, 2, late, TORONTO, False) == dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC)
    assert followups.next_due(History(T0, escalated=True, snoozed_last=False), 2, late, TORONTO, False) is None


async def test_escalations_of_one_decision_are_grouped(sessions: Sessions) -> None:
    table_id, members = await seat(sessions, 4)
    async with sessions.begin() as session:
        decision = await followups.create_decision(session, table_id, "Décision", T0.date(), T0.date() + 14 * DAY,
                                                   members, "slack:U0C", T0)
    due = T0 + 10 * DAY
    async with sessions.begin() as session:
        rows = list(await session.scalars(select(Followup).order_by(Followup.id)))
        held, sibling, snoozed, answered = rows
        for row in rows:
            row.stage, row.due_at = 3, due
            session.add(FollowupLog(followup_id=row.id, at=T0, kind=REMINDED))
        session.add(FollowupLog(followup_id=snoozed.id, at=T0 + DAY, kind=SNOOZED))
        answered.status = DONE
    async with sessions.begin() as session:
        target = await session.get(Followup, held.id)
        assert target is not None
        marked = await followups.escalate(session, target, due)
    assert sorted(f.id for f in marked) == sorted([held.id, sibling.id])
    assert all(f.escalated_at == due and f.due_at is None and f.decision_id == decision.id for f in marked)
    async with sessions() as session:
        kinds = list(await session.scalars(select(FollowupLog.followup_id).where(FollowupLog.kind == ESCALATED)))
    assert sorted(kinds) == sorted([held.id, sibling.id])
