"""Writing the directory out: the HSDS tabular package (CSV files + ``datapackage.json``) and nested JSON.

The tabular export is the layout ``read_package`` reads (plural file names, every
column of our tables, UTF-8, ISO dates, integral numbers without ``.0``), so that
import → export → import gives back the same rows. The JSON export is a list of
services nested as the spec's compiled service schema nests them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.schema import metadata
from directory.tabular import DATAPACKAGE, ENUMS, FILE_NAMES, TABLE_ORDER, to_fields

Row = dict[str, Any]
_TYPES = {str: "string", uuid.UUID: "string", int: "integer", float: "number", bool: "boolean",
          dt.date: "date", dt.datetime: "datetime", dt.time: "time"}
_FORMATS = {uuid.UUID: "uuid", dt.datetime: "any"}  # naive UTC datetimes, written without an offset


def to_cell(value: Any) -> str:
    """The CSV text of a database value (ISO dates, ``true``/``false``, ``12`` rather than ``12.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def to_json_value(value: Any) -> Any:
    """The JSON value of a database value (strings for ids and dates, integers for integral numbers)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, uuid.UUID | dt.date | dt.time):
        return to_cell(value)
    return value


async def export_package(sessions: async_sessionmaker[AsyncSession], path: str | Path) -> None:
    """Write every HSDS table as ``<table>s.csv`` in the folder ``path``, with a ``datapackage.json``."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    async with sessions() as session:
        connection = await session.connection()
        for name in TABLE_ORDER:
            table = metadata.tables[name]
            with (folder / FILE_NAMES[name]).open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(table.columns.keys())
                result = await connection.stream(select(table).order_by(table.c.id))
                async for rows in result.partitions(5_000):
                    writer.writerows([to_cell(value) for value in row] for row in rows)
    descriptor = {
        "name": folder.name or "passerelle",
        "title": "Annuaire Passerelle (HSDS 3)",
        "profile": "tabular-data-package",
        "resources": [to_resource(metadata.tables[name]) for name in TABLE_ORDER],
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2)
    (folder / DATAPACKAGE).write_text(text + "\n", encoding="utf-8")


def to_resource(table: Table) -> dict[str, Any]:
    """The Frictionless tabular data resource describing ``table``'s CSV file."""
    fields = []
    for column in table.columns:
        kind = column.type.python_type
        constraints: dict[str, Any] = {"required": to_fields(table.name)[column.name].required}
        if column.primary_key:
            constraints["unique"] = True
        if (table.name, column.name) in ENUMS:
            constraints["enum"] = list(ENUMS[table.name, column.name])
        fields.append({
            "name": column.name,
            "type": _TYPES[kind],
            **({"format": _FORMATS[kind]} if kind in _FORMATS else {}),
            "constraints": constraints,
        })
    foreign_keys = [
        {"fields": column.name, "reference": {"resource": fk.column.table.name, "fields": "id"}}
        for column in table.columns for fk in column.foreign_keys
    ]
    return {
        "name": table.name, "path": FILE_NAMES[table.name], "profile": "tabular-data-resource",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "schema": {"fields": fields, "primaryKey": "id", "foreignKeys": foreign_keys},
    }


async def export_json(sessions: async_sessionmaker[AsyncSession], path: str | Path) -> None:
    """Write the directory to ``path`` as HSDS nested JSON: a list of fully nested services."""
    tables: dict[str, list[Row]] = {}
    async with sessions() as session:
        connection = await session.connection()
        for name in TABLE_ORDER:
            table = metadata.tables[name]
            result = await connection.execute(select(table).order_by(table.c.id))
            tables[name] = [{k: to_json_value(v) for k, v in row.items()} for row in result.mappings()]
    text = json.dumps(to_services(tables), ensure_ascii=False, indent=2)
    Path(path).write_text(text + "\n", encoding="utf-8")


def to_services(tables: dict[str, list[Row]]) -> list[Row]:
    """Nest the rows of every table under their services, as the compiled HSDS service schema does."""

    def by(table: str, key: str) -> defaultdict[Any, list[Row]]:
        groups: defaultdict[Any, list[Row]] = defaultdict(list)
        for row in tables[table]:
            if row[key] is not None:
                groups[row[key]].append(row)
        return groups

    def one(table: str) -> dict[Any, Row]:
        return {row["id"]: row for row in tables[table]}

    terms, taxonomies, units, programs = one("taxonomy_term"), one("taxonomy"), one("unit"), one("program")
    attributes, logs = by("attribute", "link_id"), by("metadata", "resource_id")
    phone_languages, contact_phones = by("language", "phone_id"), by("phone", "contact_id")

    def nested(table: str, key: str, build: Callable[[Row], Row] = dict) -> Callable[[Any], list[Row]]:
        groups = by(table, key)
        return lambda parent: [build(row) for row in groups.get(parent, [])]

    def with_term(attribute: Row) -> Row:
        term = dict(terms.get(attribute["taxonomy_term_id"], {}))
        if term.get("taxonomy_id") in taxonomies:
            term["taxonomy_detail"] = taxonomies[term["taxonomy_id"]]
        return {**attribute, "taxonomy_term": term}

    def phone(row: Row) -> Row:
        return {**row, "languages": phone_languages.get(row["id"], [])}

    def contact(row: Row) -> Row:
        return {**row, "phones": [phone(p) for p in contact_phones.get(row["id"], [])]}

    def children(kind: str) -> dict[str, Callable[[Any], list[Row]]]:
        key = f"{kind}_id"
        found = {"phones": nested("phone", key, phone), "contacts": nested("contact", key, contact)}
        if kind in ("service", "location", "service_at_location"):
            found["schedules"] = nested("schedule", key)
        if kind in ("service", "service_at_location"):
            found["service_areas"] = nested("service_area", key)
        if kind in ("service", "location"):
            found["languages"] = nested("language", key)
        if kind in ("service", "organization"):
            found |= {"funding": nested("funding", key), "additional_urls": nested("url", key)}
        return found

    kinds = {kind: children(kind) for kind in ("service", "organization", "location", "service_at_location")}

    def expand(row: Row, kind: str) -> Row:
        found = {name: collect(row["id"]) for name, collect in kinds[kind].items()}
        return {**row, **found, "attributes": [with_term(a) for a in attributes.get(row["id"], [])],
                "metadata": logs.get(row["id"], [])}

    addresses, accessibility = nested("address", "location_id"), nested("accessibility", "location_id")
    locations = {row["id"]: {**expand(row, "location"), "addresses": addresses(row["id"]),
                             "accessibility": accessibility(row["id"])} for row in tables["location"]}
    identifiers = nested("organization_identifier", "organization_id")
    organizations = {
        row["id"]: {**expand(row, "organization"), "organization_identifiers": identifiers(row["id"])}
        for row in tables["organization"]
    }
    at_locations = nested(
        "service_at_location", "service_id",
        lambda row: {**expand(row, "service_at_location"), "location": locations.get(row["location_id"])},
    )
    costs, documents = nested("cost_option", "service_id"), nested("required_document", "service_id")
    capacities = nested("service_capacity", "service_id", lambda r: {**r, "unit": units.get(r["unit_id"])})
    return [
        {
            **expand(service, "service"),
            "organization": organizations.get(service["organization_id"]),
            "program": programs.get(service["program_id"]),
            "service_at_locations": at_locations(service["id"]),
            "cost_options": costs(service["id"]),
            "required_documents": documents(service["id"]),
            "capacities": capacities(service["id"]),
        }
        for service in tables["service"]
    ]
