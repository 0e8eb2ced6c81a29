"""The graded question set (tests/relevance/queries.toml) run over the sample directory's search."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from directory.relevance import Judged, Report, evaluate, load_judgments
from directory.sample import sample_service_id
from directory.search import Search

QUERIES = Path(__file__).resolve().parents[1] / "relevance" / "queries.toml"
# Question families the set must cover, and the tag each is marked with in queries.toml.
FAMILIES = {
    "typo": "typo",
    "no accents": "sans-accents",
    "slang": "argot",
    "acronyms": "acronyme",
    "places": "lieu",
    "ages": "age",
    "multi-need": "multi",
    "no answer": "sans-reponse",
}
FLOORS = {"mrr": 0.85, "success_at_3": 0.90, "abstention_precision": 0.75}
MAX_FALSE_ABSTENTIONS = 0.05


@pytest.fixture(scope="module")
def judged() -> list[Judged]:
    """The graded questions."""
    return load_judgments(QUERIES)


def ranker(search: Search, judged: list[Judged]) -> Callable[[str], list[str]]:
    """Question → keys of the answers, best first (empty when the search abstains)."""
    keys = {sample_service_id(key): key for j in judged for key in j.grades}

    def rank(text: str) -> list[str]:
        results = search.search(text, limit=5).results
        return [keys.get(r.doc.service_id, str(r.doc.service_id)) for r in results]

    return rank


@pytest.fixture(scope="module")
def report(judged: list[Judged], sample_search: Search) -> Report:
    """Metrics of the sample search over the whole set."""
    return evaluate(judged, ranker(sample_search, judged))


def diagnosis(report: Report) -> str:
    """The report and the failed questions, for an assertion message."""
    return "\n".join(["", *report.lines(), "échecs :", *report.failures])


def test_the_set_is_large_and_covers_every_family(judged: list[Judged]) -> None:
    assert len(judged) >= 60
    tags = Counter(tag for j in judged for tag in j.tags)
    missing = {family: tag for family, tag in FAMILIES.items() if tags[tag] == 0}
    assert not missing, f"families without questions: {missing} (tags used: {sorted(tags)})"
    assert sum(not j.answerable for j in judged) >= 5


def test_no_answer_tag_matches_empty_grades(judged: list[Judged]) -> None:
    for j in judged:
        assert (FAMILIES["no answer"] in j.tags) == (not j.answerable), j.text


def test_every_graded_key_is_an_active_sample_service(judged: list[Judged], sample_search: Search) -> None:
    for j in judged:
        for key, grade in j.grades.items():
            assert grade in (1, 2), (j.text, key)
            slot = sample_search.index.slot_of.get(sample_service_id(key))
            assert slot is not None, f"{j.text!r}: unknown service key {key!r}"
            doc = sample_search.index.docs[slot]
            assert doc is not None and doc.status == "active", (j.text, key)
        assert max(j.grades.values(), default=2) == 2, f"{j.text!r}: no ideal answer"


def test_quality_floors(report: Report) -> None:
    print(diagnosis(report))
    for metric, floor in FLOORS.items():
        assert getattr(report, metric) >= floor, f"{metric} below {floor}" + diagnosis(report)
    assert report.false_abstentions <= MAX_FALSE_ABSTENTIONS, "too many false abstentions" + diagnosis(report)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_is_mostly_answered(judged: list[Judged], sample_search: Search, family: str) -> None:
    """No family of questions may be left behind by the average (success@3 or abstention ≥ 0.75)."""
    subset = [j for j in judged if FAMILIES[family] in j.tags]
    part = evaluate(subset, ranker(sample_search, judged))
    measured = part.abstention_precision if family == "no answer" else part.success_at_3
    assert measured >= 0.75, f"{family}: {measured:.3f}" + diagnosis(part)
