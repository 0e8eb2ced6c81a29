"""``/org`` — an organization's card and its services, found by name even misspelled."""

from __future__ import annotations

import uuid

from rapidfuzz import fuzz, process

from directory.records import organization_names, organization_record
from directory.text import fold
from handlers.cards import to_organization_card
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.texts import texts_for

ORG_PREFIX = "org:"  # button data: "org:<uuid hex>"
SURE, CLOSE = 90, 70


async def show(incoming: Incoming, context: Context) -> list[Reply]:
    """The card of the organization named after ``/org``, or the closest names to choose from."""
    t = texts_for(incoming.locale)
    name = incoming.args.strip()
    if not name:
        return [Reply(t("Donnez le nom de l'organisme, par exemple : **/org Le Transit**"))]
    async with context.sessions() as session:
        names = await organization_names(session)
    choices = {org_id: " / ".join(filter(None, [n, alt])) for org_id, n, alt in names}
    found = process.extract(name, choices, scorer=fuzz.WRatio, processor=fold, limit=5, score_cutoff=CLOSE)
    if not found:
        return [Reply(t(
            "Aucun organisme ne ressemble à « {name} ». Vérifiez l'orthographe ou cherchez un besoin avec /qui.",
            name=escape(name),
        ))]
    best_label, best_score, best_id = found[0]
    runner_up = found[1][1] if len(found) > 1 else 0
    if best_score >= SURE and best_score - runner_up >= 5:
        return await _card(best_id, incoming, context)
    buttons = tuple(Button(label[:60], f"{ORG_PREFIX}{org_id.hex}") for label, _, org_id in found)
    return [Reply(t("Plusieurs organismes ressemblent à « {name} ». Lequel ?", name=escape(name)), buttons=buttons)]


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
