"""Search over the sample directory: typical questions, abstention, paging, places, refresh after edits."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.documents import ServiceDoc
from directory.models import Service
from directory.places import Gazetteer
from directory.sample import sample_service_id
from directory.search import Search, SearchResponse
from directory.synonyms import Thesaurus
from tests.directory.conftest import sample_keys

FOOD_HELP = "Dépannage alimentaire"
CRISIS_LINES = {"centre-prevention-suicide-intervention", "info-social-811-psychosocial"}
KEYS = sample_keys()


def keys(response: SearchResponse) -> list[str]:
    """Sample keys of the services answering, best first."""
    return [KEYS[r.doc.service_id] for r in response.results]


def serves(gazetteer: Gazetteer, doc: ServiceDoc, place_id: str) -> bool:
    """False only when ``doc`` declares an area that neither holds ``place_id`` nor lies inside it
    (an area guessed from an address, or none, may still serve it)."""
    return doc.areas_from_address or not doc.area_place_ids or any(
        gazetteer.covers(area, place_id) or gazetteer.covers(place_id, area) for area in doc.area_place_ids
    )


def test_the_sample_is_indexed(sample_search: Search) -> None:
    assert sample_search.index.count == len(KEYS) >= 100


def test_food_bank_in_jonquiere(sample_search: Search) -> None:
    response = sample_search.search("banque alimentaire jonquiere")
    assert not response.abstained and response.place is not None and response.place.id == "A-jonquiere"
    assert FOOD_HELP in response.results[0].doc.categories
    assert keys(response)[0] in {"saint-vincent-de-paul-depannage", "table-securite-alimentaire-depannage"}
    assert all(serves(sample_search.gazetteer, r.doc, "A-jonquiere") for r in response.results)


def test_a_typo_still_finds_food_help(sample_search: Search) -> None:
    response = sample_search.search("dépannage alimantaire")
    assert not response.abstained
    assert all(FOOD_HELP in r.doc.categories for r in response.results[:3])
    assert ("alimantaire", "alimentaire") in response.query.concepts[0].corrections
    assert any("alimantaire" in reason for reason in response.results[0].why)


def test_clsc_acronym(sample_search: Search) -> None:
    short = sample_search.search("CLSC")
    spelled = sample_search.search("centre local de services communautaires")
    for response in (short, spelled):
        found = keys(response)
        assert sum(key.startswith("clsc-jonquiere-") for key in found) >= 3, found
    assert set(keys(short)) == set(keys(spelled))


@pytest.mark.parametrize("text", ["suicide", "idees suicidaires", "mon ado parle de se tuer"])
def test_suicide_puts_a_crisis_line_first(sample_search: Search, text: str) -> None:
    response = sample_search.search(text)
    assert response.query.crisis
    assert keys(response)[0] in CRISIS_LINES, keys(response)


@pytest.mark.parametrize(
    "text", ["clinique vétérinaire pour un chat", "cours de guitare", "réparer mon auto"]
)
def test_unanswerable_questions_abstain_with_suggestions(sample_search: Search, text: str) -> None:
    response = sample_search.search(text)
    assert response.abstained
    assert response.results == [] and response.total == 0
    assert response.suggestions
    assert set(response.suggestions) <= set(sample_search.index.category_counts)


def test_paging_gives_disjoint_pages_and_a_stable_total(sample_search: Search) -> None:
    pages = [sample_search.search("CLSC", limit=5, offset=offset) for offset in (0, 5, 10)]
    whole = sample_search.search("CLSC", limit=15)
    assert whole.total > 10
    assert {page.total for page in pages} == {whole.total}
    seen = [key for page in pages for key in keys(page)]
    assert len(seen) == len(set(seen)) == min(15, whole.total)
    assert seen == keys(whole)
    beyond = sample_search.search("CLSC", limit=5, offset=whole.total)
    assert beyond.results == [] and beyond.total == whole.total and not beyond.abstained


def test_the_same_question_gives_the_same_answer(sample_search: Search) -> None:
    first = sample_search.search("halte-garderie", limit=10)
    again = sample_search.search("halte-garderie", limit=10)
    assert keys(first) == keys(again) and [r.score for r in first.results] == [r.score for r in again.results]


def test_place_overrides_the_place_in_the_text(sample_search: Search) -> None:
    response = sample_search.search("banque alimentaire jonquiere", place="Saint-Ambroise")
    assert response.place is not None and response.place.id == "94255"
    assert response.results and all(serves(sample_search.gazetteer, r.doc, "94255") for r in response.results)
    assert "centre-mieux-vivre-depannage" in keys(response)[:2]
    assert keys(response) == keys(sample_search.search("banque alimentaire st-ambroise"))


def test_default_place_applies_only_when_the_text_names_none(sample_search: Search) -> None:
    assert sample_search.search("banque alimentaire").place is None
    defaulted = sample_search.search("banque alimentaire", default_place="St-Ambroise")
    assert defaulted.place is not None and defaulted.place.id == "94255"
    assert keys(defaulted) == keys(sample_search.search("banque alimentaire st-ambroise"))
    named = sample_search.search("banque alimentaire jonquiere", default_place="Saint-Ambroise")
    assert named.place is not None and named.place.id == "A-jonquiere"


@pytest.fixture
async def private_search(
    sample_copy: async_sessionmaker[AsyncSession], shipped_gazetteer: Gazetteer, shipped_thesaurus: Thesaurus
) -> Search:
    """A search of its own over a private copy of the sample database."""
    return await Search.from_database(sample_copy, shipped_gazetteer, shipped_thesaurus)


SENTINELS = sample_service_id("centre-prevention-suicide-sentinelles")


def found(search: Search, text: str) -> list[uuid.UUID]:
    """Service ids answering ``text``."""
    return [r.doc.service_id for r in search.search(text, limit=20).results]


async def test_refresh_after_renaming_a_service(
    private_search: Search, sample_copy: async_sessionmaker[AsyncSession]
) -> None:
    assert found(private_search, "formation sentinelles")[0] == SENTINELS
    assert private_search.search("xylographie").abstained
    async with sample_copy() as session:
        service = await session.get(Service, SENTINELS)
        assert service is not None
        service.name = "Atelier de xylographie"
        await session.commit()
    count = private_search.index.count
    await private_search.refresh(sample_copy, [SENTINELS])
    assert private_search.index.count == count
    assert found(private_search, "xylographie") == [SENTINELS]
    assert private_search.search("xylographie").results[0].doc.service_name == "Atelier de xylographie"
    assert SENTINELS not in found(private_search, "formation sentinelles")


async def test_refresh_after_deleting_a_service(
    private_search: Search, sample_copy: async_sessionmaker[AsyncSession]
) -> None:
    count = private_search.index.count
    async with sample_copy() as session:
        await session.execute(delete(Service).where(Service.id == SENTINELS))
        await session.commit()
    await private_search.refresh(sample_copy, [SENTINELS])
    assert private_search.index.count == count - 1
    assert SENTINELS not in private_search.index.slot_of
    assert SENTINELS not in found(private_search, "formation sentinelles")
    assert SENTINELS not in found(private_search, "sentinelles")
    await private_search.refresh(sample_copy, [SENTINELS])  # refreshing a deleted id again is harmless
    assert private_search.index.count == count - 1


def test_the_shared_search_was_not_changed_by_refresh_tests(sample_search: Search) -> None:
    assert sample_search.index.count == len(KEYS)
    assert sample_search.search("sentinelles").results[0].doc.service_id == SENTINELS
