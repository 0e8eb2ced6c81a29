"""Service names matched to what people type, as ``handlers.names`` does for organizations.

Services are matched on their own names (and alternate names), and on their name followed by
their organization's ("Dépannage alimentaire Le Grenier"), since several organizations run a
"Dépannage alimentaire"; the choices offered show the organization too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from directory.models import Organization, Service
from directory.text import words
from handlers.context import Context
from handlers.names import Choice, NameMatch

LABEL_LIMIT = 60  # characters of a choice's label on a button


@dataclass(frozen=True, slots=True)
class ServiceChoice:
    """A service that may be the one meant: its id, its name and its organization's."""

    service_id: uuid.UUID
    name: str
    organization: str

    @property
    def label(self) -> str:
        """"Dépannage alimentaire — Le Grenier", cut to fit on a button."""
        label = f"{self.name} — {self.organization}" if self.organization else self.name
        return label if len(label) <= LABEL_LIMIT else f"{label[: LABEL_LIMIT - 1]}…"


@dataclass(frozen=True, slots=True)
class ServiceMatch:
    """The services a query may name, best first; ``sure`` when the first one is it."""

    choices: tuple[ServiceChoice, ...]
    sure: bool


async def find_services(context: Context, query: str) -> ServiceMatch:
    """The services ``query`` may name (typos and missing accents forgiven); none when nothing is close."""
    async with context.sessions() as session:
        rows = (
            await session.execute(
                select(Service.id, Service.name, Service.alternate_name, Organization.name)
                .outerjoin(Organization, Service.organization_id == Organization.id)
                .order_by(Service.id)
            )
        ).all()
    names = context.service_names.of([(service_id, name, alternate, f"{name} {organization or ''}")
                                      for service_id, name, alternate, organization in rows])
    organizations = {service_id: organization or "" for service_id, _, _, organization in rows}
    service_names = {service_id: name for service_id, name, _, _ in rows}
    slug = " ".join(words(query))
    same_name = [service_id for service_id, name, alternate, _ in rows
                 if slug and slug in (" ".join(words(name)), " ".join(words(alternate or "")))]
    if len(same_name) > 1:  # one name, several organizations: only those
        return ServiceMatch(tuple(ServiceChoice(i, service_names[i], organizations[i]) for i in same_name), False)
    match: NameMatch = names.find(query)
    return ServiceMatch(tuple(_to_choice(c, service_names, organizations) for c in match.choices), match.sure)


def _to_choice(
    choice: Choice, names: dict[uuid.UUID, str], organizations: dict[uuid.UUID, str]
) -> ServiceChoice:
    return ServiceChoice(choice.org_id, names[choice.org_id], organizations[choice.org_id])
