"""What the search knows of a service: its texts by field, status, ages and places served."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

# How much a word counts according to where it appears in a service's record.
FIELD_WEIGHTS: dict[str, float] = {
    "category": 5.0,
    "service_name": 4.0,
    "service_alternate_name": 3.5,
    "organization_name": 3.0,
    "eligibility": 2.0,
    "service_description": 1.5,
    "organization_description": 1.0,
    "details": 0.8,
}
MAX_FIELD_WEIGHT = max(FIELD_WEIGHTS.values())
FIELD_LABELS = {
    "category": "catégorie",
    "service_name": "nom du service",
    "service_alternate_name": "autre nom du service",
    "organization_name": "nom de l'organisme",
    "eligibility": "admissibilité",
    "service_description": "description du service",
    "organization_description": "description de l'organisme",
    "details": "modalités",
}


@dataclass(slots=True)
class ServiceDoc:
    """One service as the search index holds it."""

    service_id: uuid.UUID
    organization_id: uuid.UUID | None
    service_name: str
    organization_name: str
    texts: dict[str, str]
    status: str = "active"
    minimum_age: float | None = None
    maximum_age: float | None = None
    area_place_ids: tuple[str, ...] = ()
    areas_from_address: bool = False
    sample: bool = False
    categories: tuple[str, ...] = field(default=())
