"""The sample directory: built from TOML, written through the importer, flagged and findable by key."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from directory.db import create_engine, session_factory
from directory.details import Address, Phone, Schedule
from directory.models import Location, Organization, Service, ServiceAtLocation
from directory.sample import (
    SAMPLE_NAMESPACE,
    SAMPLE_PATH,
    is_empty,
    load_sample,
    load_sample_rows,
    sample_id,
    sample_service_id,
)
from directory.taxonomy import Attribute, TaxonomyTerm

SMALL = """
[[category]]
code = "familles"
name = "Soutien aux familles"
description = "Écoute et ateliers."
parent = ""

[[category]]
code = "repit"
name = "Répit"
description = "Garde ponctuelle."
parent = "familles"

[[organization]]
key = "le-transit"
name = "Le Transit"
description = "Organisme d'aide aux familles."
sector = "communautaire"
email = "info@transit.example.org"
website = "https://transit.example.org"
phone = "418-555-0101"
address = { address_1 = "12, rue Price", city = "Jonquière", postal_code = "G7X 6K7" }

  [[organization.service]]
  key = "le-transit-intervention-familiale"
  name = "Intervention familiale"
  alternate_name = ""
  description = "Accompagnement des familles."
  status = "active"
  categories = ["familles", "repit"]
  eligibility_description = "Familles d'enfants de 0 à 17 ans."
  minimum_age = 0
  maximum_age = 17
  referral = "reference_intervenant"
  phone = "418-555-0102"
  areas = ["Jonquière"]
  languages = ["fr", "en"]
  hours = [{ days = "MO,TU,WE,TH,FR", opens = "08:30", closes = "16:30", description = "" }]

[[organization]]
key = "maison-hebergement"
name = "Maison d'hébergement"
description = "Hébergement d'urgence."
sector = "communautaire"
email = ""
website = ""
phone = "418-555-0103"
address = { address_1 = "Adresse confidentielle", city = "Chicoutimi", postal_code = "" }

  [[organization.service]]
  key = "maison-hebergement-urgence"
  name = "Hébergement d'urgence"
  description = "Accueil 24 heures sur 24."
  status = "active"
  categories = ["familles"]
  eligibility_description = "Femmes et enfants."
  referral = "par_telephone"
  areas = ["Saguenay"]
  languages = ["fr"]
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A two-organization sample file in the format of ``data/sample.toml``."""
    path = tmp_path / "petit.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a freshly migrated database."""
    await asyncio.to_thread(migrations.upgrade, database_url)
    engine = create_engine(database_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


def test_ids_are_deterministic(small: Path) -> None:
    key = "le-transit-intervention-familiale"
    assert sample_service_id(key) == uuid.uuid5(SAMPLE_NAMESPACE, f"service:{key}")
    assert sample_id("service", key) == sample_service_id(key)
    first, second = load_sample_rows(small), load_sample_rows(small)
    assert {t: r.rows for t, r in first.resources.items()} == {t: r.rows for t, r in second.resources.items()}
    assert sample_service_id(key) in {row["id"] for row in first.resources["service"].rows}


def test_the_shipped_sample_is_valid() -> None:
    package = load_sample_rows(SAMPLE_PATH)
    assert package.warnings == [] and package.references == []
    assert len(package.resources["service"].rows) >= 100


def test_unknown_category_is_refused(small: Path) -> None:
    small.write_text(SMALL.replace('["familles"]', '["inconnue"]'), encoding="utf-8")
    with pytest.raises(ValueError, match="catégorie inconnue « inconnue » dans le service « maison-"):
        load_sample_rows(small)


async def test_sample_loads_flagged_and_linked(
    sessions: async_sessionmaker[AsyncSession], small: Path
) -> None:
    assert await is_empty(sessions)
    report = await load_sample(sessions, small)
    assert report.created["organization"] == 2 and report.created["service"] == 2
    assert not await is_empty(sessions)
    async with sessions() as session:
        for model in (Organization, Service, Location):
            assert set(await session.scalars(select(model.sample))) == {True}
        service = await session.get(Service, sample_service_id("le-transit-intervention-familiale"))
        assert service is not None and service.alternate_name is None
        assert (service.minimum_age, service.maximum_age) == (0, 17)
        assert service.referral_method == "reference_intervenant"
        terms = await session.scalars(
            select(TaxonomyTerm.code).join(Attribute, Attribute.taxonomy_term_id == TaxonomyTerm.id)
            .where(Attribute.link_id == service.id, Attribute.link_type == "category")
        )
        assert set(terms) == {"familles", "repit"}
        phones = await session.scalars(select(Phone.number).where(Phone.service_id == service.id))
        assert list(phones) == ["418-555-0102"]
        [schedule] = await session.scalars(select(Schedule).where(Schedule.service_id == service.id))
        assert (schedule.freq, schedule.byday) == ("WEEKLY", "MO,TU,WE,TH,FR")
        assert (schedule.opens_at, schedule.closes_at) == (dt.time(8, 30), dt.time(16, 30))
        located = await session.scalars(
            select(ServiceAtLocation.location_id).where(ServiceAtLocation.service_id == service.id)
        )
        assert list(located) == [sample_id("location", "le-transit")]
        shelter = await session.get(Location, sample_id("location", "maison-hebergement"))
        assert shelter is not None and shelter.description == "Adresse confidentielle, Chicoutimi"
        assert await session.scalar(select(Address.id).where(Address.location_id == shelter.id)) is None
    again = await load_sample(sessions, small)
    assert set(again.created.values()) == {0} and again.updated["service"] == 2
