"""``/qui`` — "qui appeler ?": services answering a need, one card each, with paging."""

from __future__ import annotations

import re

from directory.ranking import explain
from directory.search import Result, SearchResponse
from handlers.cards import to_service_card
from handlers.context import Context
from handlers.freshness import stale_services
from handlers.markup import escape
from handlers.messages import CALLBACK_DATA_LIMIT, Button, Incoming, Reply
from handlers.questions import QuestionStore
from handlers.texts import Texts, texts_for

PAGE_SIZE = 3
MORE_PREFIX = "qui:"  # button data: "qui:<offset>:<question>", or "qui:<offset>#<key>" when too long
_MORE_DATA = re.compile(r"(?P<offset>\d+)(?::(?P<question>.+)|#(?P<key>[A-Za-z0-9_-]+))", re.DOTALL)


async def ask(incoming: Incoming, context: Context) -> list[Reply]:
    """Answer the need written after ``/qui`` (or in a private message)."""
    t = texts_for(incoming.locale)
    question = incoming.args.strip()
    if not question:
        return [Reply(t("Décrivez le besoin après la commande, par exemple : **/qui dépannage alimentaire Jonquière**"))]
    return await answer(question, 0, incoming, context)


async def more(incoming: Incoming, context: Context) -> list[Reply]:
    """The next page of a search (the "plus de résultats" button)."""
    t = texts_for(incoming.locale)
    match = _MORE_DATA.fullmatch((incoming.button_data or "").removeprefix(MORE_PREFIX))
    if match is None:
        return [Reply(t("Cette recherche n'est plus disponible : relancez-la avec /qui."))]
    question = match["question"] or context.questions.recall(match["key"])
    if question is None:
        return [Reply(t("Je ne me souviens plus de cette recherche (le robot a peut-être redémarré) : "
                        "posez la question de nouveau avec /qui."))]
    return await answer(question, int(match["offset"]), incoming, context)


def to_more_data(question: str, offset: int, questions: QuestionStore) -> str:
    """Button data for page ``offset`` of ``question``: the question itself, or its key when too long."""
    data = f"{MORE_PREFIX}{offset}:{question}"
    if len(data.encode()) <= CALLBACK_DATA_LIMIT:
        return data
    return f"{MORE_PREFIX}{offset}#{questions.remember(question)}"


async def answer(
    question: str, offset: int, incoming: Incoming, context: Context, *, place: str | None = None,
    limit: int = PAGE_SIZE,
) -> list[Reply]:
    """One reply: the cards of a page of results, or an honest "rien trouvé" with what to try."""
    t = texts_for(incoming.locale)
    response = context.search.search(
        question, place=place, default_place=incoming.default_place, limit=limit, offset=offset
    )
    intro = []
    if response.query.crisis and offset == 0:
        intro.append(t(
            "**Urgence ?** Danger immédiat : **911**. Prévention du suicide : **1 866 APPELLE** "
            "(1 866 277-3553), 24/7. Info-Social : **811**, option 2."
        ))
    if response.abstained or not response.results:
        return [_nothing_found(question, response, intro, offset, context.questions, t)]
    slots = context.search.index.slot_of
    records = await context.records.records(
        context.sessions, [(r.doc.service_id, slots.get(r.doc.service_id, -1)) for r in response.results]
    )
    stale = stale_services(context, records.values())
    cards = tuple(
        to_service_card(records[r.doc.service_id], _why(r, response, context, t), t,
                        stale_since=stale.get(r.doc.service_id))
        for r in response.results if r.doc.service_id in records
    )
    intro.append(_summary(question, response, offset, len(cards), t))
    buttons = ()
    next_offset = offset + len(response.results)
    if next_offset < response.total:
        buttons = (Button(t("Plus de résultats"), to_more_data(question, next_offset, context.questions)),)
    return [Reply("\n".join(intro), cards, buttons)]


def _why(result: Result, response: SearchResponse, context: Context, t: Texts) -> list[str]:
    """The reasons of ``result`` in the reader's language."""
    return explain(result.doc, response.query, response.place, context.search.gazetteer, t)


def _summary(question: str, response: SearchResponse, offset: int, shown: int, t: Texts) -> str:
    where = ""
    if response.place is not None:
        where = t(" à {place}", place=escape(response.place.name))
    lines = [t(
        "Résultats {first} à {last} sur {total} pour « {question} »{where} :",
        first=offset + 1, last=offset + shown, total=response.total, question=escape(question), where=where,
    )]
    if response.place_relaxed and response.place is not None:
        lines.append(t(
            "Aucun service ne dessert précisément {place} : voici les plus proches, territoire à confirmer.",
            place=escape(response.place.name),
        ))
    return "\n".join(lines)


def _nothing_found(
    question: str, response: SearchResponse, intro: list[str], offset: int, questions: QuestionStore, t: Texts
) -> Reply:
    if offset:
        return Reply(t("Il n'y a pas d'autres résultats pour « {question} ».", question=escape(question)))
    lines = [*intro, t("Je n'ai rien trouvé de sûr pour « {question} ».", question=escape(question))]
    lines.append(t(
        "Essayez le **211** (information et référence communautaire, gratuit) ou le **811** (Info-Santé, Info-Social)."
    ))
    buttons: list[Button] = []
    if response.suggestions:
        lines.append(t("Catégories proches : {names}", names=escape(", ".join(response.suggestions))))
        buttons = [Button(name, to_more_data(name, 0, questions)) for name in response.suggestions]
    lines.append(t("Vous pouvez aussi reformuler avec d'autres mots : le besoin, l'âge, le lieu."))
    return Reply("\n".join(lines), buttons=tuple(buttons))
