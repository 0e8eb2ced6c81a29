"""Recurring events and announcements: French rhythms as RFC 5545 rules, expanded in local time.

``parse_recurrence("chaque premier jeudi du mois à 17 h", start_local, zone)`` gives a
:class:`Recurrence` whose ``rule`` is an RRULE value ("FREQ=MONTHLY;BYDAY=1TH") and whose
``start`` is the first occurrence at or after ``start_local``. Only the rule, the start, the
zone and the holiday flag are stored; occurrences are computed by dateutil on local wall
times, so 17 h stays 17 h across daylight-saving changes (a time the change skips moves
forward by the gap, a repeated one is taken at its first passage, as RFC 5545 says).

Rules a calendar would not read the same way are refused: "chaque mois le 31" (months
without a 31st would be skipped: "le dernier jour du mois" says it) and fifth weekdays.
"chaque année le 29 février" is kept with RFC 5545's meaning, leap years only, and a note.
Québec statutory holidays are skipped when asked ("sauf les jours fériés", or
``skip_holidays=True``): the days ``holidays.Canada(subdiv="QC")`` lists, days observed in
lieu included (Christmas on a Saturday also closes Monday the 27th).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import rrulestr

from scheduler.datewords import (
    DAY_NAMES,
    MONTH_NAMES,
    NUMBER_WORDS,
    DateProblem,
    Refusal,
    days_in,
    refuse,
    to_french_date,
    to_french_time,
    to_hour,
)
from scheduler.recurrenceparts import EXAMPLES, Pattern, read

__all__ = ["DateProblem", "Recurrence", "parse_recurrence", "to_french"]

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EVERY_ONE = {"DAILY": "jour", "WEEKLY": "semaine", "MONTHLY": "mois", "YEARLY": "année"}
EVERY_MANY = {"DAILY": "jours", "WEEKLY": "semaines", "MONTHLY": "mois", "YEARLY": "ans"}
ORDINAL_NAMES = {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", -1: "dernier"}
QUEBEC_HOLIDAYS = holidays.country_holidays("CA", subdiv="QC", language="fr")
# Occurrences skipped in a row before a holiday-skipping rule is taken to have no more.
MAX_SKIPPED_IN_A_ROW = 20
# Occurrences are looked for from this much before ``after`` on the local clock, so that no
# daylight-saving offset can hide one.
LOOKBEHIND = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """An RRULE value, its first occurrence in ``zone`` and whether Québec holidays are skipped."""

    rule: str
    start: dt.datetime
    zone: ZoneInfo
    skip_holidays: bool = False
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None:
            raise ValueError(f"naive start for rule {self.rule!r}: {self.start!r}")

    @property
    def text_fr(self) -> str:
        """The rhythm in French: "chaque premier jeudi du mois à 17 h"."""
        return to_french(self.rule, self.start.astimezone(self.zone).time(), self.skip_holidays)

    def occurrences(self, after: dt.datetime, count: int) -> list[dt.datetime]:
        """The next ``count`` occurrences strictly after ``after``, as aware UTC datetimes."""
        if after.utcoffset() is None:
            raise ValueError(f"naive datetime: {after!r}")
        rule = rrulestr(self.rule, dtstart=self.start.astimezone(self.zone).replace(tzinfo=None))
        since = after.astimezone(self.zone).replace(tzinfo=None) - LOOKBEHIND
        found: list[dt.datetime] = []
        skipped = 0
        for naive in rule.xafter(since, inc=True):
            if len(found) >= count or skipped > MAX_SKIPPED_IN_A_ROW:
                break
            moment = naive.replace(tzinfo=self.zone).astimezone(dt.UTC)
            if moment <= after:
                continue
            if self.skip_holidays and naive.date() in QUEBEC_HOLIDAYS:
                skipped += 1
                continue
            skipped = 0
            found.append(moment)
        return found


def parse_recurrence(
    text: str, start_local: dt.datetime, zone: ZoneInfo, *, skip_holidays: bool = False
) -> Recurrence | DateProblem:
    """Read ``text`` as a rhythm starting at or after ``start_local`` (a naive value is local time)."""
    anchor = start_local.replace(tzinfo=zone) if start_local.tzinfo is None else start_local.astimezone(zone)
    try:
        pattern = read(text)
        rule, notes = _rule(pattern, anchor)
        return _aligned(rule, pattern, anchor, zone, skip_holidays or pattern.skip_holidays, notes)
    except Refusal as refusal:
        return refusal.problem


def _rule(p: Pattern, start: dt.datetime) -> tuple[str, list[str]]:
    """The RRULE value ``p`` describes, ``start`` filling in what the text leaves out."""
    ranked = [(rank, day) for rank, day in p.weekdays if rank is not None]
    plain = sorted({day for rank, day in p.weekdays if rank is None})
    notes: list[str] = []
    if ranked and (plain or p.month_day is not None):
        refuse("unreadable", "Je ne vois pas quels jours : gardez « le premier jeudi » ou « le 15 ».")
    if p.month is not None and not ranked and p.month_day is None:
        refuse("unreadable", f"Quel jour de {MONTH_NAMES[p.month]} ? "
                             "Par exemple : « chaque année le 3 juin ».")
    if ranked:
        freq = "YEARLY" if p.month is not None else "MONTHLY"
        parts = [f"BYMONTH={p.month}"] if p.month is not None else []
        parts.append("BYDAY=" + ",".join(f"{rank}{DAY_CODES[day]}" for rank, day in ranked))
    elif p.month_day is not None or p.month is not None or (p.unit in ("MONTHLY", "YEARLY") and not plain):
        day = start.day if p.month_day is None else p.month_day
        if p.month is not None or p.unit == "YEARLY":
            freq, month = "YEARLY", p.month or start.month
            parts = [f"BYMONTH={month}", f"BYMONTHDAY={day}"]
            _check_day_of(month, day, notes)
        else:
            freq, parts = "MONTHLY", [f"BYMONTHDAY={day}"]
            if day > 28:
                refuse("impossible", f"Tous les mois n'ont pas de {day} : choisissez un jour de 1 à 28, "
                                     "ou écrivez « le dernier jour du mois ».")
    elif plain or p.unit == "WEEKLY":
        freq, parts = "WEEKLY", ["BYDAY=" + ",".join(DAY_CODES[day] for day in plain or [start.weekday()])]
    elif p.unit == "DAILY":
        freq, parts = "DAILY", []
    else:
        refuse("unreadable", f"Je ne vois pas le rythme. Par exemple : {EXAMPLES}.")
    if p.unit not in (None, freq):
        if plain and p.unit == "MONTHLY":
            name = DAY_NAMES[plain[0]]
            refuse("unreadable", f"Quel {name} du mois ? Par exemple : « le premier {name} du mois ».")
        refuse("unreadable", "Je ne vois pas le rythme : le jour et l'intervalle ne vont pas ensemble. "
                             f"Par exemple : {EXAMPLES}.")
    interval = [f"INTERVAL={p.interval}"] if p.interval > 1 else []
    return ";".join([f"FREQ={freq}", *interval, *parts]), notes


def _check_day_of(month: int, day: int, notes: list[str]) -> None:
    """Refuse a day the month never has; note that February 29th comes only in leap years."""
    name = MONTH_NAMES[month]
    if day > (longest := days_in(2000, month)):
        refuse("impossible", f"Le {day} {name} n'existe pas : {name} a au plus {longest} jours.")
    if (month, day) == (2, 29):
        notes.append("Le 29 février n'existe que les années bissextiles : ce sera seulement ces années-là. "
                     "Pour tous les ans, écrivez « chaque année le dernier jour de février ».")


def _aligned(
    rule: str, p: Pattern, anchor: dt.datetime, zone: ZoneInfo, skip_holidays: bool, notes: list[str]
) -> Recurrence:
    """The recurrence from the rule's first day at or after ``anchor`` (an interval counts from there)."""
    naive = anchor.replace(tzinfo=None)
    if p.clock is not None:
        time = dt.time(to_hour(p.clock, p.clock.period or p.period), p.clock.minute)
        first_day = naive.date() if time >= naive.time() else naive.date() + dt.timedelta(days=1)
        naive = dt.datetime.combine(first_day, time)
    first = rrulestr(rule, dtstart=naive).replace(interval=1).after(naive, inc=True)
    recurrence = Recurrence(rule, first.replace(tzinfo=zone), zone, skip_holidays, tuple(notes))
    if skip_holidays and not recurrence.occurrences(recurrence.start - dt.timedelta(seconds=1), 1):
        said = to_french_date(first.date(), True)
        refuse("impossible", f"Toutes les dates ({said}…) tombent un jour férié.")
    return recurrence


