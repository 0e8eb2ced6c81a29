"""``/lieu`` and ``/langue`` — a chat's own default place and language."""

from __future__ import annotations

import dataclasses

from directory.channels import choose
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.texts import LANGUAGES, texts_for

CLEAR = {"aucun", "aucune", "rien", "none", "off"}


async def with_choices(incoming: Incoming, context: Context) -> Incoming:
    """``incoming`` with the chat's chosen language, default place and network, where it chose them.

    A private chat that belongs to no network of its own takes the network where the person holds
    their roles, when there is exactly one (read for commands and buttons only, which may need it)."""
    choices = await context.choices.choices(
        context.sessions, incoming.chat.platform, incoming.chat.chat_id, context.clock()
    )
    changes: dict[str, str] = {}
    if choices.language:
        changes["locale"] = choices.language
    if choices.place_id:
        changes["default_place"] = choices.place_id
    if choices.network_id:
        changes["network"] = choices.network_id
    elif incoming.private and incoming.chat.platform != "console" and (
        incoming.command is not None or incoming.button_data is not None
    ):
        person = (incoming.chat.platform, incoming.user_id)
        held = await context.role_networks.get(context.sessions, person, context.clock()) or frozenset()
        if len(held) == 1:
            changes["network"] = next(iter(held))
    return dataclasses.replace(incoming, **changes) if changes else incoming


async def set_place(incoming: Incoming, context: Context) -> list[Reply]:
    """Show, set or clear the place searches of this chat use when a question names none."""
    t = texts_for(incoming.locale)
    wanted = incoming.args.strip()
    gazetteer = context.search.gazetteer
    if not wanted:
        current = gazetteer.get(incoming.default_place) if incoming.default_place else None
        if current is None:
            return [Reply(t("Aucun lieu par défaut ici. Choisissez-en un : **/lieu Jonquière** "
                            "(une municipalité, un arrondissement, une MRC ou une région)."))]
        return [Reply(t("Lieu par défaut ici : **{place}**. Pour le retirer : **/lieu aucun**.",
                        place=escape(current.name)))]
    if wanted.lower() in CLEAR:
        await _choose(incoming, context, place_id=None)
        return [Reply(t("Lieu par défaut retiré : les recherches d'ici valent pour tout le Québec, "
                        "sauf si la question nomme un lieu."))]
    place = gazetteer.resolve(wanted)
    if place is None:
        close = [p.name for p in gazetteer.similar(wanted)]
        if close:
            return [Reply(t("Lieu inconnu : « {place} ». Lieux aux noms proches : {names}.",
                            place=escape(wanted), names=escape(", ".join(close))))]
        return [Reply(t("Lieu inconnu : « {place} ». Donnez une municipalité, un arrondissement, une MRC "
                        "ou une région du Québec.", place=escape(wanted)))]
    await _choose(incoming, context, place_id=place.id)
    return [Reply(t("C'est noté : les recherches d'ici se font à **{place}**, sauf si la question nomme "
                    "un autre lieu.", place=escape(place.name)))]


async def set_language(incoming: Incoming, context: Context) -> list[Reply]:
    """Show or set the language the bot answers in, in this chat."""
    wanted = incoming.args.strip().lower()
    if wanted not in LANGUAGES:
        t = texts_for(incoming.locale)
        return [Reply(t("Langue des réponses ici : **{language}**. Pour changer : **/langue fr** ou **/langue en**.",
                        language=incoming.locale))]
    await _choose(incoming, context, language=wanted)
    return [Reply(texts_for(wanted)("C'est noté : je réponds ici en français."))]


async def _choose(incoming: Incoming, context: Context, **change: str | None) -> None:
    """Record the chat's new choice, and remember it at once in this process."""
    now = context.clock()
    chat = incoming.chat
    choices = await choose(context.sessions, chat.platform, chat.chat_id, now, **change)
    context.choices.keep(chat.platform, chat.chat_id, choices)
