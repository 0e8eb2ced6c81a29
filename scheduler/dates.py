"""French dates and times as people type them, read against an injected clock.

``parse_when("jeudi prochain 17h", now, zone)`` gives a :class:`When` (UTC and local) or
a :class:`DateProblem` whose message says what was wrong and how to write it. Accents are
optional and a day or month name one or two letters off is still read ("decmbre",
"mercerdi"); the words are read by a small grammar (``scheduler.dateparts``). The rules:

- Numeric dates are day/month as in Québec: "5/6" is June 5th, never May 6th; "12/25"
  is refused with a hint to write "25/12". ISO "2026-12-05" and "2026/12/05" are year first.
- A day name alone is the next such day; on that very day it is refused as ambiguous
  (today or in a week?). "jeudi prochain" is the first Thursday after today, "jeudi en 8"
  (en 15) is a week (two) after the coming Thursday, today included, and "jeudi de la
  semaine prochaine" is the Thursday of next calendar week (Monday to Sunday).
- A date without a year is this year's, or next year's once it is more than
  :data:`RECENT_PAST` behind: "le 5 janvier" in November is next January, while
  "le 15 novembre" on November 19th is refused as past. "le 12" is the next 12th, today
  included; "vendredi le 12" must fall on a Friday. Dates more than :data:`MAX_YEARS_AHEAD`
  years ahead are refused.
- A time alone is today (or the day passed as ``on``); "minuit" ends the day it is said of
  ("vendredi minuit" is Saturday 0 h). "du soir", "pm", "ce soir" and "demain soir" turn
  1 h to 11 h into 13 h to 23 h.
- 1 h to 6 h 59 without "du matin" is kept with a note asking to check it (the date is always
  shown back before saving); a time that daylight saving skips is refused, and one that
  happens twice is taken at its first passage, with a note.
- A date without a time gives ``time_missing=True`` so the caller asks for the time;
  "toute la journée" gives ``all_day=True``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from scheduler.dateparts import EXAMPLES, Reading, read
from scheduler.datewords import (
    DAY_NAMES,
    MONTH_NAMES,
    DateProblem,
    Refusal,
    days_in,
    refuse,
    to_french_date,
    to_french_time,
    to_hour,
)

__all__ = ["DateProblem", "When", "parse_when"]

DEFAULT_ZONE = ZoneInfo("America/Toronto")
RECENT_PAST = dt.timedelta(days=30)
MAX_YEARS_AHEAD = 5
EARLY_HOURS = range(1, 7)


@dataclass(frozen=True, slots=True)
class When:
    """A moment read from French text: ``start`` in UTC, ``local`` in the network's zone."""

    start: dt.datetime
    local: dt.datetime
    text_fr: str
    time_missing: bool = False
    all_day: bool = False
    notes: tuple[str, ...] = ()


def parse_when(
    text: str, now: dt.datetime, zone: ZoneInfo = DEFAULT_ZONE, *, on: dt.date | None = None
) -> When | DateProblem:
    """Read ``text`` as a date and time after ``now``; ``on`` is the day meant when it gives only a time."""
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    local_now = now.astimezone(zone)
    try:
        return _resolve(read(text), text, local_now, zone, on)
    except Refusal as refusal:
        return refusal.problem


def _resolve(r: Reading, text: str, now: dt.datetime, zone: ZoneInfo, on: dt.date | None) -> When:
    today = now.date()
    if r.exact_shift is not None:
        if r.has_date or r.clock or r.period or r.all_day:
            refuse("unreadable", f"« {text.strip()} » : donnez soit un délai (dans 2 heures), "
                                 "soit une date et une heure.")
        return _when((now + r.exact_shift).replace(second=0, microsecond=0), today, [])
    if not (r.has_date or r.clock or r.period or r.all_day):
        where = f" dans « {text.strip()} »" if text.strip() else ""
        refuse("unreadable", f"Je n'ai pas trouvé de date{where}. Par exemple : {EXAMPLES}.")
    day = _day(r, today, on)
    if r.clock is None:
        if day < today:
            said = to_french_date(day, day.year != today.year)
            refuse("past", f"C'est déjà passé : {said}.{_next_year_hint(r, day)}")
        midnight = dt.datetime.combine(day, dt.time(), zone)
        return _when(midnight, today, [], time_missing=not r.all_day, all_day=r.all_day)
    if r.all_day:
        refuse("unreadable", "Toute la journée ou à une heure précise ? Gardez l'un des deux.")
    if r.clock.period and r.period and r.clock.period != r.period:
        refuse("unreadable", "Le matin ou le soir ? Gardez l'un des deux (ex. 9 h ou 21 h).")
    notes: list[str] = []
    hour = to_hour(r.clock, r.clock.period or r.period)
    if r.clock.word == "minuit" and hour == 0:
        notes.append(f"Minuit est compté à la fin du {to_french_date(day, False)}.")
        day += dt.timedelta(days=1)
    elif hour in EARLY_HOURS and not (r.clock.period or r.period):
        said, evening = (to_french_time(dt.time(h, r.clock.minute)) for h in (hour, hour + 12))
        notes.append(f"{said}, c'est tôt : si c'est le soir, écrivez {evening}.")
    local = _localized(dt.datetime.combine(day, dt.time(hour, r.clock.minute)), zone, notes)
    if local <= now:
        said = to_french_time(local.time())
        if not r.has_date and on is None:
            refuse("past", f"{said} est déjà passé aujourd'hui. Pour demain, écrivez « demain {said} ».")
        refuse("past", f"C'est déjà passé : {_text(local, today)}.{_next_year_hint(r, day)}")
    return _when(local, today, notes)


