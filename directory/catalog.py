"""Reading services from the database into search documents."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.details import Address, ServiceArea
from directory.documents import ServiceDoc
from directory.models import Location, Organization, Service, ServiceAtLocation
from directory.places import Gazetteer
from directory.taxonomy import Attribute, TaxonomyTerm

CHUNK = 5_000


async def load_documents(
    session: AsyncSession, gazetteer: Gazetteer, service_ids: Iterable[uuid.UUID] | None = None
) -> list[ServiceDoc]:
    """Search documents for ``service_ids`` (every service when None)."""
    query = select(Service, Organization).outerjoin(Organization, Service.organization_id == Organization.id)
    if service_ids is not None:
        wanted = list(service_ids)
        if not wanted:
            return []
        query = query.where(Service.id.in_(wanted))
    rows = (await session.execute(query)).all()
    ids = [service.id for service, _ in rows]
    organization_ids = {o.id for _, o in rows if o is not None}
    categories = await _categories(session, [*ids, *organization_ids])
    areas = await _areas(session, ids)
    cities = await _cities(session, ids)
    organization_cities = await _organization_cities(session, organization_ids)
    resolve = _resolver(gazetteer)
    docs = []
    for service, organization in rows:
        area_ids = tuple(dict.fromkeys(p for name in areas[service.id] for p in resolve(name)))
        from_address = False
        if not areas[service.id]:
            where = cities[service.id] or (organization and organization_cities[organization.id]) or []
            area_ids = tuple(dict.fromkeys(p for name in where for p in resolve(name)))
            from_address = bool(area_ids)
        own = categories[service.id] or (organization and categories[organization.id]) or []
        docs.append(to_document(service, organization, own, area_ids, from_address))
    return docs


def to_document(
    service: Service,
    organization: Organization | None,
    categories: list[str],
    area_ids: tuple[str, ...],
    from_address: bool,
) -> ServiceDoc:
    """The search document of one service."""
    org_name = organization.name if organization else ""
    texts = {
        "category": " ; ".join(categories),
        "service_name": service.name,
        "service_alternate_name": service.alternate_name or "",
        "organization_name": " ; ".join(filter(None, [org_name, organization and organization.alternate_name])),
        "eligibility": service.eligibility_description or "",
        "service_description": service.description or "",
        "organization_description": organization.description if organization else "",
        "details": " ; ".join(filter(None, [service.application_process, service.fees_description])),
    }
    return ServiceDoc(
        service_id=service.id,
        organization_id=service.organization_id,
        service_name=service.name,
        organization_name=org_name,
        texts={k: v for k, v in texts.items() if v},
        status=service.status,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        area_place_ids=area_ids,
        areas_from_address=from_address,
        sample=service.sample or bool(organization and organization.sample),
        categories=tuple(categories),
    )


_LIST_SEPARATORS = re.compile(r"\s*(?:[,;/&+]|\bet\b)\s*")


def _resolver(gazetteer: Gazetteer) -> Callable[[str], tuple[str, ...]]:
    """A cached function from a service area's or a city's name to the places it names:
    "Jonquière, Shipshaw et Lac-Kénogami" names three, "Coaticook et environs" one."""
    cache: dict[str, tuple[str, ...]] = {}

    def places(name: str) -> tuple[str, ...]:
        pieces = [p for p in _LIST_SEPARATORS.split(name) if p.strip()]
        if len(pieces) > 1:
            listed = [place.id for piece in pieces if (place := gazetteer.resolve(piece))]
            if len(listed) > 1:
                return tuple(listed)
        whole = gazetteer.resolve(name)
        if whole is not None:
            return (whole.id,)
        return tuple(mention.place.id for mention in gazetteer.find_in_text(name))

    def resolve(name: str) -> tuple[str, ...]:
        if name not in cache:
            cache[name] = places(name)
        return cache[name]

    return resolve


def _chunks(ids: list[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


async def _categories(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    for chunk in _chunks(ids):
        query = (
            select(Attribute.link_id, TaxonomyTerm.name)
            .join(TaxonomyTerm, Attribute.taxonomy_term_id == TaxonomyTerm.id)
            .where(Attribute.link_id.in_(chunk))
        )
        for link_id, name in await session.execute(query):
            found[link_id].append(name)
    return found


async def _areas(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    for chunk in _chunks(ids):
        query = select(ServiceArea.service_id, ServiceArea.name).where(ServiceArea.service_id.in_(chunk))
        for service_id, name in await session.execute(query):
            if name:
                found[service_id].append(name)
    return found


async def _cities(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    for chunk in _chunks(ids):
        query = (
            select(ServiceAtLocation.service_id, Address.city)
            .join(Location, ServiceAtLocation.location_id == Location.id)
            .join(Address, Address.location_id == Location.id)
            .where(ServiceAtLocation.service_id.in_(chunk))
        )
        for service_id, city in await session.execute(query):
            if city:
                found[service_id].append(city)
    return found


async def _organization_cities(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Cities of each organization's own locations: where its services are, when they say nothing."""
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    for chunk in _chunks(list(ids)):
        query = (
            select(Location.organization_id, Address.city)
            .join(Address, Address.location_id == Location.id)
            .where(Location.organization_id.in_(chunk))
        )
        for organization_id, city in await session.execute(query):
            if city:
                found[organization_id].append(city)
    return found
