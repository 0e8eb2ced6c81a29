"""``/reseau`` — "Je connais mon réseau": the network's organizations by sector, then by category of
their services, each with what it does and the tables where it sits (and who represents it there,
named only when that person shares their name). ``/reseau <mot>`` goes straight to a sector or a
category; ``/reseau rattacher <id>`` is ``handlers.network_attach``."""

from __future__ import annotations

import uuid

from directory.models import SECTORS
from directory.network_map import (
    UNSORTED,
    Category,
    Member,
    categories_of,
    members_in,
    read_terms,
    sector_counts,
)
from directory.people import shared_names
from directory.text import fold
from handlers import network_attach
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Card, Incoming, Reply
from handlers.names import OrganizationNames
from handlers.table_access import from_short_id, to_short_id
from handlers.texts import Texts, texts_for

BROWSE_PREFIX = "rsx:"  # "rsx:" sectors; "rsx:s:<sector>:<page>" categories; "rsx:c:<sector|*>:<term>:<page>" organizations
EVERY_SECTOR = "*"
PAGE = 6  # organizations per message
CATEGORY_PAGE = 12  # category buttons per message
DESCRIPTION_LIMIT = 160
LABEL_LIMIT = 60
_SECTOR_NAMESPACE = uuid.UUID("0b6f2f4e-5a1c-4c1e-9d7e-3f1a2b4c5d6e")


