"""Announcements: messages posted to channels once or on a recurrence, paused or cancelled at will.

An announcement is due at ``due_at`` (UTC); a recurring one has an RFC 5545 RRULE read on the
wall clock of ``zone`` (``scheduler.recurrence``), and after each posting ``due_at`` moves to
the next occurrence. ``status`` follows the claim convention of ``scheduler.claims``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime

ACTIVE, CLAIMED, PAUSED, FINISHED, CANCELLED = "active", "claimed", "paused", "finished", "cancelled"


class Announcement(Base):
    """One message to post, once or on a recurrence."""

    __tablename__ = "announcement"
    __table_args__ = (Index("ix_announcement_due", "status", "due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    text: Mapped[str] = mapped_column(Text)
    zone: Mapped[str] = mapped_column(String(64))
    first_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    rrule: Mapped[str | None] = mapped_column(Text)
    skip_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    due_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AnnouncementChannel(Base):
    """A chat (and thread) an announcement is posted to."""

    __tablename__ = "announcement_channel"

    announcement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(Text, primary_key=True)
    thread_id: Mapped[str | None] = mapped_column(Text)
