"""Directory records turned into cards: who, how to reach them, how to refer, when, where."""

from __future__ import annotations

import datetime as dt

from directory.details import Address, Phone
from directory.records import OrganizationRecord, ServiceRecord
from handlers.freshness import stale_line
from handlers.hours import to_hours
from handlers.messages import Card, Field
from handlers.texts import Texts

REFERRAL_LABELS = {
    "sans_reference": "Sans référence : la personne appelle ou se présente elle-même",
    "reference_intervenant": "Sur référence d'un intervenant",
    "par_telephone": "Par téléphone",
}
STATUS_LABELS = {
    "temporarily closed": "Temporairement fermé",
    "inactive": "Inactif",
    "defunct": "N'existe plus",
}


def to_service_card(
    record: ServiceRecord, why: list[str], t: Texts, *, stale_since: dt.date | None = None
) -> Card:
    """The card of one service found by a search, with the reasons it matched; ``stale_since``:
    the day of its last verification when it is due for a check (``handlers.freshness``)."""
    service, organization = record.service, record.organization
    fields = [Field(t("Téléphone"), to_phones(record.phones, t))] if record.phones else []
    refer = [t(REFERRAL_LABELS[service.referral_method])] if service.referral_method in REFERRAL_LABELS else []
    if service.application_process:
        refer.append(service.application_process)
    if refer:
        fields.append(Field(t("Comment référer"), " — ".join(refer)))
    if hours := to_hours(record.schedules, t):
        fields.append(Field(t("Heures"), hours))
    if record.areas:
        fields.append(Field(t("Territoire"), ", ".join(record.areas)))
    elif record.addresses:
        fields.append(Field(t("Adresse"), to_address(record.addresses[0])))
    if service.email or (organization and organization.email):
        fields.append(Field(t("Courriel"), service.email or organization.email))
    lines = []
    if service.status in STATUS_LABELS:
        lines.append(t(STATUS_LABELS[service.status]))
    if service.alert:
        lines.append(service.alert)
    if stale_since is not None:
        lines.append(stale_line(stale_since, t))
    if why:
        lines.append(t("Pourquoi : {reasons}", reasons="; ".join(why)))
    sample = service.sample or bool(organization and organization.sample)
    return Card(
        title=service.name,
        subtitle=organization.name if organization else "",
        lines=tuple(lines),
        fields=tuple(fields),
        badge=t("exemple") if sample else "",
    )


def to_organization_card(record: OrganizationRecord, t: Texts) -> Card:
    """The card of an organization and the list of its services."""
    organization = record.organization
    fields = []
    if organization.sector:
        fields.append(Field(t("Secteur"), organization.sector))
    if record.phones:
        fields.append(Field(t("Téléphone"), to_phones(record.phones, t)))
    if record.addresses:
        fields.append(Field(t("Adresse"), to_address(record.addresses[0])))
    if organization.email:
        fields.append(Field(t("Courriel"), organization.email))
    if organization.website:
        fields.append(Field(t("Site web"), organization.website))
    lines = [organization.description] if organization.description else []
    for service in record.services:
        status = f" ({t(STATUS_LABELS[service.status])})" if service.status in STATUS_LABELS else ""
        lines.append(f"• {service.name}{status}")
    return Card(
        title=organization.name,
        subtitle=organization.alternate_name or "",
        lines=tuple(lines),
        fields=tuple(fields),
        badge=t("exemple") if organization.sample else "",
    )


def to_phones(phones: list[Phone], t: Texts) -> str:
    """Phone numbers with their extension and description, voice lines first."""
    ordered = sorted(phones, key=lambda p: (p.type not in (None, "voice"), p.number))
    shown = []
    for phone in ordered[:3]:
        text = phone.number
        if phone.extension:
            text = t("{number} poste {extension}", number=phone.number, extension=phone.extension)
        if phone.description:
            text += f" ({phone.description})"
        shown.append(text)
    return " · ".join(shown)


def to_address(address: Address) -> str:
    """One-line postal address."""
    return ", ".join(filter(None, [address.address_1, address.address_2, address.city, address.postal_code]))