def to_french(rule: str, at: dt.time | None = None, skip_holidays: bool = False) -> str:
    """An RRULE value in French: "chaque premier jeudi du mois à 17 h", "aux deux semaines, le jeudi"."""
    parts = dict(part.split("=", 1) for part in rule.split(";"))
    freq, interval = parts.pop("FREQ"), int(parts.pop("INTERVAL", "1"))
    days = [_day_code(code) for code in parts.pop("BYDAY").split(",")] if "BYDAY" in parts else []
    month_day = int(parts.pop("BYMONTHDAY")) if "BYMONTHDAY" in parts else None
    month = int(parts.pop("BYMONTH")) if "BYMONTH" in parts else None
    if parts:
        raise ValueError(f"unsupported RRULE parts {sorted(parts)} in {rule!r}")
    every = _every(freq, interval)
    lead = f"{every}," if interval > 1 else every
    ranked = [(rank, day) for rank, day in days if rank is not None]
    if ranked:
        which = " et ".join(f"{ORDINAL_NAMES[rank]} {DAY_NAMES[day]}" for rank, day in ranked)
        text = f"chaque {which} du mois" if freq == "MONTHLY" and interval == 1 else f"{lead} le {which}"
        text += f" {_of_month(month)}" if month else ""
    elif days:
        text = f"{lead} le " if interval > 1 else "chaque "
        text += " et ".join(DAY_NAMES[day] for _rank, day in days)
    elif month_day == -1 and month is None and interval == 1:
        text = "chaque dernier jour du mois"
    elif month_day is not None:
        which = "dernier jour" if month_day == -1 else "1er" if month_day == 1 else str(month_day)
        if month is not None:
            which += f" {_of_month(month)}" if month_day == -1 else f" {MONTH_NAMES[month]}"
        text = f"{lead} le {which}"
    else:
        text = every
    text += f" à {to_french_time(at)}" if at else ""
    return text + (", sauf les jours fériés" if skip_holidays else "")


def _every(freq: str, interval: int) -> str:
    """"chaque semaine", or "aux deux semaines" for an interval."""
    if interval == 1:
        return f"chaque {EVERY_ONE[freq]}"
    return f"aux {NUMBER_WORDS.get(interval, str(interval))} {EVERY_MANY[freq]}"


def _of_month(month: int) -> str:
    name = MONTH_NAMES[month]
    return f"d'{name}" if name[0] in "aeiouéè" else f"de {name}"


def _day_code(code: str) -> tuple[int | None, int]:
    rank = code[:-2]
    return (int(rank) if rank else None), DAY_CODES.index(code[-2:])
