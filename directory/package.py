"""Reading and validating an HSDS 3 tabular data package (pure: no database).

A package is a folder of CSV files, the ``datapackage.json`` that lists them, or a
``.zip`` of either (files at its root or in one folder). The rules come from our
SQLAlchemy tables: required columns, value types, enumerations, unique ids and
foreign keys. Every problem is reported at once, as a French sentence naming the
file, the row and the column and saying how to fix it. Rows are numbered as a
spreadsheet shows them: the header is row 1, so the first data row is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from directory.models import REFERRAL_METHODS, SECTORS, SERVICE_STATUSES
from directory.schema import metadata

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

LOCATION_TYPES = ("physical", "postal", "virtual")
ENUMS = {
    ("service", "status"): SERVICE_STATUSES, ("service", "referral_method"): REFERRAL_METHODS,
    ("organization", "sector"): SECTORS, ("location", "location_type"): LOCATION_TYPES,
    ("address", "address_type"): LOCATION_TYPES,
}
NOUNS = {
    "organization": ("l'organisme", "le"), "program": ("le programme", "le"), "service": ("le service", "le"),
    "location": ("le lieu", "le"), "service_at_location": ("le service au lieu", "le"),
    "contact": ("le contact", "le"), "phone": ("le téléphone", "le"), "taxonomy": ("la taxonomie", "la"),
    "taxonomy_term": ("le terme de taxonomie", "le"), "unit": ("l'unité", "la"),
}
MAX_ERRORS = 200
DATAPACKAGE = "datapackage.json"
KnownIds = Callable[[str, set[uuid.UUID]], set[uuid.UUID]]
"""``(table, ids) → those of the ids that already exist`` (in the directory's database)."""

_BY_FILE = {name: table for table, name in FILE_NAMES.items()} | {f"{t}.csv": t for t in FILE_NAMES}
_DATE, _TIME = re.compile(r"\d{4}-\d{2}-\d{2}"), re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")
_INTEGER, _NUMBER = re.compile(r"[+-]?\d+"), re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,2})?")
_BOOLEANS = {"true": True, "1": True, "oui": True, "vrai": True,
             "false": False, "0": False, "non": False, "faux": False}


