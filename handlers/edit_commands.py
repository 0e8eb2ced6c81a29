"""The directory's editing commands, for the network's admins:

- ``/org ajouter <nom>``, ``/org modifier <organisme> [; champ [; valeur]]`` (``/org <nom>`` still
  shows the card);
- ``/service ajouter <organisme> [; nom]``, ``/service modifier <service> [; champ [; valeur]]``,
  ``/service fermer <service> [; raison]``, ``/service rouvrir <service>``.

With a field and a value the change is saved at once; otherwise a form opens (Slack) or the fields
are asked one at a time (``handlers.edit_flow``). Close names are offered as buttons."""

from __future__ import annotations

import uuid

from directory import audit
from directory.editable import NAME, ORGANIZATION, SERVICE, field_keys, field_named
from directory.editing import change_fields, lock_record, services_of
from directory.models import Service
from directory.text import fold
from handlers import edit_flow, organizations
from handlers.context import Context
from handlers.edit_forms import edit_form, new_form
from handlers.edit_targets import (
    ADD_SERVICE,
    CLOSE,
    EDIT,
    REOPEN,
    UNDO,
    Target,
    find_target,
    from_button,
)
from handlers.editing import changed_reply, check_texts, env_of, gone, record_title, save_changes
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import admin_refusal, is_admin, to_author
from handlers.texts import Texts, texts_for
from handlers.undo import undo

ADD_WORDS = frozenset({"ajouter", "ajout", "nouveau", "nouvel", "nouvelle", "add", "new"})
CHANGE_WORDS = frozenset({"modifier", "modif", "changer", "corriger", "edit"})
CLOSE_WORDS = frozenset({"fermer", "close"})
REOPEN_WORDS = frozenset({"rouvrir", "reouvrir", "reopen"})
SERVICE_EDIT_PREFIX = "svm:"  # button data "svm:<service uuid hex>": change that service
TEMPORARILY_CLOSED, ACTIVE = "temporarily closed", "active"


def _split(args: str) -> tuple[str, str]:
    head, _, rest = args.strip().partition(" ")
    return fold(head), rest.strip()


async def org_command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/org``: an organization's card, or, for admins, adding and changing organizations."""
    word, rest = _split(incoming.args)
    if word not in ADD_WORDS | CHANGE_WORDS:
        return await organizations.show(incoming, context)
    t = texts_for(incoming.locale)
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    if word in ADD_WORDS:
        return await _add_organization(incoming, context, rest, t)
    return await _change(incoming, context, ORGANIZATION, rest, t)


