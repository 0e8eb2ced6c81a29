"""Writing a validated HSDS package into the directory: one transaction, all or nothing.

Rows are upserted by id (a re-import updates them and creates nothing new), table
after table in foreign-key order, in batches, with the dialect's ``INSERT … ON
CONFLICT DO UPDATE``: on PostgreSQL one statement per batch, its rows sent as one
array per column; on SQLite an ``executemany``, with a larger page cache while
writing. Columns absent from a file are left as they are on update.
Each imported organization and service also gets a row in the HSDS ``metadata``
change log (``last_action_type`` "import").
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, column, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from directory.problems import PackageError
from directory.schema import metadata
from directory.tabular import FILE_NAMES, TABLE_ORDER
from directory.validation import Package, Resource, check_references

BATCH = 5_000
LOOKUP_CHUNK = 1_000
SQLITE_CACHE_KIB = 65_536
LOGGED_TABLES = ("organization", "service")
Progress = Callable[[str, int, int], None]
"""``(table, rows written, rows in the package's table)``, called after each batch."""


@dataclass(slots=True)
class ImportReport:
    """Rows created and updated per table, change-log rows written, and the package's warnings."""

    package: str
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    logged: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One French line: for each file with rows, how many were created and updated."""
        parts = [f"{FILE_NAMES[table]} : {count} créé(s), {self.updated[table]} mis à jour"
                 for table, count in self.created.items() if count or self.updated[table]]
        return " ; ".join(parts) or "paquet vide, rien à importer"


async def import_package(
    sessions: async_sessionmaker[AsyncSession], package: Package, *, progress: Progress | None = None
) -> ImportReport:
    """Check ``package`` against the database, then write it whole; raise ``PackageError`` if refused."""
    report = ImportReport(package.name, warnings=list(package.warnings))
    try:
        async with sessions() as session, session.begin():
            connection = await session.connection()
            wanted = package.wanted_ids()
            found = {table: await _existing(connection, table, ids) for table, ids in wanted.items()}
            check_references(package, lambda table, ids: found[table] & ids)
            async with _large_cache(connection):
                for table in TABLE_ORDER:
                    if table in package.resources:
                        await _upsert(connection, package.resources[table], report, progress)
                report.logged = await _log(connection, package)
    except IntegrityError as error:
        message = (f"La base de données a refusé le paquet ({error.orig}). Rien n'a été écrit : "
                   "corrigez le paquet puis relancez l'import.")
        raise PackageError([message]) from error
    return report


async def _existing(connection: AsyncConnection, table: str, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    key = metadata.tables[table].c.id
    wanted, found = list(ids), set[uuid.UUID]()
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        found.update(await connection.scalars(select(key).where(key.in_(chunk))))
    return found


@asynccontextmanager
async def _large_cache(connection: AsyncConnection) -> AsyncIterator[None]:
    """On SQLite, a page cache of ``SQLITE_CACHE_KIB`` while writing (the default 2 MiB one thrashes)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = (await connection.exec_driver_sql("PRAGMA cache_size")).scalar_one()
    await connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        await connection.exec_driver_sql(f"PRAGMA cache_size={int(previous)}")


def _insert(
    connection: AsyncConnection, table: Table, columns: list[str]
) -> sqlite.Insert | postgresql.Insert:
    """An INSERT of ``columns`` of ``table``: on PostgreSQL, from one array per column (``_parameters``)."""
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table)
    arrays = func.unnest(*(bindparam(name, type_=postgresql.ARRAY(table.c[name].type)) for name in columns))
    rows = arrays.table_valued(*(column(name, table.c[name].type) for name in columns)).render_derived()
    return postgresql.insert(table).from_select(columns, select(*rows.c))


def _parameters(connection: AsyncConnection, columns: list[str], rows: list[dict[str, Any]]) -> Any:
    """The parameters of ``_insert`` for ``rows``: the rows, or on PostgreSQL one list per column."""
    if connection.dialect.name == "sqlite":
        return rows
    return {name: [row[name] for row in rows] for name in columns}


async def _count(connection: AsyncConnection, table: Table) -> int:
    return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


async def _upsert(
    connection: AsyncConnection, resource: Resource, report: ImportReport, progress: Progress | None
) -> None:
    table, columns = metadata.tables[resource.table], resource.columns
    statement = _insert(connection, table, columns)
    changes = {name: statement.excluded[name] for name in columns if name != "id"}
    statement = (
        statement.on_conflict_do_update(index_elements=[table.c.id], set_=changes)
        if changes
        else statement.on_conflict_do_nothing(index_elements=[table.c.id])
    )
    before, total = await _count(connection, table), len(resource.rows)
    for start in range(0, total, BATCH):
        batch = resource.rows[start : start + BATCH]
        await connection.execute(statement, _parameters(connection, columns, batch))
        if progress is not None:
            progress(resource.table, min(start + BATCH, total), total)
    created = await _count(connection, table) - before
    report.created[resource.table], report.updated[resource.table] = created, total - created


async def _log(connection: AsyncConnection, package: Package) -> int:
    """One change-log row per imported organization and service, all under one change id."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    change_id = uuid.uuid4()
    rows = [
        {
            "id": uuid.uuid4(), "resource_id": row["id"], "resource_type": table, "last_action_date": now,
            "last_action_type": "import", "field_name": "", "previous_value": "", "replacement_value": "",
            "updated_by": f"import:{package.name}", "change_id": change_id,
        }
        for table in LOGGED_TABLES if table in package.resources
        for row in package.resources[table].rows
    ]
    log = metadata.tables["metadata"]
    columns = list(log.columns.keys())
    statement = _insert(connection, log, columns)
    for start in range(0, len(rows), BATCH):
        await connection.execute(statement, _parameters(connection, columns, rows[start : start + BATCH]))
    return len(rows)
