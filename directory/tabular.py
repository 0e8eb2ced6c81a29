"""Our tables as an HSDS 3 tabular data package: the file of each table and the rules of each column.

The rules come from the SQLAlchemy tables: a column is required when it is not
nullable and has no default; it is read by the converter of its Python type, or of
its enumeration; a foreign key names the table its ids must exist in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnDefault

from directory.models import REFERRAL_METHODS, SECTORS, SERVICE_STATUSES
from directory.schema import metadata
from directory.values import Parse, choice, converter

FILE_NAMES = {
    "organization": "organizations.csv", "program": "programs.csv", "service": "services.csv",
    "location": "locations.csv", "service_at_location": "service_at_location.csv",
    "address": "addresses.csv", "contact": "contacts.csv", "phone": "phones.csv",
    "schedule": "schedules.csv", "service_area": "service_areas.csv", "language": "languages.csv",
    "accessibility": "accessibility.csv", "required_document": "required_documents.csv",
    "cost_option": "cost_options.csv", "funding": "funding.csv",
    "organization_identifier": "organization_identifiers.csv", "url": "url.csv", "unit": "units.csv",
    "service_capacity": "service_capacity.csv", "taxonomy": "taxonomies.csv",
    "taxonomy_term": "taxonomy_terms.csv", "attribute": "attributes.csv", "metadata": "metadata.csv",
    "meta_table_description": "meta_table_descriptions.csv",
}
"""HSDS table → its file in the spec's tabular package (HSDS 3 names are plural)."""

TABLE_ORDER = tuple(t.name for t in metadata.sorted_tables if t.name in FILE_NAMES)
"""The HSDS tables, parents before children."""

DATAPACKAGE = "datapackage.json"
LOCATION_TYPES = ("physical", "postal", "virtual")
ENUMS = {
    ("service", "status"): SERVICE_STATUSES, ("service", "referral_method"): REFERRAL_METHODS,
    ("organization", "sector"): SECTORS, ("location", "location_type"): LOCATION_TYPES,
    ("address", "address_type"): LOCATION_TYPES,
}
"""(table, column) → the values the column accepts."""

_BY_FILE = {name: table for table, name in FILE_NAMES.items()} | {f"{t}.csv": t for t in FILE_NAMES}


@dataclass(frozen=True, slots=True)
class Field:
    """How to read one column: Python type, parser, French hint shown after a bad value, and constraints."""

    name: str
    kind: type
    parse: Parse
    hint: str
    required: bool
    default: Any
    target: str | None


def table_of_file(file: str) -> str | None:
    """The HSDS table whose file is named ``file`` (plural as in the spec, or ``<table>.csv``)."""
    return _BY_FILE.get(file)


@cache
def to_fields(table: str) -> dict[str, Field]:
    """The readers of the columns of ``table``, derived from its SQLAlchemy definition."""
    fields = {}
    for column in metadata.tables[table].columns:
        given = column.default
        default = given.arg if isinstance(given, ColumnDefault) and given.is_scalar else None
        required = not column.nullable and column.default is None and column.server_default is None
        target = next((fk.column.table.name for fk in column.foreign_keys), None)
        choices = ENUMS.get((table, column.name))
        kind = column.type.python_type
        parse, hint = choice(choices) if choices else converter(kind)
        fields[column.name] = Field(column.name, kind, parse, hint, required, default, target)
    return fields
