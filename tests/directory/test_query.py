"""Reading a question against the sample directory: places, ages, people words, elisions, typos, synonyms."""

from __future__ import annotations

import pytest

from directory.ages import fits
from directory.query import Concept, ParsedQuery, parse
from directory.search import Search
from directory.synonyms import to_phrase


def read(search: Search, text: str) -> ParsedQuery:
    """``text`` parsed against the sample search's index, places and synonyms."""
    return parse(text, search.index, search.gazetteer, search.thesaurus)


def concept(parsed: ParsedQuery, label: str) -> Concept:
    """The concept of ``parsed`` labelled ``label``."""
    found = [c for c in parsed.concepts if c.label == label]
    assert len(found) == 1, [c.label for c in parsed.concepts]
    return found[0]


def labels(parsed: ParsedQuery) -> list[str]:
    """Labels of the concepts of ``parsed``."""
    return [c.label for c in parsed.concepts]


@pytest.mark.parametrize(
    ("text", "place_id", "need"),
    [
        ("halte-garderie à Jonquière", "A-jonquiere", "halte garderie"),
        ("halte garderie a jonquiere", "A-jonquiere", "halte garderie"),
        ("dépannage st-ambroise", "94255", "depannage"),
        ("depannage Saint-Ambroise", "94255", "depannage"),
    ],
)
def test_places_are_read_and_are_not_needs(
    sample_search: Search, text: str, place_id: str, need: str
) -> None:
    parsed = read(sample_search, text)
    assert [m.place.id for m in parsed.places] == [place_id]
    assert labels(parsed) == [need]


@pytest.mark.parametrize(
    ("text", "low", "high", "word_only"),
    [
        ("garderie pour mon 3 ans", 3, 3, False),
        ("halte-garderie pour bébé de 6 mois", 0.5, 0.5, False),  # the number beats the word
        ("ado qui consomme", 12, 17, True),
        ("répit 0-5 ans", 0, 5, False),
        ("activités pour aînés", 65, 120, True),
    ],
)
def test_ages_are_read_and_filter_the_answers(
    sample_search: Search, text: str, low: float, high: float, word_only: bool
) -> None:
    parsed = read(sample_search, text)
    assert parsed.age is not None
    assert (parsed.age.low, parsed.age.high, parsed.age.word_only) == pytest.approx((low, high, word_only))
    assert not {"3", "6", "0", "5", "ans", "mois"} & set(labels(parsed))  # numbered ages are not needs
    docs = [d for d in sample_search.index.docs if d is not None]
    excluded = [d for d in docs if not fits(low, high, d.minimum_age, d.maximum_age)]
    assert excluded, "the sample should hold services for other ages"
    response = sample_search.search(text, limit=50)
    assert response.results
    for result in response.results:
        assert fits(low, high, result.doc.minimum_age, result.doc.maximum_age), result.doc.service_name


def test_an_age_word_is_an_optional_need(sample_search: Search) -> None:
    parsed = read(sample_search, "bébé de 6 mois")
    assert concept(parsed, "bebe").optional
    parsed = read(sample_search, "ado qui consomme")
    assert concept(parsed, "ado").optional and not concept(parsed, "consomme").optional


@pytest.mark.parametrize(
    ("text", "people", "needs"),
    [
        ("maman monoparentale 2 enfants plus rien dans le frigo", {"maman", "monoparentale", "enfants"}, 1),
        ("famille isolée", {"famille"}, 1),
        ("hébergement pour femmes", {"femmes"}, 1),
        ("garderie pour mon garcon", {"garcon"}, 1),
    ],
)
def test_people_words_are_optional(sample_search: Search, text: str, people: set[str], needs: int) -> None:
    parsed = read(sample_search, text)
    assert {c.label for c in parsed.concepts if c.optional} == people
    assert len([c for c in parsed.concepts if not c.optional]) == needs


def test_small_counts_are_dropped_but_numbers_that_name_a_service_stay(sample_search: Search) -> None:
    parsed = read(sample_search, "maman monoparentale 2 enfants plus rien dans le frigo")
    assert "2" not in labels(parsed)
    assert not any("2" in a.phrase for c in parsed.concepts for a in c.alternatives)
    assert labels(read(sample_search, "811")) == ["811"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inscription a lecole", ["inscription", "ecole"]),
        ("inscription à l'école", ["inscription", "ecole"]),
        ("besoin dun dentiste", ["dentiste"]),
        ("lhebergement", ["hebergement"]),
    ],
)
def test_glued_elisions_are_read(sample_search: Search, text: str, expected: list[str]) -> None:
    parsed = read(sample_search, text)
    assert sorted(labels(parsed)) == sorted(expected)
    assert all(not c.corrections for c in parsed.concepts)


def test_typos_are_corrected_and_recorded(sample_search: Search) -> None:
    parsed = read(sample_search, "dépannage alimantaire")
    (need,) = parsed.concepts
    assert need.label == "depannage alimantaire"  # as typed
    assert need.corrections == [("alimantaire", "alimentaire")]
    assert need.alternatives[0].phrase == to_phrase("dépannage alimentaire")
    assert need.alternatives[0].quality < 1.0


def test_a_word_still_being_typed_is_completed(sample_search: Search) -> None:
    (need,) = read(sample_search, "orthoph").concepts
    assert need.corrections == [("orthoph", "orthophonie")]
    assert need.alternatives[0].quality < 1.0


def test_known_words_are_not_corrected(sample_search: Search) -> None:
    parsed = read(sample_search, "cuisine collective")
    assert all(not c.corrections for c in parsed.concepts)
    assert all(c.alternatives[0].quality == 1.0 for c in parsed.concepts)


def test_a_thesaurus_phrase_is_one_need_with_its_alternatives(sample_search: Search) -> None:
    parsed = read(sample_search, "banque alimentaire")
    (need,) = parsed.concepts
    assert need.label == "banque alimentaire" and not need.optional
    first, *others = need.alternatives
    assert first.phrase == to_phrase("banque alimentaire") and first.quality == 1.0
    synonyms = {a.phrase: a.quality for a in others}
    assert to_phrase("dépannage alimentaire") in synonyms
    assert all(0 < quality < 1.0 for quality in synonyms.values())


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("parle de se tuer", True),
        ("mon ado parle de se tuer", True),
        ("idées suicidaires", True),
        ("banque alimentaire", False),
        ("halte-garderie", False),
    ],
)
def test_crisis_flag(sample_search: Search, text: str, crisis: bool) -> None:
    assert read(sample_search, text).crisis is crisis


def test_crisis_phrase_is_one_need(sample_search: Search) -> None:
    parsed = read(sample_search, "parle de se tuer")
    (need,) = parsed.concepts
    assert need.crisis
    assert to_phrase("suicide") in {a.phrase for a in need.alternatives}
