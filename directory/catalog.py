"""Reading services from the database into search documents."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlalchemy import Select, select
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
    categories = await _grouped(session, [*ids, *organization_ids], _categories)
    areas = await _grouped(session, ids, _areas)
    cities = await _grouped(session, ids, _cities)
    organization_cities = await _grouped(session, organization_ids, _organization_cities)
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


async def _grouped(
    session: AsyncSession, ids: Iterable[uuid.UUID], query: Callable[[list[uuid.UUID]], Select[tuple[uuid.UUID, str]]]
) -> dict[uuid.UUID, list[str]]:
    """The non-empty texts ``query(chunk of ids)`` returns, grouped by the id it pairs them with."""
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    wanted = list(ids)
    for start in range(0, len(wanted), CHUNK):
        for key, text in await session.execute(query(wanted[start : start + CHUNK])):
            if text:
                found[key].append(text)
    return found


def _categories(chunk: list[uuid.UUID]) -> Select[tuple[uuid.UUID, str]]:
    """Taxonomy terms attached to services or organizations."""
    return (
        select(Attribute.link_id, TaxonomyTerm.name)
        .join(TaxonomyTerm, Attribute.taxonomy_term_id == TaxonomyTerm.id)
        .where(Attribute.link_id.in_(chunk))
    )


def _areas(chunk: list[uuid.UUID]) -> Select[tuple[uuid.UUID, str]]:
    """Names of the areas services declare they serve."""
    return select(ServiceArea.service_id, ServiceArea.name).where(ServiceArea.service_id.in_(chunk))


def _cities(chunk: list[uuid.UUID]) -> Select[tuple[uuid.UUID, str]]:
    """Cities of the locations where services are given."""
    return (
        select(ServiceAtLocation.service_id, Address.city)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .join(Address, Address.location_id == Location.id)
        .where(ServiceAtLocation.service_id.in_(chunk))
    )


def _organization_cities(chunk: list[uuid.UUID]) -> Select[tuple[uuid.UUID, str]]:
    """Cities of each organization's own locations: where its services are, when they say nothing."""
    return (
        select(Location.organization_id, Address.city)
        .join(Address, Address.location_id == Location.id)
        .where(Location.organization_id.in_(chunk))
    )
