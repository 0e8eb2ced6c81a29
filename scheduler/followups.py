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
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime

PENDING, CLAIMED, DONE, NOT_CONCERNED = "pending", "claimed", "done", "not_concerned"
CLOSED = "closed"  # the organization left the table before answering: nobody is reminded for it any more


class Decision(Base):
    """One decision of one table, to bring back to the teams by ``deadline``."""

    __tablename__ = "decision"

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
