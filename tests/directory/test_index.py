"""The in-memory search index: postings through build, add, replace, remove and compaction; the vocabulary."""

from __future__ import annotations

import uuid
from collections import Counter
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import directory.index as index_module
from directory.documents import FIELD_WEIGHTS, ServiceDoc
from directory.index import OTHER_FIELDS_SHARE, SearchIndex
from directory.places import Gazetteer
from directory.search import Search
from directory.synonyms import Thesaurus
from directory.text import stem
from tests.directory.conftest import doc_id, make_doc

Posting = tuple[uuid.UUID, float]


def live_postings(index: SearchIndex, word: str) -> Counter[Posting]:
    """(service id, weight) of the live slots holding ``word``'s stem, as a multiset."""
    slots, weights = index.postings(stem(word))
    found: Counter[Posting] = Counter()
    for slot, weight in zip(slots.tolist(), weights.tolist(), strict=True):
        doc = index.docs[slot]
        if index.alive[slot] and doc is not None:
            found[(doc.service_id, weight)] += 1
    return found


def by_key(**weights: float) -> Counter[Posting]:
    """The expected postings: document key → weight."""
    return Counter({(doc_id(key), np.float32(weight).item()): 1 for key, weight in weights.items()})


def test_build_postings_hold_the_best_field_of_each_service() -> None:
    index = SearchIndex.build(
        [
            make_doc("cat", name="Accueil", category="Jardins communautaires"),
            make_doc("desc", name="Accueil", description="Un jardin au coin de la rue."),
            make_doc("none", name="Logement social"),
        ]
    )
    assert index.count == 3
    expected = by_key(cat=FIELD_WEIGHTS["category"], desc=FIELD_WEIGHTS["service_description"])
    assert live_postings(index, "jardin") == expected
    assert live_postings(index, "jardins") == live_postings(index, "jardin")  # one stem for both forms
    assert live_postings(index, "piscine") == Counter()


def test_a_stem_in_several_fields_weighs_a_little_more() -> None:
    index = SearchIndex.build(
        [
            make_doc("two", name="Répit", category="Répit"),
            make_doc("one", name="Accueil", category="Répit"),
            make_doc("desc", name="Accueil", description="Répit"),
        ]
    )
    weights = {service_id: weight for service_id, weight in live_postings(index, "repit")}
    two, one = weights[doc_id("two")], weights[doc_id("one")]
    expected = FIELD_WEIGHTS["category"] + OTHER_FIELDS_SHARE * FIELD_WEIGHTS["service_name"]
    assert two == pytest.approx(expected)
    assert one < two < one + 1.0  # more than one field, but never a field's worth more
    assert weights[doc_id("desc")] < one


def test_add_before_compaction_reaches_known_and_new_stems() -> None:
    index = SearchIndex.build([make_doc("old", name="Jardin communautaire")])
    index.add(make_doc("new", name="Jardins et xylophones"))
    assert index.count == 2
    # a stem known at the last compaction: the sorted part and the tail together
    assert live_postings(index, "jardin") == by_key(old=4.0, new=4.0)
    # a stem first seen since the last compaction: only in the tail
    assert live_postings(index, "xylophone") == by_key(new=4.0)
    index.add(make_doc("newer", description="Xylophone"))
    assert live_postings(index, "xylophone") == by_key(new=4.0, newer=1.5)
    before = {w: live_postings(index, w) for w in ("jardin", "xylophone", "communautaire")}
    index.compact()
    assert {w: live_postings(index, w) for w in before} == before


def test_replacing_a_service_drops_its_old_postings_from_results(shipped_gazetteer: Gazetteer) -> None:
    index = SearchIndex.build(
        [make_doc("a", name="Jardin communautaire"), make_doc("b", name="Aide alimentaire")]
    )
    index.add(make_doc("a", name="Logement social"))
    assert index.count == 2
    assert index.slot_of[doc_id("a")] == index.size - 1
    assert live_postings(index, "jardin") == Counter()
    old_slots, _ = index.postings(stem("jardin"))
    assert not index.alive[old_slots].any()  # the old version is only a dead slot until compaction
    assert live_postings(index, "logement") == by_key(a=4.0)
    search = Search(index, shipped_gazetteer, Thesaurus([]))
    assert [r.doc.service_id for r in search.search("jardin").results] == []
    assert [r.doc.service_id for r in search.search("logement").results] == [doc_id("a")]
    assert search.search("logement").total == 1


