"""The parts of a directory record kept in tables of their own (phones, opening hours, service areas,
categories, an organization's street address), read and replaced as a whole, in the caller's
transaction."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from directory.details import Address, Phone, Schedule, ServiceArea
from directory.models import Location, Organization, Service
from directory.opening_hours import OpeningHours, from_schedule_rows, to_schedule_rows
from directory.phones import PhoneValue
from directory.place_values import AddressValue
from directory.taxonomy import Attribute, TaxonomyTerm

CATEGORY_LINK = "category"  # attribute.link_type of a service's categories (as the sample and imports write it)
QUEBEC, CANADA = "QC", "CA"


def in_order(names: Iterable[str]) -> tuple[str, ...]:
    """Names once each, in the one order they are written and read back in (sorted in Python, not by
    the database, whose collation differs between SQLite and PostgreSQL)."""
    return tuple(sorted(dict.fromkeys(names)))


def ordered_ids(count: int) -> list[uuid.UUID]:
    """New ids that sort in the order they are made (time first), so that rows read back by id come
    back in the order they were written (a service's phones, its opening hours)."""
    start = time.time_ns()
    return [uuid.UUID(int=((start + number) << 64) | secrets.randbits(64)) for number in range(count)]


def _owner(record: Organization | Service) -> InstrumentedAttribute[uuid.UUID | None]:
    return Phone.service_id if isinstance(record, Service) else Phone.organization_id


async def read_phones(session: AsyncSession, record: Organization | Service) -> tuple[PhoneValue, ...]:
    """The record's own phones (an organization's: those not tied to a service, place or contact)."""
    query = select(Phone).where(_owner(record) == record.id).order_by(Phone.id)
    if isinstance(record, Organization):
        query = query.where(Phone.service_id.is_(None), Phone.location_id.is_(None), Phone.contact_id.is_(None))
    rows = await session.scalars(query)
    return tuple(PhoneValue(row.number, row.extension or None, row.description or None) for row in rows)


async def write_phones(
    session: AsyncSession, record: Organization | Service, phones: tuple[PhoneValue, ...] | None
) -> None:
    """Replace the record's own phones with ``phones`` (None: none)."""
    statement = delete(Phone).where(_owner(record) == record.id)
    if isinstance(record, Organization):
        statement = statement.where(
            Phone.service_id.is_(None), Phone.location_id.is_(None), Phone.contact_id.is_(None)
        )
    await session.execute(statement)
    owner = {"service_id": record.id} if isinstance(record, Service) else {"organization_id": record.id}
    for phone_id, phone in zip(ordered_ids(len(phones or ())), phones or (), strict=True):
        session.add(Phone(id=phone_id, number=phone.number, extension=phone.extension,
                          description=phone.description, type="voice", **owner))


async def read_hours(session: AsyncSession, service: Service) -> tuple[OpeningHours, ...]:
    """The service's weekly opening hours."""
    rows = await session.scalars(select(Schedule).where(Schedule.service_id == service.id).order_by(Schedule.id))
    return from_schedule_rows(rows)


async def write_hours(session: AsyncSession, service: Service, hours: tuple[OpeningHours, ...] | None) -> None:
    """Replace the service's weekly opening hours (None: none; other schedule rows, e.g. notes, are kept)."""
    existing = await session.scalars(select(Schedule).where(Schedule.service_id == service.id))
    for row in existing:
        if from_schedule_rows([row]):
            await session.delete(row)
    rows = to_schedule_rows(hours or ())
    for schedule_id, columns in zip(ordered_ids(len(rows)), rows, strict=True):
        session.add(Schedule(id=schedule_id, service_id=service.id, **columns))


async def read_areas(session: AsyncSession, service: Service) -> tuple[str, ...]:
    """The names of the areas the service declares it serves."""
    rows = await session.scalars(select(ServiceArea.name).where(ServiceArea.service_id == service.id))
    return in_order(name for name in rows if name)


async def write_areas(session: AsyncSession, service: Service, names: tuple[str, ...] | None) -> None:
    """Replace the service's areas by the places ``names`` (as the gazetteer names them; None: none)."""
    await session.execute(delete(ServiceArea).where(ServiceArea.service_id == service.id))
    for name in names or ():
        session.add(ServiceArea(id=uuid.uuid4(), service_id=service.id, name=name))


async def read_categories(session: AsyncSession, service: Service) -> tuple[str, ...]:
    """The names of the service's categories."""
    rows = await session.scalars(
        select(TaxonomyTerm.name)
        .join(Attribute, Attribute.taxonomy_term_id == TaxonomyTerm.id)
        .where(Attribute.link_id == service.id)
    )
    return in_order(rows)


async def category_terms(session: AsyncSession) -> list[TaxonomyTerm]:
    """Every taxonomy term a service may be put in, by name."""
    return list(await session.scalars(select(TaxonomyTerm).order_by(TaxonomyTerm.name)))


async def write_categories(session: AsyncSession, service: Service, names: tuple[str, ...] | None) -> None:
    """Replace the service's categories by the terms named ``names`` (which exist; None: none)."""
    await session.execute(delete(Attribute).where(Attribute.link_id == service.id))
    terms = {term.name: term for term in await category_terms(session)}
    for name in names or ():
        session.add(Attribute(id=uuid.uuid4(), link_id=service.id, taxonomy_term_id=terms[name].id,
                              link_type=CATEGORY_LINK, link_entity="service"))


async def _first_address(session: AsyncSession, organization: Organization) -> Address | None:
    return await session.scalar(
        select(Address)
        .join(Location, Address.location_id == Location.id)
        .where(Location.organization_id == organization.id)
        .order_by(Location.id, Address.id)
        .limit(1)
    )


async def read_address(session: AsyncSession, organization: Organization) -> AddressValue | None:
    """The organization's street address (its first place's), if it has one."""
    address = await _first_address(session, organization)
    if address is None:
        return None
    return AddressValue(address.address_1, address.city, address.postal_code or None)


async def write_address(session: AsyncSession, organization: Organization, value: AddressValue | None) -> None:
    """Set (or, with None, remove) the street address of the organization's first place, creating
    the place when it has none."""
    address = await _first_address(session, organization)
    if value is None:
        if address is not None:
            await session.delete(address)
        return
    if address is None:
        location = await session.scalar(
            select(Location).where(Location.organization_id == organization.id).order_by(Location.id).limit(1)
        )
        if location is None:
            location = Location(id=uuid.uuid4(), organization_id=organization.id, name=organization.name,
                                location_type="physical")
            session.add(location)
        address = Address(id=uuid.uuid4(), location_id=location.id, state_province=QUEBEC, country=CANADA)
        session.add(address)
    address.address_1, address.city, address.postal_code = value.street, value.city, value.postal_code or ""
