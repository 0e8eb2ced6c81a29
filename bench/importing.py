"""Import benchmark: reading, validating and writing a synthetic HSDS 3 package.

    python bench/importing.py [--sizes 1000,10000,100000] [--backends sqlite,postgresql] [--again] [--profile]

Prints figures, asserts nothing. For each size, the synthetic Québec directory of
``bench/synthetic.py`` (seeded: the same services every run) is written as an HSDS
tabular package (organizations, locations, addresses, phones, services,
service_at_location, service areas, schedules, languages, a taxonomy and its
attributes) in a temporary folder. Then, timed separately:

- **lecture**: ``read_package`` (CSV decoding, typing and validation of every cell);
- **écriture**: ``import_package`` into a freshly migrated database (one transaction);
- with ``--again``, **réimport**: the same package a second time (every row updated).

SQLite is a file in a temporary folder. PostgreSQL is a throwaway cluster started
like ``tests/postgres.py`` does, or skipped with a note when ``initdb`` is missing.
Figures also go to ``bench/results/importing.json``; with ``--profile``, cProfile of
reading and writing the largest package goes to ``bench/results/importing-profile.txt``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import csv
import io
import json
import platform
import pstats
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import migrations
from bench import synthetic
from bench.figures import table
from directory.db import create_engine, session_factory
from directory.documents import ServiceDoc
from directory.importing import ImportReport, import_package
from directory.package import Package, read_package
from directory.places import Gazetteer
from directory.tabular import FILE_NAMES

RESULTS = ROOT / "bench" / "results" / "importing.json"
PROFILE = ROOT / "bench" / "results" / "importing-profile.txt"
BACKENDS = ("sqlite", "postgresql")
NAMESPACE = uuid.UUID("0b6c3c52-8f0e-4d0a-9d5e-6a1f2b3c4d5e")
TAXONOMY = "Catégories synthétiques"
DAYS = ("MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH", "SA")
MB = 1024 * 1024
NO_POSTGRES = "initdb / pg_ctl introuvables : installez postgresql pour mesurer PostgreSQL"
Tables = dict[str, list[dict[str, str]]]


# --- The synthetic package -----------------------------------------------------------------------


def to_tables(docs: Sequence[ServiceDoc], names: dict[str, str]) -> Tables:
    """HSDS rows (as CSV text) for ``docs``; ``names`` maps a place id to its name."""
    tables: Tables = {}

    def add(table: str, **values: object) -> None:
        tables.setdefault(table, []).append({k: "" if v is None else str(v) for k, v in values.items()})

    def make_id(kind: str, key: object) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{kind}:{key}")

    taxonomy = make_id("taxonomy", TAXONOMY)
    add("taxonomy", id=taxonomy, name=TAXONOMY, description="Catégories du répertoire synthétique.")
    terms: dict[str, uuid.UUID] = {}
    locations: dict[uuid.UUID | None, uuid.UUID] = {}
    for number, doc in enumerate(docs):
        org = doc.organization_id
        if org not in locations:
            city = names.get(doc.area_place_ids[0], "Québec") if doc.area_place_ids else "Québec"
            add("organization", id=org, name=doc.organization_name,
                description=doc.texts.get("organization_description", ""), sector="communautaire")
            add("phone", id=make_id("phone", org), organization_id=org, number="418 555-0100", type="voice")
            location = locations[org] = make_id("location", org)
            add("location", id=location, location_type="physical", organization_id=org,
                name=doc.organization_name, latitude=46.8 + number % 100 / 1000, longitude=-71.2)
            add("address", id=make_id("address", org), location_id=location,
                address_1=f"{10 + number % 990}, rue Principale", city=city, state_province="QC",
                postal_code="G1A 0A1", country="CA", address_type="physical")
        service = doc.service_id
        add("service", id=service, organization_id=org, name=doc.service_name,
            alternate_name=doc.texts.get("service_alternate_name"), status=doc.status,
            description=doc.texts.get("service_description"),
            eligibility_description=doc.texts.get("eligibility"),
            application_process=doc.texts.get("details"), minimum_age=doc.minimum_age,
            maximum_age=doc.maximum_age, assured_date="2024-03-15", last_modified="2024-03-15T10:30:00-04:00")
        add("service_at_location", id=make_id("service_at_location", service), service_id=service,
            location_id=locations[org])
        for place in doc.area_place_ids:
            add("service_area", id=make_id("service_area", f"{service}:{place}"), service_id=service,
                name=names.get(place, place), extent_type="text")
        for category in doc.categories:
            if category not in terms:
                terms[category] = make_id("category", category)
                add("taxonomy_term", id=terms[category], name=category, taxonomy=TAXONOMY,
                    taxonomy_id=taxonomy, language="fr")
            add("attribute", id=make_id("attribute", f"{service}:{category}"), link_id=service,
                taxonomy_term_id=terms[category], link_type="category", link_entity="service")
        add("schedule", id=make_id("schedule", service), service_id=service, freq="WEEKLY",
            byday=DAYS[number % len(DAYS)], opens_at="08:30", closes_at="16:30", timezone=-5)
        add("language", id=make_id("language", service), service_id=service, code="fr", name="français")
        if number % 2:
            add("phone", id=make_id("phone", service), service_id=service, number="1 800 555-0199",
                extension=str(number % 90 + 10), type="voice")
    return tables


def write_package(folder: Path, tables: Tables) -> int:
    """Write ``tables`` as CSV files named as HSDS names them; return the number of rows written."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        header = list(dict.fromkeys(column for row in rows for column in row))
        with (folder / FILE_NAMES[name]).open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return sum(map(len, tables.values()))


# --- Databases -----------------------------------------------------------------------------------


