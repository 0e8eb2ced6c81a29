"""``/org`` — an organization's card and its services, found by name even misspelled."""

from __future__ import annotations

import uuid

from directory.records import organization_names, organization_record
from handlers.cards import to_organization_card
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.names import NameMatch
from handlers.texts import texts_for

ORG_PREFIX = "org:"  # button data: "org:<uuid hex>"
LABEL_LIMIT = 60


async def show(incoming: Incoming, context: Context) -> list[Reply]:
    """The card of the organization named after ``/org``, or the closest names to choose from."""
    t = texts_for(incoming.locale)
    name = incoming.args.strip()
    if not name:
        return [Reply(t("Donnez le nom de l'organisme, par exemple : **/org Le Transit**"))]
    match = await find_organizations(context, name)
    if not match.choices:
        return [Reply(t(
            "Aucun organisme ne ressemble à « {name} ». Vérifiez l'orthographe ou cherchez un besoin avec /qui.",
            name=escape(name),
        ))]
    if match.sure:
        return await _card(match.choices[0].org_id, incoming, context)
    buttons = tuple(Button(c.label[:LABEL_LIMIT], f"{ORG_PREFIX}{c.org_id.hex}") for c in match.choices)
    if len(buttons) == 1:
        question = t("Un organisme ressemble à « {name} ». Est-ce celui-ci ?", name=escape(name))
    else:
        question = t("Plusieurs organismes ressemblent à « {name} ». Lequel ?", name=escape(name))
    return [Reply(question, buttons=buttons)]


async def find_organizations(context: Context, query: str) -> NameMatch:
    """The organizations ``query`` may name (typos and missing accents forgiven)."""
    async with context.sessions() as session:
        rows = await organization_names(session)
    return context.names.of(rows).find(query)


async def pick(incoming: Incoming, context: Context) -> list[Reply]:
    """The card of an organization chosen with a button."""
    t = texts_for(incoming.locale)
    try:
        org_id = uuid.UUID((incoming.button_data or "").removeprefix(ORG_PREFIX))
    except ValueError:
        return [Reply(t("Ce choix n'est plus valide : relancez /org avec le nom."))]
    return await _card(org_id, incoming, context)


async def _card(org_id: uuid.UUID, incoming: Incoming, context: Context) -> list[Reply]:
    t = texts_for(incoming.locale)
    async with context.sessions() as session:
        record = await organization_record(session, org_id)
    if record is None:
        return [Reply(t("Cet organisme n'est plus dans l'annuaire."))]
    return [Reply(cards=(to_organization_card(record, t),))]
