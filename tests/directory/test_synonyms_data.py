"""The shipped synonyms and acronyms table (directory/data/synonyms.csv) is well formed."""

import csv
import re
from collections import Counter
from pathlib import Path

TABLE = Path(__file__).resolve().parents[2] / "directory" / "data" / "synonyms.csv"
KINDS = {"synonyme", "acronyme", "vers", "crise"}
URGENT = {
    "suicide": re.compile(r"suicid"),
    "violence": re.compile(r"violen"),
    "crise": re.compile(r"\bcris[ei]"),
}


def read_table() -> tuple[list[str], list[list[str]]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def terms_of(row: list[str]) -> list[str]:
    return row[1].split("|")


def test_header_is_exactly_kind_terms_note() -> None:
    header, _ = read_table()
    assert header == ["kind", "terms", "note"]


def test_every_row_has_three_fields() -> None:
    _, rows = read_table()
    assert rows
    assert [n for n, row in enumerate(rows, start=2) if len(row) != 3] == []


def test_every_kind_is_known() -> None:
    _, rows = read_table()
    assert {n: row[0] for n, row in enumerate(rows, start=2) if row[0] not in KINDS} == {}


def test_no_empty_or_padded_terms() -> None:
    _, rows = read_table()
    bad = {n: row[1] for n, row in enumerate(rows, start=2) if any(not t or t != t.strip() for t in terms_of(row))}
    assert bad == {}


def test_every_cluster_has_two_distinct_terms() -> None:
    _, rows = read_table()
    bad = {}
    for n, row in enumerate(rows, start=2):
        terms = [t.strip() for t in terms_of(row) if t.strip()]
        if len(terms) < 2 or len({t.casefold() for t in terms}) != len(terms):
            bad[n] = row[1]
    assert bad == {}


def test_no_duplicate_rows() -> None:
    _, rows = read_table()
    counts = Counter((row[0], tuple(t.casefold() for t in terms_of(row))) for row in rows)
    assert [key for key, count in counts.items() if count > 1] == []


def test_every_crisis_cluster_names_suicide_violence_or_crisis() -> None:
    _, rows = read_table()
    crisis = [row for row in rows if row[0] == "crise"]
    assert crisis
    for row in crisis:
        text = row[1].casefold()
        assert any(pattern.search(text) for pattern in URGENT.values()), row[1]
    everything = " ".join(row[1].casefold() for row in crisis)
    assert {name for name, pattern in URGENT.items() if pattern.search(everything)} == set(URGENT)
