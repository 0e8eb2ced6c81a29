"""Declarative base, engine and session factories (built by the caller, never at import time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, MetaData, event, select, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table; constraint names are stable across SQLite and PostgreSQL."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored in UTC and read back aware in UTC, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Refuse naive datetimes; store the UTC instant."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"datetime sans fuseau horaire : {value!r}")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """The stored instant, aware in UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def to_async_url(url: str) -> URL:
    """The asyncio driver URL for ``url`` (``sqlite:///x.db`` → ``sqlite+aiosqlite:///x.db``)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise ValueError(f"base de données non prise en charge : {backend} (SQLite ou PostgreSQL)")


def to_sync_url(url: str) -> URL:
    """The blocking driver URL for ``url``, used by migrations."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise ValueError(f"base de données non prise en charge : {backend} (SQLite ou PostgreSQL)")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def install_sqlite_pragmas(engine: Any) -> None:
    """Turn on foreign keys, WAL and a busy timeout on every SQLite connection of ``engine``."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)


def create_engine(url: str) -> AsyncEngine:
    """An async engine for ``url`` (a plain ``sqlite:///`` or ``postgresql://`` URL)."""
    engine = create_async_engine(to_async_url(url))
    install_sqlite_pragmas(engine.sync_engine)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions bound to ``engine`` that keep objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def lock_row(session: AsyncSession, model: Any, row_id: Any, *, touch: Any) -> Any | None:
    """The row ``row_id`` of ``model``, read afresh and locked until the end of the transaction: its row
    on PostgreSQL (FOR UPDATE); on SQLite, which has no row locks, the database's write lock, taken by a
    first write that sets the column ``touch`` to itself. None when there is no such row."""
    if (await session.connection()).dialect.name == "sqlite":
        same = update(model).where(model.id == row_id).values({touch.key: touch})
        await session.execute(same.execution_options(synchronize_session=False))
    statement = select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    return (await session.scalars(statement)).one_or_none()
