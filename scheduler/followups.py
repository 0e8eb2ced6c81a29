"""Decisions of tables de concertation and their follow-up: every organization concerned must
bring each decision back to its team, and is reminded until it says it did.

A ``Followup`` is one decision for one member organization. It follows the claim convention of
``scheduler.claims``: ``pending`` until its next reminder falls due at ``due_at``, ``claimed`` by
one sweeper while the reminder is written, then ``pending`` again with the next due time, until
the representative answers ``done`` (with an optional note) or ``not_concerned``, or the
organization leaves the table (``closed``). ``stage``
counts the reminders sent; after the last one of the cadence the coordinator is told
(``escalated_at``). Every step is also written to ``followup_log``, which keeps the history when
a representative changes.

The cadence, counted from the first reminder to the current representative (day J; a change of
representative starts it again): reminders on J, J+3 and J+7, then on J+10 the coordinator is told
which organizations have not relayed the decision (``escalated_at``) and the reminders stop (the
weekly digest takes over). Each step falls at 9 h local on the first working day on or after its
day (``scheduler.working_days``: weekends, Québec statutory holidays and, for a table with a summer
break, July and August are skipped), and always after the step before. "Rappelle-moi dans 3 jours"
puts the next reminder three working days later, and a reminder is owed then even past J+7.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime
from scheduler.claims import claim_each, due_or_expired
from scheduler.working_days import add_working_days, morning_of, next_working_morning, working_morning

PENDING, CLAIMED, DONE, NOT_CONCERNED = "pending", "claimed", "done", "not_concerned"
CLOSED = "closed"  # the organization left the table before answering: nobody is reminded for it any more


class Decision(Base):
    """One decision of one table, to bring back to the teams by ``deadline``."""

    __tablename__ = "decision"
    # a decision is carried down to a table once (NULL parents, the table's own decisions, stay free)
    __table_args__ = (UniqueConstraint("table_id", "parent_decision_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    table_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("concertation_table.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    # the decision of the parent table this one carries down, when propagated
    parent_decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Followup(Base):
    """One decision to bring back to one member organization's team."""

    __tablename__ = "followup"
    __table_args__ = (Index("ix_followup_due", "status", "due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"))
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("table_member.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    due_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)  # the next reminder
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    stage: Mapped[int] = mapped_column(Integer, default=0)  # reminders sent so far
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    answered_by: Mapped[str | None] = mapped_column(Text)  # "platform:user id"
    note: Mapped[str | None] = mapped_column(Text)


class FollowupLog(Base):
    """One step in the life of a follow-up: reminded, snoozed, done, not concerned, escalated, moved."""

    __tablename__ = "followup_log"
    __table_args__ = (Index("ix_followup_log_followup", "followup_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    followup_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("followup.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(Text, default="")  # "platform:user id", empty for the bot
    detail: Mapped[str] = mapped_column(Text, default="")


# Kinds of ``FollowupLog`` entries.
REMINDED, SNOOZED, ESCALATED, MOVED, LEFT = "reminded", "snoozed", "escalated", "moved", "left"
OPEN = (PENDING, CLAIMED)
ANSWERS = (DONE, NOT_CONCERNED)
# The cadence: days after the first reminder (to the current representative) on which reminders go,
# then the day the coordinator is told, each moved to the next working morning (``scheduler.working_days``).
REMINDER_DAYS = (0, 3, 7)
ESCALATION_DAY = 10
SNOOZE_WORKING_DAYS = 3
CLAIM_TIMEOUT = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class DueFollowup:
    """A follow-up claimed by this sweeper: its reminder (or escalation) is to be written."""

    id: uuid.UUID
    decision_id: uuid.UUID
    member_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class History:
    """What a follow-up's log says about its current representative's cadence."""

    first_reminded: dt.datetime | None  # first reminder since the last change of representative
    escalated: bool  # the coordinator was told since that change
    snoozed_last: bool  # the last step was "remind me later": a reminder is owed, not an escalation


async def create_decision(
    session: AsyncSession,
    table_id: uuid.UUID,
    text: str,
    meeting_date: dt.date,
    deadline: dt.date,
    member_ids: Sequence[uuid.UUID],
    created_by: str,
    now: dt.datetime,
) -> Decision:
    """A decision of the table ``table_id`` and one follow-up per member in ``member_ids``, due ``now``,
    in the caller's transaction."""
    decision = Decision(
        id=uuid.uuid4(), table_id=table_id, text=text, meeting_date=meeting_date, deadline=deadline,
        created_by=created_by, created_at=now,
    )
    session.add(decision)
    await session.flush()
    await _add_followups(session, decision.id, member_ids, now)
    return decision


async def carry_decision(
    session: AsyncSession,
    source: Decision,
    table_id: uuid.UUID,
    deadline: dt.date,
    member_ids: Sequence[uuid.UUID],
    created_by: str,
    now: dt.datetime,
) -> Decision | None:
    """A copy of ``source`` for the table ``table_id`` under its own, with one follow-up per member in
    ``member_ids``, due ``now``, in the caller's transaction; None, and nothing written, when that table
    already carries ``source`` (a copy written at the same instant by another transaction is waited for,
    then kept: the table carries a decision once)."""
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert(Decision) if dialect == "postgresql" else sqlite.insert(Decision)
    written = await session.scalar(
        insert.values(
            id=uuid.uuid4(), table_id=table_id, text=source.text, meeting_date=source.meeting_date,
            deadline=deadline, parent_decision_id=source.id, created_by=created_by, created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Decision.table_id, Decision.parent_decision_id])
        .returning(Decision.id)
    )
    if written is None:
        return None
    await _add_followups(session, written, member_ids, now)
    return await session.get(Decision, written)


async def _add_followups(
    session: AsyncSession, decision_id: uuid.UUID, member_ids: Sequence[uuid.UUID], now: dt.datetime
) -> None:
    session.add_all(
        Followup(id=uuid.uuid4(), decision_id=decision_id, member_id=member_id, status=PENDING, due_at=now, stage=0)
        for member_id in member_ids
    )
    await session.flush()


async def claim_due(sessions: async_sessionmaker[AsyncSession], now: dt.datetime, limit: int = 50) -> list[DueFollowup]:
    """Due follow-ups, each claimed for this sweeper only (``scheduler.claims``), oldest due first."""
    taken = await claim_each(
        sessions,
        Followup,
        due_or_expired(Followup, PENDING, CLAIMED, now),
        read=(Followup.id,),
        values=lambda _: {"status": CLAIMED, "claimed_until": now + CLAIM_TIMEOUT},
        returning=(Followup.id, Followup.decision_id, Followup.member_id),
        limit=limit,
    )
    return [DueFollowup(*changed) for _, changed in taken]


async def take_claimed(session: AsyncSession, followup_id: uuid.UUID) -> Followup | None:
    """The claimed follow-up, its claim released and its row held until the caller's transaction ends;
    None when it is no longer claimed (answered, snoozed or escalated meanwhile)."""
    released = await session.execute(
        update(Followup)
        .where(Followup.id == followup_id, Followup.status == CLAIMED)
        .values(status=PENDING, claimed_until=None)
        .returning(Followup.id)
        .execution_options(synchronize_session=False)
    )
    if released.first() is None:
        return None
    return await session.get(Followup, followup_id, populate_existing=True)


async def lock_followup(session: AsyncSession, followup_id: uuid.UUID) -> Followup | None:
    """The follow-up, held until the caller's transaction ends (FOR UPDATE on PostgreSQL, the write
    lock taken by a first write on SQLite), so that two answers to it are taken in turn."""
    if (await session.connection()).dialect.name == "sqlite":
        touch = update(Followup).where(Followup.id == followup_id).values(stage=Followup.stage)
        await session.execute(touch.execution_options(synchronize_session=False))
    statement = (
        select(Followup).where(Followup.id == followup_id).with_for_update().execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def histories(session: AsyncSession, followup_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, History]:
    """The ``History`` of each follow-up of ``followup_ids``, read from their logs."""
    rows = (
        await session.execute(
            select(FollowupLog.followup_id, FollowupLog.kind, FollowupLog.at)
            .where(FollowupLog.followup_id.in_(list(followup_ids)))
            .order_by(FollowupLog.at, FollowupLog.id)
        )
    ).all()
    entries: dict[uuid.UUID, list[tuple[str, dt.datetime]]] = {followup_id: [] for followup_id in followup_ids}
    for followup_id, kind, at in rows:
        entries[followup_id].append((kind, at))
    return {followup_id: to_history(log) for followup_id, log in entries.items()}


def to_history(log: Sequence[tuple[str, dt.datetime]]) -> History:
    """The ``History`` of a log given as (kind, at) entries, oldest first."""
    since = [entry for entry in log[_last_move(log):] if entry[0] != MOVED]
    first = next((at for kind, at in since if kind == REMINDED), None)
    steps = [kind for kind, _ in log if kind in (REMINDED, SNOOZED)]
    return History(first, any(kind == ESCALATED for kind, _ in since), bool(steps) and steps[-1] == SNOOZED)


def _last_move(log: Sequence[tuple[str, dt.datetime]]) -> int:
    moves = [position for position, (kind, _) in enumerate(log) if kind == MOVED]
    return moves[-1] if moves else 0


def escalation_due(followup: Followup, history: History) -> bool:
    """Whether the follow-up's next step is telling the coordinator rather than reminding again."""
    return followup.stage >= len(REMINDER_DAYS) and not history.escalated and not history.snoozed_last


def next_due(
    history: History, stage: int, now: dt.datetime, zone: ZoneInfo, summer_break: bool
) -> dt.datetime | None:
    """When the step after reminder number ``stage`` falls due (see ``REMINDER_DAYS``); None once the
    coordinator was told (the weekly digest takes over)."""
    if history.escalated:
        return None
    first = (history.first_reminded or now).astimezone(zone).date()
    days = REMINDER_DAYS[stage] if stage < len(REMINDER_DAYS) else ESCALATION_DAY
    return max(working_morning(first + dt.timedelta(days=days), zone, summer_break),
               next_working_morning(now, zone, summer_break))


def record_reminder(
    session: AsyncSession, followup: Followup, history: History, now: dt.datetime, zone: ZoneInfo,
    summer_break: bool, detail: str,
) -> None:
    """Count a reminder written for ``followup`` (held by the caller), log it and set the next step."""
    followup.stage += 1
    reminded = History(history.first_reminded or now, history.escalated, snoozed_last=False)
    followup.due_at = next_due(reminded, followup.stage, now, zone, summer_break)
    followup.status, followup.claimed_until = PENDING, None
    session.add(FollowupLog(id=uuid.uuid4(), followup_id=followup.id, at=now, kind=REMINDED, detail=detail))


async def escalate(session: AsyncSession, followup: Followup, now: dt.datetime) -> list[Followup]:
    """Mark ``followup`` (held by the caller) and every follow-up of the same decision also due for
    escalation as told to the coordinator, each logged; those marked, for one message. A follow-up
    another sweeper holds is waited for, then left out once it was escalated by that one."""
    candidates = list(
        await session.scalars(
            select(Followup.id).where(
                Followup.decision_id == followup.decision_id, Followup.id != followup.id,
                Followup.status.in_(OPEN), Followup.escalated_at.is_(None), Followup.due_at <= now,
                Followup.stage >= len(REMINDER_DAYS),
            )
        )
    )
    known = await histories(session, candidates)
    chosen = [followup.id] + [i for i in candidates if not known[i].snoozed_last and not known[i].escalated]
    marked = list(
        await session.scalars(
            update(Followup)
            .where(Followup.id.in_(chosen), Followup.status.in_(OPEN),
                   (Followup.id == followup.id) | Followup.escalated_at.is_(None))
            .values(status=PENDING, escalated_at=now, due_at=None, claimed_until=None)
            .returning(Followup)
            .execution_options(populate_existing=True, synchronize_session=False)
        )
    )
    session.add_all(FollowupLog(id=uuid.uuid4(), followup_id=f.id, at=now, kind=ESCALATED) for f in marked)
    return marked


def record_answer(
    session: AsyncSession, followup: Followup, status: str, actor: str, now: dt.datetime, note: str | None = None
) -> None:
    """Record the answer (``DONE`` or ``NOT_CONCERNED``) to ``followup`` (held by the caller), logged."""
    if status not in ANSWERS:
        raise ValueError(f"not an answer: {status!r}")
    followup.status, followup.answered_at, followup.answered_by = status, now, actor
    followup.note = note or None
    followup.due_at = followup.claimed_until = None
    session.add(FollowupLog(id=uuid.uuid4(), followup_id=followup.id, at=now, kind=status, actor=actor,
                            detail=note or ""))


def snooze(
    session: AsyncSession, followup: Followup, actor: str, now: dt.datetime, zone: ZoneInfo, summer_break: bool
) -> dt.datetime:
    """Put the next reminder of ``followup`` (held by the caller) :data:`SNOOZE_WORKING_DAYS` working
    days from today, in the morning, logged; that time."""
    today = now.astimezone(zone).date()
    due = morning_of(add_working_days(today, SNOOZE_WORKING_DAYS, summer_break), zone)
    followup.status, followup.due_at, followup.claimed_until = PENDING, due, None
    session.add(FollowupLog(id=uuid.uuid4(), followup_id=followup.id, at=now, kind=SNOOZED, actor=actor,
                            detail=due.isoformat()))
    return due
