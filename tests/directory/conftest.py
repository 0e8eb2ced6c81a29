"""Shared fixtures for the search tests: hand-made service documents and the sample directory's search."""

from __future__ import annotations

import asyncio
import shutil
import tomllib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from directory.db import create_engine, session_factory
from directory.documents import ServiceDoc
from directory.places import Gazetteer
from directory.sample import SAMPLE_PATH, load_sample, sample_service_id
from directory.search import Search
from directory.synonyms import Thesaurus, to_clusters

DOC_NAMESPACE = uuid.UUID("3b0f1c9e-7d6a-4e2b-9c41-5a8e2d7f6b10")


def doc_id(key: str) -> uuid.UUID:
    """The deterministic id of the hand-made document named ``key``."""
    return uuid.uuid5(DOC_NAMESPACE, key)


def make_doc(
    key: str,
    *,
    name: str = "",
    category: str = "",
    description: str = "",
    organization: str = "",
    eligibility: str = "",
    status: str = "active",
    ages: tuple[float | None, float | None] = (None, None),
    areas: tuple[str, ...] = (),
    from_address: bool = False,
    categories: tuple[str, ...] | None = None,
) -> ServiceDoc:
    """A small search document; empty fields are left out, ``categories`` defaults to ``category``."""
    texts = {
        "category": category,
        "service_name": name,
        "organization_name": organization,
        "eligibility": eligibility,
        "service_description": description,
    }
    return ServiceDoc(
        service_id=doc_id(key),
        organization_id=None,
        service_name=name or key,
        organization_name=organization,
        texts={field: text for field, text in texts.items() if text},
        status=status,
        minimum_age=ages[0],
        maximum_age=ages[1],
        area_place_ids=areas,
        areas_from_address=from_address,
        categories=categories if categories is not None else ((category,) if category else ()),
    )


def make_thesaurus(*rows: tuple[str, str]) -> Thesaurus:
    """A thesaurus of ``(kind, "term|term|…")`` rows."""
    return Thesaurus(to_clusters({"kind": kind, "terms": terms, "note": ""} for kind, terms in rows))


def sample_keys() -> dict[uuid.UUID, str]:
    """Every sample service's id mapped to its key in ``data/sample.toml``."""
    with SAMPLE_PATH.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        sample_service_id(service["key"]): service["key"]
        for organization in data.get("organization", [])
        for service in organization.get("service", [])
    }


@pytest.fixture(scope="session")
def shipped_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once."""
    return Gazetteer.load()


@pytest.fixture(scope="session")
def shipped_thesaurus() -> Thesaurus:
    """The shipped synonyms table, loaded once."""
    return Thesaurus.load()


async def _build_sample_db(url: str) -> None:
    engine = create_engine(url)
    try:
        await load_sample(session_factory(engine))
    finally:
        await engine.dispose()


async def _search_from(url: str, gazetteer: Gazetteer, thesaurus: Thesaurus) -> Search:
    engine = create_engine(url)
    try:
        return await Search.from_database(session_factory(engine), gazetteer, thesaurus)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding the sample directory (copy it before writing to it)."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    url = f"sqlite:///{path}"
    migrations.upgrade(url)
    asyncio.run(_build_sample_db(url))
    return path


@pytest.fixture(scope="session")
def sample_search(sample_db: Path, shipped_gazetteer: Gazetteer, shipped_thesaurus: Thesaurus) -> Search:
    """The search over the sample directory, built once per session: tests must not change it."""
    return asyncio.run(_search_from(f"sqlite:///{sample_db}", shipped_gazetteer, shipped_thesaurus))


@pytest.fixture
async def sample_copy(sample_db: Path, tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a private copy of the sample database, for tests that edit it."""
    copy = tmp_path / "sample.db"
    shutil.copyfile(sample_db, copy)
    engine = create_engine(f"sqlite:///{copy}")
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