def sector_label(t: Texts, sector: str) -> str:
    """A sector's name as people read it."""
    labels = {"communautaire": t("Communautaire"), "public": t("Public"), "scolaire": t("Scolaire"),
              "municipal": t("Municipal"), "prive": t("Privé"), UNSORTED: t("Sans secteur")}
    return labels.get(sector, sector)


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/reseau`` (the sectors), ``/reseau <mot>`` (a sector or a category), ``/reseau rattacher <id>``."""
    t = texts_for(incoming.locale)
    text = incoming.args.strip()
    word, _, rest = text.partition(" ")
    if fold(word) in network_attach.WORDS:
        return [await network_attach.attach(incoming, context, rest.strip())]
    if not text:
        return [await _sectors(context, t)]
    return [await _filtered(context, t, text)]


async def pressed(incoming: Incoming, context: Context) -> list[Reply]:
    """A browsing button: a sector's categories or a category's organizations (a page of them)."""
    t = texts_for(incoming.locale)
    parts = (incoming.button_data or "").removeprefix(BROWSE_PREFIX).split(":")
    if parts == [""]:
        return [await _sectors(context, t)]
    if parts[0] == "s" and len(parts) == 3 and parts[2].isdecimal():
        return [await _categories(context, t, parts[1], int(parts[2]))]
    term_id = from_short_id(parts[2]) if parts[0] == "c" and len(parts) == 4 else None
    if term_id is not None and parts[3].isdecimal():
        return [await _members(context, t, parts[1], term_id, int(parts[3]))]
    return [Reply(t("Ce bouton n'est plus actif : tapez **/reseau** pour parcourir le réseau."))]


async def _sectors(context: Context, t: Texts) -> Reply:
    async with context.sessions() as session:
        counts = await sector_counts(session)
    if not counts:
        return Reply(t("L'annuaire est vide : aucun organisme à parcourir pour l'instant."))
    order = [s for s in (*SECTORS, UNSORTED) if counts.get(s)] + sorted(set(counts) - {*SECTORS, UNSORTED})
    buttons = tuple(Button(f"{sector_label(t, s)} ({counts[s]})"[:LABEL_LIMIT], f"{BROWSE_PREFIX}s:{s}:0")
                    for s in order)
    return Reply(t("**Je connais mon réseau** : {organizations}. Choisissez un secteur, ou tapez **/reseau** "
                   "suivi d'un mot (par exemple « /reseau alimentation »).",
                   organizations=_organizations(t, sum(counts.values()))), buttons=buttons)


def _organizations(t: Texts, count: int) -> str:
    return t("1 organisme") if count == 1 else t("{count} organismes", count=count)


async def _categories(context: Context, t: Texts, sector: str, page: int) -> Reply:
    async with context.sessions() as session:
        terms = await read_terms(session)
        found = await categories_of(session, terms, sector)
    label = sector_label(t, sector)
    if not found:
        return Reply(t("Aucun service classé par catégorie dans le secteur **{sector}**.", sector=label),
                     buttons=(Button(t("Secteurs"), BROWSE_PREFIX),))
    shown = found[page * CATEGORY_PAGE:(page + 1) * CATEGORY_PAGE]
    buttons = [_category_button(sector, c) for c in shown]
    if (page + 1) * CATEGORY_PAGE < len(found):
        buttons.append(Button(t("Suite"), f"{BROWSE_PREFIX}s:{sector}:{page + 1}"))
    buttons.append(Button(t("Secteurs"), BROWSE_PREFIX))
    return Reply(t("Secteur **{sector}** : les catégories de leurs services. Laquelle ?", sector=label),
                 buttons=tuple(buttons))


def _category_button(sector: str, category: Category) -> Button:
    return Button(f"{category.name} ({category.count})"[:LABEL_LIMIT],
                  f"{BROWSE_PREFIX}c:{sector}:{to_short_id(category.id)}:0")


async def _members(context: Context, t: Texts, sector: str, term_id: uuid.UUID, page: int) -> Reply:
    async with context.sessions() as session:
        terms = await read_terms(session)
        if term_id not in terms.names:
            return Reply(t("Cette catégorie n'existe plus : tapez **/reseau** pour parcourir le réseau."))
        members, total = await members_in(session, terms, None if sector == EVERY_SECTOR else sector,
                                          term_id, page * PAGE, PAGE)
        seated = [(seat.platform, seat.user_id) for member in members for seat in member.seats
                  if seat.platform and seat.user_id]
        names = await shared_names(session, seated)
        cards = tuple(_card(t, member, names) for member in members)
    category = escape(terms.names[term_id])
    if not members:
        return Reply(t("Aucun organisme dans **{category}** pour l'instant.", category=category),
                     buttons=(Button(t("Secteurs"), BROWSE_PREFIX),))
    organizations = _organizations(t, total)
    pages = -(-total // PAGE)
    if pages > 1:
        organizations += " " + t("(page {page} sur {pages})", page=page + 1, pages=pages)
    if sector == EVERY_SECTOR:
        heading = t("**{category}** : {organizations}.", category=category, organizations=organizations)
    else:
        heading = t("**{category}**, secteur {sector} : {organizations}.", category=category,
                    sector=sector_label(t, sector), organizations=organizations)
    buttons = []
    if page + 1 < pages:
        buttons.append(Button(t("Suite"), f"{BROWSE_PREFIX}c:{sector}:{to_short_id(term_id)}:{page + 1}"))
    if sector != EVERY_SECTOR:
        buttons.append(Button(t("Autres catégories"), f"{BROWSE_PREFIX}s:{sector}:0"))
    buttons.append(Button(t("Secteurs"), BROWSE_PREFIX))
    return Reply(heading + "\n" + t("La fiche d'un organisme : **/org** <nom>."), cards=cards, buttons=tuple(buttons))


def _card(t: Texts, member: Member, names: dict[tuple[str, str], str]) -> Card:
    """An organization: what it does in one line, and where it sits (with its representatives' names
    where they share them)."""
    lines = [_one_line(member.description)] if member.description.strip() else []
    for seat in member.seats:
        name = names.get((seat.platform, seat.user_id)) if seat.platform and seat.user_id else None
        if name:
            lines.append(t("siège à : {table} (représenté par {name})", table=seat.table, name=name))
        elif seat.user_id:
            lines.append(t("siège à : {table} (représentant·e désigné·e)", table=seat.table))
        else:
            lines.append(t("siège à : {table}", table=seat.table))
    return Card(member.name, lines=tuple(lines))


def _one_line(text: str) -> str:
    """The first sentence of ``text``, cut at a word when it is long."""
    line = " ".join(text.split())
    first, dot, _ = line.partition(". ")
    line = first + ("." if dot else "")
    if len(line) <= DESCRIPTION_LIMIT:
        return line
    return line[:DESCRIPTION_LIMIT].rsplit(" ", 1)[0] + "…"


async def _filtered(context: Context, t: Texts, text: str) -> Reply:
    """The sector or category ``text`` names (typos tolerated), or the ones it may name."""
    async with context.sessions() as session:
        terms = await read_terms(session)
        counts = await sector_counts(session)
        present = {c.id for c in await categories_of(session, terms, None)}
    sectors = {_sector_id(s): s for s in counts}
    rows = [(_sector_id(s), sector_label(t, s), None) for s in counts]
    rows += [(term_id, name, None) for term_id, name in terms.names.items() if terms.root(term_id) in present]
    match = OrganizationNames(rows).find(text)
    if match.sure:
        chosen = match.choices[0].org_id
        if chosen in sectors:
            return await _categories(context, t, sectors[chosen], 0)
        return await _members(context, t, EVERY_SECTOR, chosen, 0)
    if not match.choices:
        return Reply(t("Aucun secteur ni aucune catégorie ne ressemble à « {text} ». Tapez **/reseau** pour "
                       "parcourir le réseau par secteur.", text=escape(text)), buttons=(Button(t("Secteurs"), BROWSE_PREFIX),))
    buttons = tuple(
        Button(c.label[:LABEL_LIMIT], f"{BROWSE_PREFIX}s:{sectors[c.org_id]}:0") if c.org_id in sectors
        else Button(c.label[:LABEL_LIMIT], f"{BROWSE_PREFIX}c:{EVERY_SECTOR}:{to_short_id(c.org_id)}:0")
        for c in match.choices
    )
    return Reply(t("Plusieurs secteurs ou catégories ressemblent à « {text} ». Lequel ?", text=escape(text)), buttons=buttons)


def _sector_id(sector: str) -> uuid.UUID:
    return uuid.uuid5(_SECTOR_NAMESPACE, sector)

