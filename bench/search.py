"""Search benchmark: our index against SQLite FTS5 (bm25) and a plain rapidfuzz scan.

    python bench/search.py [--sizes 1000,10000,100000] [--queries 300] [--budget 60] [--profile]

Prints figures, asserts nothing. For each synthetic directory size: build time, resident
memory added by the build, and query latency (p50 / p95 / max) over the same French
intake questions; then relevance (MRR@5, success@1, success@3) of the three engines on the
sample directory and ``tests/relevance/queries.toml``. Figures also go to
``bench/results/search.json``.

Each (size, engine) is measured in a forked child so that one engine's garbage does not
hide in the next one's memory figure; the child inherits the generated services.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import gc
import inspect
import io
import json
import multiprocessing
import platform
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import synthetic
from bench.figures import percentile, table
from directory.documents import FIELD_WEIGHTS, ServiceDoc
from directory.index import SearchIndex
from directory.places import Gazetteer
from directory.search import Search
from directory.synonyms import Thesaurus
from directory.text import content_words, fold, words

RESULTS = ROOT / "bench" / "results" / "search.json"
JUDGMENTS = ROOT / "tests" / "relevance" / "queries.toml"
ENGINES = ("passerelle", "fts5", "rapidfuzz")
LIMIT = 5
MB = 1024 * 1024
REFRESHES = 200  # edited services put back in the index, to time it


# --- The three engines: build(docs) → search(text) → service ids ------------------------------

Ranker = Callable[[str], list[uuid.UUID]]


def build_passerelle(docs: Sequence[ServiceDoc], gazetteer: Gazetteer, thesaurus: Thesaurus) -> Ranker:
    """Our search (index + places + synonyms); an abstention is no result."""
    search = Search(SearchIndex.build(docs), gazetteer, thesaurus)

    def rank(text: str) -> list[uuid.UUID]:
        response = search.search(text, limit=LIMIT)
        return [] if response.abstained else [r.doc.service_id for r in response.results]

    rank.search = search  # type: ignore[attr-defined] - kept alive, and reachable for profiling
    return rank


def fts5_query(text: str) -> str:
    """The folded content words of ``text``, quoted and OR-ed (all words when none is left)."""
    found = content_words(words(text)) or words(text)
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(found))


def build_fts5(docs: Sequence[ServiceDoc], *_: object) -> Ranker:
    """SQLite FTS5 in memory, one row per service, bm25 with the columns weighted like FIELD_WEIGHTS."""
    fields = list(FIELD_WEIGHTS)
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute(
        f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(fields)}, tokenize='unicode61 remove_diacritics 2')"
    )
    db.executemany(
        f"INSERT INTO fts(rowid, {', '.join(fields)}) VALUES (?, {', '.join('?' * len(fields))})",
        ((i, *(d.texts.get(f, "") for f in fields)) for i, d in enumerate(docs)),
    )
    db.commit()
    ids = [d.service_id for d in docs]
    weights = ", ".join(f"{FIELD_WEIGHTS[f]:g}" for f in fields)
    sql = f"SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, {weights}) LIMIT {LIMIT}"

    def rank(text: str) -> list[uuid.UUID]:
        match = fts5_query(text)
        if not match:
            return []
        return [ids[row] for (row,) in db.execute(sql, (match,))]

    rank.db = db  # type: ignore[attr-defined]
    return rank


def build_rapidfuzz(docs: Sequence[ServiceDoc], *_: object) -> Ranker:
    """A scan of "name + organization + description" with WRatio, folded by our ``fold``."""
    choices = [
        f"{d.service_name} {d.organization_name} {d.texts.get('service_description', '')}" for d in docs
    ]
    ids = [d.service_id for d in docs]

    def rank(text: str) -> list[uuid.UUID]:
        found = process.extract(text, choices, scorer=fuzz.WRatio, processor=fold, limit=LIMIT)
        return [ids[i] for _, similarity, i in found if similarity > 0]

    rank.choices = choices  # type: ignore[attr-defined]
    return rank


def build_rapidfuzz_prefolded(docs: Sequence[ServiceDoc], *_: object) -> Ranker:
    """The same scan with the choices folded once at build time (same answers, no per-choice Python call)."""
    choices = [
        fold(f"{d.service_name} {d.organization_name} {d.texts.get('service_description', '')}") for d in docs
    ]
    ids = [d.service_id for d in docs]

    def rank(text: str) -> list[uuid.UUID]:
        found = process.extract(fold(text), choices, scorer=fuzz.WRatio, limit=LIMIT)
        return [ids[i] for _, similarity, i in found if similarity > 0]

    rank.choices = choices  # type: ignore[attr-defined]
    return rank


BUILDERS = {
    "passerelle": build_passerelle,
    "fts5": build_fts5,
    "rapidfuzz": build_rapidfuzz,
    "rapidfuzz-plie": build_rapidfuzz_prefolded,  # not in the default run: --engines to add it
}


# --- Measuring one engine on one directory (in a forked child) --------------------------------


def rss() -> int:
    """Resident memory of this process, in bytes."""
    return psutil.Process().memory_info().rss


def measure(
    engine: str,
    docs: Sequence[ServiceDoc],
    questions: Sequence[tuple[str, str]],
    gazetteer: Gazetteer,
    thesaurus: Thesaurus,
    budget: float,
) -> dict:
    """Build ``engine`` over ``docs`` and time ``questions`` until ``budget`` seconds are spent."""
    gc.collect()
    before = rss()
    started = time.perf_counter()
    rank = BUILDERS[engine](docs, gazetteer, thesaurus)
    build = time.perf_counter() - started
    gc.collect()
    memory = rss() - before
    latencies: list[float] = []
    kinds: list[str] = []
    answered = 0
    spent = 0.0
    for text, kind in questions:
        started = time.perf_counter()
        found = rank(text)
        elapsed = time.perf_counter() - started
        latencies.append(elapsed)
        kinds.append(kind)
        answered += bool(found)
        spent += elapsed
        if spent > budget:
            break
    by_kind: dict[str, list[float]] = {}
    for kind, latency in zip(kinds, latencies, strict=True):
        by_kind.setdefault(kind.split("+")[0], []).append(latency)
        if kind.endswith("+faute"):
            by_kind.setdefault("faute", []).append(latency)
    refreshes = _time_refreshes(rank, docs) if engine == "passerelle" else []
    return {
        "refresh_p50_ms": 1000 * statistics.median(refreshes) if refreshes else None,
        "refresh_p95_ms": 1000 * percentile(refreshes, 95) if refreshes else None,
        "build_s": build,
        "rss_mb": memory / MB,
        "queries": len(latencies),
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * percentile(latencies, 95),
        "max_ms": 1000 * max(latencies),
        "mean_ms": 1000 * statistics.fmean(latencies),
        "answered": answered / len(latencies),
        "by_kind": {
            k: {"n": len(v), "p50_ms": 1000 * statistics.median(v), "p95_ms": 1000 * percentile(v, 95)}
            for k, v in sorted(by_kind.items())
        },
    }


def _time_refreshes(rank: Ranker, docs: Sequence[ServiceDoc], count: int = REFRESHES) -> list[float]:
    """Seconds to put one edited service back in our index (what ``Search.refresh`` does after an
    admin's change, the database read aside), for ``count`` services spread over the directory."""
    index = rank.search.index  # type: ignore[attr-defined]
    step = max(1, len(docs) // count)
    timings = []
    for doc in docs[::step][:count]:
        texts = {**doc.texts, "service_name": f"{doc.service_name} (modifié)"}
        edited = dataclasses.replace(doc, service_name=f"{doc.service_name} (modifié)", texts=texts)
        started = time.perf_counter()
        index.add(edited)
        timings.append(time.perf_counter() - started)
    return timings


def _child(connection: Connection, *args: Any) -> None:
    try:
        connection.send(measure(*args))
    except BaseException:  # noqa: BLE001 - reported to the parent
        connection.send({"error": traceback.format_exc()})
    finally:
        connection.close()


def measure_apart(*args: Any) -> dict:
    """``measure`` in a forked child, which inherits the services already generated."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sending, *args))
    child.start()
    sending.close()
    try:
        result = receiving.recv()
    except EOFError:
        result = {"error": "le processus de mesure s'est arrêté sans réponse"}
    child.join()
    return result


# --- Relevance on the sample directory ---------------------------------------------------------


async def relevance(gazetteer: Gazetteer, thesaurus: Thesaurus) -> dict:
    """MRR@5, success@1 and @3 of the three engines on the sample directory and the graded questions."""
    import migrations
    from directory.catalog import load_documents
    from directory.db import create_engine, session_factory
    from directory.relevance import evaluate, load_judgments
    from directory.sample import load_sample, sample_service_id

    judged = load_judgments(JUDGMENTS)
    keys = {key for j in judged for key in j.grades}
    key_of = {str(sample_service_id(key)): key for key in keys}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrations.upgrade(url)
        engine = create_engine(url)
        try:
            sessions = session_factory(engine)
            loaded = load_sample(sessions)
            if inspect.isawaitable(loaded):
                await loaded
            ours = await Search.from_database(sessions, gazetteer, thesaurus)
            async with sessions() as session:
                docs = await load_documents(session, gazetteer)
        finally:
            await engine.dispose()

    def ours_rank(text: str) -> list[uuid.UUID]:
        response = ours.search(text, limit=LIMIT)
        return [] if response.abstained else [r.doc.service_id for r in response.results]

    rankers = {"passerelle": ours_rank, "fts5": build_fts5(docs), "rapidfuzz": build_rapidfuzz(docs)}
    reports = {}
    for name, rank in rankers.items():
        report = evaluate(judged, lambda text, rank=rank: [key_of.get(str(i), str(i)) for i in rank(text)])
        reports[name] = {
            "mrr": report.mrr,
            "success_at_1": report.success_at_1,
            "success_at_3": report.success_at_3,
            "ndcg": report.ndcg,
            "abstention_precision": report.abstention_precision,
            "false_abstentions": report.false_abstentions,
            "failures": len(report.failures),
        }
    answerable = sum(j.answerable for j in judged)
    return {"services": len(docs), "questions": len(judged), "answerable": answerable, "engines": reports}


# --- Profiling our engine ----------------------------------------------------------------------


def profile(
    docs: Sequence[ServiceDoc],
    questions: Sequence[tuple[str, str]],
    gazetteer: Gazetteer,
    thesaurus: Thesaurus,
) -> str:
    """cProfile of building our index over ``docs`` and of answering ``questions``: top costs."""
    out = io.StringIO()
    building = cProfile.Profile()
    rank = building.runcall(build_passerelle, docs, gazetteer, thesaurus)
    asking = cProfile.Profile()
    asking.runcall(lambda: [rank(text) for text, _ in questions])
    for label, profiler in (("construction", building), ("requêtes", asking)):
        for key in ("tottime", "cumulative"):
            out.write(f"\n--- profil {label}, tri par {key} ---\n")
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(18)
    return out.getvalue()


# --- Output ------------------------------------------------------------------------------------


def thousands(number: int) -> str:
    """``number`` with spaces between thousands, as French writes it."""
    return f"{number:,}".replace(",", " ")


def speed_rows(engines: dict[str, dict]) -> list[list[object]]:
    rows = []
    for name, r in engines.items():
        if "error" in r:
            rows.append([name, "erreur", "", "", "", "", "", ""])
            continue
        rows.append(
            [
                name,
                f"{r['build_s']:.2f}",
                f"{r['rss_mb']:.1f}",
                r["queries"],
                f"{r['p50_ms']:.2f}",
                f"{r['p95_ms']:.2f}",
                f"{r['max_ms']:.2f}",
                f"{100 * r['answered']:.0f} %",
            ]
        )
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="tailles des répertoires synthétiques")
    parser.add_argument("--queries", type=int, default=300, help="nombre de questions synthétiques")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="secondes de requêtes au plus par moteur et par taille (les premières questions)",
    )
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help=f"moteurs à mesurer, parmi {', '.join(BUILDERS)}"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profiler notre moteur sur la plus grande taille"
    )
    parser.add_argument(
        "--no-relevance", action="store_true", help="sauter la pertinence sur l'annuaire d'exemple"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    engines = [e for e in args.engines.split(",") if e]

    started = time.perf_counter()
    gazetteer = Gazetteer.load()
    loaded_gazetteer = time.perf_counter() - started
    notes: list[str] = []
    try:
        thesaurus = Thesaurus.load()
    except FileNotFoundError:
        thesaurus = Thesaurus([])
        notes.append("directory/data/synonyms.csv absent : notre moteur tourne sans synonymes")
    loaded_all = time.perf_counter() - started
    places = synthetic.place_rows(gazetteer)
    questions = synthetic.queries(args.queries, places)
    print(
        f"Passerelle — banc d'essai de la recherche ({platform.python_version()}, {psutil.cpu_count()} cœurs, "
        f"SQLite {sqlite3.sqlite_version})"
    )
    print(
        f"Lieux : {len(places)} ({loaded_gazetteer:.2f} s) ; synonymes : {len(thesaurus.clusters)} grappes "
        f"({loaded_all - loaded_gazetteer:.2f} s) ; {len(questions)} questions synthétiques"
    )
    for note in notes:
        print(f"Note : {note}")
    kinds: dict[str, int] = {}
    for _, kind in questions:
        kinds[kind] = kinds.get(kind, 0) + 1
    print("Types de questions : " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"Exemples : {' | '.join(q for q, _ in questions[:6])}")
    print(
        "Mémoire = RSS après construction moins avant (processus fils) ; latence d'une question, "
        f"top {LIMIT}, en ms ; « réponses » = questions avec au moins un résultat.\n"
    )

    results: dict = {
        "meta": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "cpus": psutil.cpu_count(),
            "questions": len(questions),
            "budget_s": args.budget,
            "synonym_clusters": len(thesaurus.clusters),
            "notes": notes,
        },
        "sizes": [],
    }
    largest_docs: list[ServiceDoc] = []
    for size in sizes:
        started = time.perf_counter()
        docs = synthetic.directory(size, places)
        generated = time.perf_counter() - started
        print(f"== {thousands(size)} services (générés en {generated:.1f} s) ==", flush=True)
        measured = {e: measure_apart(e, docs, questions, gazetteer, thesaurus, args.budget) for e in engines}
        print(
            table(
                ["moteur", "constr. s", "RSS Mo", "questions", "p50 ms", "p95 ms", "max ms", "réponses"],
                speed_rows(measured),
            )
        )
        for name, r in measured.items():
            if "error" in r:
                print(f"{name} : {r['error']}")
            elif r["queries"] < len(questions):
                print(
                    f"{name} : budget de {args.budget:g} s atteint après {r['queries']} questions sur {len(questions)}"
                )
        if "passerelle" in measured and "by_kind" in measured["passerelle"]:
            by_kind = measured["passerelle"]["by_kind"]
            print(
                "passerelle par type : "
                + " ; ".join(
                    f"{k} n={v['n']} p50 {v['p50_ms']:.1f} p95 {v['p95_ms']:.1f}" for k, v in by_kind.items()
                )
            )
            ours = measured["passerelle"]
            print(f"passerelle, un service modifié remis dans l'index ({REFRESHES} fois) : "
                  f"p50 {ours['refresh_p50_ms']:.2f} ms, p95 {ours['refresh_p95_ms']:.2f} ms")
        print()
        results["sizes"].append({"size": size, "generate_s": generated, "engines": measured})
        if size == max(sizes):
            largest_docs = docs

    if not args.no_relevance:
        print(f"== Pertinence : annuaire d'exemple, {JUDGMENTS.relative_to(ROOT)} ==")
        try:
            found = asyncio.run(relevance(gazetteer, thesaurus))
        except (ImportError, FileNotFoundError, OSError) as error:
            print(f"sautée : {error}\n")
            results["relevance"] = {"skipped": str(error)}
        else:
            print(
                f"{found['services']} services, {found['questions']} questions dont {found['answerable']} avec réponse"
            )
            print(
                table(
                    ["moteur", "MRR@5", "succès@1", "succès@3", "nDCG@5", "abst. correcte", "abst. à tort"],
                    [
                        [
                            n,
                            f"{r['mrr']:.3f}",
                            f"{r['success_at_1']:.3f}",
                            f"{r['success_at_3']:.3f}",
                            f"{r['ndcg']:.3f}",
                            f"{r['abstention_precision']:.3f}",
                            f"{r['false_abstentions']:.3f}",
                        ]
                        for n, r in found["engines"].items()
                    ],
                )
            )
            print(
                "(les références rendent quelque chose dès qu'un mot correspond : leurs « abstentions » "
                "ne sont que les questions dont aucun mot n'est dans l'annuaire)\n"
            )
            results["relevance"] = found

    if args.profile and largest_docs:
        print(f"== Profil de notre moteur, {thousands(len(largest_docs))} services ==")
        text = profile(largest_docs, questions, gazetteer, thesaurus)
        print(text)
        (RESULTS.parent / "search-profile.txt").parent.mkdir(parents=True, exist_ok=True)
        (RESULTS.parent / "search-profile.txt").write_text(text, encoding="utf-8")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"Chiffres écrits dans {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
