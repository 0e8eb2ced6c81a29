"""Reading and validating an HSDS 3 tabular data package (pure: no database).

The public entry points; the work is shared by:

- ``directory.reading``: the package's files (folder, ``datapackage.json``, ``.zip``) and their CSV;
- ``directory.validation``: typed rows, required values, unique ids and foreign keys;
- ``directory.tabular``: the file of each table and the rules of each column;
- ``directory.values``: cell text → value, by column type;
- ``directory.problems``: the French problem messages and ``PackageError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from directory.problems import PackageError
from directory.reading import open_files, read_files
from directory.tabular import FILE_NAMES, TABLE_ORDER
from directory.validation import KnownIds, Package, Validation, check_references

__all__ = [
    "FILE_NAMES", "TABLE_ORDER", "Package", "PackageError", "check_references", "read_package", "to_package",
]


def read_package(path: str | Path, *, known_ids: KnownIds | None = None) -> Package:
    """Read and validate the package at ``path`` (a folder, its ``datapackage.json`` or a ``.zip``).

    References missing from the package are checked with ``known_ids`` when given, else
    kept in ``Package.references`` for ``check_references``. Raises ``PackageError``.
    """
    validation = Validation()
    with open_files(Path(path)) as (name, files):
        name = read_files(name, files, validation)
    return validation.finish(name, known_ids)


def to_package(
    name: str, tables: Mapping[str, list[dict[str, str]]], *, known_ids: KnownIds | None = None
) -> Package:
    """Validate rows given as text (``{table: [{column: text}]}``) exactly as if read from CSV files."""
    validation = Validation()
    for table, rows in tables.items():
        header = list(dict.fromkeys(column for row in rows for column in row))
        cells = ([row.get(column, "") for column in header] for row in rows)
        validation.add_table(table, FILE_NAMES[table], header, cells)
    return validation.finish(name, known_ids)
