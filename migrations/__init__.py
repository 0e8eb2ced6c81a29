"""Alembic migrations of the database, applied at start and by ``passerelle db upgrade``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine

from directory.db import install_sqlite_pragmas, to_sync_url

HERE = Path(__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration pointing at this package and ``database_url``."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", to_sync_url(database_url).render_as_string(hide_password=False))
    return config


def is_current(database_url: str) -> bool:
    """True when the database is already at the newest revision."""
    config = alembic_config(database_url)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    engine = create_engine(to_sync_url(database_url))
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads()) == heads
    finally:
        engine.dispose()


def upgrade(database_url: str) -> None:
    """Bring the database at ``database_url`` to the newest revision (a no-op when current)."""
    if not is_current(database_url):
        command.upgrade(alembic_config(database_url), "head")


def sync_engine(database_url: str) -> Engine:
    """A blocking engine for migrations, with the same SQLite pragmas as the bot."""
    engine = create_engine(to_sync_url(database_url))
    install_sqlite_pragmas(engine)
    return engine
