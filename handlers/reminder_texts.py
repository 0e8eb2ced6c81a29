"""The words of a reminder: what, when (in how long, and the local date and time), where, who comes.

"**Rappel : 5-à-7 de l'automne**" then "5-à-7 · demain, jeudi 5 décembre, 17 h", the place,
how many said they will be there, and, for a reminder sent late, the delay. Dates are read on
the event's zone (the network's) and written in the network's language; the buttons let people
answer from the reminder itself.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, format_timedelta

from handlers.markup import escape
from handlers.messages import Button, Reply
from handlers.texts import Texts
from scheduler.datewords import to_french_date, to_french_time
from scheduler.events import Event
from scheduler.reminders import Due

HOURS_AHEAD = dt.timedelta(hours=12)  # closer than this, a reminder counts hours ("dans 2 heures"), not days


def to_reminder(t: Texts, event: Event, due: Due, coming: int, now: dt.datetime) -> Reply:
    """The reminder of ``due`` for ``event`` at ``now``, with ``coming`` people who said "J'y serai"."""
    zone = ZoneInfo(event.zone)
    relative = to_relative(t, due.occurrence_start, now, zone)
    when = f"{escape(t(event.kind))} · {relative}, {to_local_text(t, due.occurrence_start, now, zone)}"
    lines = [t("**Rappel : {title}**", title=escape(event.title)), when]
    if event.place:
        lines.append(t("Lieu : {place}", place=escape(event.place)))
    lines.append(to_coming(t, coming))
    if due.note is not None:
        lines.append(t("Rappel envoyé avec {delay} de retard.", delay=to_delay(t, now - due.due_at)))
    return Reply("\n".join(lines), buttons=to_rsvp_buttons(t, event))


def to_rsvp_buttons(t: Texts, event: Event) -> tuple[Button, ...]:
    """"J'y serai", "Peut-être" and "Je ne peux pas" for ``event``."""
    return (
        Button(t("J'y serai"), f"rsvp:y:{event.id.hex}"),
        Button(t("Peut-être"), f"rsvp:m:{event.id.hex}"),
        Button(t("Je ne peux pas"), f"rsvp:n:{event.id.hex}"),
    )


def to_relative(t: Texts, start: dt.datetime, now: dt.datetime, zone: ZoneInfo) -> str:
    """How soon ``start`` is: "dans 45 min", "dans 2 heures", "aujourd'hui", "demain", "dans 7 jours"."""
    ahead = start - now
    if ahead < dt.timedelta(hours=1):
        return t("dans {minutes} min", minutes=max(round(ahead.total_seconds() / 60), 0))
    if ahead < HOURS_AHEAD:
        hours = round(ahead.total_seconds() / 3600)
        return t("dans 1 heure") if hours == 1 else t("dans {hours} heures", hours=hours)
    days = (start.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return t("aujourd'hui")
    return t("demain") if days == 1 else t("dans {days} jours", days=days)


def to_local_text(t: Texts, moment: dt.datetime, now: dt.datetime, zone: ZoneInfo) -> str:
    """``moment`` on the local wall clock, as the language writes it: "jeudi 5 décembre, 17 h 30"
    (the year too when it is not this one)."""
    local = moment.astimezone(zone)
    with_year = local.year != now.astimezone(zone).year
    if t.language == "fr":
        return f"{to_french_date(local.date(), with_year)}, {to_french_time(local.time())}"
    day = format_date(local, "EEEE, MMMM d" + (", y" if with_year else ""), locale=t.locale)
    return f"{day}, {format_time(local, 'short', locale=t.locale)}"


def to_coming(t: Texts, coming: int) -> str:
    """How many people said they will be there."""
    if coming == 0:
        return t("Personne n'a encore répondu « J'y serai ».")
    if coming == 1:
        return t("1 personne y sera.")
    return t("{count} personnes y seront.", count=coming)


def to_delay(t: Texts, delay: dt.timedelta) -> str:
    """A delay in words of the language: "3 heures", "25 minutes", "2 jours"."""
    return format_timedelta(delay, locale=t.locale)
