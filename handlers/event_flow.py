"""Creating an event: what the message gave, the missing parts asked one at a time, then the event
shown back with "Confirmer" / "Annuler" before anything is saved.

The answers so far travel in the guided conversation's data (``handlers.conversation``); the
confirmation itself is ``handlers.event_changes``'s, the same for rescheduling and cancelling.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from handlers import conversation
from handlers.context import Context
from handlers.conversation import State
from handlers.event_changes import FLOW, confirm, confirm_buttons, discard
from handlers.event_form import (
    OTHER,
    TimeMissing,
    Timing,
    read_form,
    read_time,
    read_when,
    to_kind,
    to_reminders_said,
)
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import may_organize, refusal
from handlers.texts import Texts, texts_for
from scheduler.dates import DateProblem
from scheduler.events import DEFAULT_OFFSETS

TITLE_LIMIT = 200
YES_WORDS = frozenset({"oui", "confirmer", "confirme", "ok", "yes"})
NO_WORDS = frozenset({"non", "no"})
NONE_WORDS = frozenset({"aucun", "aucune", "non", "rien", "-"})
HERE_WORDS = frozenset({"ici", "here"})


async def begin(incoming: Incoming, context: Context) -> list[Reply]:
    """``/evenement [titre ; quand ; lieu ; description]``: read what is given, ask for the rest."""
    t = texts_for(incoming.locale)
    if not await may_organize(context, incoming):
        return [refusal(t, incoming)]
    now = context.clock()
    data: dict[str, Any] = {"action": "create", "ask_description": not incoming.args.strip(),
                            "here": incoming.chat.chat_id}
    fields, notes = read_form(incoming.args, now, context.timezone, t)
    for name in ("title", "kind", "place", "description", "capacity", "offsets"):
        if name in fields:
            data[name] = fields[name]
    if "title" in data and len(data["title"]) > TITLE_LIMIT:
        notes.append(t("Le titre est trop long ({limit} caractères au plus).", limit=TITLE_LIMIT))
        del data["title"]
    if "when" in fields:
        problem = _apply_when(data, fields["when"], context)
        if problem:
            notes.append(problem)
    if incoming.private and incoming.chat.platform != "console":
        data["channels"] = _mentioned(incoming)
    else:  # a group, or the console, which is a chat of its own
        here = [incoming.chat.platform, incoming.chat.chat_id, incoming.chat.thread_id]
        data["channels"] = [here, *_mentioned(incoming)]
    return await _ask_next(incoming, context, data, notes)


async def answer(incoming: Incoming, context: Context, state: State) -> list[Reply]:
    """The flow's reply to an answer typed while a question is pending."""
    t = texts_for(incoming.locale)
    text = incoming.text.strip()
    data = dict(state.data)
    notes: list[str] = []
    if state.step == "confirm":
        word = text.lower().rstrip(" !.")
        if word in YES_WORDS:
            return await confirm(incoming, context)
        if word in NO_WORDS:
            return await discard(incoming, context)
        action = data.get("action", "create")
        if action != "create":
            return [Reply(t("Répondez **oui** pour le faire, ou **non** pour ne rien changer."),
                          buttons=confirm_buttons(t, action))]
        return [Reply(t("Répondez **Confirmer** pour enregistrer, ou **Annuler**."), buttons=confirm_buttons(t))]
    if not text and state.step != "channels":
        notes.append(t("Je n'ai rien reçu."))
    elif state.step == "title":
        if len(text) > TITLE_LIMIT:
            notes.append(t("Le titre est trop long ({limit} caractères au plus).", limit=TITLE_LIMIT))
        else:
            data["title"] = text
            data.setdefault("kind", to_kind(text) or OTHER)
    elif state.step == "when":
        if problem := _apply_when(data, text, context):
            notes.append(problem)
    elif state.step == "time":
        pending = data.pop("pending_time")
        missing = TimeMissing(pending["text"], dt.date.fromisoformat(pending["day"]) if pending["day"] else None)
        timing = read_time(missing, text, context.clock(), context.timezone)
        if isinstance(timing, DateProblem):
            data["pending_time"] = pending
            notes.append(escape(timing.message))
        else:
            _set_timing(data, timing)
    elif state.step == "place":
        data["place"] = "" if text.lower() in NONE_WORDS else text
    elif state.step == "description":
        data["description"] = "" if text.lower() in NONE_WORDS else text
    elif state.step == "channels":
        if incoming.mentions:
            data["channels"] = _mentioned(incoming)
        elif text.lower() in HERE_WORDS:
            data["channels"] = [[incoming.chat.platform, incoming.chat.chat_id, incoming.chat.thread_id]]
        else:
            notes.append(t("Je ne vois ni canal ni groupe dans votre réponse."))
    return await _ask_next(incoming, context, data, notes)


