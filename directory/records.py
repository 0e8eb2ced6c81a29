"""Full records of services and organizations, as an answer shows them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.details import Address, Phone, Schedule, ServiceArea
from directory.models import Location, Organization, Service, ServiceAtLocation


@dataclass(slots=True)
class ServiceRecord:
    """A service with its organization and everything needed to reach it."""

    service: Service
    organization: Organization | None
    phones: list[Phone] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)


@dataclass(slots=True)
class OrganizationRecord:
    """An organization with its services, phones and addresses."""

    organization: Organization
    services: list[Service]
    phones: list[Phone]
    addresses: list[Address]


async def service_records(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, ServiceRecord]:
    """Records of the services ``ids`` (missing ones are left out)."""
    rows = await session.execute(
        select(Service, Organization)
        .outerjoin(Organization, Service.organization_id == Organization.id)
        .where(Service.id.in_(ids))
    )
    records = {service.id: ServiceRecord(service, organization) for service, organization in rows}
    if not records:
        return records
    org_ids = {r.organization.id for r in records.values() if r.organization}
    phones = await session.scalars(
        select(Phone).where(or_(Phone.service_id.in_(records), Phone.organization_id.in_(org_ids)))
    )
    by_org: dict[uuid.UUID, list[Phone]] = defaultdict(list)
    for phone in phones:
        if phone.service_id in records:
            records[phone.service_id].phones.append(phone)
        elif phone.organization_id:
            by_org[phone.organization_id].append(phone)
    for record in records.values():
        if not record.phones and record.organization:
            record.phones = by_org.get(record.organization.id, [])
    for schedule in await session.scalars(select(Schedule).where(Schedule.service_id.in_(records))):
        records[schedule.service_id].schedules.append(schedule)
    for area in await session.scalars(select(ServiceArea).where(ServiceArea.service_id.in_(records))):
        if area.name:
            records[area.service_id].areas.append(area.name)
    located = await session.execute(
        select(ServiceAtLocation.service_id, Address)
        .join(Address, Address.location_id == ServiceAtLocation.location_id)
        .where(ServiceAtLocation.service_id.in_(records))
    )
    for service_id, address in located:
        records[service_id].addresses.append(address)
    return records


async def organization_record(session: AsyncSession, organization_id: uuid.UUID) -> OrganizationRecord | None:
    """The record of one organization, or None."""
    organization = await session.get(Organization, organization_id)
    if organization is None:
        return None
    services = list(
        await session.scalars(
            select(Service).where(Service.organization_id == organization_id).order_by(Service.name)
        )
    )
    phones = list(await session.scalars(select(Phone).where(Phone.organization_id == organization_id)))
    addresses = list(
        await session.scalars(
            select(Address)
            .join(Location, Address.location_id == Location.id)
            .where(Location.organization_id == organization_id)
        )
    )
    return OrganizationRecord(organization, services, phones, addresses)


async def organization_names(session: AsyncSession) -> list[tuple[uuid.UUID, str, str | None]]:
    """(id, name, alternate name) of every organization."""
    rows = await session.execute(select(Organization.id, Organization.name, Organization.alternate_name))
    return [tuple(row) for row in rows]
