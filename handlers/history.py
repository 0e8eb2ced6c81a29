"""``/historique <organisme|service>`` — the last changes of a record, newest first: when, who, and
each field's value before and after. An organization's history includes its services'.

Admins and coordinators only. The record is found by name (organizations as ``/org`` finds them,
services with ``handlers.service_names``); several close names are offered as buttons.
"""

from __future__ import annotations

import datetime as dt
import uuid

from babel.dates import format_time
from sqlalchemy import select

from directory.audit import (
    CLOSE,
    CREATE,
    IMPORT,
    REOPEN,
    REVERT,
    UPDATE,
    VERIFY,
    Change,
    FieldChange,
    history,
)
from directory.models import Organization, Service
from handlers.context import Context
from handlers.field_texts import field_label, shown_value
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.organizations import find_organizations
from handlers.permissions import may_organize, refusal
from handlers.service_names import LABEL_LIMIT, find_services
from handlers.suivi_views import to_day
from handlers.texts import Texts, texts_for

HISTORY_PREFIX = "hst:"  # button data: "hst:o:<organization uuid hex>" or "hst:s:<service uuid hex>"
ORGANIZATION, SERVICE = "o", "s"
SHOWN = 10  # changes listed
async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/historique <nom>``: the history of the organization or service named, or the close names."""
    t = texts_for(incoming.locale)
    if not await may_organize(context, incoming):
        return [refusal(t, incoming)]
    name = incoming.args.strip()
    if not name:
        return [Reply(t(
            "Donnez le nom d'un organisme ou d'un service, par exemple : **/historique Le Transit**"
        ))]
    organizations = await find_organizations(context, name)
    services = await find_services(context, name)
    sure = [(ORGANIZATION, c.org_id) for c in organizations.choices[:1] if organizations.sure]
    sure += [(SERVICE, c.service_id) for c in services.choices[:1] if services.sure]
    if len(sure) == 1:
        return [await _history(*sure[0], incoming, context)]
    buttons = [
        Button(t("Organisme : {name}", name=c.label)[:LABEL_LIMIT],
               f"{HISTORY_PREFIX}{ORGANIZATION}:{c.org_id.hex}")
        for c in organizations.choices
    ]
    buttons += [Button(c.label, f"{HISTORY_PREFIX}{SERVICE}:{c.service_id.hex}") for c in services.choices]
    if not buttons:
        return [Reply(t("Aucun organisme ni service ne ressemble à « {name} ». Vérifiez l'orthographe.",
                        name=escape(name)))]
    return [Reply(t("De quel organisme ou service voulez-vous l'historique ?"), buttons=tuple(buttons))]


async def pick(incoming: Incoming, context: Context) -> list[Reply]:
    """The history of a record chosen with a button."""
    t = texts_for(incoming.locale)
    if not await may_organize(context, incoming):
        return [refusal(t, incoming)]
    kind, _, hex_id = (incoming.button_data or "").removeprefix(HISTORY_PREFIX).partition(":")
    try:
        record_id = uuid.UUID(hex_id)
    except ValueError:
        record_id = None
    if kind not in (ORGANIZATION, SERVICE) or record_id is None:
        return [Reply(t("Ce choix n'est plus valide : relancez /historique avec le nom."))]
    return [await _history(kind, record_id, incoming, context)]


async def _history(kind: str, record_id: uuid.UUID, incoming: Incoming, context: Context) -> Reply:
    t = texts_for(incoming.locale)
    async with context.sessions() as session:
        if kind == ORGANIZATION:
            organization = await session.get(Organization, record_id)
            if organization is None:
                return Reply(t("Cet organisme n'est plus dans l'annuaire."))
            services = {
                service_id: service_name
                for service_id, service_name in await session.execute(
                    select(Service.id, Service.name).where(Service.organization_id == record_id)
                )
            }
            names = {record_id: organization.name, **services}
            title = t("**Historique de {name}** (organisme et ses services)", name=escape(organization.name))
        else:
            service = await session.get(Service, record_id)
            if service is None:
                return Reply(t("Ce service n'est plus dans l'annuaire."))
            names = {record_id: service.name}
            title = t("**Historique de {name}** (service)", name=escape(service.name))
        changes = await history(session, list(names), limit=SHOWN)
    if not changes:
        return Reply(t("{title}\nAucune modification enregistrée.", title=title))
    now = context.clock()
    with_record = kind == ORGANIZATION
    blocks = [_to_block(change, names, now, context, t, with_record=with_record) for change in changes]
    return Reply("\n\n".join([title, *blocks]))


def _to_block(change: Change, names: dict[uuid.UUID, str], now: dt.datetime, context: Context, t: Texts, *,
              with_record: bool) -> str:
    """One change: "**12 mars, 14 h 05** · Marie Tremblay · Modification (Dépannage)", then its fields."""
    head = [f"**{to_moment(change.at, now, context, t)}**"]
    if change.action == IMPORT:
        head.append(t("Importation ({package})", package=escape(change.by.removeprefix("import:"))))
    else:
        head.append(escape(author_name(change.by)))
        head.append(action_label(change.action, t))
    if with_record:
        head[-1] += f" ({escape(names.get(change.resource_id, ''))})"
    return "\n".join([" · ".join(head), *(to_field_line(field, t) for field in change.fields)])


def to_moment(at: dt.datetime, now: dt.datetime, context: Context, t: Texts) -> str:
    """"12 mars, 14 h 05" in the network's zone (the year when it is not this one)."""
    local = at.astimezone(context.timezone)
    today = now.astimezone(context.timezone).date()
    return f"{to_day(t, local.date(), today)}, {format_time(local, 'short', locale=t.locale)}"


def author_name(by: str) -> str:
    """Who made a change: the name part of "telegram:123 Marie Tremblay", else the reference itself."""
    reference, _, name = by.partition(" ")
    return name.strip() or reference


def action_label(action: str, t: Texts) -> str:
    """What an edit did, in words; the action's own name when unknown."""
    labels = {
        CREATE: t("Création"),
        UPDATE: t("Modification"),
        VERIFY: t("Vérification : toujours exact"),
        REVERT: t("Annulation d'une modification"),
        CLOSE: t("Fermeture"),
        REOPEN: t("Réouverture"),
    }
    return labels.get(action, escape(action))


def to_field_line(field: FieldChange, t: Texts) -> str:
    """"- Téléphone : 418 555-0101 → 418 555-0199" (an empty value shown as such)."""
    return t("- {field} : {previous} → {new}", field=field_label(field.field, t),
             previous=shown_value(field.previous, t), new=shown_value(field.new, t))
