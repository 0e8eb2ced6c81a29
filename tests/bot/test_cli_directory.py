"""``passerelle directory import | export | sample`` on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import csv
import json
import re
import shutil
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sqlalchemy
from typer.testing import CliRunner, Result

from bot.cli import app
from directory.db import to_sync_url
from directory.package import FILE_NAMES, TABLE_ORDER
from directory.schema import metadata

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hsds3"
HALTE = "c33199c6-e5d6-58e1-9ac3-af88bc4e605c"
REFUSED = re.compile(r"Paquet refusé, rien n'a été écrit \((\d+) problème\(s\)\) :\n")
COUNTS = re.compile(r"(\w+\.csv) : (\d+) créé\(s\), (\d+) mis à jour")
Dump = dict[str, list[tuple[Any, ...]]]
SERVICES_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "name", "status", "organization", "phones", "schedules", "service_areas"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string", "minLength": 1},
            "organization": {"type": "object", "required": ["id", "name"],
                             "properties": {"id": {"type": "string", "format": "uuid"}}},
        },
    },
}


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every command from an empty folder, away from any ``.env`` file."""
    monkeypatch.chdir(tmp_path)


def passerelle(database_url: str, *args: str | Path) -> Result:
    """``passerelle ARGS`` run in this process against ``database_url``."""
    env = {
        "PASSERELLE_DATABASE_URL": database_url, "PASSERELLE_LANGUAGE": "fr",
        "PASSERELLE_TIMEZONE": "America/Toronto",
    }
    result = CliRunner().invoke(app, [str(arg) for arg in args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def succeeded(result: Result) -> str:
    """The standard output of a command that must have succeeded."""
    assert result.exit_code == 0, result.output
    return result.stdout


def counts(output: str) -> dict[str, tuple[int, int]]:
    """(created, updated) by file, read from an import summary."""
    return {file: (int(created), int(updated)) for file, created, updated in COUNTS.findall(output)}


def data_rows(path: Path) -> int:
    """Rows of a CSV file, header excluded."""
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for row in csv.reader(handle) if any(row)) - 1


def dump(database_url: str) -> Dump:
    """Every row of every HSDS table, sorted."""
    engine = sqlalchemy.create_engine(to_sync_url(database_url))
    try:
        with engine.connect() as connection:
            tables = [metadata.tables[name] for name in TABLE_ORDER]
            return {
                table.name: sorted(map(tuple, connection.execute(sqlalchemy.select(table))), key=repr)
                for table in tables
            }
    finally:
        engine.dispose()


def without_log(tables: Dump) -> Dump:
    """``tables`` without the HSDS change log."""
    return {name: rows for name, rows in tables.items() if name != "metadata"}


def zipped(folder: Path, archive: Path, prefix: str) -> Path:
    """``folder``'s files in a new ``archive``, under ``prefix`` ("" for the archive's root)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.iterdir()):
            out.write(path, prefix + path.name)
    return archive


def test_import_a_folder_then_its_datapackage_then_zips(database_url: str, tmp_path: Path) -> None:
    expected = {file: data_rows(FIXTURE / file) for file in FILE_NAMES.values() if (FIXTURE / file).exists()}
    first = succeeded(passerelle(database_url, "directory", "import", FIXTURE))
    assert first.startswith("Import terminé : ")
    assert counts(first) == {file: (rows, 0) for file, rows in expected.items() if rows}
    tables = dump(database_url)
    assert len(tables["service"]) == expected["services.csv"] == 3
    assert len(tables["organization"]) == expected["organizations.csv"]
    for path in (
        FIXTURE / "datapackage.json",
        zipped(FIXTURE, tmp_path / "annuaire.zip", ""),
        zipped(FIXTURE, tmp_path / "annuaire-dossier.zip", "hsds3/"),
    ):
        again = succeeded(passerelle(database_url, "directory", "import", path))
        assert counts(again) == {file: (0, rows) for file, rows in expected.items() if rows}, path.name
    assert without_log(dump(database_url)) == without_log(tables)


def test_export_csv_and_json(database_url: str, tmp_path: Path) -> None:
    succeeded(passerelle(database_url, "directory", "import", FIXTURE))
    folder = tmp_path / "export"
    exported_to = succeeded(passerelle(database_url, "directory", "export", folder))
    assert exported_to == f"Annuaire exporté dans {folder}.\n"
    assert {p.name for p in folder.iterdir()} == {*FILE_NAMES.values(), "datapackage.json"}
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "export" and descriptor["profile"] == "tabular-data-package"
    assert [r["path"] for r in descriptor["resources"]] == [FILE_NAMES[name] for name in TABLE_ORDER]
    with (folder / "services.csv").open(encoding="utf-8", newline="") as handle:
        exported = {row["id"]: row["name"] for row in csv.DictReader(handle)}
    with (FIXTURE / "services.csv").open(encoding="utf-8", newline="") as handle:
        assert exported == {row["id"]: row["name"] for row in csv.DictReader(handle)}

    nested = tmp_path / "annuaire.json"
    out = succeeded(passerelle(database_url, "directory", "export", "--format", "json", nested))
    assert out == f"Annuaire exporté dans {nested}.\n"
    services = json.loads(nested.read_text(encoding="utf-8"))
    jsonschema.validate(services, SERVICES_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert {s["id"]: s["name"] for s in services} == exported
    halte = next(s for s in services if s["id"] == HALTE)
    assert halte["organization"]["name"] == "Maison de la famille de Jonquière"
    unknown = passerelle(database_url, "directory", "export", "--format", "xml", tmp_path / "x")
    assert unknown.exit_code == 2 and not (tmp_path / "x").exists()


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file as dictionaries."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("source", ["fixture", "sample"])
def test_reimporting_an_export_is_lossless(database_url: str, tmp_path: Path, source: str) -> None:
    origin = f"sqlite:///{tmp_path}/origine.db"
    if source == "fixture":
        succeeded(passerelle(origin, "directory", "import", FIXTURE))
    else:
        succeeded(passerelle(origin, "directory", "sample"))
    first, second = tmp_path / "premier", tmp_path / "second"
    succeeded(passerelle(origin, "directory", "export", first))
    imported = succeeded(passerelle(database_url, "directory", "import", first))
    assert all(updated == 0 for _, updated in counts(imported).values())
    succeeded(passerelle(database_url, "directory", "export", second))

    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())
    for file in FILE_NAMES.values():
        if file != "metadata.csv":
            assert (second / file).read_bytes() == (first / file).read_bytes(), file
    logged = [row for row in read_rows(second / "metadata.csv") if row["updated_by"] == "import:premier"]
    kept = [row for row in read_rows(second / "metadata.csv") if row["updated_by"] != "import:premier"]
    assert kept == read_rows(first / "metadata.csv")
    assert len(logged) == data_rows(first / "organizations.csv") + data_rows(first / "services.csv")
    descriptors = [
        json.loads((folder / "datapackage.json").read_text(encoding="utf-8")) for folder in (first, second)
    ]
    assert [d.pop("name") for d in descriptors] == ["premier", "second"]
    assert descriptors[0] == descriptors[1]


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` by ``new`` in ``path``; the spreadsheet row where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def missing_column(folder: Path) -> str:
    """organizations.csv loses its "name" column header."""
    edit(folder / "organizations.csv", "id,name,", "id,nom,")
    return "organizations.csv, ligne 1, colonne « name » : colonne obligatoire absente de l'en-tête."


def bad_uuid(folder: Path) -> str:
    """A phone's id is not a UUID."""
    row = edit(folder / "phones.csv", "\n243c2f9e", "\ntelephone-243c2f9e") + 1
    return (f"phones.csv, ligne {row}, colonne « id » : « telephone-243c2f9e-eb6b-56c6-841c-556a0946894f » "
            "n'est pas un identifiant UUID valide.")


def duplicate_id(folder: Path) -> str:
    """The first language is repeated at the end of languages.csv."""
    path = folder / "languages.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    first_id = lines[1].split(",")[0]
    return (f"languages.csv, ligne {len(lines) + 1}, colonne « id » : l'identifiant {first_id} "
            "est déjà utilisé à la ligne 2.")


def dangling_foreign_key(folder: Path) -> str:
    """A service at a location points to a service found nowhere."""
    nowhere = str(uuid.UUID(int=1))
    row = edit(folder / "service_at_location.csv", HALTE, nowhere)
    return (f"service_at_location.csv, ligne {row}, colonne « service_id » : le service {nowhere} "
            "n'existe ni dans le paquet ni dans l'annuaire.")


def latin1(folder: Path) -> str:
    """organizations.csv saved in Latin-1 rather than UTF-8."""
    path = folder / "organizations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1"))
    row = next(n for n, line in enumerate(text.splitlines(), start=1) if not line.isascii())
    return f"organizations.csv, ligne {row} : le fichier n'est pas encodé en UTF-8"


