"""``/evenement`` and its sub-commands, ``/evenements`` and ``/calendrier``.

- ``/evenement [titre ; quand ; lieu ; description ; places 30 ; rappels J-3 H-1]``: create (``handlers.event_flow``);
- ``/evenement reponses <n°>``: who answered what, and the waiting list;
- ``/evenement modifier <n°> <quand>``, ``/evenement annuler <n°>``: move or cancel, after confirmation;
- ``/evenement rappels <n°> J-3 H-1``: when its reminders are sent;
- ``/evenement ics <n°>``: its calendar file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from directory.text import fold
from handlers import event_flow
from handlers.context import Context
from handlers.event_cards import event_ics, to_ics_reply, to_when
from handlers.event_changes import ask_confirmation, may_change
from handlers.event_form import TimeMissing, offsets_problem, parse_offsets, read_when, to_reminders_said
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import refusal
from handlers.texts import Texts, texts_for
from scheduler.dates import DateProblem
from scheduler.event_store import find_events, next_start, set_reminder_offsets, upcoming
from scheduler.events import CANCELLED, MAYBE, NO, YES, Event
from scheduler.rsvps import answers
from scheduler.short_ids import to_short_id

LIST_LIMIT = 15
CALENDAR_LIMIT = 200
Sub = Callable[[Incoming, Context, Event, str], Awaitable[list[Reply]]]


async def event(incoming: Incoming, context: Context) -> list[Reply]:
    """``/evenement``: a sub-command on an event, or the creation of one."""
    head, _, rest = incoming.args.strip().partition(" ")
    sub = SUBCOMMANDS.get(fold(head))
    if sub is None:
        return await event_flow.begin(incoming, context)
    t = texts_for(incoming.locale)
    number, _, rest = rest.strip().partition(" ")
    if not number:
        return [Reply(t("Donnez le numéro de l'événement, par exemple « /evenement {sub} 3f2a9c1e » "
                        "(/evenements les montre).", sub=escape(fold(head))))]
    async with context.sessions() as session:
        found = await find_events(session, number)
    if not found:
        return [Reply(t("Je ne trouve pas l'événement n° {number}. Tapez /evenements pour voir les numéros.",
                        number=escape(number)))]
    if len(found) > 1:
        return [Reply(t("Plusieurs événements ont un numéro qui commence par « {number} » : donnez ses huit "
                        "caractères (/evenements les montre).", number=escape(number)))]
    if sub is not _ics and not await may_change(context, incoming, found[0]):
        return [refusal(t, incoming)]  # the calendar file is for everyone, the rest for its organizers
    return await sub(incoming, context, found[0], rest.strip())


async def _responses(incoming: Incoming, context: Context, found: Event, _rest: str) -> list[Reply]:
    t = texts_for(incoming.locale)
    async with context.sessions() as session:
        rows = await answers(session, found.id)
    groups: dict[str, list[str]] = {"yes": [], "waiting": [], MAYBE: [], NO: []}
    for row in rows:
        group = ("waiting" if row.position is not None else "yes") if row.answer == YES else row.answer
        groups[group].append(escape(row.display_name or f"{row.platform}:{row.user_id}"))
    lines = [t("Réponses à **{title}** ({when}) :", title=escape(found.title),
               when=escape(to_when(found, context.clock())))]
    if not rows:
        lines.append(t("Personne n'a encore répondu."))
    labels = {"yes": t("Y seront"), "waiting": t("Liste d'attente"), MAYBE: t("Peut-être"), NO: t("Ne peuvent pas")}
    for group, names in groups.items():
        if names:
            shown = [f"{n}. {name}" for n, name in enumerate(names, 1)] if group == "waiting" else names
            lines.append(t("- **{label}** ({count}) : {names}", label=labels[group], count=len(names),
                           names=", ".join(shown)))
    return [Reply("\n".join(lines))]


async def _reschedule(incoming: Incoming, context: Context, found: Event, rest: str) -> list[Reply]:
    t = texts_for(incoming.locale)
    if found.status == CANCELLED:
        return [Reply(t("Cet événement est annulé : créez-en un autre avec /evenement."))]
    if not rest:
        return [Reply(t("Donnez la nouvelle date, par exemple « /evenement modifier {id} jeudi prochain 17 h ».",
                        id=to_short_id(found.id)))]
    timing = read_when(rest, context.clock(), context.timezone)
    if isinstance(timing, DateProblem):
        return [Reply(escape(timing.message))]
    if isinstance(timing, TimeMissing):
        return [Reply(t("Précisez l'heure, par exemple « {text} à 17 h ».", text=escape(timing.text)))]
    if found.rrule is not None and timing.rrule is None:
        return [Reply(t("Cet événement revient régulièrement : donnez le nouveau rythme, par exemple "
                        "« /evenement modifier {id} chaque premier jeudi du mois à 18 h ».", id=to_short_id(found.id)))]
    data = {"action": "reschedule", "event": found.id.hex, "start": timing.start.isoformat(),
            "rrule": timing.rrule, "skip_holidays": timing.skip_holidays}
    text = t("Déplacer **{title}** ?\nAvant : {before}\nAprès : {after}\nLes personnes qui ont répondu seront prévenues.",
             title=escape(found.title), before=escape(to_when(found, context.clock())), after=escape(timing.text_fr))
    notes = [t("À vérifier : {note}", note=escape(note)) for note in timing.notes]
    return await ask_confirmation(incoming, context, data, "\n".join([text, *notes]))


async def _cancel(incoming: Incoming, context: Context, found: Event, _rest: str) -> list[Reply]:
    t = texts_for(incoming.locale)
    if found.status == CANCELLED:
        return [Reply(t("Cet événement est déjà annulé."))]
    text = t("Annuler **{title}** ({when}) ? Les personnes qui ont répondu seront prévenues.",
             title=escape(found.title), when=escape(to_when(found, context.clock())))
    return await ask_confirmation(incoming, context, {"action": "cancel", "event": found.id.hex}, text)


async def _reminders(incoming: Incoming, context: Context, found: Event, rest: str) -> list[Reply]:
    t = texts_for(incoming.locale)
    offsets = parse_offsets(rest)
    if offsets is None:
        return [Reply(offsets_problem(rest, t))]
    now = context.clock()
    async with context.sessions.begin() as session:
        current = await session.get(Event, found.id, populate_existing=True)
        if current is None or current.status == CANCELLED:
            return [Reply(t("Cet événement n'existe plus ou est déjà annulé."))]
        await set_reminder_offsets(session, current, offsets, now)
    first = next_start(current, now) or current.starts_at
    said = to_reminders_said(offsets, first, current.rrule is not None, now, ZoneInfo(current.zone), t)
    return [Reply(t("Rappels de **{title}** : {offsets}.", title=escape(found.title), offsets=said))]


async def _ics(incoming: Incoming, context: Context, found: Event, _rest: str) -> list[Reply]:
    return [event_ics(found, texts_for(incoming.locale), context.clock())]


SUBCOMMANDS: dict[str, Sub] = {
    "reponses": _responses, "responses": _responses,
    "modifier": _reschedule, "deplacer": _reschedule, "reschedule": _reschedule,
    "annuler": _cancel, "cancel": _cancel,
    "rappels": _reminders, "reminders": _reminders,
    "ics": _ics, "calendrier": _ics,
}


async def events(incoming: Incoming, context: Context) -> list[Reply]:
    """``/evenements``: what is coming, each with its number."""
    t = texts_for(incoming.locale)
    now = context.clock()
    coming = await _coming(context, now, LIST_LIMIT)
    if not coming:
        return [Reply(_nothing_coming(t))]
    lines = [t("**Événements à venir** :")]
    for found in coming:
        values = {"title": escape(found.title), "when": escape(to_when(found, now)), "id": to_short_id(found.id)}
        if found.place:
            lines.append(t("- **{title}** : {when} — {place} (n° {id})", place=escape(found.place), **values))
        else:
            lines.append(t("- **{title}** : {when} (n° {id})", **values))
    lines.append(t("Le calendrier de tous : /calendrier ; d'un seul : /evenement ics <n°>."))
    return [Reply("\n".join(lines))]


async def calendar(incoming: Incoming, context: Context) -> list[Reply]:
    """``/calendrier``: every upcoming event in one ``.ics``."""
    t = texts_for(incoming.locale)
    now = context.clock()
    coming = await _coming(context, now, CALENDAR_LIMIT)
    if not coming:
        return [Reply(_nothing_coming(t))]
    text = t("{count} événement(s) à venir : ouvrez le fichier pour les ajouter à votre agenda.", count=len(coming))
    return [to_ics_reply(coming, "passerelle-evenements.ics", text, now)]


async def _coming(context: Context, now: dt.datetime, limit: int) -> list[Event]:
    """The scheduled events still to come after ``now``, the soonest first."""
    async with context.sessions() as session:
        return [found for found, _start in await upcoming(session, now, limit)]


def _nothing_coming(t: Texts) -> str:
    return t("Aucun événement à venir. Les coordonnateurs en créent avec /evenement.")
