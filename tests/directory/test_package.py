"""Reading and validating HSDS tabular packages, without a database."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from directory.package import PackageError, read_package, to_package
from directory.problems import MAX_ERRORS
from directory.tabular import FILE_NAMES
from directory.validation import check_references

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hsds3"
HALTE = uuid.UUID("c33199c6-e5d6-58e1-9ac3-af88bc4e605c")
UNKNOWN = uuid.UUID("5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f")


def nothing_known(_table: str, _ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """A directory with nothing in it."""
    return set()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A writable copy of the HSDS 3 fixture package."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "paquet"))


def edit(folder: Path, file: str, change: Callable[[list[list[str]]], None]) -> None:
    """Rewrite one CSV file of ``folder`` after ``change`` edits its rows (header included)."""
    path = folder / file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def set_cell(row: int, column: str, value: str) -> Callable[[list[list[str]]], None]:
    """A change that writes ``value`` in spreadsheet row ``row`` (the header is row 1) of ``column``."""

    def change(rows: list[list[str]]) -> None:
        rows[row - 1][rows[0].index(column)] = value

    return change


def errors_of(folder: Path) -> list[str]:
    """The messages of the refusal of ``folder`` (which must be refused)."""
    with pytest.raises(PackageError) as refused:
        read_package(folder, known_ids=nothing_known)
    return refused.value.messages


def test_reads_the_fixture_with_typed_values() -> None:
    package = read_package(FIXTURE, known_ids=nothing_known)
    assert package.name == "hsds3-exemple"
    assert package.warnings == [] and package.references == []
    assert set(package.resources) == set(FILE_NAMES)
    halte = next(row for row in package.resources["service"].rows if row["id"] == HALTE)
    assert halte["name"] == "Halte-répit" and halte["minimum_age"] == 1.5 and halte["maximum_age"] == 5
    assert halte["assured_date"] == dt.date(2024, 3, 15)
    assert halte["last_modified"] == dt.datetime(2024, 3, 15, 10, 30, 45, 123000)  # "Z": stored as naive UTC
    assert halte["wait_time"] is None
    capacity = package.resources["service_capacity"].rows[0]
    assert capacity["updated"] == dt.datetime(2024, 9, 25, 13, 23, 6, 500000)
    schedule = package.resources["schedule"].rows[0]
    assert schedule["opens_at"] == dt.time(8, 30) and schedule["interval"] == 1 and schedule["timezone"] == -5
    assert package.resources["service"].numbers == [2, 3, 4]


def test_missing_required_column(folder: Path) -> None:
    edit(folder, "organizations.csv", lambda rows: [row.pop(1) for row in rows])
    assert errors_of(folder) == [
        "organizations.csv, ligne 1, colonne « name » : colonne obligatoire absente de l'en-tête. "
        "Ajoutez une colonne « name » et remplissez-la à chaque ligne."
    ]


def test_empty_required_value(folder: Path) -> None:
    edit(folder, "addresses.csv", set_cell(3, "city", "  "))
    assert errors_of(folder) == [
        "addresses.csv, ligne 3, colonne « city » : valeur obligatoire manquante. Remplissez cette cellule."
    ]


def test_bad_uuid(folder: Path) -> None:
    edit(folder, "phones.csv", set_cell(2, "id", "telephone-1"))
    assert errors_of(folder) == [
        "phones.csv, ligne 2, colonne « id » : « telephone-1 » n'est pas un identifiant UUID valide. "
        "Utilisez un UUID, par exemple 3f7b145d-84af-42d7-8fae-eaca714b02b2."
    ]


def test_any_uuid_form_is_accepted(folder: Path) -> None:
    edit(folder, "services.csv", set_cell(2, "id", "{" + str(HALTE).upper() + "}"))
    package = read_package(folder, known_ids=nothing_known)
    assert package.resources["service"].rows[0]["id"] == HALTE


def test_dangling_foreign_key(folder: Path) -> None:
    edit(folder, "services.csv", set_cell(4, "organization_id", str(UNKNOWN)))
    message = (
        f"services.csv, ligne 4, colonne « organization_id » : l'organisme {UNKNOWN} n'existe ni dans le "
        "paquet ni dans l'annuaire. Ajoutez-le à organizations.csv ou corrigez l'identifiant."
    )
    assert errors_of(folder) == [message]
    package = read_package(folder)  # without a directory to ask, the reference is kept for later
    assert [(r.file, r.row, r.column, r.target, r.id) for r in package.references] == [
        ("services.csv", 4, "organization_id", "organization", UNKNOWN)
    ]
    with pytest.raises(PackageError) as refused:
        check_references(package, nothing_known)
    assert refused.value.messages == [message]
    check_references(package, lambda table, ids: ids if table == "organization" else set())


def test_wrong_encoding(folder: Path) -> None:
    path = folder / "organizations.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    assert errors_of(folder) == [
        "organizations.csv, ligne 2 : le fichier n'est pas encodé en UTF-8 (octet 0xe8). "
        "Enregistrez-le au format « CSV UTF-8 » depuis votre tableur, puis réessayez."
    ]


def test_byte_order_mark_is_accepted(folder: Path) -> None:
    path = folder / "organizations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(read_package(folder, known_ids=nothing_known).resources["organization"].rows) == 2


def test_duplicate_id(folder: Path) -> None:
    edit(folder, "languages.csv", lambda rows: rows.append(list(rows[1])))
    [message] = errors_of(folder)
    assert message.startswith("languages.csv, ligne 6, colonne « id » : l'identifiant ")
    assert message.endswith(
        "est déjà utilisé à la ligne 2. Donnez un identifiant distinct à chaque ligne "
        "ou fusionnez les deux lignes."
    )


def test_bad_enumeration(folder: Path) -> None:
    edit(folder, "services.csv", set_cell(3, "status", "actif"))
    assert errors_of(folder) == [
        "services.csv, ligne 3, colonne « status » : « actif » n'est pas une valeur permise. "
        "Valeurs acceptées : active, inactive, defunct, temporarily closed."
    ]


def test_enumeration_case_is_normalized(folder: Path) -> None:
    edit(folder, "locations.csv", set_cell(2, "location_type", "Physical"))
    package = read_package(folder, known_ids=nothing_known)
    assert package.resources["location"].rows[0]["location_type"] == "physical"


def test_bad_date(folder: Path) -> None:
    edit(folder, "services.csv", set_cell(2, "assured_date", "15/03/2024"))
    assert errors_of(folder) == [
        "services.csv, ligne 2, colonne « assured_date » : « 15/03/2024 » n'est pas une date valide. "
        "Écrivez-la au format AAAA-MM-JJ, par exemple 2024-03-15."
    ]


@pytest.mark.parametrize(
    ("file", "column", "value", "expected"),
    [
        ("services.csv", "minimum_age", "douze", "n'est pas un nombre."),
        ("services.csv", "minimum_age", "nan", "n'est pas un nombre."),
        ("schedules.csv", "interval", "1.5", "n'est pas un nombre entier."),
        ("schedules.csv", "opens_at", "8h30", "n'est pas une heure valide."),
        ("services.csv", "last_modified", "hier", "n'est pas une date et heure valide."),
        ("service_capacity.csv", "updated", "2024-13-01T00:00:00", "n'est pas une date et heure valide."),
    ],
)
def test_bad_typed_values(folder: Path, file: str, column: str, value: str, expected: str) -> None:
    edit(folder, file, set_cell(2, column, value))
    [message] = errors_of(folder)
    assert message.startswith(f"{file}, ligne 2, colonne « {column} » : « {value} » {expected}")


def test_every_error_is_reported_at_once(folder: Path) -> None:
    edit(folder, "services.csv", set_cell(2, "status", "ouvert"))
    edit(folder, "services.csv", set_cell(3, "assured_date", "2024-02-30"))
    edit(folder, "phones.csv", set_cell(3, "organization_id", str(UNKNOWN)))
    messages = errors_of(folder)
    assert [m.split(" : ")[0] for m in messages] == [
        "services.csv, ligne 2, colonne « status »",
        "services.csv, ligne 3, colonne « assured_date »",
        "phones.csv, ligne 3, colonne « organization_id »",
    ]


def test_errors_are_capped(folder: Path) -> None:
    edit(folder, "units.csv", lambda rows: rows.extend([["pas-un-uuid", "Place", "", "", ""]] * 500))
    messages = errors_of(folder)
    assert len(messages) == MAX_ERRORS + 1
    assert messages[-1].startswith(f"Plus de {MAX_ERRORS} problèmes")


def test_unknown_columns_and_files_are_ignored_with_a_warning(folder: Path) -> None:
    edit(folder, "organizations.csv", lambda rows: [row.append("x") for row in rows])
    (folder / "notes.txt").write_text("à lire", encoding="utf-8")
    package = read_package(folder, known_ids=nothing_known)
    assert package.warnings == [
        "notes.txt : fichier inconnu d'HSDS, ignoré.",
        "organizations.csv : colonne « x » inconnue d'HSDS, ignorée.",
    ]


def test_semicolon_separated_files_are_accepted(folder: Path) -> None:
    path = folder / "organizations.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    expected = read_package(FIXTURE, known_ids=nothing_known).resources["organization"].rows
    assert read_package(folder, known_ids=nothing_known).resources["organization"].rows == expected


def test_singular_file_names_without_datapackage(folder: Path) -> None:
    (folder / "datapackage.json").unlink()
    (folder / "services.csv").rename(folder / "service.csv")
    package = read_package(folder, known_ids=nothing_known)
    assert package.name == "paquet" and package.resources["service"].file == "service.csv"


def test_datapackage_maps_files_to_tables(folder: Path) -> None:
    (folder / "organizations.csv").rename(folder / "organismes-2024.csv")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "organismes-2024.csv"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    package = read_package(folder / "datapackage.json", known_ids=nothing_known)
    assert package.resources["organization"].file == "organismes-2024.csv"
    assert len(package.resources["organization"].rows) == 2


def test_datapackage_naming_a_missing_file(folder: Path) -> None:
    (folder / "units.csv").unlink()
    messages = errors_of(folder)
    assert messages[0] == (
        "datapackage.json : la ressource « unit » désigne le fichier « units.csv », absent du paquet. "
        "Ajoutez ce fichier ou corrigez son chemin (« path »)."
    )


@pytest.mark.parametrize("inside", ["", "hsds3/"])
def test_zip_at_root_or_in_one_folder(tmp_path: Path, inside: str) -> None:
    archive = tmp_path / "paquet.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in FIXTURE.iterdir():
            out.write(path, inside + path.name)
    package = read_package(archive, known_ids=nothing_known)
    expected = read_package(FIXTURE, known_ids=nothing_known)
    assert package.name == "hsds3-exemple"  # from datapackage.json
    assert {t: r.rows for t, r in package.resources.items()} == {
        t: r.rows for t, r in expected.resources.items()
    }


def test_missing_path_and_broken_zip(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="introuvable"):
        read_package(tmp_path / "absent")
    (tmp_path / "casse.zip").write_bytes(b"pas une archive")
    with pytest.raises(PackageError, match="archive .zip illisible"):
        read_package(tmp_path / "casse.zip")


def test_rows_given_as_text() -> None:
    row = {"id": str(UNKNOWN), "name": "Organisme", "sample": "oui"}
    package = to_package("texte", {"organization": [row]})
    assert package.resources["organization"].rows == [{"id": UNKNOWN, "name": "Organisme", "sample": True}]
    with pytest.raises(PackageError, match="organizations.csv, ligne 2, colonne « sample »"):
        to_package("texte", {"organization": [row | {"sample": "peut-être"}]})
