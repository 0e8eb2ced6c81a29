"""Saving admins' changes to the directory, whichever way they were typed (one command, a guided
conversation, a Slack form): values checked, written in one transaction with their log entry, the
search index refreshed at once, and the change told back with a way to undo it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from directory.audit import FieldChange
from directory.editable import FIELDS, ORGANIZATION, SERVICE, Editable, Env, Record
from directory.editing import (
    Edit,
    change_fields,
    create_organization,
    create_service,
    lock_record,
    missing_fields,
    record_of,
    services_of,
)
from directory.field_values import FieldError
from directory.models import Organization, Service
from directory.phones import phones_text
from directory.record_parts import read_phones
from handlers.context import Context
from handlers.edit_targets import UNDO, Target, target_button
from handlers.field_texts import field_label, shown_value
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import to_author
from handlers.texts import Texts


@dataclass(frozen=True, slots=True)
class Checked:
    """Typed texts read: the values by field, and what is wrong with the others (field key → message, as
    plain text: ``escape`` it in a reply's text)."""

    values: dict[Editable, Any]
    problems: dict[str, str]


def env_of(context: Context, session: Any, t: Texts) -> Env:
    """What checking values needs, in ``session``."""
    return Env(t, context.search.gazetteer, session, context.clock().astimezone(context.timezone).date())


async def check_texts(env: Env, fields: Sequence[tuple[Editable, str]]) -> Checked:
    """Every typed text checked; all problems at once."""
    found: dict[Editable, Any] = {}
    problems: dict[str, str] = {}
    for field, text in fields:
        try:
            found[field] = await field.check(text, env)
        except FieldError as error:
            problems[field.key] = error.message
    return Checked(found, problems)


def describe_changes(changes: Sequence[FieldChange], t: Texts) -> str:
    """One line per changed field: "- **Téléphone** : 418 555-0101 → 418 555-0199"."""
    return "\n".join(f"- **{field_label(change.field, t)}** : {shown_value(change.previous, t)} → "
                     f"{shown_value(change.new, t)}" for change in changes)


def title_of(record: Record, organization: Organization | None = None) -> str:
    """"Halte-garderie — Maison de la famille", or an organization's name, escaped."""
    if isinstance(record, Service) and organization is not None:
        return escape(f"{record.name} — {organization.name}")
    return escape(record.name)


async def save_changes(
    context: Context, incoming: Incoming, target: Target, chosen: Mapping[Editable, Any], t: Texts
) -> Reply:
    """Write ``chosen`` values (already checked) to the record; the reply telling what changed."""
    async with context.sessions.begin() as session:
        record = await lock_record(session, target.kind, target.record_id)
        if record is None:
            return gone(target.kind, t)
        edit = await change_fields(session, record, chosen, by=to_author(incoming), now=context.clock())
        services = await services_of(session, record) if edit.changes else []
        title = await record_title(session, record)
    if not edit.changes:
        return Reply(t("Rien n'a changé : **{title}** avait déjà ces valeurs.", title=title))
    await context.search.refresh(context.sessions, services)
    return changed_reply(target, title, edit, t)


def changed_reply(target: Target, title: str, edit: Edit, t: Texts) -> Reply:
    """"C'est enregistré" with each change and a button to undo that edit."""
    text = t("C'est enregistré pour **{title}** :", title=title) + "\n" + describe_changes(edit.changes, t)
    return Reply(text, buttons=(target_button(t("Défaire"), UNDO, target, edit.change_id),))


async def create(
    context: Context, incoming: Incoming, kind: str, chosen: Mapping[Editable, Any], organization_id: uuid.UUID | None,
    t: Texts,
) -> Reply:
    """Create an organization, or a service of ``organization_id``, with ``chosen`` values."""
    now, by = context.clock(), to_author(incoming)
    if missing := missing_fields(kind, chosen):
        return Reply(t("Rien n'a été enregistré : le champ « {label} » est obligatoire.", label=escape(t(missing[0].label))))
    async with context.sessions.begin() as session:
        if kind == SERVICE:
            organization = await session.get(Organization, organization_id) if organization_id else None
            if organization is None:
                return gone(ORGANIZATION, t)
            record: Record
            record, edit = await create_service(session, organization, chosen, by=by, now=now)
        else:
            record, edit = await create_organization(session, chosen, by=by, now=now)
        title = await record_title(session, record)
        target = Target(kind, record.id)
        services = [record.id] if kind == SERVICE else []
    if services:
        await context.search.refresh(context.sessions, services)
    if kind == SERVICE:
        text = t("C'est ajouté : **{title}**. Il apparaît dès maintenant dans les réponses de /qui.", title=title)
    else:
        text = t("C'est ajouté : **{title}**. Ajoutez-lui des services avec **/service ajouter {name}**.",
                 title=title, name=escape(record.name))
    return Reply(text, buttons=(target_button(t("Défaire"), UNDO, target, edit.change_id),))


def gone(kind: str, t: Texts) -> Reply:
    """The record was deleted meanwhile."""
    if kind == SERVICE:
        return Reply(t("Ce service n'est plus dans l'annuaire."))
    return Reply(t("Cet organisme n'est plus dans l'annuaire."))


async def record_title(session: Any, record: Record) -> str:
    """The record's title (a service with its organization's name), escaped."""
    organization = None
    if isinstance(record, Service) and record.organization_id:
        organization = await session.get(Organization, record.organization_id)
    return title_of(record, organization)


async def current_texts(context: Context, target: Target) -> tuple[str, list[tuple[Editable, str]]] | None:
    """The record's title and the canonical text of each of its fields; None when it is gone."""
    async with context.sessions() as session:
        record = await record_of(session, target.kind, target.record_id)
        if record is None:
            return None
        texts = [(field, await field.read_text(session, record)) for field in FIELDS[target.kind]]
        return await record_title(session, record), texts


async def inherited_phones(context: Context, target: Target) -> str:
    """For a service with no phone of its own, its organization's (what answers show instead), as
    canonical text; "" otherwise."""
    if target.kind != SERVICE:
        return ""
    async with context.sessions() as session:
        service = await session.get(Service, target.record_id)
        if service is None or service.organization_id is None or await read_phones(session, service):
            return ""
        organization = await session.get(Organization, service.organization_id)
        phones = await read_phones(session, organization) if organization else ()
    return phones_text(phones) if phones else ""
