"""Where each decision of a table stands: for every organization concerned, relayed, pending, late
or not concerned, read in one query.

A follow-up still waiting for its answer (``pending`` or ``claimed`` by a sweeper) is *late* once
the decision's deadline has passed (the deadline day itself is still on time). A decision is
*open* while some organization still has to relay it. Organizations that left the table before
answering (``closed``) are kept for the export but counted nowhere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember
from scheduler.followups import CLAIMED, CLOSED, DONE, NOT_CONCERNED, PENDING, Decision, Followup

__all__ = [
    "CLOSED", "DONE", "LATE", "NOT_CONCERNED", "PENDING", "DecisionStatus", "OrganizationStatus",
    "all_tables", "decision_statuses", "tables_of_person", "to_status",
]

LATE = "late"  # a reading, never stored: pending past the deadline
WAITING = frozenset({PENDING, CLAIMED})


@dataclass(frozen=True, slots=True)
class OrganizationStatus:
    """One organization's answer to one decision."""

    organization_name: str
    representative_name: str
    status: str  # DONE, NOT_CONCERNED, PENDING, LATE or CLOSED
    answered_at: dt.datetime | None
    note: str | None


@dataclass(frozen=True, slots=True)
class DecisionStatus:
    """One decision and where each organization concerned stands, by organization name."""

    id: uuid.UUID
    text: str
    meeting_date: dt.date
    deadline: dt.date
    organizations: tuple[OrganizationStatus, ...]

    def having(self, status: str) -> list[OrganizationStatus]:
        """The organizations whose status is ``status``."""
        return [o for o in self.organizations if o.status == status]

    @property
    def is_open(self) -> bool:
        """Whether some organization still has to relay the decision."""
        return any(o.status in (PENDING, LATE) for o in self.organizations)


def to_status(followup_status: str, deadline: dt.date, today: dt.date) -> str:
    """The status shown for a stored one: a waiting follow-up is pending, or late past the deadline."""
    if followup_status in WAITING:
        return LATE if deadline < today else PENDING
    return followup_status


async def decision_statuses(
    session: AsyncSession, table_id: uuid.UUID, today: dt.date, *, open_only: bool = False
) -> list[DecisionStatus]:
    """The decisions of the table, most recent meeting first, each with its organizations' statuses
    as of the local date ``today``; only those still waiting for some organization with ``open_only``."""
    rows = (
        await session.execute(
            select(Decision, Followup, TableMember)
            .outerjoin(Followup, Followup.decision_id == Decision.id)
            .outerjoin(TableMember, TableMember.id == Followup.member_id)
            .where(Decision.table_id == table_id)
            .order_by(Decision.meeting_date.desc(), Decision.created_at.desc(), Decision.id,
                      TableMember.organization_name)
        )
    ).all()
    decisions: dict[uuid.UUID, Decision] = {}
    organizations: dict[uuid.UUID, list[OrganizationStatus]] = {}
    for decision, followup, member in rows:
        decisions.setdefault(decision.id, decision)
        found = organizations.setdefault(decision.id, [])
        if followup is None or member is None:
            continue
        found.append(OrganizationStatus(
            member.organization_name, member.representative_name,
            to_status(followup.status, decision.deadline, today), followup.answered_at, followup.note,
        ))
    statuses = [
        DecisionStatus(d.id, d.text, d.meeting_date, d.deadline, tuple(organizations[d.id]))
        for d in decisions.values()
    ]
    return [s for s in statuses if s.is_open] if open_only else statuses


async def tables_of_person(session: AsyncSession, platform: str, user_id: str) -> list[ConcertationTable]:
    """The tables the person coordinates or represents an active member organization at, by name."""
    representing = select(TableMember.table_id).where(
        TableMember.representative_platform == platform,
        TableMember.representative_user_id == user_id,
        TableMember.left_at.is_(None),
    )
    found = await session.scalars(
        select(ConcertationTable)
        .where(or_(
            (ConcertationTable.coordinator_platform == platform) & (ConcertationTable.coordinator_user_id == user_id),
            ConcertationTable.id.in_(representing),
        ))
        .order_by(ConcertationTable.name)
    )
    return list(found)


async def all_tables(session: AsyncSession) -> list[ConcertationTable]:
    """Every table, by name."""
    return list(await session.scalars(select(ConcertationTable).order_by(ConcertationTable.name)))