class PackageError(Exception):
    """A refused package: ``messages`` lists every problem, in French (rows numbered as in a spreadsheet)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(slots=True)
class Resource:
    """Typed rows of one table, with each row's spreadsheet row number.

    ``columns`` are the known columns of the header; ``partial`` is set when some ids
    could not be read (references to them are then not checked).
    """

    table: str
    file: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Reference:
    """A foreign key whose target is not in the package: it must already be in the directory."""

    file: str
    row: int
    column: str
    target: str
    id: uuid.UUID


@dataclass(slots=True)
class Package:
    """A validated package: resources by table, warnings, and the references left to check."""

    name: str
    resources: dict[str, Resource]
    warnings: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    def wanted_ids(self) -> dict[str, set[uuid.UUID]]:
        """Ids the package refers to without containing them, by table."""
        wanted: dict[str, set[uuid.UUID]] = {}
        for ref in self.references:
            wanted.setdefault(ref.target, set()).add(ref.id)
        return wanted


@dataclass(frozen=True, slots=True)
class Field:
    """How to read one column: parser, French hint shown after a bad value, and constraints."""

    name: str
    parse: Callable[[str], Any]
    hint: str
    required: bool
    default: Any
    target: str | None


def read_package(path: str | Path, *, known_ids: KnownIds | None = None) -> Package:
    """Read and validate the package at ``path`` (a folder, its ``datapackage.json`` or a ``.zip``).

    References missing from the package are checked with ``known_ids`` when given, else
    kept in ``Package.references`` for ``check_references``. Raises ``PackageError``.
    """
    path = Path(path)
    if not path.exists():
        raise PackageError([f"{path} : introuvable. Indiquez un dossier, un {DATAPACKAGE} ou un .zip."])
    if path.is_file() and path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                return _read_files(path.stem, _zip_files(archive), known_ids)
        except zipfile.BadZipFile as error:
            raise PackageError([f"{path.name} : archive .zip illisible ({error}). Recréez-la."]) from error
    folder = path.parent if path.is_file() else path
    files = {p.name: p.read_bytes for p in sorted(folder.iterdir()) if p.is_file() and p.name[0] != "."}
    return _read_files(folder.name, files, known_ids)


def to_package(
    name: str, tables: Mapping[str, list[dict[str, str]]], *, known_ids: KnownIds | None = None
) -> Package:
    """Validate rows given as text (``{table: [{column: text}]}``) exactly as if read from CSV files."""
    problems: list[str] = []
    warnings: list[str] = []
    resources = {}
    for table, rows in tables.items():
        header = list(dict.fromkeys(column for row in rows for column in row))
        cells = ([row.get(column, "") for column in header] for row in rows)
        resources[table] = _validate(table, FILE_NAMES[table], header, cells, problems, warnings)
    return _finish(name, resources, warnings, problems, known_ids)


def check_references(package: Package, known_ids: KnownIds) -> None:
    """Raise ``PackageError`` for every reference found neither in the package nor by ``known_ids``."""
    problems: list[str] = []
    _check_references(package, known_ids, problems)
    if problems:
        raise PackageError(problems)


@cache
def to_fields(table: str) -> dict[str, Field]:
    """The readers of the columns of ``table``, derived from its SQLAlchemy definition."""
    fields = {}
    for column in metadata.tables[table].columns:
        default = column.default.arg if column.default is not None and column.default.is_scalar else None
        required = not column.nullable and column.default is None and column.server_default is None
        target = next((fk.column.table.name for fk in column.foreign_keys), None)
        choices = ENUMS.get((table, column.name))
        parse, hint = _enum(choices) if choices else _READERS[column.type.python_type]
        fields[column.name] = Field(column.name, parse, hint, required, default, target)
    return fields


def _add(problems: list[str], message: str) -> None:
    """Record one problem; past ``MAX_ERRORS``, say once that the check stopped."""
    if len(problems) < MAX_ERRORS:
        problems.append(message)
    elif len(problems) == MAX_ERRORS:
        problems.append(f"Plus de {MAX_ERRORS} problèmes : la vérification s'arrête ici. "
                        "Corrigez-les et recommencez.")


def _enum(choices: tuple[str, ...]) -> tuple[Callable[[str], str], str]:
    canonical = {choice.casefold(): choice for choice in choices}
    return (lambda text: canonical[text.casefold()]), (
        f"n'est pas une valeur permise. Valeurs acceptées : {', '.join(choices)}.")


def _datetime(text: str) -> dt.datetime:
    if not _DATE.match(text):
        raise ValueError(text)
    value = dt.datetime.fromisoformat(text)
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value  # stored as naive UTC


def _matched(pattern: re.Pattern[str], text: str) -> str:
    if not pattern.fullmatch(text):
        raise ValueError(text)
    return text


# (reader, hint after « value »): each reader raises ValueError or LookupError on a bad value.
_READERS: dict[type, tuple[Callable[[str], Any], str]] = {
    str: (str, ""),
    uuid.UUID: (uuid.UUID, "n'est pas un identifiant UUID valide. "
                "Utilisez un UUID, par exemple 3f7b145d-84af-42d7-8fae-eaca714b02b2."),
    int: (lambda t: int(_matched(_INTEGER, t)),
          "n'est pas un nombre entier. Écrivez un entier sans décimales, par exemple 3."),
    float: (lambda t: float(_matched(_NUMBER, t)),
            "n'est pas un nombre. Écrivez-le avec un point décimal, sans espace, par exemple 12.5."),
    dt.date: (lambda t: dt.date.fromisoformat(_matched(_DATE, t)),
              "n'est pas une date valide. Écrivez-la au format AAAA-MM-JJ, par exemple 2024-03-15."),
    dt.datetime: (_datetime, "n'est pas une date et heure valide. "
                  "Écrivez-la au format ISO 8601, par exemple 2024-03-15T10:30:00-04:00."),
    dt.time: (lambda t: dt.time.fromisoformat(_matched(_TIME, t)),
              "n'est pas une heure valide. Écrivez-la au format HH:MM ou HH:MM:SS, par exemple 08:30."),
    bool: (lambda t: _BOOLEANS[t.lower()], "n'est pas une valeur booléenne. Écrivez true ou false."),
}


def _zip_files(archive: zipfile.ZipFile) -> dict[str, Callable[[], bytes]]:
    names = [n for n in archive.namelist()
             if n[-1] != "/" and not n.startswith("__MACOSX/") and PurePosixPath(n).name[0] != "."]
    tops = {n.split("/", 1)[0] for n in names}
    prefix = f"{tops.pop()}/" if len(tops) == 1 and all("/" in n for n in names) else ""
    return {n.removeprefix(prefix): (lambda n=n: archive.read(n)) for n in names}


def _read_files(name: str, files: dict[str, Callable[[], bytes]], known_ids: KnownIds | None) -> Package:
    problems: list[str] = []
    descriptor = _descriptor(files[DATAPACKAGE](), problems) if DATAPACKAGE in files else None
    layout = _layout(descriptor, files, problems)
    unknown = [file for file in files if file != DATAPACKAGE and file not in layout]
    warnings = [f"{file} : fichier inconnu d'HSDS, ignoré." for file in unknown]
    resources = {}
    for file, table in layout.items():
        resources[table] = Resource(table, file, [], partial=True)  # until the file is read
        if (text := _decode(file, files[file](), problems)) is None:
            continue
        first = text.partition("\n")[0]  # French spreadsheets save with semicolons
        separator = ";" if first.count(";") > first.count(",") else ","
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        try:
            if (header := next(rows, None)) is None:
                _add(problems, f"{file} : le fichier est vide. Ajoutez au moins la ligne d'en-tête.")
            else:
                header = [column.strip() for column in header]
                resources[table] = _validate(table, file, header, rows, problems, warnings)
        except csv.Error as error:
            _add(problems, f"{file}, ligne {rows.line_num} : CSV illisible ({error}). "
                           "Vérifiez les guillemets et les séparateurs (virgules).")
    return _finish((descriptor or {}).get("name") or name, resources, warnings, problems, known_ids)


def _descriptor(data: bytes, problems: list[str]) -> dict[str, Any]:
    try:
        descriptor = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        descriptor = error
    if isinstance(descriptor, dict) and isinstance(descriptor.setdefault("resources", []), list):
        return descriptor
    _add(problems, f"{DATAPACKAGE} : fichier illisible ({descriptor}). Il doit être un objet JSON avec "
                   "une liste « resources » d'objets {name, path} : corrigez-le ou retirez-le.")
    return {"resources": []}


def _layout(
    descriptor: dict[str, Any] | None, files: Mapping[str, Any], problems: list[str]
) -> dict[str, str]:
    """File → table: the resources of ``datapackage.json`` when there is one, else the file names."""
    if descriptor is None:
        return {f: _BY_FILE[f] for f in files if f in _BY_FILE}
    layout = {}
    for resource in filter(lambda r: isinstance(r, dict), descriptor["resources"]):
        name, file = resource.get("name"), resource.get("path")
        if (table := name if name in FILE_NAMES else _BY_FILE.get(str(file))) is None:
            continue
        if isinstance(file, str) and file in files:
            layout[file] = table
        else:
            _add(problems, f"{DATAPACKAGE} : la ressource « {name} » désigne le fichier « {file} », absent "
                           "du paquet. Ajoutez ce fichier ou corrigez son chemin (« path »).")
    return layout


def _decode(file: str, data: bytes, problems: list[str]) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, byte = data.count(b"\n", 0, error.start) + 1, data[error.start]
        _add(problems, f"{file}, ligne {line} : le fichier n'est pas encodé en UTF-8 (octet 0x{byte:02x}). "
                       "Enregistrez-le au format « CSV UTF-8 » depuis votre tableur, puis réessayez.")
        return None
    if "\x00" in text:
        _add(problems, f"{file} : le fichier contient des caractères nuls. Réexportez-le en CSV UTF-8.")
        return None
    return text


def _validate(table: str, file: str, header: list[str], rows: Iterable[list[str]],
              problems: list[str], warnings: list[str]) -> Resource:
    """Type every cell of ``rows`` by the columns of ``table``; record problems and warnings."""
    fields, layout = to_fields(table), {}
    for index, column in enumerate(header):
        if column not in fields:
            warnings.append(f"{file} : colonne « {column} » inconnue d'HSDS, ignorée.")
        elif column in layout:
            _add(problems, f"{file}, ligne 1, colonne « {column} » : colonne en double. Gardez-en une seule.")
        else:
            layout[column] = (index, fields[column])
    for f in fields.values():
        if f.required and f.name not in layout:
            _add(problems, f"{file}, ligne 1, colonne « {f.name} » : colonne obligatoire absente de "
                           f"l'en-tête. Ajoutez une colonne « {f.name} » et remplissez-la à chaque ligne.")
    resource, seen = Resource(table, file, list(layout)), {}
    for number, cells in enumerate(rows, start=2):
        where = f"{file}, ligne {number}"
        if len(problems) > MAX_ERRORS:
            break
        if len(cells) > len(header):
            _add(problems, f"{where} : {len(cells)} valeurs pour {len(header)} colonnes. "
                           "Mettez entre guillemets les valeurs qui contiennent une virgule.")
            continue
        if not "".join(cells).strip():
            continue
        row = {}
        for index, f in layout.values():
            if not (text := cells[index].strip() if index < len(cells) else ""):
                if f.required:
                    _add(problems, f"{where}, colonne « {f.name} » : valeur obligatoire manquante. "
                                   "Remplissez cette cellule.")
                row[f.name] = f.default
                continue
            try:
                row[f.name] = f.parse(text)
            except (ValueError, LookupError):
                _add(problems, f"{where}, colonne « {f.name} » : « {text} » {f.hint}")
        if (key := row.get("id")) in seen:
            _add(problems, f"{where}, colonne « id » : l'identifiant {key} est déjà utilisé à la ligne "
                           f"{seen[key]}. Donnez un identifiant distinct à chaque ligne "
                           "ou fusionnez les deux lignes.")
        elif key is not None:
            seen[key] = number
        resource.partial |= key is None
        resource.rows.append(row)
        resource.numbers.append(number)
    return resource


def _finish(name: str, resources: dict[str, Resource], warnings: list[str], problems: list[str],
            known_ids: KnownIds | None) -> Package:
    package = Package(name, resources, warnings)
    ids = {table: {row.get("id") for row in r.rows} for table, r in resources.items()}
    for r in resources.values():
        for f in to_fields(r.table).values():
            target = resources.get(f.target or "")
            if not f.target or f.name not in r.columns or (target and target.partial):
                continue
            known = ids.get(f.target, set())
            package.references += [Reference(r.file, number, f.name, f.target, row[f.name])
                                   for row, number in zip(r.rows, r.numbers, strict=True)
                                   if row.get(f.name) is not None and row[f.name] not in known]
    if known_ids is not None:
        _check_references(package, known_ids, problems)
    if problems:
        raise PackageError(problems)
    return package


def _check_references(package: Package, known_ids: KnownIds, problems: list[str]) -> None:
    found = {table: known_ids(table, wanted) for table, wanted in package.wanted_ids().items()}
    for ref in package.references:
        if ref.id not in found[ref.target]:
            noun, pronoun = NOUNS.get(ref.target, (f"l'enregistrement {ref.target}", "le"))
            resource = package.resources.get(ref.target)
            target = resource.file if resource else FILE_NAMES[ref.target]
            _add(problems, f"{ref.file}, ligne {ref.row}, colonne « {ref.column} » : {noun} {ref.id} "
                           f"n'existe ni dans le paquet ni dans l'annuaire. Ajoutez-{pronoun} à {target} "
                           "ou corrigez l'identifiant.")
