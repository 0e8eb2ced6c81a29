"""Alembic environment: runs migrations on the URL given by ``migrations.alembic_config``."""

from __future__ import annotations

from alembic import context

import scheduler.schema
from migrations import sync_engine

config = context.config
target_metadata = scheduler.schema.metadata


def run_migrations_online() -> None:
    """Run the migrations on a live connection (SQLite in batch mode)."""
    engine = sync_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
