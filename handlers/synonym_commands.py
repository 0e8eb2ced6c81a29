"""``/synonyme``: the words the network uses for its needs, added by admins so that a question in
those words finds the right services ("dépannage" = "banque alimentaire", "CJE" = "Carrefour
jeunesse-emploi"). Searches use them at once; every addition and removal is logged."""

from __future__ import annotations

import datetime as dt
import uuid

from directory import audit
from directory.audit import FieldChange
from directory.synonyms import SynonymRow, Thesaurus, added_clusters, added_rows, to_phrase
from directory.text import fold
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import admin_refusal, is_admin, to_author
from handlers.texts import Texts, texts_for

ADD_WORDS = frozenset({"ajouter", "ajout", "add"})
ACRONYM_WORDS = frozenset({"acronyme", "sigle", "acronym"})
REMOVE_WORDS = frozenset({"retirer", "enlever", "supprimer", "remove"})
KINDS = {"synonyme": "synonyme", "acronyme": "acronyme"}
MAX_TERMS, TERM_LIMIT = 12, 80
RESOURCE = "synonym"


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/synonyme``, ``/synonyme ajouter a = b, c``, ``/synonyme acronyme CJE = …``, ``/synonyme retirer <n°>``."""
    t = texts_for(incoming.locale)
    head, _, rest = incoming.args.strip().partition(" ")
    word = fold(head)
    if not word:
        return [await _listing(context, t)]
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    if word in ADD_WORDS | ACRONYM_WORDS:
        return [await _add(incoming, context, "acronyme" if word in ACRONYM_WORDS else "synonyme", rest, t)]
    if word in REMOVE_WORDS:
        return [await _remove(incoming, context, rest.strip(), t)]
    return [Reply(_usage(t))]


def _usage(t: Texts) -> str:
    return t("Pour ajouter (administrateurs) : **/synonyme ajouter depannage = banque alimentaire, comptoir "
             "alimentaire** ou **/synonyme acronyme CJE = Carrefour jeunesse-emploi** ; pour retirer : "
             "**/synonyme retirer depannage** (un de ses termes, ou son numéro dans **/synonyme**).")


async def _listing(context: Context, t: Texts) -> Reply:
    rows = await added_rows(context.sessions)
    if not rows:
        return Reply(t("Aucun synonyme ajouté par le réseau pour l'instant.") + "\n" + _usage(t))
    lines = [f"{number}. {escape(' = '.join(row.terms.split('|')))}" + (" " + t("(acronyme)") if row.kind == "acronyme" else "")
             for number, row in enumerate(rows, start=1)]
    return Reply(t("Synonymes ajoutés par le réseau :") + "\n" + "\n".join(lines) + "\n" + _usage(t))


def _terms(text: str, t: Texts) -> tuple[str, ...] | str:
    """The terms of "a = b, c" (or "a | b | c"), or what is wrong with them."""
    pieces = [p.strip() for p in text.replace("|", ",").replace("=", ",").replace(";", ",").split(",")]
    terms = tuple(dict.fromkeys(p for p in pieces if p))
    if len(terms) < 2:
        return t("Il faut au moins deux termes, par exemple : **/synonyme ajouter depannage = banque alimentaire**.")
    if len(terms) > MAX_TERMS:
        return t("Au plus {limit} termes à la fois.", limit=MAX_TERMS)
    for term in terms:
        if len(term) > TERM_LIMIT:
            return t("Le terme « {term}… » est trop long : {limit} caractères au plus.",
                     term=escape(term[:30]), limit=TERM_LIMIT)
        if not to_phrase(term):
            return t("« {term} » ne contient aucun mot qui compte pour la recherche : choisissez un terme plus précis.",
                     term=escape(term))
    if len({to_phrase(term) for term in terms}) < 2:
        return t("Ces termes reviennent au même pour la recherche : donnez des mots différents.")
    return terms


async def _add(incoming: Incoming, context: Context, kind: str, text: str, t: Texts) -> Reply:
    terms = _terms(text, t)
    if isinstance(terms, str):
        return Reply(terms)
    now = context.clock()
    row = SynonymRow(id=uuid.uuid4(), kind=kind, terms="|".join(terms), note="", added_by=to_author(incoming),
                     added_at=now)
    async with context.sessions.begin() as session:
        session.add(row)
        await audit.record(session, resource_type=RESOURCE, resource_id=row.id, action=audit.CREATE,
                           changes=[FieldChange("termes", "", " = ".join(terms))], by=row.added_by, now=now)
    await reload(context)
    return Reply(t("C'est ajouté : une question avec « {first} » trouve aussi {others}, et inversement.",
                   first=escape(terms[0]), others=", ".join(f"« {escape(term)} »" for term in terms[1:])))


async def _remove(incoming: Incoming, context: Context, typed: str, t: Texts) -> Reply:
    rows = await added_rows(context.sessions)
    if not rows:
        return Reply(t("Aucun synonyme ajouté par le réseau : rien à retirer."))
    if typed.isdecimal() and 1 <= int(typed) <= len(rows):
        row = rows[int(typed) - 1]
    else:  # a term of it, which does not shift when another is removed
        having = [row for row in rows if fold(typed) and fold(typed) in (fold(term) for term in row.terms.split("|"))]
        if len(having) != 1:
            return Reply(t("Donnez un terme du synonyme à retirer, ou son numéro de 1 à {count} : **/synonyme** "
                           "les liste.", count=len(rows)))
        row = having[0]
    now: dt.datetime = context.clock()
    async with context.sessions.begin() as session:
        found = await session.get(SynonymRow, row.id)
        if found is not None:
            await session.delete(found)
            await audit.record(session, resource_type=RESOURCE, resource_id=row.id, action=audit.UPDATE,
                               changes=[FieldChange("termes", " = ".join(row.terms.split("|")), "")],
                               by=to_author(incoming), now=now)
    await reload(context)
    return Reply(t("C'est retiré : {terms}.", terms=escape(" = ".join(row.terms.split("|")))))


async def reload(context: Context) -> None:
    """Search with the shipped synonyms and those the network added, as they are now."""
    context.search.use_thesaurus(Thesaurus.load(added=await added_clusters(context.sessions)))