@contextmanager
def postgres() -> Iterator[Callable[[str], str] | None]:
    """A function giving the URL of a new empty database of a throwaway cluster (None without initdb)."""
    import psycopg

    from tests.postgres import Cluster, find_binaries, to_libpq

    binaries = find_binaries()
    if binaries is None:
        yield None
        return
    cluster = Cluster(*binaries)
    try:
        cluster.start()

        def create(name: str) -> str:
            with psycopg.connect(to_libpq(cluster.url), autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            return cluster.url.rsplit("/", 1)[0] + f"/{name}"

        yield create
    finally:
        cluster.stop()


async def write(url: str, package: Package, again: bool) -> tuple[float, float | None, ImportReport]:
    """Seconds to import ``package`` into the empty database at ``url`` (and to import it again)."""
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        started = time.perf_counter()
        report = await import_package(sessions, package)
        first = time.perf_counter() - started
        second = None
        if again:
            started = time.perf_counter()
            await import_package(sessions, package)
            second = time.perf_counter() - started
        return first, second, report
    finally:
        await engine.dispose()


def profile(folder: Path, url: str) -> str:
    """cProfile of reading the package in ``folder`` and of importing it into ``url``: top costs."""
    out = io.StringIO()
    reading = cProfile.Profile()
    package = reading.runcall(read_package, folder)
    migrations.upgrade(url)
    writing = cProfile.Profile()
    writing.runcall(asyncio.run, write(url, package, again=False))
    for label, profiler in (("lecture", reading), ("écriture", writing)):
        for key in ("tottime", "cumulative"):
            out.write(f"\n--- profil {label}, tri par {key} ---\n")
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(20)
    return out.getvalue()


# --- Output --------------------------------------------------------------------------------------


def thousands(number: float) -> str:
    """``number`` rounded, with spaces between thousands, as French writes it."""
    return f"{round(number):,}".replace(",", " ")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="nombres de services des paquets")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite, postgresql ou les deux")
    parser.add_argument("--again", action="store_true", help="mesurer aussi un second import (mises à jour)")
    parser.add_argument("--profile", action="store_true", help="profiler la plus grande taille (SQLite)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    backends = [b for b in args.backends.split(",") if b]
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        parser.error(f"base inconnue : {', '.join(sorted(unknown))} (sqlite ou postgresql)")

    gazetteer = Gazetteer.load()
    places = synthetic.place_rows(gazetteer)
    names = {place.id: place.name for place in places}
    print(f"Passerelle — banc d'essai de l'import HSDS ({platform.python_version()}, "
          f"{psutil.cpu_count()} cœurs, SQLite {sqlite3.sqlite_version})")
    print("lecture = read_package (décodage, typage, validation) ; écriture = import_package "
          "(une transaction) ; lignes/s = lignes du paquet / (lecture + écriture)\n")
    results: dict[str, Any] = {
        "meta": {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                 "cpus": psutil.cpu_count(), "notes": []},
        "sizes": [],
    }
    process = psutil.Process()
    cluster = postgres() if "postgresql" in backends else nullcontext(None)
    with tempfile.TemporaryDirectory(prefix="passerelle-import-") as scratch, cluster as new_database:
        if "postgresql" in backends and new_database is None:
            print(f"Note : PostgreSQL sauté ({NO_POSTGRES}).\n")
            results["meta"]["notes"].append(NO_POSTGRES)
            backends.remove("postgresql")
        rows_out = []
        for size in sizes:
            started = time.perf_counter()
            tables = to_tables(synthetic.directory(size, places), names)
            folder = Path(scratch) / f"paquet-{size}"
            rows = write_package(folder, tables)
            del tables
            generated = time.perf_counter() - started
            before = process.memory_info().rss
            started = time.perf_counter()
            package = read_package(folder)
            read_s = time.perf_counter() - started
            held_mb = (process.memory_info().rss - before) / MB
            print(f"== {thousands(size)} services, {thousands(rows)} lignes (généré en {generated:.1f} s) : "
                  f"lecture {read_s:.1f} s, {held_mb:.0f} Mo ==", flush=True)
            entry: dict[str, Any] = {"size": size, "rows": rows, "generate_s": generated, "read_s": read_s,
                                     "read_rss_mb": held_mb, "backends": {}}
            for backend in backends:
                if backend == "sqlite":
                    url = f"sqlite:///{scratch}/import-{size}.db"
                else:
                    assert new_database is not None
                    url = new_database(f"import_{size}")
                migrations.upgrade(url)
                write_s, again_s, report = asyncio.run(write(url, package, args.again))
                total = read_s + write_s
                entry["backends"][backend] = {"write_s": write_s, "again_s": again_s, "total_s": total,
                                              "rows_per_s": rows / total, "logged": report.logged}
                rows_out.append([f"{thousands(size)} / {backend}", thousands(rows), f"{read_s:.2f}",
                                 f"{write_s:.2f}", f"{total:.2f}", thousands(rows / total),
                                 "" if again_s is None else f"{again_s:.2f}"])
                print(f"{backend} : écriture {write_s:.1f} s, total {total:.1f} s, "
                      f"{thousands(rows / total)} lignes/s", flush=True)
            results["sizes"].append(entry)
            del package
        print()
        print(table(["services / base", "lignes", "lecture s", "écriture s", "total s", "lignes/s",
                     "réimport s"], rows_out))
        if args.profile and sizes:
            largest = max(sizes)
            print(f"\n== Profil, {thousands(largest)} services, SQLite ==")
            text = profile(Path(scratch) / f"paquet-{largest}", f"sqlite:///{scratch}/profil.db")
            print(text)
            PROFILE.parent.mkdir(parents=True, exist_ok=True)
            PROFILE.write_text(text, encoding="utf-8")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nChiffres écrits dans {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
