"""HSDS 3 core tables: organization, program, service, location, service_at_location.

Table and column names follow Open Referral HSDS 3.x. Québec extensions (not in
HSDS) are marked as such: ``organization.sector``, ``service.referral_method``
and the ``sample`` flag on records of the sample directory.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base

SECTORS = ("communautaire", "public", "scolaire", "municipal", "prive")
REFERRAL_METHODS = ("sans_reference", "reference_intervenant", "par_telephone")
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")


def ref(table: str, *, required: bool = False) -> Mapped:
    """A foreign key to ``table.id``, deferred to commit so rows may arrive in any order."""
    return mapped_column(
        ForeignKey(f"{table}.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
        index=True,
        nullable=not required,
    )


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)
    tax_status: Mapped[str | None] = mapped_column(Text)
    tax_id: Mapped[str | None] = mapped_column(Text)
    year_incorporated: Mapped[float | None]
    legal_status: Mapped[str | None] = mapped_column(Text)
    logo: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)
    parent_organization_id: Mapped[uuid.UUID | None] = ref("organization")
    # Extensions: the sector the organization belongs to, and sample data.
    sector: Mapped[str | None] = mapped_column(Text)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)


class Program(Base):
    __tablename__ = "program"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[uuid.UUID | None] = ref("organization")
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")


class Service(Base):
    __tablename__ = "service"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[uuid.UUID | None] = ref("organization")
    program_id: Mapped[uuid.UUID | None] = ref("program")
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="active")
    interpretation_services: Mapped[str | None] = mapped_column(Text)
    application_process: Mapped[str | None] = mapped_column(Text)
    fees_description: Mapped[str | None] = mapped_column(Text)
    wait_time: Mapped[str | None] = mapped_column(Text)
    fees: Mapped[str | None] = mapped_column(Text)
    accreditations: Mapped[str | None] = mapped_column(Text)
    eligibility_description: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[float | None]
    maximum_age: Mapped[float | None]
    assured_date: Mapped[dt.date | None]
    assurer_email: Mapped[str | None] = mapped_column(Text)
    licenses: Mapped[str | None] = mapped_column(Text)
    alert: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[dt.datetime | None]
    # Extensions: how to refer someone, and sample data.
    referral_method: Mapped[str | None] = mapped_column(Text)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)


class Location(Base):
    __tablename__ = "location"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    location_type: Mapped[str] = mapped_column(Text, default="physical")
    url: Mapped[str | None] = mapped_column(Text)
    organization_id: Mapped[uuid.UUID | None] = ref("organization")
    name: Mapped[str | None] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    transportation: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    external_identifier: Mapped[str | None] = mapped_column(Text)
    external_identifier_type: Mapped[str | None] = mapped_column(Text)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_id: Mapped[uuid.UUID | None] = ref("service")
    location_id: Mapped[uuid.UUID | None] = ref("location")
    description: Mapped[str | None] = mapped_column(Text)
