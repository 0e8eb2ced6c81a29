"""The migrations build exactly the tables of the models, on SQLite and on PostgreSQL.

The models are every table of Passerelle: those ``scheduler.schema`` registers.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import directory
import migrations
import scheduler
from directory.db import Base
from scheduler.schema import MODULES, metadata

VERSION_TABLE = "alembic_version"


def differences(database_url: str) -> list[Any]:
    """What Alembic's autogenerate would change to bring the database to the models."""
    engine = migrations.sync_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def schema(database_url: str) -> dict[str, Any]:
    """Every table as the database describes it (columns, keys, indexes), and SQLite's own DDL."""
    engine = migrations.sync_engine(database_url)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            found: dict[str, Any] = {
                table: {
                    "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default"))
                                for c in inspector.get_columns(table)],
                    "primary_key": inspector.get_pk_constraint(table),
                    "foreign_keys": sorted(inspector.get_foreign_keys(table), key=repr),
                    "indexes": sorted(inspector.get_indexes(table), key=repr),
                    "unique": sorted(inspector.get_unique_constraints(table), key=repr),
                    "checks": sorted(inspector.get_check_constraints(table), key=repr),
                }
                for table in inspector.get_table_names() if table != VERSION_TABLE
            }
            if connection.dialect.name == "sqlite":
                rows = connection.exec_driver_sql(
                    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name != ?", (VERSION_TABLE,)
                )
                # the DDL as SQLite keeps it, with the spacing and quoting that ALTER TABLE leaves aside
                found["sqlite_master"] = sorted(
                    (kind, name, sql and " ".join(sql.replace('"', "").split())) for kind, name, sql in rows
                )
            return found
    finally:
        engine.dispose()


def tables(database_url: str) -> set[str]:
    """The names of the tables in the database."""
    engine = migrations.sync_engine(database_url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_schema_imports_every_module_that_defines_tables() -> None:
    for package in (directory, scheduler):  # the packages that hold tables
        for found in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{found.name}")
    defining = {mapper.class_.__module__ for mapper in Base.registry.mappers}
    assert defining == {module.__name__ for module in MODULES}
    assert {mapper.class_.__tablename__ for mapper in Base.registry.mappers} == set(metadata.tables)


def test_upgrade_builds_the_models(database_url: str) -> None:
    assert not migrations.is_current(database_url)
    migrations.upgrade(database_url)
    assert migrations.is_current(database_url)
    assert tables(database_url) == {*metadata.tables, VERSION_TABLE}
    assert differences(database_url) == []


def test_migrated_schema_is_the_one_the_models_create(database_url: str) -> None:
    engine = migrations.sync_engine(database_url)
    try:
        metadata.create_all(engine)
        expected = schema(database_url)
        metadata.drop_all(engine)
    finally:
        engine.dispose()
    migrations.upgrade(database_url)
    assert schema(database_url) == expected


def test_a_second_upgrade_changes_nothing(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    migrations.upgrade(database_url)
    before = schema(database_url)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the database is current: Alembic should not run")

    monkeypatch.setattr(command, "upgrade", refuse)
    migrations.upgrade(database_url)
    assert migrations.is_current(database_url)
    assert schema(database_url) == before


def test_downgrade_to_base_then_upgrade_again(database_url: str) -> None:
    migrations.upgrade(database_url)
    command.downgrade(migrations.alembic_config(database_url), "base")
    assert tables(database_url) == {VERSION_TABLE}
    assert not migrations.is_current(database_url)
    migrations.upgrade(database_url)
    assert migrations.is_current(database_url)
    assert differences(database_url) == []
