"""Validating the rows of an HSDS package against our tables (pure: no database).

Every cell is typed by the rules of its column (``directory.tabular``); required
columns and values, unique ids and foreign keys are checked. Every problem is
reported at once, as a French sentence naming the file, the row and the column and
saying how to fix it. Rows are numbered as a spreadsheet shows them: the header is
row 1, so the first data row is row 2.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from directory.problems import Problems
from directory.tabular import FILE_NAMES, Field, to_fields
from directory.values import Parse

KnownIds = Callable[[str, set[uuid.UUID]], set[uuid.UUID]]
"""``(table, ids) → those of the ids that already exist`` (in the directory's database)."""

NOUNS = {
    "organization": ("l'organisme", "le"), "program": ("le programme", "le"), "service": ("le service", "le"),
    "location": ("le lieu", "le"), "service_at_location": ("le service au lieu", "le"),
    "contact": ("le contact", "le"), "phone": ("le téléphone", "le"), "taxonomy": ("la taxonomie", "la"),
    "taxonomy_term": ("le terme de taxonomie", "le"), "unit": ("l'unité", "la"),
}
"""Table → (French noun with its article, pronoun), to name a missing record."""


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


class Validation:
    """The check of one package, table by table, then as a whole by ``finish``."""

    def __init__(self) -> None:
        self.problems = Problems()
        self.warnings: list[str] = []
        self.resources: dict[str, Resource] = {}
        self._ids = _Memo(uuid.UUID)  # an id is written once and referred to many times

    def add_unread(self, table: str, file: str) -> None:
        """Count ``table`` as present but unreadable: no rows, and references to it are not checked."""
        self.resources[table] = Resource(table, file, [], partial=True)

    def add_table(self, table: str, file: str, header: list[str], rows: Iterable[list[str]]) -> None:
        """Type every cell of ``rows`` (lines of ``file`` under ``header``) by the columns of ``table``."""
        columns = self._columns(file, header, to_fields(table))
        readers = [(index, f, self._parser(f)) for index, f in columns.values()]
        resource, width, problems = Resource(table, file, list(columns)), len(header), self.problems
        seen: dict[uuid.UUID, int] = {}
        for number, cells in enumerate(rows, start=2):
            if problems.stopped:
                break
            if len(cells) > width:
                problems.add(f"{file}, ligne {number} : {len(cells)} valeurs pour {width} colonnes. "
                             "Mettez entre guillemets les valeurs qui contiennent une virgule.")
                continue
            if not "".join(cells).strip():
                continue
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            row = {}
            for index, f, parse in readers:
                if text := cells[index].strip():
                    try:
                        row[f.name] = parse(text)
                    except (ValueError, LookupError):
                        problems.add(f"{file}, ligne {number}, colonne « {f.name} » : « {text} » {f.hint}")
                    continue
                if f.required:
                    problems.add(f"{file}, ligne {number}, colonne « {f.name} » : "
                                 "valeur obligatoire manquante. Remplissez cette cellule.")
                row[f.name] = f.default
            if (key := row.get("id")) in seen:
                problems.add(f"{file}, ligne {number}, colonne « id » : l'identifiant {key} est déjà utilisé "
                             f"à la ligne {seen[key]}. Donnez un identifiant distinct à chaque ligne "
                             "ou fusionnez les deux lignes.")
            elif key is not None:
                seen[key] = number
            resource.partial |= key is None
            resource.rows.append(row)
            resource.numbers.append(number)
        self.resources[table] = resource

    def finish(self, name: str, known_ids: KnownIds | None) -> Package:
        """The validated package named ``name``; raise ``PackageError`` if any problem was found.

        References the package does not resolve are checked with ``known_ids`` when given,
        else kept in ``Package.references``.
        """
        package = Package(name, self.resources, self.warnings)
        targets = {f.target for r in self.resources.values() for f in to_fields(r.table).values() if f.target}
        ids = {table: {row.get("id") for row in r.rows}
               for table, r in self.resources.items() if table in targets}
        for r in self.resources.values():
            for f in to_fields(r.table).values():
                target = self.resources.get(f.target or "")
                if not f.target or f.name not in r.columns or (target and target.partial):
                    continue
                known = ids.get(f.target, set())
                package.references += [Reference(r.file, number, f.name, f.target, row[f.name])
                                       for row, number in zip(r.rows, r.numbers, strict=True)
                                       if row.get(f.name) is not None and row[f.name] not in known]
        if known_ids is not None:
            _check_references(package, known_ids, self.problems)
        self.problems.raise_any()
        return package

    def _columns(
        self, file: str, header: list[str], fields: dict[str, Field]
    ) -> dict[str, tuple[int, Field]]:
        """Column → (its index in ``header``, its field); warn of unknown columns, report missing ones."""
        columns: dict[str, tuple[int, Field]] = {}
        for index, column in enumerate(header):
            if column not in fields:
                self.warnings.append(f"{file} : colonne « {column} » inconnue d'HSDS, ignorée.")
            elif column in columns:
                self.problems.add(f"{file}, ligne 1, colonne « {column} » : colonne en double. "
                                  "Gardez-en une seule.")
            else:
                columns[column] = (index, fields[column])
        for f in fields.values():
            if f.required and f.name not in columns:
                self.problems.add(f"{file}, ligne 1, colonne « {f.name} » : colonne obligatoire absente de "
                                  f"l'en-tête. Ajoutez une colonne « {f.name} » "
                                  "et remplissez-la à chaque ligne.")
        return columns

    def _parser(self, f: Field) -> Parse:
        """``f.parse``; for ids, one that remembers the ids already read in the package."""
        return self._ids.__getitem__ if f.kind is uuid.UUID else f.parse


class _Memo(dict[str, Any]):
    """Values by their text: ``memo[text]`` parses ``text`` the first time only."""

    def __init__(self, parse: Parse) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, text: str) -> Any:
        value = self[text] = self.parse(text)
        return value


def check_references(package: Package, known_ids: KnownIds) -> None:
    """Raise ``PackageError`` for every reference found neither in the package nor by ``known_ids``."""
    problems = Problems()
    _check_references(package, known_ids, problems)
    problems.raise_any()


def _check_references(package: Package, known_ids: KnownIds, problems: Problems) -> None:
    found = {table: known_ids(table, wanted) for table, wanted in package.wanted_ids().items()}
    for ref in package.references:
        if ref.id not in found[ref.target]:
            noun, pronoun = NOUNS.get(ref.target, (f"l'enregistrement {ref.target}", "le"))
            resource = package.resources.get(ref.target)
            target = resource.file if resource else FILE_NAMES[ref.target]
            problems.add(f"{ref.file}, ligne {ref.row}, colonne « {ref.column} » : {noun} {ref.id} "
                         f"n'existe ni dans le paquet ni dans l'annuaire. Ajoutez-{pronoun} à {target} "
                         "ou corrigez l'identifiant.")
