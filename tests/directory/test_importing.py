"""Importing and exporting HSDS packages on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from directory.db import create_engine, session_factory
from directory.exporting import export_json, export_package
from directory.importing import import_package
from directory.package import Package, PackageError, read_package
from directory.sample import load_sample_rows
from directory.schema import metadata
from directory.tabular import FILE_NAMES, TABLE_ORDER

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hsds3"
HALTE = uuid.UUID("c33199c6-e5d6-58e1-9ac3-af88bc4e605c")
Dump = dict[str, list[tuple[Any, ...]]]

SERVICE_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["id", "name", "status", "organization", "service_at_locations", "phones", "schedules",
                     "service_areas", "languages", "attributes", "contacts", "cost_options",
                     "required_documents"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string"},
            "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]},
            "organization": {"type": "object", "required": ["id", "name"]},
            "service_at_locations": {"type": "array", "items": {
                "type": "object", "required": ["id", "location"],
                "properties": {"location": {
                    "type": "object", "required": ["id", "location_type", "addresses"],
                    "properties": {"addresses": {"type": "array", "items": {
                        "type": "object", "required": ["address_1", "city"]}}},
                }},
            }},
            "phones": {"type": "array", "items": {
                "type": "object", "required": ["id", "number", "languages"]}},
            "schedules": {"type": "array", "items": {"type": "object", "required": ["id"]}},
            "service_areas": {"type": "array", "items": {"type": "object", "required": ["id"]}},
            "languages": {"type": "array", "items": {"type": "object", "required": ["id"]}},
            "attributes": {"type": "array", "items": {
                "type": "object", "required": ["id", "taxonomy_term"],
                "properties": {"taxonomy_term": {"type": "object", "required": ["id", "name"]}},
            }},
            "contacts": {"type": "array", "items": {"type": "object", "required": ["id", "phones"]}},
            "cost_options": {"type": "array", "items": {"type": "object", "required": ["id"]}},
            "required_documents": {"type": "array", "items": {"type": "object", "required": ["id"]}},
        },
    },
}


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a freshly migrated database."""
    await asyncio.to_thread(migrations.upgrade, database_url)
    engine = create_engine(database_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def dump(sessions: async_sessionmaker[AsyncSession]) -> Dump:
    """Every row of every HSDS table, sorted."""
    async with sessions() as session:
        return {
            name: sorted(map(tuple, await session.execute(select(metadata.tables[name]))), key=repr)
            for name in TABLE_ORDER
        }


def without_import_log(tables: Dump, package: str) -> Dump:
    """``tables`` without the change-log rows written by importing ``package``."""
    by = metadata.tables["metadata"].columns.keys().index("updated_by")
    kept = [row for row in tables["metadata"] if row[by] != f"import:{package}"]
    return tables | {"metadata": kept}


async def clear(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Delete every HSDS row."""
    async with sessions() as session, session.begin():
        for name in reversed(TABLE_ORDER):
            await session.execute(delete(metadata.tables[name]))


def counts(package: Package) -> dict[str, int]:
    """Rows per table of ``package``."""
    return {table: len(resource.rows) for table, resource in package.resources.items()}


async def test_imports_the_fixture(sessions: async_sessionmaker[AsyncSession]) -> None:
    package = read_package(FIXTURE)
    calls: list[tuple[str, int, int]] = []
    report = await import_package(sessions, package, progress=lambda *call: calls.append(call))
    assert report.created == counts(package) and set(report.updated.values()) == {0}
    assert report.logged == 5 and "services.csv : 3 créé(s), 0 mis à jour" in report.summary()
    assert ("service", 3, 3) in calls and len(calls) == len(FILE_NAMES)
    tables = await dump(sessions)
    # metadata: the row of metadata.csv plus one change-log row per organization and service
    assert {name: len(rows) for name, rows in tables.items()} == counts(package) | {"metadata": 1 + 5}
    async with sessions() as session:
        service = (await session.execute(select(metadata.tables["service"]).where(
            metadata.tables["service"].c.id == HALTE))).one()
    assert service.minimum_age == 1.5 and service.assured_date == dt.date(2024, 3, 15)
    assert service.last_modified == dt.datetime(2024, 3, 15, 10, 30, 45, 123000)
    assert service.status == "active" and service.sample is False and service.referral_method is None


async def test_reimport_is_idempotent_and_applies_updates(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    package = read_package(FIXTURE)
    await import_package(sessions, package)
    first = await dump(sessions)
    again = await import_package(sessions, package)
    assert set(again.created.values()) == {0} and again.updated == counts(package)
    second = await dump(sessions)
    assert without_import_log(second, package.name) == without_import_log(first, package.name)
    folder = Path(shutil.copytree(FIXTURE, tmp_path / "v2"))
    services = (folder / "services.csv").read_text(encoding="utf-8")
    (folder / "services.csv").write_text(services.replace("Halte-répit,", "Halte-répit du samedi,"), "utf-8")
    changed = await import_package(sessions, read_package(folder))
    assert changed.created["service"] == 0 and changed.updated["service"] == 3
    async with sessions() as session:
        names = set(await session.scalars(select(metadata.tables["service"].c.name)))
    assert names == {"Halte-répit du samedi", "Ateliers pour parents", "Dépannage alimentaire"}


async def test_partial_package_refers_to_the_directory(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await import_package(sessions, read_package(FIXTURE))
    folder = tmp_path / "services-seulement"
    folder.mkdir()
    shutil.copy(FIXTURE / "services.csv", folder)
    report = await import_package(sessions, read_package(folder))
    assert report.created == {"service": 0} and report.updated == {"service": 3}


@pytest.mark.parametrize("source", ["fixture", "sample"])
async def test_export_then_import_is_lossless(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path, source: str
) -> None:
    package = read_package(FIXTURE) if source == "fixture" else load_sample_rows()
    await import_package(sessions, package)
    before = await dump(sessions)
    await export_package(sessions, tmp_path / "export")
    assert {p.name for p in (tmp_path / "export").iterdir()} == {*FILE_NAMES.values(), "datapackage.json"}
    descriptor = json.loads((tmp_path / "export" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == [FILE_NAMES[name] for name in TABLE_ORDER]
    with (tmp_path / "export" / "services.csv").open(encoding="utf-8", newline="") as handle:
        ages = {row["minimum_age"] for row in csv.DictReader(handle)}
    assert not any(age.endswith(".0") for age in ages)
    await clear(sessions)
    exported = read_package(tmp_path / "export")
    report = await import_package(sessions, exported)
    assert report.created == counts(exported)
    assert without_import_log(await dump(sessions), "export") == before


def replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    """A change to a package folder: replace ``old`` by ``new`` in ``file``."""

    def change(folder: Path) -> None:
        text = (folder / file).read_text(encoding="utf-8")
        assert old in text
        (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def to_latin1(folder: Path) -> None:
    """Re-encode organizations.csv in Latin-1."""
    path = folder / "organizations.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))


def duplicate_language(folder: Path) -> None:
    """Repeat the first row of languages.csv."""
    lines = (folder / "languages.csv").read_text(encoding="utf-8").splitlines()
    (folder / "languages.csv").write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")


BAD_PACKAGES = {
    "missing required column": replace("organizations.csv", "id,name,", "id,nom,"),
    "bad UUID": replace("phones.csv", "\n243c2f9e", "\ntelephone-243c2f9e"),
    "dangling foreign key": replace("service_at_location.csv", str(HALTE), str(uuid.UUID(int=1))),
    "wrong encoding": to_latin1,
    "duplicate id": duplicate_language,
    "bad enumeration": replace("services.csv", ",temporarily closed,", ",fermé,"),
    "bad date": replace("services.csv", ",2024-01-10,", ",10/01/2024,"),
}


async def test_bad_packages_leave_the_database_as_it_was(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await import_package(sessions, read_package(FIXTURE))
    before = await dump(sessions)
    for name, change in BAD_PACKAGES.items():
        folder = Path(shutil.copytree(FIXTURE, tmp_path / name))
        change(folder)
        with pytest.raises(PackageError):
            await import_package(sessions, read_package(folder))
        assert await dump(sessions) == before, name

    folder = Path(shutil.copytree(FIXTURE, tmp_path / "paquet"))
    (folder / "organizations.csv").unlink()  # services refer to the directory's organizations: one is unknown
    (folder / "datapackage.json").unlink()
    unknown = uuid.UUID("5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f")
    services = (folder / "services.csv").read_text(encoding="utf-8")
    banque = "04cab41f-9e40-52cf-b12e-ee93a57e2364"
    (folder / "services.csv").write_text(services.replace(banque, str(unknown)), "utf-8")
    with pytest.raises(PackageError) as refused:
        await import_package(sessions, read_package(folder))
    assert refused.value.messages == [
        f"services.csv, ligne 4, colonne « organization_id » : l'organisme {unknown} n'existe ni dans "
        "le paquet ni dans l'annuaire. Ajoutez-le à organizations.csv ou corrigez l'identifiant."
    ]
    assert await dump(sessions) == before

    def fail_midway(table: str, done: int, total: int) -> None:
        if table == "service":
            raise RuntimeError("interrompu")

    with pytest.raises(RuntimeError, match="interrompu"):
        await import_package(sessions, load_sample_rows(), progress=fail_midway)
    assert await dump(sessions) == before


async def test_json_export_nests_services(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> None:
    await import_package(sessions, read_package(FIXTURE))
    await export_json(sessions, tmp_path / "annuaire.json")
    services = json.loads((tmp_path / "annuaire.json").read_text(encoding="utf-8"))
    jsonschema.validate(services, SERVICE_SCHEMA, format_checker=jsonschema.FormatChecker())
    halte = next(s for s in services if s["id"] == str(HALTE))
    assert halte["organization"]["name"] == "Maison de la famille de Jonquière"
    assert halte["program"]["name"] == "Programme Familles"
    assert [p["number"] for p in halte["phones"]] == ["418-555-0101"]
    assert halte["phones"][0]["languages"][0]["code"] == "fr"
    assert halte["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["name"] == "Catégories Passerelle"
    assert halte["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Jonquière"
    assert halte["cost_options"][1]["amount"] in (2, 3.75) and halte["maximum_age"] == 5
    assert halte["capacities"][0]["unit"]["name"] == "Place"