BREAKAGES: dict[str, Callable[[Path], str]] = {
    "missing required column": missing_column,
    "bad UUID": bad_uuid,
    "duplicate id": duplicate_id,
    "dangling foreign key": dangling_foreign_key,
    "latin-1": latin1,
}


def test_a_bad_package_is_refused_whole(database_url: str, tmp_path: Path) -> None:
    succeeded(passerelle(database_url, "directory", "import", FIXTURE))
    before = dump(database_url)
    for name, breakage in BREAKAGES.items():
        folder = Path(shutil.copytree(FIXTURE, tmp_path / name))
        expected = breakage(folder)
        edit(folder / "services.csv", "Halte-répit,", "Halte-répit du samedi,")
        result = passerelle(database_url, "directory", "import", folder)
        assert result.exit_code == 1, name
        assert "Import terminé" not in result.stdout, name
        refused = REFUSED.match(result.stderr)
        assert refused, result.stderr
        problems = result.stderr[refused.end():].splitlines()
        assert len(problems) == int(refused[1]) >= 1, name
        assert all(problem.startswith("- ") for problem in problems), name
        assert any(problem.startswith(f"- {expected}") for problem in problems), result.stderr
        assert dump(database_url) == before, name


def test_missing_or_unreadable_packages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/passerelle.db"
    missing = passerelle(url, "directory", "import", tmp_path / "absent")
    assert missing.exit_code == 1
    assert missing.stderr == (
        "Paquet refusé, rien n'a été écrit (1 problème(s)) :\n"
        f"- {tmp_path / 'absent'} : introuvable. Indiquez un dossier, un datapackage.json ou un .zip.\n"
    )
    broken = tmp_path / "abime.zip"
    broken.write_bytes(b"PK pas une archive")
    unreadable = passerelle(url, "directory", "import", broken)
    assert unreadable.exit_code == 1
    assert "- abime.zip : archive .zip illisible (" in unreadable.stderr
    assert "Recréez-la." in unreadable.stderr
    assert not (tmp_path / "passerelle.db").exists()


