"""HSDS 3 detail tables hanging off the core records (addresses, phones, hours, areas, …)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base
from directory.models import ref


class Address(Base):
    __tablename__ = "address"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    location_id: Mapped[uuid.UUID | None] = ref("location")
    attention: Mapped[str | None] = mapped_column(Text)
    address_1: Mapped[str] = mapped_column(Text)
    address_2: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    state_province: Mapped[str] = mapped_column(Text)
    postal_code: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(Text)
    address_type: Mapped[str] = mapped_column(Text, default="physical")


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[uuid.UUID | None] = ref("organization")
    service_id: Mapped[uuid.UUID | None] = ref("service")
    service_at_location_id: Mapped[uuid.UUID | None] = ref("service_at_location")
    location_id: Mapped[uuid.UUID | None] = ref("location")
    name: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    location_id: Mapped[uuid.UUID | None] = ref("location")
    service_id: Mapped[uuid.UUID | None] = ref("service")
    organization_id: Mapped[uuid.UUID | None] = ref("organization")
    contact_id: Mapped[uuid.UUID | None] = ref("contact")
    service_at_location_id: Mapped[uuid.UUID | None] = ref("service_at_location")
    number: Mapped[str] = mapped_column(Text)
    extension: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)


class Schedule(Base):
    __tablename__ = "schedule"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_id: Mapped[uuid.UUID | None] = ref("service")
    location_id: Mapped[uuid.UUID | None] = ref("location")
    service_at_location_id: Mapped[uuid.UUID | None] = ref("service_at_location")
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    dtstart: Mapped[dt.date | None]
    timezone: Mapped[float | None]
    until: Mapped[dt.date | None]
    count: Mapped[int | None]
    wkst: Mapped[str | None] = mapped_column(Text)
    freq: Mapped[str | None] = mapped_column(Text)
    interval: Mapped[int | None]
    byday: Mapped[str | None] = mapped_column(Text)
    byweekno: Mapped[str | None] = mapped_column(Text)
    bymonthday: Mapped[str | None] = mapped_column(Text)
    byyearday: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    opens_at: Mapped[dt.time | None]
    closes_at: Mapped[dt.time | None]
    schedule_link: Mapped[str | None] = mapped_column(Text)
    attending_type: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class ServiceArea(Base):
    __tablename__ = "service_area"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_id: Mapped[uuid.UUID | None] = ref("service")
    service_at_location_id: Mapped[uuid.UUID | None] = ref("service_at_location")
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    extent: Mapped[str | None] = mapped_column(Text)
    extent_type: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)


class Language(Base):
    __tablename__ = "language"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_id: Mapped[uuid.UUID | None] = ref("service")
    location_id: Mapped[uuid.UUID | None] = ref("location")
    phone_id: Mapped[uuid.UUID | None] = ref("phone")
    name: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class Accessibility(Base):
    __tablename__ = "accessibility"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    location_id: Mapped[uuid.UUID | None] = ref("location")
    description: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)


class RequiredDocument(Base):
    __tablename__ = "required_document"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_id: Mapped[uuid.UUID | None] = ref("service")
    document: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)


class CostOption(Base):
    __tablename__ = "cost_option"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_id: Mapped[uuid.UUID | None] = ref("service")
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    option: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[float | None]
    amount_description: Mapped[str | None] = mapped_column(Text)


class Funding(Base):
    __tablename__ = "funding"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[uuid.UUID | None] = ref("organization")
    service_id: Mapped[uuid.UUID | None] = ref("service")
    source: Mapped[str | None] = mapped_column(Text)


class OrganizationIdentifier(Base):
    __tablename__ = "organization_identifier"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[uuid.UUID | None] = ref("organization")
    identifier_scheme: Mapped[str | None] = mapped_column(Text)
    identifier_type: Mapped[str] = mapped_column(Text)
    identifier: Mapped[str] = mapped_column(Text)


class Url(Base):
    __tablename__ = "url"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    label: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    organization_id: Mapped[uuid.UUID | None] = ref("organization")
    service_id: Mapped[uuid.UUID | None] = ref("service")


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    scheme: Mapped[str | None] = mapped_column(Text)
    identifier: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)


class ServiceCapacity(Base):
    __tablename__ = "service_capacity"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_id: Mapped[uuid.UUID] = ref("service", required=True)
    unit_id: Mapped[uuid.UUID] = ref("unit", required=True)
    available: Mapped[float]
    maximum: Mapped[float | None]
    description: Mapped[str | None] = mapped_column(Text)
    updated: Mapped[dt.datetime]
