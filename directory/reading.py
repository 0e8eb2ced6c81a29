"""Reading the files of an HSDS tabular package: folder or ``.zip``, ``datapackage.json``, UTF-8 CSV.

A package is a folder of CSV files, the ``datapackage.json`` that lists them, or a
``.zip`` of either (files at its root or in one folder). Without a descriptor, files
are recognized by their names. CSV files must be UTF-8 (a BOM is accepted); those
saved by a French spreadsheet, with semicolons, are read too.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from directory.problems import PackageError, Problems
from directory.tabular import DATAPACKAGE, FILE_NAMES, table_of_file
from directory.validation import Validation

Files = dict[str, Callable[[], bytes]]
"""File name in the package → a function reading its bytes."""


@contextmanager
def open_files(path: Path) -> Iterator[tuple[str, Files]]:
    """The package's default name and its files, for a folder, its ``datapackage.json`` or a ``.zip``.

    Raises ``PackageError`` when ``path`` does not exist or is not a readable archive.
    """
    if not path.exists():
        raise PackageError([f"{path} : introuvable. Indiquez un dossier, un {DATAPACKAGE} ou un .zip."])
    if path.is_file() and path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                yield path.stem, _zip_files(archive)
        except zipfile.BadZipFile as error:
            raise PackageError([f"{path.name} : archive .zip illisible ({error}). Recréez-la."]) from error
        return
    folder = path.parent if path.is_file() else path
    yield folder.name, {p.name: p.read_bytes for p in sorted(folder.iterdir())
                        if p.is_file() and p.name[0] != "."}


def read_files(name: str, files: Files, validation: Validation) -> str:
    """Decode every HSDS file of ``files`` and add its rows to ``validation``; return the package's name.

    The name is the descriptor's when it has one, else ``name``.
    """
    problems = validation.problems
    descriptor = _descriptor(files[DATAPACKAGE](), problems) if DATAPACKAGE in files else None
    layout = _layout(descriptor, files, problems)
    validation.warnings += [f"{file} : fichier inconnu d'HSDS, ignoré."
                            for file in files if file != DATAPACKAGE and file not in layout]
    for file, table in layout.items():
        validation.add_unread(table, file)  # until the file is read
        if (text := _decode(file, files[file](), problems)) is None:
            continue
        first = text.partition("\n")[0]  # French spreadsheets save with semicolons
        separator = ";" if first.count(";") > first.count(",") else ","
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        try:
            if (header := next(rows, None)) is None:
                problems.add(f"{file} : le fichier est vide. Ajoutez au moins la ligne d'en-tête.")
            else:
                validation.add_table(table, file, [column.strip() for column in header], rows)
        except csv.Error as error:
            problems.add(f"{file}, ligne {rows.line_num} : CSV illisible ({error}). "
                         "Vérifiez les guillemets et les séparateurs (virgules).")
    return (descriptor or {}).get("name") or name


def _zip_files(archive: zipfile.ZipFile) -> Files:
    names = [n for n in archive.namelist()
             if n[-1] != "/" and not n.startswith("__MACOSX/") and PurePosixPath(n).name[0] != "."]
    tops = {n.split("/", 1)[0] for n in names}
    prefix = f"{tops.pop()}/" if len(tops) == 1 and all("/" in n for n in names) else ""
    return {n.removeprefix(prefix): partial(archive.read, n) for n in names}


def _descriptor(data: bytes, problems: Problems) -> dict[str, Any]:
    try:
        descriptor = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        descriptor = error
    if isinstance(descriptor, dict) and isinstance(descriptor.setdefault("resources", []), list):
        return descriptor
    problems.add(f"{DATAPACKAGE} : fichier illisible ({descriptor}). Il doit être un objet JSON avec "
                 "une liste « resources » d'objets {name, path} : corrigez-le ou retirez-le.")
    return {"resources": []}


def _layout(
    descriptor: dict[str, Any] | None, files: Mapping[str, Any], problems: Problems
) -> dict[str, str]:
    """File → table: the resources of ``datapackage.json`` when there is one, else the file names."""
    if descriptor is None:
        return {f: table for f in files if (table := table_of_file(f)) is not None}
    layout = {}
    for resource in filter(lambda r: isinstance(r, dict), descriptor["resources"]):
        name, file = resource.get("name"), resource.get("path")
        if (table := name if name in FILE_NAMES else table_of_file(str(file))) is None:
            continue
        if isinstance(file, str) and file in files:
            layout[file] = table
        else:
            problems.add(f"{DATAPACKAGE} : la ressource « {name} » désigne le fichier « {file} », absent "
                         "du paquet. Ajoutez ce fichier ou corrigez son chemin (« path »).")
    return layout


def _decode(file: str, data: bytes, problems: Problems) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, byte = data.count(b"\n", 0, error.start) + 1, data[error.start]
        problems.add(f"{file}, ligne {line} : le fichier n'est pas encodé en UTF-8 (octet 0x{byte:02x}). "
                     "Enregistrez-le au format « CSV UTF-8 » depuis votre tableur, puis réessayez.")
        return None
    if "\x00" in text:
        problems.add(f"{file} : le fichier contient des caractères nuls. Réexportez-le en CSV UTF-8.")
        return None
    return text
