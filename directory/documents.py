"""What the search knows of a service: its texts by field, status, ages and places served."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from directory.text import words

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
# Words by which a service says it intervenes right away, and how much each of its own fields counts.
IMMEDIATE_WORDS = frozenset({"crise", "urgence", "24/7", "24 h", "24 heures", "jour et nuit", "en tout temps"})
IMMEDIATE_FIELDS = {"service_name": 1.0, "service_alternate_name": 1.0, "service_description": 0.5, "details": 0.5}
_IMMEDIATE_PATTERNS = tuple(f" {' '.join(words(w))} " for w in IMMEDIATE_WORDS)
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

    @property
    def immediacy(self) -> float:
        """1 when the service's name says it intervenes right away (crise, urgence, 24/7),
        0.5 when only its description does, else 0."""
        found = [
            share
            for name, share in IMMEDIATE_FIELDS.items()
            if any(w in f" {' '.join(words(self.texts.get(name, '')))} " for w in _IMMEDIATE_PATTERNS)
        ]
        return max(found, default=0.0)