def test_loading_the_sample_twice_changes_nothing(database_url: str) -> None:
    first = succeeded(passerelle(database_url, "directory", "sample"))
    assert first.startswith("Annuaire d'exemple chargé : ")
    created = counts(first)
    assert created["organizations.csv"][0] > 0 and created["services.csv"][0] > 0
    assert all(updated == 0 for _, updated in created.values())
    before = dump(database_url)
    second = succeeded(passerelle(database_url, "directory", "sample"))
    assert counts(second) == {file: (0, made) for file, (made, _) in created.items()}
    after = dump(database_url)
    assert without_log(after) == without_log(before)
    assert set(before["metadata"]) <= set(after["metadata"])


def test_import_tells_what_it_ignored(database_url: str, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(FIXTURE, tmp_path / "paquet"))
    (folder / "datapackage.json").unlink()
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    edit(folder / "languages.csv", "code,note\n", "code,note,couleur\n")
    result = passerelle(database_url, "directory", "import", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Import terminé : ")
    assert result.stderr.splitlines() == [
        "2 avertissement(s) :",
        "- notes.csv : fichier inconnu d'HSDS, ignoré.",
        "- languages.csv : colonne « couleur » inconnue d'HSDS, ignorée.",
    ]
    clean = passerelle(database_url, "directory", "import", FIXTURE)
    assert clean.exit_code == 0 and clean.stderr == "", clean.stderr