async def service_command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/service ajouter|modifier|fermer|rouvrir``, for admins."""
    t = texts_for(incoming.locale)
    word, rest = _split(incoming.args)
    if word not in ADD_WORDS | CHANGE_WORDS | CLOSE_WORDS | REOPEN_WORDS:
        return [Reply(t(
            "Pour changer l'annuaire (administrateurs) :\n"
            "- **/service modifier <service>** ; ou d'un coup : **/service modifier <service> ; telephone ; 418 555-0101**\n"
            "- **/service ajouter <organisme>**\n"
            "- **/service fermer <service> [; raison]** et **/service rouvrir <service>**\n"
            "Champs : {fields}.", fields=field_keys(SERVICE),
        ))]
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    if word in ADD_WORDS:
        return await _add_service(incoming, context, rest, t)
    if word in CHANGE_WORDS:
        return await _change(incoming, context, SERVICE, rest, t)
    name, _, reason = rest.partition(";")
    if not name.strip():
        return [Reply(t("Donnez le nom du service : **/service fermer <service> [; raison]** ou "
                        "**/service rouvrir <service>**."))]
    action = CLOSE if word in CLOSE_WORDS else REOPEN
    found = await find_target(context, SERVICE, name.strip(), action, t)
    if isinstance(found, Reply):
        await _keep_for_choice(incoming, context, found, "alerte", reason.strip())
        return [found]
    return [await _close_or_reopen(incoming, context, found, action, reason.strip(), t)]


async def _keep_for_choice(incoming: Incoming, context: Context, found: Reply, field: str, value: str) -> None:
    """Keep what was typed with a name that matched several records (a field and its value, a reason,
    a new service's name) for the button that picks one of them."""
    offered = [chosen[1] for button in found.buttons if (chosen := from_button(button.data))]
    if offered and (field or value):
        await edit_flow.remember_pick(incoming, context, offered, field, value)


async def pressed(incoming: Incoming, context: Context) -> list[Reply]:
    """A button of the editing commands: the record chosen among close names, "Défaire", "Modifier"."""
    t = texts_for(incoming.locale)
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    data = incoming.button_data or ""
    if data.startswith(SERVICE_EDIT_PREFIX):
        try:
            chosen: tuple[str, Target, uuid.UUID | None] | None = (
                EDIT, Target(SERVICE, uuid.UUID(data.removeprefix(SERVICE_EDIT_PREFIX))), None)
        except ValueError:
            chosen = None
    else:
        chosen = from_button(data)
    if chosen is None:
        return [Reply(t("Ce bouton n'est plus actif."))]
    action, target, change_id = chosen
    if action == UNDO:
        return [await undo(incoming, context, target, t, expected=change_id)]
    field, value = await edit_flow.take_pick(incoming, context, target) or ("", "")
    if action in (CLOSE, REOPEN):
        return [await _close_or_reopen(incoming, context, target, action, value if action == CLOSE else "", t)]
    if action == ADD_SERVICE:
        return await _start_new(incoming, context, SERVICE, target.record_id, {"nom": value} if value else {}, t)
    if field:
        return await _change_field(incoming, context, target, field, value, t)
    return await _start_change(incoming, context, target, t)


async def _change(incoming: Incoming, context: Context, kind: str, rest: str, t: Texts) -> list[Reply]:
    name, field_text, value = (part.strip() for part in (rest.split(";", 2) + ["", ""])[:3])
    command = "/service modifier" if kind == SERVICE else "/org modifier"
    if not name:
        return [Reply(t("Donnez le nom : **{command} <nom>**, ou d'un coup : **{command} <nom> ; <champ> ; <valeur>**. "
                        "Champs : {fields}.", command=command, fields=field_keys(kind)))]
    field = field_named(kind, field_text) if field_text else None
    if field_text and field is None:
        return [Reply(t("Je ne connais pas le champ « {typed} ». Champs : {fields}.",
                        typed=escape(field_text), fields=field_keys(kind)))]
    found = await find_target(context, kind, name, EDIT, t)
    if isinstance(found, Reply):
        if field is not None:
            await _keep_for_choice(incoming, context, found, field.key, value)
        return [found]
    return await _change_field(incoming, context, found, field.key if field else "", value, t)


async def _change_field(
    incoming: Incoming, context: Context, target: Target, field_key: str, value: str, t: Texts
) -> list[Reply]:
    field = field_named(target.kind, field_key) if field_key else None
    if field is not None and value:
        async with context.sessions() as session:
            checked = await check_texts(env_of(context, session, t), [(field, value)])
        if checked.problems:
            return [Reply(t("Rien n'a été enregistré : {problem}", problem=escape(checked.problems[field.key])))]
        return [await save_changes(context, incoming, target, checked.values, t)]
    if field is not None:
        return await edit_flow.start_edit(incoming, context, target, field)
    return await _start_change(incoming, context, target, t)


async def _start_change(incoming: Incoming, context: Context, target: Target, t: Texts) -> list[Reply]:
    if incoming.can_open_forms:
        fallback = t("Le formulaire ne s'est pas ouvert : tapez **/service modifier <service> ; <champ> ; <valeur>**.")
        return [await edit_form(context, target, fallback, t)]
    return await edit_flow.start_edit(incoming, context, target)


async def _add_organization(incoming: Incoming, context: Context, name: str, t: Texts) -> list[Reply]:
    if name:
        match = await organizations.find_organizations(context, name)
        if match.sure:
            return [Reply(t("« {name} » est déjà dans l'annuaire. Pour le changer : **/org modifier {name}**.",
                            name=escape(match.choices[0].label)))]
    given = await _named(context, name, t)
    if isinstance(given, Reply):
        return [given]
    return await _start_new(incoming, context, ORGANIZATION, None, given, t)


async def _add_service(incoming: Incoming, context: Context, rest: str, t: Texts) -> list[Reply]:
    organization_name, _, service_name = (part.strip() for part in rest.partition(";"))
    if not organization_name:
        return [Reply(t("Donnez l'organisme qui offre le service : **/service ajouter <organisme> [; nom du service]**."))]
    found = await find_target(context, ORGANIZATION, organization_name, ADD_SERVICE, t)
    if isinstance(found, Reply):
        await _keep_for_choice(incoming, context, found, "nom", service_name)
        return [found]
    given = await _named(context, service_name, t)
    if isinstance(given, Reply):
        return [given]
    return await _start_new(incoming, context, SERVICE, found.record_id, given, t)


async def _named(context: Context, name: str, t: Texts) -> dict[str, str] | Reply:
    """What a new record starts with: its name when one was typed (checked), or what is wrong with it."""
    if not name:
        return {}
    async with context.sessions() as session:
        checked = await check_texts(env_of(context, session, t), [(NAME, name)])
    if checked.problems:
        return Reply(escape(checked.problems[NAME.key]))
    return {NAME.key: NAME.to_text(checked.values[NAME])}


async def _start_new(
    incoming: Incoming, context: Context, kind: str, organization_id: uuid.UUID | None, given: dict[str, str], t: Texts
) -> list[Reply]:
    if incoming.can_open_forms:
        fallback = t("Le formulaire ne s'est pas ouvert : réessayez, ou tapez la commande dans un message direct.")
        return [new_form(kind, organization_id, given, fallback, t)]
    return await edit_flow.start_create(incoming, context, kind, organization_id, given)


async def _close_or_reopen(
    incoming: Incoming, context: Context, target: Target, action: str, reason: str, t: Texts
) -> Reply:
    status, alert = field_named(SERVICE, "statut"), field_named(SERVICE, "alerte")
    if status is None or alert is None:
        return gone(target.kind, t)
    if reason:
        async with context.sessions() as session:
            checked = await check_texts(env_of(context, session, t), [(alert, reason)])
        if checked.problems:
            return Reply(t("Rien n'a été enregistré : {problem}", problem=escape(checked.problems[alert.key])))
        reason = str(checked.values[alert])
    async with context.sessions.begin() as session:
        record = await lock_record(session, SERVICE, target.record_id)
        if not isinstance(record, Service):
            return gone(SERVICE, t)
        chosen = {status: TEMPORARILY_CLOSED if action == CLOSE else ACTIVE}
        if action == CLOSE and reason:
            chosen[alert] = reason
        elif action == REOPEN and record.status == TEMPORARILY_CLOSED and record.alert:
            chosen[alert] = None
        edit = await change_fields(session, record, chosen, by=to_author(incoming), now=context.clock(),
                                   action=audit.CLOSE if action == CLOSE else audit.REOPEN)
        title, name = await record_title(session, record), escape(record.name)
        services = await services_of(session, record)
    if not edit.changes:
        if action == CLOSE:
            return Reply(t("**{title}** est déjà fermé temporairement.", title=title))
        return Reply(t("**{title}** est déjà ouvert.", title=title))
    await context.search.refresh(context.sessions, services)
    reply = changed_reply(target, title, edit, t)
    if action == CLOSE:
        lead = t("**{title}** est fermé temporairement : les réponses de /qui le disent. "
                 "Pour le rouvrir : **/service rouvrir {name}**.", title=title, name=name)
    else:
        lead = t("**{title}** est rouvert.", title=title)
    return Reply(lead + "\n" + reply.text, buttons=reply.buttons)
