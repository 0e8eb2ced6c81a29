"""The network seen by sector and category, to browse it ("Je connais mon réseau"): how many
organizations each sector counts, the categories of their services (rolled up to the top of the
taxonomy) and, for each organization, the tables de concertation where it sits."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember
from directory.models import Organization, Service
from directory.taxonomy import Attribute, TaxonomyTerm

UNSORTED = "-"  # the sector key of organizations without a sector
INACTIVE = ("defunct", "inactive")


@dataclass(frozen=True, slots=True)
class Category:
    """A category of the taxonomy and the number of organizations offering a service in it."""

    id: uuid.UUID
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Seat:
    """A table where an organization sits, and its representative (a chat user) if it has one."""

    table: str
    platform: str | None
    user_id: str | None


@dataclass(frozen=True, slots=True)
class Member:
    """An organization of the network: what it is, what it does, where it sits."""

    id: uuid.UUID
    name: str
    description: str
    seats: tuple[Seat, ...]


class Terms:
    """The taxonomy as a tree: each term's parent, name and children."""

    def __init__(self, rows: list[tuple[uuid.UUID, uuid.UUID | None, str]]) -> None:
        self.names = {term_id: name for term_id, _parent, name in rows}
        self.parents = {term_id: parent for term_id, parent, _name in rows if parent in self.names}
        self.children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for term_id, parent in self.parents.items():
            self.children[parent].append(term_id)

    def root(self, term_id: uuid.UUID) -> uuid.UUID:
        """The top of the branch ``term_id`` is in."""
        seen = {term_id}
        while (parent := self.parents.get(term_id)) is not None and parent not in seen:
            seen.add(parent)
            term_id = parent
        return term_id

    def subtree(self, term_id: uuid.UUID) -> set[uuid.UUID]:
        """``term_id`` and every term under it."""
        found, waiting = set(), [term_id]
        while waiting:
            current = waiting.pop()
            if current not in found:
                found.add(current)
                waiting.extend(self.children.get(current, ()))
        return found


async def read_terms(session: AsyncSession) -> Terms:
    """Every taxonomy term."""
    rows = await session.execute(select(TaxonomyTerm.id, TaxonomyTerm.parent_id, TaxonomyTerm.name))
    return Terms([(term_id, parent, name) for term_id, parent, name in rows])


async def sector_counts(session: AsyncSession) -> dict[str, int]:
    """The number of organizations of each sector (``UNSORTED`` for those without one)."""
    rows = await session.execute(select(Organization.sector, func.count()).group_by(Organization.sector))
    counts: dict[str, int] = defaultdict(int)
    for sector, count in rows:
        counts[sector or UNSORTED] += count
    return dict(counts)


def _in_sector(query: Select, sector: str | None) -> Select:
    """``query`` (over organizations) kept to ``sector``; every sector when None."""
    if sector is None:
        return query
    if sector == UNSORTED:
        return query.where(Organization.sector.is_(None))
    return query.where(Organization.sector == sector)


def _offering(query: Select) -> Select:
    """``query`` joined to the organizations' active services and their categories."""
    return (
        query.join(Service, Service.organization_id == Organization.id)
        .join(Attribute, Attribute.link_id == Service.id)
        .where(Service.status.not_in(INACTIVE))
    )


async def categories_of(session: AsyncSession, terms: Terms, sector: str | None) -> list[Category]:
    """The top categories of the services of ``sector``'s organizations (every sector when None),
    each with its number of organizations, by name."""
    query = _in_sector(_offering(select(Organization.id, Attribute.taxonomy_term_id).distinct()), sector)
    organizations: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for organization_id, term_id in await session.execute(query):
        if term_id in terms.names:
            organizations[terms.root(term_id)].add(organization_id)
    found = [Category(root, terms.names[root], len(ids)) for root, ids in organizations.items()]
    return sorted(found, key=lambda c: c.name.casefold())


async def members_in(
    session: AsyncSession, terms: Terms, sector: str | None, term_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[Member], int]:
    """The organizations of ``sector`` (every sector when None) offering a service in the category
    ``term_id`` or under it, by name, ``limit`` from ``offset``; and how many there are in all."""
    offering = _offering(select(Organization.id)).where(Attribute.taxonomy_term_id.in_(terms.subtree(term_id)))
    matching = _in_sector(select(Organization).where(Organization.id.in_(offering)), sector)
    total = await session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    page = list(await session.scalars(matching.order_by(Organization.name, Organization.id).offset(offset).limit(limit)))
    seats = await _seats(session, [o.id for o in page])
    members = [Member(o.id, o.name, o.description or "", tuple(seats.get(o.id, ()))) for o in page]
    return members, total


async def _seats(session: AsyncSession, organization_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Seat]]:
    """The tables where each organization sits now, by table name."""
    if not organization_ids:
        return {}
    rows = await session.execute(
        select(TableMember.organization_id, ConcertationTable.name, TableMember.representative_platform,
               TableMember.representative_user_id)
        .join(ConcertationTable, ConcertationTable.id == TableMember.table_id)
        .where(TableMember.organization_id.in_(organization_ids), TableMember.left_at.is_(None))
        .order_by(ConcertationTable.name_key)
    )
    found: dict[uuid.UUID, list[Seat]] = defaultdict(list)
    for organization_id, table, platform, user_id in rows:
        found[organization_id].append(Seat(table, platform, user_id))
    return found