def test_remove_then_compact() -> None:
    index = SearchIndex.build([make_doc("a", name="Jardin"), make_doc("b", name="Jardin partagé")])
    index.remove(doc_id("a"))
    index.remove(doc_id("a"))  # twice is harmless
    index.remove(uuid.uuid4())  # unknown ids too
    assert index.count == 1
    assert live_postings(index, "jardin") == by_key(b=4.0)
    index.compact()
    slots, weights = index.postings(stem("jardin"))
    assert [index.docs[s].service_id for s in slots.tolist()] == [doc_id("b")] and weights.tolist() == [4.0]
    index.add(make_doc("a", name="Jardin"))
    assert live_postings(index, "jardin") == by_key(a=4.0, b=4.0)
    assert index.count == 2


def test_category_counts_follow_add_replace_and_remove() -> None:
    index = SearchIndex.build(
        [make_doc("a", categories=("Répit", "Jeunes")), make_doc("b", categories=("Répit",))]
    )
    assert index.category_counts == Counter({"Répit": 2, "Jeunes": 1})
    index.add(make_doc("c", categories=("Logement",)))
    assert index.category_counts == Counter({"Répit": 2, "Jeunes": 1, "Logement": 1})
    index.add(make_doc("a", categories=("Logement",)))  # replaced: Jeunes is gone
    assert index.category_counts == Counter({"Répit": 1, "Logement": 2})
    assert "Jeunes" not in index.category_counts
    index.remove(doc_id("b"))
    index.compact()
    assert index.category_counts == Counter({"Logement": 2})
    assert set(index.category_counts) == {"Logement"}


def test_knows_words_of_services_and_learned_spellings() -> None:
    index = SearchIndex.build([make_doc("a", name="Halte-garderie", description="L'aide aux devoirs")])
    assert index.knows("halte") and index.knows("garderie") and index.knows("aide")
    assert index.knows("aides") and index.knows("devoir")  # other forms of the same words
    assert not index.knows("piscine")
    index.learn_words(["orthophonie"])
    assert index.knows("orthophonie")
    assert live_postings(index, "orthophonie") == Counter()  # a spelling to correct towards, no service


@pytest.fixture
def vocabulary() -> SearchIndex:
    """An index whose words test the typo budget."""
    return SearchIndex.build(
        [
            make_doc("a", name="Jardin logement hébergement", description="ado repas"),
            make_doc("b", name="pain", description="paix paix"),
            make_doc("c", name="pomme"),
        ]
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("jardn", "jardin"),  # a letter missing
        ("jarddin", "jardin"),  # a letter too many
        ("jardim", "jardin"),  # a letter changed
        ("jradin", "jardin"),  # two letters swapped: one edit
        ("logemnet", "logement"),  # swapped, 8 letters
        ("jrdn", None),  # two edits on a short word
        ("lgoemnet", None),  # two swaps on 8 letters: over budget
        ("hebregemnt", "hebergement"),  # 10 letters: two edits allowed
        ("adp", None),  # 3 letters: never corrected
        ("rep", None),
        ("gardin", None),  # a typo on the first letter costs double
        ("mogement", None),
        ("gebergement", "hebergement"),  # …which a long word can still afford
        ("paic", "paix"),  # pain and paix are both one edit away: the more frequent wins
        ("pomne", "pomme"),
    ],
)
def test_closest_word(vocabulary: SearchIndex, typed: str, expected: str | None) -> None:
    assert vocabulary.closest_word(typed) == expected


def test_closest_word_ties_on_frequency_go_alphabetical() -> None:
    index = SearchIndex.build([make_doc("a", name="pair paix")])
    assert index.closest_word("paiz") == "pair"


def test_completions_by_frequency() -> None:
    index = SearchIndex.build(
        [
            make_doc("a", name="famille familial", description="familles familles"),
            make_doc("b", name="familles", description="fameux"),
        ]
    )
    assert index.completions("famil") == ["familles", "familial", "famille"]  # ties: alphabetical
    assert index.completions("famil", limit=2) == ["familles", "familial"]
    assert "fameux" in index.completions("fam")
    assert index.completions("zzz") == []
    index.add(make_doc("c", name="familiale familiale familiale familiale"))
    assert index.completions("famil")[0] == "familiale"  # words added later are found too


