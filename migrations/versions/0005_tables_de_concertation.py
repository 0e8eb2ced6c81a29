"""Tables de concertation, their members, decisions and follow-ups, and the network's editable texts.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables, parents first."""
    op.create_table(
        "concertation_table",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("place_id", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("coordinator_platform", sa.String(length=16), nullable=False),
        sa.Column("coordinator_user_id", sa.Text(), nullable=False),
        sa.Column("coordinator_name", sa.Text(), nullable=False),
        sa.Column("summer_break", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concertation_table")),
        sa.UniqueConstraint("name_key", name=op.f("uq_concertation_table_name_key")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["concertation_table.id"],
            name=op.f("fk_concertation_table_parent_id_concertation_table"), ondelete="SET NULL",
        ),
    )
    op.create_table(
        "network_text",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_network_text")),
    )
    op.create_table(
        "decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("table_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("parent_decision_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.UniqueConstraint("table_id", "parent_decision_id", name=op.f("uq_decision_table_id")),
        sa.ForeignKeyConstraint(
            ["table_id"], ["concertation_table.id"],
            name=op.f("fk_decision_table_id_concertation_table"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_decision_id"], ["decision.id"],
            name=op.f("fk_decision_parent_decision_id_decision"), ondelete="SET NULL",
        ),
    )
    op.create_table(
        "table_member",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("table_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("organization_name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("representative_platform", sa.String(length=16), nullable=True),
        sa.Column("representative_user_id", sa.Text(), nullable=True),
        sa.Column("representative_name", sa.Text(), nullable=False),
        sa.Column("team_platform", sa.String(length=16), nullable=True),
        sa.Column("team_chat_id", sa.Text(), nullable=True),
        sa.Column("team_thread_id", sa.Text(), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invite_code", sa.String(length=16), nullable=True),
        sa.Column("invite_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["table_id"], ["concertation_table.id"],
            name=op.f("fk_table_member_table_id_concertation_table"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_member")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_table_member_invite_code")),
    )
    op.create_index("ix_table_member_table", "table_member", ["table_id", "left_at"])

    op.create_table(
        "followup",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"],
            name=op.f("fk_followup_decision_id_decision"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["table_member.id"],
            name=op.f("fk_followup_member_id_table_member"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup")),
    )
    op.create_index("ix_followup_due", "followup", ["status", "due_at"])

    op.create_table(
        "followup_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("followup_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["followup_id"], ["followup.id"],
            name=op.f("fk_followup_log_followup_id_followup"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_log")),
    )
    op.create_index("ix_followup_log_followup", "followup_log", ["followup_id"])


def downgrade() -> None:
    """Drop the tables, children first."""
    op.drop_index("ix_followup_log_followup", table_name="followup_log")
    op.drop_table("followup_log")
    op.drop_index("ix_followup_due", table_name="followup")
    op.drop_table("followup")
    op.drop_index("ix_table_member_table", table_name="table_member")
    for table in ("table_member", "decision", "network_text", "concertation_table"):
        op.drop_table(table)