def _mentioned(incoming: Incoming) -> list[list[str | None]]:
    return [[incoming.chat.platform, chat_id, None] for chat_id in incoming.mentions]


def _apply_when(data: dict[str, Any], text: str, context: Context) -> str | None:
    """Record the date or rhythm of ``text`` (or that its time is missing); the problem, if any."""
    result = read_when(text, context.clock(), context.timezone)
    if isinstance(result, DateProblem):
        return escape(result.message)
    if isinstance(result, TimeMissing):
        data["pending_time"] = {"text": result.text, "day": result.day.isoformat() if result.day else None}
    else:
        _set_timing(data, result)
    return None


def _set_timing(data: dict[str, Any], timing: Timing) -> None:
    data.update(start=timing.start.isoformat(), rrule=timing.rrule, skip_holidays=timing.skip_holidays,
                when_fr=timing.text_fr, date_notes=list(timing.notes))


def next_step(data: dict[str, Any]) -> str:
    """The next question to ask, "confirm" once everything is known."""
    if "title" not in data:
        return "title"
    if "start" not in data:
        return "time" if "pending_time" in data else "when"
    if "place" not in data:
        return "place"
    if data.get("ask_description") and "description" not in data:
        return "description"
    return "confirm" if data.get("channels") else "channels"


def _question(step: str, data: dict[str, Any], t: Texts) -> str:
    if step == "title":
        return t("Quel est le titre de l'événement ? Par exemple « 5-à-7 de décembre ».")
    if step == "when":
        return t("Quand ? Par exemple « jeudi prochain 17 h », « le 5 décembre à 17 h 30 » "
                 "ou « chaque premier jeudi du mois à 17 h ».")
    if step == "time":
        return t("À quelle heure, « {when} » ? Par exemple « 17 h » ou « midi ».",
                 when=escape(data["pending_time"]["text"]))
    if step == "place":
        return t("Où ? Donnez le lieu, ou « aucun ».")
    if step == "description":
        return t("Une description en quelques mots ? Ou « non ».")
    return t("Où l'annoncer ? Mentionnez les canaux ou les groupes (#canal sur Slack, @groupe sur Telegram), "
             "ou répondez « ici » pour l'annoncer seulement dans cette conversation.")


async def _ask_next(incoming: Incoming, context: Context, data: dict[str, Any], notes: list[str]) -> list[Reply]:
    t = texts_for(incoming.locale)
    step = next_step(data)
    await conversation.start(context, incoming, FLOW, step, data)
    if step == "confirm":
        summary = to_summary(data, t, context.clock(), context.timezone)
        return [Reply("\n".join([*notes, summary]), buttons=confirm_buttons(t))]
    intro = [*notes, t("(« annuler » pour arrêter)")] if notes else []
    return [Reply("\n".join([*intro, _question(step, data, t)]), asks=True)]


def to_summary(data: dict[str, Any], t: Texts, now: dt.datetime, zone: ZoneInfo) -> str:
    """The event as it will be saved, to check before confirming (at ``now``, in the network's ``zone``)."""
    lines = [t("Vérifiez avant d'enregistrer :"), f"**{escape(data['title'])}**"]
    if data.get("kind", OTHER) != OTHER:
        lines.append(t("Type : {kind}", kind=escape(data["kind"])))
    lines.append(t("Quand : {when}", when=escape(data["when_fr"])))
    lines.append(t("Lieu : {place}", place=escape(data["place"])) if data["place"] else t("Lieu : aucun"))
    if data.get("description"):
        lines.append(t("Description : {description}", description=escape(data["description"])))
    if data.get("capacity"):
        lines.append(t("Places : {capacity}", capacity=data["capacity"]))
    reminders = to_reminders_said(data.get("offsets", DEFAULT_OFFSETS), dt.datetime.fromisoformat(data["start"]),
                                  data.get("rrule") is not None, now, zone, t)
    lines.append(t("Rappels : {offsets}", offsets=reminders))
    names = [t("cette conversation") if chat_id == data.get("here") else escape(str(chat_id))
             for _platform, chat_id, _thread in data["channels"]]
    lines.append(t("Annoncé dans : {channels}", channels=", ".join(names)))
    lines += [t("À vérifier : {note}", note=escape(note)) for note in data.get("date_notes", ())]
    return "\n".join(lines)