def test_closest_word_is_not_hidden_by_many_first_letter_neighbours() -> None:
    neighbours = [make_doc(c, name=f"{c}air") for c in "abcdefghijklnopqrstuvwxyz"]  # "bair", "cair"…
    index = SearchIndex.build([*neighbours, make_doc("m", name="maix")])
    assert index.closest_word("mair") == "maix"


def test_closest_word_most_frequent_wins_among_many_ties() -> None:
    ties = [make_doc(c, name=f"mar{c}") for c in "abcdefghijklmnoprstuvwxy"]  # "mara", "marb"…
    index = SearchIndex.build([*ties, make_doc("z", name="marz marz marz")])
    assert index.closest_word("marq") == "marz"


def test_words_of_a_removed_service_are_forgotten() -> None:
    index = SearchIndex.build([make_doc("a", name="Jardinnage"), make_doc("b", name="Logement")])
    index.add(make_doc("a", name="Jardinage"))  # the spelling is fixed in the directory
    fresh = SearchIndex.build([make_doc("a", name="Jardinage"), make_doc("b", name="Logement")])
    assert not fresh.knows("jardinnage") and fresh.closest_word("jardinnage") == "jardinage"
    assert not index.knows("jardinnage")
    assert index.closest_word("jardinnage") == "jardinage"
    index.remove(doc_id("b"))
    assert not index.knows("logement")


def test_refreshing_an_unchanged_service_keeps_corrections() -> None:
    pain, paix = make_doc("pain", name="pain"), make_doc("paix", name="paix paix")
    index = SearchIndex.build([pain, paix])
    assert index.closest_word("paic") == "paix"
    for _ in range(3):
        index.add(pain)  # refreshed, unchanged
    assert index.closest_word("paic") == "paix"
    assert index.word_counts == SearchIndex.build([pain, paix]).word_counts


# Property: edits applied one by one give the postings of an index built from scratch.

WORDS = [
    "aide", "aides", "repit", "famille", "familles", "familial", "jardin", "logement", "halte", "garderie"
]
KEYS = ["a", "b", "c", "d"]
FIELDS = ["category", "service_name", "service_description", "organization_description"]

texts_strategy = st.dictionaries(
    st.sampled_from(FIELDS),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    min_size=1,
    max_size=3,
)
doc_strategy = st.builds(
    lambda key, texts, cats: ServiceDoc(doc_id(key), None, key, "", texts, categories=tuple(cats)),
    st.sampled_from(KEYS),
    texts_strategy,
    st.lists(st.sampled_from(["Répit", "Jeunes", "Logement"]), max_size=2, unique=True),
)
operation_strategy = st.one_of(
    st.tuples(st.just("add"), doc_strategy),
    st.tuples(st.just("remove"), st.sampled_from(KEYS)),
    st.tuples(st.just("compact"), st.none()),
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    initial=st.lists(doc_strategy, max_size=4),
    operations=st.lists(operation_strategy, max_size=12),
    tail_limit=st.sampled_from([0, 3, index_module.TAIL_LIMIT]),
)
def test_incremental_index_matches_a_fresh_build(
    initial: list[ServiceDoc], operations: list[tuple[str, ServiceDoc | str | None]], tail_limit: int
) -> None:
    final: dict[uuid.UUID, ServiceDoc] = {}
    for doc in initial:
        final[doc.service_id] = doc
    with mock.patch.object(index_module, "TAIL_LIMIT", tail_limit):
        index = SearchIndex.build(initial)
        for kind, value in operations:
            if kind == "add":
                assert isinstance(value, ServiceDoc)
                index.add(value)
                final[value.service_id] = value
            elif kind == "remove":
                assert isinstance(value, str)
                index.remove(doc_id(value))
                final.pop(doc_id(value), None)
            else:
                index.compact()
    fresh = SearchIndex.build(final.values())
    assert index.count == fresh.count == len(final)
    assert set(index.slot_of) == set(final)
    assert +index.category_counts == +fresh.category_counts
    assert set(index.category_counts) == set(fresh.category_counts)
    for word in WORDS:
        assert live_postings(index, word) == live_postings(fresh, word), word