def _when(
    local: dt.datetime, today: dt.date, notes: list[str], time_missing: bool = False, all_day: bool = False
) -> When:
    """The When for ``local``, refused when it is more than :data:`MAX_YEARS_AHEAD` away."""
    if local.year > today.year + MAX_YEARS_AHEAD:
        refuse("too_far", f"Le {to_french_date(local.date(), True)}, c'est bien loin : "
                          f"donnez une date dans les {MAX_YEARS_AHEAD} prochaines années.")
    if time_missing:
        text = to_french_date(local.date(), local.year != today.year)
    else:
        text = _text(local, today, all_day)
    return When(local.astimezone(dt.UTC), local, text, time_missing, all_day, tuple(notes))


def _next_year_hint(r: Reading, day: dt.date) -> str:
    """How to write a day and month without a year when next year's was meant."""
    if r.month is None or r.year is not None:
        return " Donnez une date à venir."
    return f" Pour l'an prochain, écrivez « le {day.day} {MONTH_NAMES[day.month]} {day.year + 1} »."


def _day(r: Reading, today: dt.date, on: dt.date | None) -> dt.date:
    """The day ``r`` names, checked against any day name it also gives."""
    if r.offset_days is not None:
        day = today + dt.timedelta(days=r.offset_days)
    elif r.shift is not None:
        day = today + r.shift
    elif r.day is not None:
        day = _dated(r.day, r.month, r.year, today) if r.month is not None else _next_month_day(r.day, today)
    elif r.weekday is not None:
        return _weekday(r, r.weekday, today)
    elif r.next_week:
        refuse("unreadable", "Quel jour de la semaine prochaine ? "
                             "Par exemple : « jeudi de la semaine prochaine 17 h ».")
    else:
        return on or today
    if r.weekday is not None and day.weekday() != r.weekday:
        actual = to_french_date(day, day.year != today.year)
        refuse("impossible", f"Ce n'est pas un {DAY_NAMES[r.weekday]} : c'est le {actual}. "
                             "Vérifiez la date ou le jour.")
    return day


def _weekday(r: Reading, weekday: int, today: dt.date) -> dt.date:
    """The day ``weekday`` names, as said by "prochain", "en 8" or "de la semaine prochaine"."""
    ahead = (weekday - today.weekday()) % 7
    if r.next_week:
        return today + dt.timedelta(days=7 - today.weekday() + weekday)
    if r.weekday_plus:
        return today + dt.timedelta(days=ahead + r.weekday_plus)
    if ahead == 0 and not r.weekday_next:
        name = DAY_NAMES[weekday]
        refuse(
            "ambiguous",
            f"Aujourd'hui est {name} : voulez-vous dire aujourd'hui ({to_french_date(today, False)}) ou "
            f"{name} prochain ({to_french_date(today + dt.timedelta(days=7), False)}) ? "
            f"Écrivez « aujourd'hui 17 h » ou « {name} prochain 17 h ».",
        )
    return today + dt.timedelta(days=ahead or 7)


def _dated(day: int, month: int, year: int | None, today: dt.date) -> dt.date:
    """Day and month (and year) as written; without a year, the coming one (see :data:`RECENT_PAST`)."""
    if not 1 <= month <= 12:
        hint = f" Les dates s'écrivent jour/mois : {month}/{day}." if 1 <= day <= 12 < month <= 31 else ""
        refuse("impossible", f"{month} n'est pas un mois (1 à 12).{hint}")
    month_name, longest = MONTH_NAMES[month], days_in(2000, month)
    if not 1 <= day <= longest:
        refuse("impossible", f"Le {day} {month_name} n'existe pas : {month_name} a au plus {longest} jours.")
    if year is None:
        year = today.year
        this_year = dt.date(year, month, min(day, days_in(year, month)))
        if today - this_year > RECENT_PAST:
            year += 1
    elif year < 100:
        year += 2000
    if day > days_in(year, month):
        refuse("impossible", f"Il n'y a pas de {day} {month_name} en {year}.")
    return dt.date(year, month, day)


def _next_month_day(day: int, today: dt.date) -> dt.date:
    """The next date, today included, whose day of the month is ``day``."""
    if not 1 <= day <= 31:
        refuse("impossible", f"Le {day} n'existe pas : les jours vont de 1 à 31.")
    year, month = today.year, today.month
    while day > days_in(year, month) or dt.date(year, month, day) < today:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(year, month, day)


def _localized(naive: dt.datetime, zone: ZoneInfo, notes: list[str]) -> dt.datetime:
    """``naive`` in ``zone``: refused in a daylight-saving gap, the first passage in a repeated hour."""
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    said = f"Le {to_french_date(naive.date(), True)}, {to_french_time(naive.time())}"
    wall = first.astimezone(dt.UTC).astimezone(zone)
    if wall.replace(tzinfo=None) != naive:
        refuse("dst_gap", f"{said} n'existe pas : on avance l'heure cette nuit-là. "
                          f"Choisissez une autre heure, par exemple {to_french_time(wall.time())}.")
    notes.append(f"{said} arrive deux fois (on recule l'heure cette nuit-là) : "
                 "c'est la première qui est retenue.")
    return first


def _text(local: dt.datetime, today: dt.date, all_day: bool = False) -> str:
    """How Québec writes the moment back: "jeudi 5 décembre, 17 h 30" (the year when not this one)."""
    date = to_french_date(local.date(), local.year != today.year)
    return f"{date}, toute la journée" if all_day else f"{date}, {to_french_time(local.time())}"
