"""Directory records turned into cards: who, how to reach them, how to refer, when, where."""

from __future__ import annotations

import datetime as dt

from directory.details import Phone, Schedule
from directory.records import OrganizationRecord, ServiceRecord
from handlers.messages import Card, Field
from handlers.texts import Texts

DAY_NAMES = {"MO": "lun", "TU": "mar", "WE": "mer", "TH": "jeu", "FR": "ven", "SA": "sam", "SU": "dim"}
DAY_ORDER = list(DAY_NAMES)
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


def to_service_card(record: ServiceRecord, why: list[str], t: Texts) -> Card:
    """The card of one service found by a search, with the reasons it matched."""
    service, organization = record.service, record.organization
    fields = [Field(t("Téléphone"), to_phones(record.phones))] if record.phones else []
    refer = [t(REFERRAL_LABELS[service.referral_method])] if service.referral_method in REFERRAL_LABELS else []
    if service.application_process:
        refer.append(service.application_process)
    if refer:
        fields.append(Field(t("Comment référer"), " — ".join(refer)))
    if hours := to_hours(record.schedules):
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
        fields.append(Field(t("Téléphone"), to_phones(record.phones)))
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


def to_phones(phones: list[Phone]) -> str:
    """Phone numbers with their extension and description, voice lines first."""
    ordered = sorted(phones, key=lambda p: (p.type not in (None, "voice"), p.number))
    shown = []
    for phone in ordered[:3]:
        text = phone.number + (f" poste {phone.extension}" if phone.extension else "")
        if phone.description:
            text += f" ({phone.description})"
        shown.append(text)
    return " · ".join(shown)


def to_hours(schedules: list[Schedule]) -> str:
    """Opening hours as Québec writes them: "lun-ven 8 h 30 à 16 h 30"."""
    parts = []
    for schedule in schedules:
        if schedule.opens_at and schedule.closes_at:
            days = _to_days(schedule.byday)
            span = f"{_to_time(schedule.opens_at)} à {_to_time(schedule.closes_at)}"
            parts.append(f"{days} {span}".strip())
        elif schedule.description:
            parts.append(schedule.description)
    return " ; ".join(parts)


def _to_days(byday: str | None) -> str:
    codes = [c.strip()[-2:] for c in (byday or "").split(",") if c.strip()[-2:] in DAY_NAMES]
    if not codes:
        return ""
    positions = sorted(DAY_ORDER.index(c) for c in codes)
    if len(positions) > 2 and positions == list(range(positions[0], positions[-1] + 1)):
        return f"{DAY_NAMES[DAY_ORDER[positions[0]]]}-{DAY_NAMES[DAY_ORDER[positions[-1]]]}"
    return ", ".join(DAY_NAMES[DAY_ORDER[p]] for p in positions)


def _to_time(value: dt.time) -> str:
    return f"{value.hour} h" + (f" {value.minute:02d}" if value.minute else "")


def to_address(address) -> str:  # noqa: ANN001 - directory.details.Address
    """One-line postal address."""
    return ", ".join(filter(None, [address.address_1, address.address_2, address.city, address.postal_code]))
