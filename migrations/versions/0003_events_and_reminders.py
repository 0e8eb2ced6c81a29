"""Events, the channels they are announced in, answers, and reminders.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``event``, ``event_channel``, ``rsvp`` and ``reminder``."""
    op.create_table(
        "event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rrule", sa.Text(), nullable=True),
        sa.Column("skip_holidays", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("reminder_offsets", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_table(
        "event_channel",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.Text(), nullable=False),
        sa.Column("thread_id", sa.Text(), nullable=True),
        _belongs_to_event("event_channel"),
        sa.PrimaryKeyConstraint("event_id", "platform", "chat_id", name=op.f("pk_event_channel")),
    )
    op.create_table(
        "rsvp",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        _belongs_to_event("rsvp"),
        sa.PrimaryKeyConstraint("event_id", "platform", "user_id", name=op.f("pk_rsvp")),
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("occurrence_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offset", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("event_id", "occurrence_start", "offset", name=op.f("uq_reminder_event_id")),
        _belongs_to_event("reminder"),
    )
    op.create_index("ix_reminder_due", "reminder", ["status", "due_at"])


def downgrade() -> None:
    """Drop the four tables, children first."""
    op.drop_index("ix_reminder_due", table_name="reminder")
    for table in ("reminder", "rsvp", "event_channel", "event"):
        op.drop_table(table)


def _belongs_to_event(table: str) -> sa.ForeignKeyConstraint:
    """``table.event_id`` refers to ``event.id``, deleted with it."""
    return sa.ForeignKeyConstraint(
        ["event_id"], ["event.id"], name=op.f(f"fk_{table}_event_id_event"), ondelete="CASCADE"
    )
