"""``/verifier <service>`` and the "Toujours exact" button: an admin confirms a service is still right.

The service's ``assured_date`` becomes today (network zone), a "verify" change goes to the audit
log in the same transaction, and the search index is refreshed so that the next answers drop the
"à vérifier" flag at once.
"""

from __future__ import annotations

import uuid

from directory.audit import VERIFY, FieldChange, record
from directory.models import Service
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.permissions import admin_refusal, is_admin, to_author
from handlers.service_names import find_services
from handlers.suivi_views import to_day
from handlers.texts import Texts, texts_for

VERIFY_PREFIX = "svv:"  # button data: "svv:<service uuid hex>"
VERIFIED = "verification"  # the key of the verification date among the editable fields (directory.editable)
EDIT_PREFIX = "svm:"  # button data: "svm:<service uuid hex>", the edit of a service


def verify_button(t: Texts, service_id: uuid.UUID, label: str = "") -> Button:
    """The "Toujours exact" button of a service."""
    return Button(label or t("Toujours exact"), f"{VERIFY_PREFIX}{service_id.hex}")


def edit_button(t: Texts, service_id: uuid.UUID, label: str = "") -> Button:
    """The "Modifier" button of a service."""
    return Button(label or t("Modifier"), f"{EDIT_PREFIX}{service_id.hex}")


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/verifier <service>``: confirm the service named, or offer the close names as buttons."""
    t = texts_for(incoming.locale)
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    name = incoming.args.strip()
    if not name:
        return [Reply(t("Donnez le nom du service, par exemple : **/verifier Dépannage alimentaire**"))]
    match = await find_services(context, name)
    if not match.choices:
        return [Reply(t(
            "Aucun service ne ressemble à « {name} ». Vérifiez l'orthographe, ou trouvez le service avec /qui.",
            name=escape(name),
        ))]
    if match.sure:
        return [await _verify(match.choices[0].service_id, incoming, context, t)]
    buttons = tuple(verify_button(t, c.service_id, c.label) for c in match.choices)
    return [Reply(t("Quel service confirmez-vous comme toujours exact ?"), buttons=buttons)]


async def pressed(incoming: Incoming, context: Context) -> list[Reply]:
    """The "Toujours exact" button (admins only)."""
    t = texts_for(incoming.locale)
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    try:
        service_id = uuid.UUID((incoming.button_data or "").removeprefix(VERIFY_PREFIX))
    except ValueError:
        return [Reply(
            t("Ce bouton n'est plus valide : utilisez /verifier suivi du nom du service."), notice=True
        )]
    return [await _verify(service_id, incoming, context, t, notice=True)]


async def _verify(service_id: uuid.UUID, incoming: Incoming, context: Context, t: Texts, *,
                  notice: bool = False) -> Reply:
    now = context.clock()
    today = now.astimezone(context.timezone).date()
    async with context.sessions.begin() as session:
        service = await session.get(Service, service_id)
        if service is None:
            return Reply(t("Ce service n'est plus dans l'annuaire."), notice=notice)
        name, before = service.name, service.assured_date
        if before != today:  # confirmed again the same day: nothing new to log
            service.assured_date = today
            changed = (FieldChange(VERIFIED, before.isoformat() if before else "", today.isoformat()),)
            await record(session, resource_type="service", resource_id=service_id, changes=changed, action=VERIFY,
                         by=to_author(incoming), now=now)
    await context.search.refresh(context.sessions, [service_id])
    return Reply(t("Merci ! **{service}** est confirmé exact en date du {day}.",
                   service=escape(name), day=to_day(t, today, today)), notice=notice)
