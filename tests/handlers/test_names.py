"""Organization names matched to what people type, on made-up directories up to 10,000 organizations."""

from __future__ import annotations

import random
import time
import uuid

import pytest

from handlers.names import MAX_CHOICES, NameCache, OrganizationNames, content

TRANSIT = (uuid.UUID(int=1), "Centre d'intervention familiale Le Transit", "Le Transit")
SMALL = [
    TRANSIT,
    (uuid.UUID(int=2), "Le Séjour", None),
    (uuid.UUID(int=3), "La Chambrée", None),
    (uuid.UUID(int=4), "Centre de Prévention Suicide", "CPS 02"),
    (uuid.UUID(int=5), "Centre de femmes de Jonquière", None),
    (uuid.UUID(int=6), "Centre Alpha de Jonquière", None),
    (uuid.UUID(int=7), "Maison des jeunes de Jonquière", None),
    (uuid.UUID(int=8), "Maison des jeunes de Jonquière-Nord", None),
]


def labels(names: OrganizationNames, query: str) -> list[str]:
    """The labels of the organizations ``query`` may name."""
    return [choice.label for choice in names.find(query).choices]


def test_articles_and_prepositions_do_not_tell_names_apart() -> None:
    assert content(["le", "transit"]) == ["transit"]
    assert content(["de", "la"]) == ["de", "la"]
    names = OrganizationNames(SMALL)
    assert names.find("Le Transit").sure
    assert labels(names, "Le Transit") == ["Centre d'intervention familiale Le Transit / Le Transit"]
    assert names.find("le la de").choices == ()


def test_typos_are_forgiven_by_word_length() -> None:
    names = OrganizationNames(SMALL)
    for typo in ("trasnit", "Transít", "le transi", "prevension suicid"):
        match = names.find(typo)
        assert match.sure, typo
    assert labels(names, "cpz") == []


def test_the_exact_name_wins_over_a_longer_one_holding_it() -> None:
    names = OrganizationNames(SMALL)
    match = names.find("maison des jeunes de jonquiere")
    assert match.sure
    assert labels(names, "maison des jeunes de jonquiere") == ["Maison des jeunes de Jonquière"]
    assert labels(names, "Maison des jeunes de Jonquière Nord") == ["Maison des jeunes de Jonquière-Nord"]


def test_names_sharing_the_words_asked_are_offered_fewest_other_words_first() -> None:
    names = OrganizationNames(SMALL)
    match = names.find("maison jeunes")
    assert not match.sure
    assert labels(names, "maison jeunes") == [
        "Maison des jeunes de Jonquière", "Maison des jeunes de Jonquière-Nord",
    ]


def test_a_common_word_counts_less_than_a_rare_one() -> None:
    names = OrganizationNames(SMALL)
    match = names.find("femmes jonquiere")
    assert match.sure and labels(names, "femmes jonquiere") == ["Centre de femmes de Jonquière"]
    assert labels(names, "centre transit")[0].startswith("Centre d'intervention familiale Le Transit")


def test_two_organizations_with_the_same_name_are_both_offered() -> None:
    twins = [
        (uuid.UUID(int=10), "Le Séjour", None), (uuid.UUID(int=11), "Le Séjour", "Le Séjour de Chicoutimi"),
    ]
    match = OrganizationNames(twins).find("Le Séjour")
    assert not match.sure and {c.org_id for c in match.choices} == {uuid.UUID(int=10), uuid.UUID(int=11)}


def test_nothing_matches_an_empty_directory_or_query() -> None:
    assert OrganizationNames([]).find("transit").choices == ()
    assert OrganizationNames(SMALL).find(" - ").choices == ()


def test_the_cache_rebuilds_only_when_the_rows_change() -> None:
    cache = NameCache()
    first = cache.of(SMALL)
    assert cache.of(list(SMALL)) is first
    renamed = [*SMALL[:-1], (SMALL[-1][0], "Maison des jeunes du Nord", None)]
    second = cache.of(renamed)
    assert second is not first
    assert labels(second, "maison des jeunes du nord") == ["Maison des jeunes du Nord"]


@pytest.fixture(scope="module")
def many() -> OrganizationNames:
    """10,000 made-up organizations whose names share generic words, plus Le Transit."""
    rng = random.Random(7)
    kinds = ["Centre", "Maison", "Association", "Coopérative", "Regroupement", "Société", "Carrefour"]
    topics = ["d'aide", "de la famille", "des jeunes", "d'hébergement", "de prévention", "d'entraide"]
    places = ["Jonquière", "Chicoutimi", "Alma", "Roberval", "La Baie", "Sherbrooke", "Laval", "Rimouski"]
    rows = [
        (uuid.UUID(int=100 + n), " ".join([rng.choice(kinds), rng.choice(topics), _made_up_word(rng), "de",
                                             rng.choice(places)]), None)
        for n in range(10_000)
    ]
    return OrganizationNames([*rows, TRANSIT])


def _made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4)).capitalize()


def test_ten_thousand_names_are_matched_quickly_and_well(many: OrganizationNames) -> None:
    started = time.perf_counter()
    assert labels(many, "Le Transit") == ["Centre d'intervention familiale Le Transit / Le Transit"]
    assert many.find("trasnit").sure
    generic = many.find("centre d'aide jonquiere")
    assert not generic.sure and len(generic.choices) == MAX_CHOICES
    assert all(label.startswith("Centre d'aide ") and label.endswith(" de Jonquière") for label in labels(
        many, "centre d'aide jonquiere"
    ))
    assert many.find("zzzqqq").choices == ()
    for _, name, _ in many.rows[1000:1010]:
        assert labels(many, name.replace("de ", "", 1)[:-1]) == [name]
    assert time.perf_counter() - started < 1.0
