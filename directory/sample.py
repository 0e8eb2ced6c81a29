"""The sample directory (Commun'Enfant Jonquière 0-8 ans), read from ``data/sample.toml``.

The TOML is turned into HSDS rows and written through ``import_package`` like any
package. Ids are deterministic, ``uuid5(SAMPLE_NAMESPACE, "<kind>:<key>")``, so tests
and the relevance set find a service by its key; every organization, service and
location is flagged ``sample``. Categories become the terms of one taxonomy, linked
to services by ``attribute`` rows (``link_type`` "category").
"""

from __future__ import annotations

import tomllib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.importing import ImportReport, import_package
from directory.models import Organization, Service
from directory.package import Package, to_package

SAMPLE_PATH = Path(__file__).resolve().parent / "data" / "sample.toml"
SAMPLE_NAMESPACE = uuid.UUID("6f1d8a52-3c4e-5b7a-9e21-0c8d4f6a2b13")
TAXONOMY = "Catégories Passerelle"
LANGUAGES = {"fr": "français", "en": "English", "es": "español"}
Add = Callable[..., None]


def sample_id(kind: str, key: str) -> uuid.UUID:
    """The id of the sample record of ``kind`` (service, organization, category, …) named ``key``."""
    return uuid.uuid5(SAMPLE_NAMESPACE, f"{kind}:{key}")


def sample_service_id(key: str) -> uuid.UUID:
    """The id of the sample service whose key is ``key``."""
    return sample_id("service", key)


def load_sample_rows(path: Path = SAMPLE_PATH) -> Package:
    """The sample directory as a validated package, ready for ``import_package``."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    tables: dict[str, list[dict[str, str]]] = {}

    def add(table: str, **values: Any) -> None:
        tables.setdefault(table, []).append({column: _text(value) for column, value in values.items()})

    taxonomy = sample_id("taxonomy", "categories")
    add("taxonomy", id=taxonomy, name=TAXONOMY, description="Catégories de services du répertoire.")
    codes = {category["code"] for category in data.get("category", [])}
    for category in data.get("category", []):
        code, parent = category["code"], category.get("parent", "")
        if parent and parent not in codes:
            raise ValueError(f"{path.name} : catégorie parente inconnue « {parent} » pour « {code} ».")
        add("taxonomy_term", id=sample_id("category", code), code=code, name=category["name"],
            description=category.get("description", ""), parent_id=parent and sample_id("category", parent),
            taxonomy=TAXONOMY, taxonomy_id=taxonomy, language="fr")
    for organization in data.get("organization", []):
        location_id = _add_organization(add, organization)
        for service in organization.get("service", []):
            unknown = set(service.get("categories", [])) - codes
            if unknown:
                raise ValueError(f"{path.name} : catégorie inconnue « {min(unknown)} » "
                                 f"dans le service « {service['key']} ».")
            _add_service(add, service, sample_id("organization", organization["key"]), location_id)
    return to_package(path.stem, tables)


def _add_organization(add: Add, organization: dict[str, Any]) -> uuid.UUID | None:
    """Add an organization, its phone and its location; return the location's id (None without address)."""
    key = organization["key"]
    org_id = sample_id("organization", key)
    add("organization", id=org_id, name=organization["name"], sample=True,
        alternate_name=organization.get("alternate_name"), description=organization.get("description", ""),
        email=organization.get("email"), website=organization.get("website"),
        sector=organization.get("sector"))
    if organization.get("phone"):
        add("phone", id=sample_id("phone", f"organization:{key}"), organization_id=org_id,
            number=organization["phone"], type="voice")
    address = organization.get("address")
    if not address:
        return None
    location_id = sample_id("location", key)
    # A confidential address (a shelter's) has no postal code: the location then only names the place.
    complete = all(address.get(part) for part in ("address_1", "city", "postal_code"))
    where = None if complete else ", ".join(filter(None, (address.get("address_1"), address.get("city"))))
    add("location", id=location_id, location_type="physical", organization_id=org_id,
        name=organization["name"], description=where, sample=True)
    if complete:
        add("address", id=sample_id("address", key), location_id=location_id, address_1=address["address_1"],
            address_2=address.get("address_2"), city=address["city"], postal_code=address["postal_code"],
            state_province=address.get("state_province", "QC"), country=address.get("country", "CA"),
            address_type="physical")
    return location_id


def _add_service(add: Add, service: dict[str, Any], org_id: uuid.UUID, location_id: uuid.UUID | None) -> None:
    """Add a service with its categories, phone, areas, languages, hours and place."""
    key = service["key"]
    service_id = sample_service_id(key)
    add("service", id=service_id, organization_id=org_id, name=service["name"],
        alternate_name=service.get("alternate_name"), description=service.get("description"),
        email=service.get("email"), status=service.get("status", "active"),
        eligibility_description=service.get("eligibility_description"),
        minimum_age=service.get("minimum_age"), maximum_age=service.get("maximum_age"),
        referral_method=service.get("referral"), application_process=service.get("application_process"),
        fees_description=service.get("fees_description"), sample=True)
    if location_id:
        add("service_at_location", id=sample_id("service_at_location", key), service_id=service_id,
            location_id=location_id)
    if service.get("phone"):
        add("phone", id=sample_id("phone", f"service:{key}"), service_id=service_id,
            number=service["phone"], type="voice")
    for code in service.get("categories", []):
        add("attribute", id=sample_id("attribute", f"{key}:{code}"), link_id=service_id,
            taxonomy_term_id=sample_id("category", code), link_type="category", link_entity="service")
    for area in service.get("areas", []):
        add("service_area", id=sample_id("service_area", f"{key}:{area}"), service_id=service_id,
            name=area, extent_type="text")
    for code in service.get("languages", []):
        add("language", id=sample_id("language", f"{key}:{code}"), service_id=service_id,
            code=code, name=LANGUAGES.get(code, code))
    for number, hours in enumerate(service.get("hours", []), start=1):
        add("schedule", id=sample_id("schedule", f"{key}:{number}"), service_id=service_id,
            freq="WEEKLY", byday=hours["days"], opens_at=hours.get("opens"), closes_at=hours.get("closes"),
            description=hours.get("description"))


def _text(value: Any) -> str:
    """The CSV text of a TOML value (empty for missing values)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def is_empty(sessions: async_sessionmaker[AsyncSession]) -> bool:
    """True when the directory has neither organizations nor services."""
    async with sessions() as session:
        found = await session.scalar(select(exists(select(Organization.id)) | exists(select(Service.id))))
    return not found


async def load_sample(sessions: async_sessionmaker[AsyncSession], path: Path = SAMPLE_PATH) -> ImportReport:
    """Write the sample directory into the database (a second load updates it in place)."""
    return await import_package(sessions, load_sample_rows(path))
