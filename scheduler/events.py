"""Networking events, where they are announced, who answered, and their reminders.

An event starts at ``starts_at`` (UTC) and is read in ``zone``, the network's IANA zone; a
recurring one has an RFC 5545 RRULE value in ``rrule`` whose occurrences are computed on
local wall time (``scheduler.recurrence``), never stored. Reminders are rows, one per
occurrence and offset, due at a UTC instant (``scheduler.reminders``).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime

KINDS = (
    "5-à-7",
    "dîner d'apprentissage",
    "portes ouvertes",
    "circuit des organismes",
    "Je connais mon réseau",
    "autre",
)
SCHEDULED, CANCELLED = "scheduled", "cancelled"
YES, MAYBE, NO = "yes", "maybe", "no"
PENDING, CLAIMED, DONE, SKIPPED = "pending", "claimed", "done", "skipped"
# J-7, J-1 and H-2, as ISO 8601 durations before each occurrence.
DEFAULT_OFFSETS = "P7D,P1D,PT2H"


def _event_id() -> Mapped[uuid.UUID]:
    """The event a row belongs to, deleted with it."""
    return mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)


class Event(Base):
    """One event, one-shot or recurring, and its reminder offsets."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_scheduled_until", "scheduled_until"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40), default="autre")
    starts_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    zone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    rrule: Mapped[str | None] = mapped_column(Text)
    skip_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=SCHEDULED)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    reminder_offsets: Mapped[str] = mapped_column(Text, default=DEFAULT_OFFSETS)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)  # places; beyond, "yes" joins the waiting list
    # reminders are written for the occurrences up to this instant; the sweep extends it
    scheduled_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class EventChannel(Base):
    """A chat (and thread) where an event is announced and reminded."""

    __tablename__ = "event_channel"

    event_id: Mapped[uuid.UUID] = _event_id()
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(Text, primary_key=True)
    thread_id: Mapped[str | None] = mapped_column(Text)


class Rsvp(Base):
    """One person's answer to an event; ``position`` orders the waiting list (none when not waiting)."""

    __tablename__ = "rsvp"

    event_id: Mapped[uuid.UUID] = _event_id()
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    answer: Mapped[str] = mapped_column(String(8))
    position: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    display_name: Mapped[str] = mapped_column(Text, default="")  # as the platform showed the person


class Reminder(Base):
    """One reminder of one occurrence, ``offset`` (an ISO 8601 duration) before it, due at ``due_at``."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("event_id", "occurrence_start", "offset"),
        Index("ix_reminder_due", "status", "due_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    occurrence_start: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    offset: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)
