"""Networking: outbox posts and edits, event capacity and reminder horizon, names on answers, announcements,
guided conversations, roles and private chats.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the outbox and event columns, then create the new tables."""
    with op.batch_alter_table("outbox_message") as table:
        table.add_column(sa.Column("kind", sa.String(length=8), nullable=False, server_default="post"))
        table.add_column(sa.Column("target_ref", sa.Text(), nullable=True))
        table.add_column(sa.Column("sent_ref", sa.Text(), nullable=True))
        table.add_column(sa.Column("topic", sa.Text(), nullable=True))
        table.add_column(sa.Column("dedupe_key", sa.Text(), nullable=True))
        table.create_unique_constraint(op.f("uq_outbox_message_dedupe_key"), ["dedupe_key"])
        table.create_index("ix_outbox_message_topic", ["topic"])
    with op.batch_alter_table("outbox_message") as table:
        table.alter_column("kind", server_default=None)
    with op.batch_alter_table("event") as table:
        table.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        table.add_column(sa.Column("scheduled_until", sa.DateTime(timezone=True), nullable=True))
        table.create_index("ix_event_scheduled_until", ["scheduled_until"])
    with op.batch_alter_table("rsvp") as table:
        table.add_column(sa.Column("display_name", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("rsvp") as table:
        table.alter_column("display_name", server_default=None)
    op.create_table(
        "announcement",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rrule", sa.Text(), nullable=True),
        sa.Column("skip_holidays", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
    )
    op.create_index("ix_announcement_due", "announcement", ["status", "due_at"])
    op.create_table(
        "announcement_channel",
        sa.Column("announcement_id", sa.Uuid(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.Text(), nullable=False),
        sa.Column("thread_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["announcement_id"], ["announcement.id"],
            name=op.f("fk_announcement_channel_announcement_id_announcement"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("announcement_id", "platform", "chat_id", name=op.f("pk_announcement_channel")),
    )
    op.create_table(
        "conversation",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("flow", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "chat_id", "user_id", name=op.f("pk_conversation")),
    )
    op.create_table(
        "person_role",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_by", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "user_id", "role", name=op.f("pk_person_role")),
    )
    op.create_table(
        "private_chat",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "user_id", name=op.f("pk_private_chat")),
    )


def downgrade() -> None:
    """Drop the new tables and columns."""
    for table in ("private_chat", "person_role", "conversation", "announcement_channel"):
        op.drop_table(table)
    op.drop_index("ix_announcement_due", table_name="announcement")
    op.drop_table("announcement")
    with op.batch_alter_table("rsvp") as table:
        table.drop_column("display_name")
    with op.batch_alter_table("event") as table:
        table.drop_index("ix_event_scheduled_until")
        table.drop_column("scheduled_until")
        table.drop_column("capacity")
    with op.batch_alter_table("outbox_message") as table:
        table.drop_index("ix_outbox_message_topic")
        table.drop_constraint(op.f("uq_outbox_message_dedupe_key"), type_="unique")
        for column in ("dedupe_key", "topic", "sent_ref", "target_ref", "kind"):
            table.drop_column(column)
