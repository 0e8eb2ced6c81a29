"""Networks as the scope of roles and texts, people's details with consent, synonyms added from the
chat, and edits grouped in the log (which other processes follow by date).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

DEFAULT_NETWORK = "reseau"


def upgrade() -> None:
    """Create ``network`` and ``person_detail``; scope roles and texts by network; group log rows."""
    network = op.create_table(
        "network",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network")),
    )
    op.bulk_insert(network, [{"id": DEFAULT_NETWORK, "name": "Réseau", "created_at": dt.datetime.now(dt.UTC)}])
    op.create_table(
        "person_detail",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("item", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "user_id", "item", name=op.f("pk_person_detail")),
    )
    op.create_table(
        "synonym",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_synonym")),
    )
    _scope_by_network("person_role", ["platform", "user_id", "role", "network_id"])
    _scope_by_network("network_text", ["key", "network_id"])
    with op.batch_alter_table("channel_setting") as table:
        table.add_column(sa.Column("network_id", sa.String(length=64), nullable=True))
    with op.batch_alter_table("metadata") as table:
        table.add_column(sa.Column("change_id", sa.Uuid(), nullable=True))
        table.create_index(op.f("ix_metadata_change_id"), ["change_id"])
        table.create_index(op.f("ix_metadata_last_action_date"), ["last_action_date"])


def _scope_by_network(name: str, key: list[str]) -> None:
    """Add ``network_id`` (existing rows in the default network) at the end of ``name``'s key."""
    with op.batch_alter_table(name, recreate="always") as table:
        table.add_column(sa.Column("network_id", sa.String(length=64), nullable=False,
                                   server_default=DEFAULT_NETWORK))
        table.drop_constraint(f"pk_{name}", type_="primary")
        table.create_primary_key(f"pk_{name}", key)
    with op.batch_alter_table(name) as table:
        table.alter_column("network_id", server_default=None, existing_type=sa.String(length=64))


def downgrade() -> None:
    """Back to one network: roles and texts of other networks are dropped."""
    with op.batch_alter_table("metadata") as table:
        table.drop_index(op.f("ix_metadata_last_action_date"))
        table.drop_index(op.f("ix_metadata_change_id"))
        table.drop_column("change_id")
    with op.batch_alter_table("channel_setting") as table:
        table.drop_column("network_id")
    for name, key in (("network_text", ["key"]), ("person_role", ["platform", "user_id", "role"])):
        op.execute(sa.text(f"DELETE FROM {name} WHERE network_id <> :default").bindparams(default=DEFAULT_NETWORK))
        with op.batch_alter_table(name, recreate="always") as table:
            table.drop_constraint(f"pk_{name}", type_="primary")
            table.create_primary_key(f"pk_{name}", key)
            table.drop_column("network_id")
    op.drop_table("synonym")
    op.drop_table("person_detail")
    op.drop_table("network")
