"""Scoring on a small hand-made index: fields, synonyms, unknown words, crisis, filters, places, reasons."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from directory.documents import FIELD_LABELS, ServiceDoc
from directory.index import SearchIndex
from directory.places import Gazetteer
from directory.query import ParsedQuery, parse
from directory.ranking import place_factors, score
from directory.search import Search
from directory.synonyms import Thesaurus
from tests.directory.conftest import doc_id, make_doc, make_thesaurus

SearchFactory = Callable[..., Search]


@pytest.fixture(scope="module")
def thesaurus() -> Thesaurus:
    """A tiny synonyms table: one symmetric cluster, one crisis cluster."""
    return make_thesaurus(
        ("synonyme", "banque alimentaire|dépannage alimentaire"),
        ("crise", "idées suicidaires|prévention du suicide"),
    )


@pytest.fixture
def make_search(shipped_gazetteer: Gazetteer, thesaurus: Thesaurus) -> SearchFactory:
    """Build a Search over the given documents, the shipped gazetteer and the tiny thesaurus."""

    def build(*docs: ServiceDoc) -> Search:
        return Search(SearchIndex.build(docs), shipped_gazetteer, thesaurus)

    return build


def ids(search: Search, text: str) -> list[uuid.UUID]:
    """Service ids answering ``text``, best first."""
    return [r.doc.service_id for r in search.search(text, limit=20).results]


def scores_by_key(search: Search, text: str) -> dict[uuid.UUID, float]:
    """Final score of each service answering ``text``."""
    return {r.doc.service_id: r.score for r in search.search(text, limit=20).results}


def slot_scores(search: Search, parsed: ParsedQuery) -> dict[uuid.UUID, float]:
    """Raw relevance of each live service to ``parsed`` (no filter)."""
    scored = score(parsed, search.index)
    return {doc.service_id: float(scored.scores[slot]) for slot, doc in enumerate(search.index.docs) if doc}


def read(search: Search, text: str) -> ParsedQuery:
    """``text`` parsed against ``search``."""
    return parse(text, search.index, search.gazetteer, search.thesaurus)


def test_fields_rank_category_first(make_search: SearchFactory) -> None:
    search = make_search(
        make_doc("eligibility", name="Soleil", eligibility="Parents qui ont besoin de répit"),
        make_doc("category", name="Lune", category="Répit"),
        make_doc("organization", name="Étoile", organization="Maison du répit"),
        make_doc("name", name="Répit du samedi"),
    )
    assert ids(search, "répit") == [doc_id(k) for k in ("category", "name", "organization", "eligibility")]


def test_category_beats_description(make_search: SearchFactory) -> None:
    search = make_search(
        make_doc("description", name="Soleil", description="Du répit pour les parents épuisés."),
        make_doc("category", name="Lune", category="Répit"),
    )
    scores = slot_scores(search, read(search, "répit"))
    assert scores[doc_id("category")] > scores[doc_id("description")] > 0


def test_a_synonym_scores_below_the_exact_words(make_search: SearchFactory) -> None:
    search = make_search(
        make_doc("synonym", name="Dépannage alimentaire Soleil"),
        make_doc("exact", name="Banque alimentaire Soleil"),
        make_doc("other", name="Logement Soleil"),
    )
    scores = scores_by_key(search, "banque alimentaire")
    assert list(scores) == [doc_id("exact"), doc_id("synonym")]
    assert 0 < scores[doc_id("synonym")] < scores[doc_id("exact")]


def test_unknown_words_keep_the_order_but_lower_coverage(make_search: SearchFactory) -> None:
    search = make_search(
        make_doc("category", name="Lune", category="Répit"),
        make_doc("description", name="Soleil", description="Du répit."),
        make_doc("other", name="Logement"),
    )
    known = score(read(search, "répit"), search.index)
    with_unknown = score(read(search, "répit zorglub"), search.index)
    assert with_unknown.required == known.required + 1
    np.testing.assert_allclose(with_unknown.scores, known.scores)
    matching = known.scores > 0
    assert (with_unknown.coverage[matching] < known.coverage[matching]).all()
    assert (known.coverage[matching] == 1).all()


def test_crisis_bonus_only_for_complete_matches(make_search: SearchFactory) -> None:
    search = make_search(
        make_doc("line", name="Prévention du suicide"),
        make_doc("ideas", name="Écoute", description="Idées suicidaires, détresse"),
        make_doc("partial", name="Boîte à idées"),
        make_doc("other", name="Logement"),
    )
    parsed = read(search, "idées suicidaires")
    assert parsed.crisis
    calm = dataclasses.replace(
        parsed, concepts=[dataclasses.replace(c, crisis=False) for c in parsed.concepts]
    )
    urgent, plain = slot_scores(search, parsed), slot_scores(search, calm)
    bonus = {key: urgent[doc_id(key)] - plain[doc_id(key)] for key in ("line", "ideas", "partial", "other")}
    assert bonus["line"] > 0 and bonus["ideas"] > 0
    assert bonus["partial"] == 0 and bonus["other"] == 0
    assert plain[doc_id("partial")] > 0  # it matched, only not the whole need
    assert set(ids(search, "idées suicidaires")[:2]) == {doc_id("ideas"), doc_id("line")}


def test_inactive_services_are_dropped_and_temporarily_closed_lowered(make_search: SearchFactory) -> None:
    search = make_search(
        make_doc("open", name="Répit A"),
        make_doc("closed", name="Répit B", status="temporarily closed"),
        make_doc("inactive", name="Répit C", status="inactive"),
        make_doc("defunct", name="Répit D", status="defunct"),
    )
    scores = scores_by_key(search, "répit")
    assert list(scores) == [doc_id("open"), doc_id("closed")]
    assert 0 < scores[doc_id("closed")] < scores[doc_id("open")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("répit 3 ans", {"small", "everyone"}),
        ("répit 0-5 ans", {"small", "everyone"}),
        ("répit pour un ado", {"teen", "everyone"}),
        ("répit 70 ans", {"adult", "everyone"}),
        ("répit", {"small", "teen", "adult", "everyone"}),
    ],
)
def test_services_for_other_ages_are_dropped(
    make_search: SearchFactory, text: str, expected: set[str]
) -> None:
    search = make_search(
        make_doc("small", name="Répit petits", ages=(0, 5)),
        make_doc("teen", name="Répit ados", ages=(12, 17)),
        make_doc("adult", name="Répit adultes", ages=(18, None)),
        make_doc("everyone", name="Répit pour tous"),
    )
    assert set(ids(search, text)) == {doc_id(k) for k in expected}


@pytest.fixture
def areas(make_search: SearchFactory) -> Search:
    """Services for the same need with different areas."""
    return make_search(
        make_doc("exact", name="Répit Jonquière", areas=("A-jonquiere",)),
        make_doc("region", name="Répit régional", areas=("R02",)),
        make_doc("inside", name="Répit Arvida", areas=("S-arvida",)),
        make_doc("elsewhere", name="Répit Estrie", areas=("R05",)),
        make_doc("unknown", name="Répit sans territoire"),
        make_doc("address", name="Répit Chicoutimi", areas=("A-chicoutimi",), from_address=True),
    )


def test_place_factors_follow_the_gazetteer(areas: Search) -> None:
    jonquiere = areas.gazetteer.get("A-jonquiere")
    assert jonquiere is not None
    factors = place_factors(jonquiere, areas.index, areas.gazetteer)
    by_key = {key: float(factors[areas.index.slot_of[doc_id(key)]]) for key in
              ("exact", "region", "inside", "elsewhere", "unknown", "address")}
    assert by_key["exact"] == max(by_key.values())
    assert by_key["exact"] > by_key["region"] > by_key["unknown"] > by_key["address"]
    assert by_key["address"] > by_key["elsewhere"] == 0
    assert by_key["inside"] > by_key["unknown"]


@pytest.mark.parametrize(
    ("text", "place"), [("répit à Jonquière", "A-jonquiere"), ("répit à St-Ambroise", "94255")]
)
def test_a_region_service_serves_the_places_inside_it(areas: Search, text: str, place: str) -> None:
    response = areas.search(text, limit=20)
    assert response.place is not None and response.place.id == place
    assert not response.place_relaxed
    found = {r.doc.service_id for r in response.results}
    assert doc_id("region") in found and doc_id("unknown") in found
    assert doc_id("elsewhere") not in found


def test_the_exact_place_comes_first(areas: Search) -> None:
    assert ids(areas, "répit à Jonquière")[0] == doc_id("exact")
    assert doc_id("exact") not in ids(areas, "répit à St-Ambroise")
    assert ids(areas, "répit en Estrie")[0] == doc_id("elsewhere")


def test_the_place_is_relaxed_when_nothing_serves_it(make_search: SearchFactory) -> None:
    search = make_search(
        make_doc("estrie", name="Répit Estrie", areas=("R05",)),
        make_doc("sherbrooke", name="Répit Sherbrooke", areas=("T-sherbrooke",)),
    )
    response = search.search("répit à Jonquière")
    assert response.place is not None and response.place.id == "A-jonquiere"
    assert response.place_relaxed and not response.abstained
    assert {r.doc.service_id for r in response.results} == {doc_id("estrie"), doc_id("sherbrooke")}
    unplaced = scores_by_key(search, "répit")
    assert all(r.score < unplaced[r.doc.service_id] for r in response.results)
    assert not search.search("répit à Sherbrooke").place_relaxed


def test_explain_names_the_field_the_synonym_the_correction_and_the_place(
    make_search: SearchFactory,
) -> None:
    search = make_search(
        make_doc(
            "food", name="Comptoir Soleil", category="Dépannage alimentaire",
            areas=("A-jonquiere",), ages=(0, 17),
        ),
        make_doc("other", name="Logement"),
    )
    (result,) = search.search("dépannage alimantaire à Jonquière").results
    why = result.why
    assert any("depannage" in r and FIELD_LABELS["category"] in r for r in why), why
    assert any("alimantaire" in r and "alimentaire" in r for r in why), why
    assert any("Jonquière" in r for r in why), why

    (result,) = search.search("banque alimentaire pour un enfant de 5 ans").results
    assert any("banque alimentaire" in r and "dépannage alimentaire" in r for r in result.why), result.why
    assert any("5 ans" in r for r in result.why), result.why
    assert not any("Jonquière" in r for r in result.why)  # no place asked, none explained


def test_explain_says_when_the_area_is_only_partly_or_not_known(areas: Search) -> None:
    response = areas.search("répit à Saguenay", limit=20)
    assert response.place is not None
    why = {r.doc.service_id: r.why for r in response.results}
    assert any("Saguenay" in r for r in why[doc_id("exact")])
    assert any("Saguenay" in r for r in why[doc_id("unknown")])


EXPLAIN_CORRECTIONS = """
import json, uuid
from directory.documents import ServiceDoc
from directory.places import Gazetteer
from directory.query import Alternative, Concept, ParsedQuery
from directory.ranking import explain
fixes = [("jardn", "jardin"), ("comunautaire", "communautaire"), ("logemnt", "logement")]
concepts = [Concept(t, [Alternative((c,), 0.8, c)], corrections=[(t, c)]) for t, c in fixes]
parsed = ParsedQuery("jardn comunautaire logemnt", [t for t, _ in fixes], [], [], concepts)
doc = ServiceDoc(uuid.uuid4(), None, "x", "", {"service_name": "x"})
print(json.dumps(explain(doc, parsed, None, Gazetteer([], {}))))
"""


def test_corrections_are_explained_in_the_order_typed() -> None:
    root = Path(__file__).resolve().parents[2]
    for seed in range(4):
        output = subprocess.run(
            [sys.executable, "-c", EXPLAIN_CORRECTIONS],
            cwd=root, env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True, text=True, check=True,
        ).stdout
        reasons = json.loads(output)
        typed = [next(t for t in ("jardn", "comunautaire", "logemnt") if t in r) for r in reasons]
        assert typed == ["jardn", "comunautaire", "logemnt"], (seed, reasons)
