"""Opening hours as Québec writes them: "lun-ven 9h-17h; sam 10h-14h", "lundi au vendredi 8 h 30 à 16 h 30".

They map onto HSDS ``schedule`` rows: freq WEEKLY, byday "MO,TU,…", opens_at, closes_at.
Hours never run past midnight: "ven 22h à 2h" is refused, to be written as two ranges
("ven 22h à 23h59; sam 0h à 2h"); "minuit" or "24h" as a closing time is 23:59.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from directory.details import Schedule
from directory.field_values import NONE_TEXT, FieldError, Translate, controls_error, has_controls, is_none
from directory.ranking import in_french
from directory.text import fold

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545 BYDAY codes, Monday first
DAY_TEXTS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
_DAY_WORDS = ("lundi lundis lun lu", "mardi mardis mar ma", "mercredi mercredis mer me", "jeudi jeudis jeu je",
              "vendredi vendredis ven ve", "samedi samedis sam sa", "dimanche dimanches dim di")
DAYS = {word: code for code, names in zip(DAY_CODES, _DAY_WORDS, strict=True) for word in names.split()}
LAST_MINUTE = dt.time(23, 59)
_ALWAYS = re.compile(r"24 ?/ ?7|24 ?h(?:eures)? ?(?:/|sur) ?24,? ?(?:et )?7 ?j(?:ours)? ?(?:/|sur) ?7")
_PHRASES = (  # phrases read as days before words are split
    (re.compile(r"\b(?:fins? de semaine|week-?ends?)\b"), " sam, dim "),
    (re.compile(r"\b(?:tous les jours|chaque jour|7 jours sur 7|7 ?j ?/ ?7|7 jours|tlj|quotidiennement)\b"), " tlj "),
    (re.compile(r"\b(?:en |la )?semaine\b"), " lun au ven "),
)
_TOKEN = re.compile(r"(?P<time>(?P<hour>\d{1,2})\s*(?:heures?|h|:)\s*(?P<minute>\d{2})?(?!\d)|\d+)"
                    r"|(?P<word>[a-z]+)|(?P<mark>[-,/+&;])|(?P<space>[\s.':])|(?P<other>.)")
_TO, _AND, _END = ("a", "au", "jusqu", "jusqua", "-"), ("et", ",", "/", "+", "&"), (";",)
_SKIPPED = frozenset({"de", "du", "le", "les", "des", "ouvert", "ouverte", "ouverts", "ouvertes", "l"})
_EXAMPLE = "lun-ven 9h-17h; sam 10h-14h"


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Open on ``days`` (RFC 5545 codes, Monday first, no repeats) from ``opens`` to ``closes`` (later)."""

    days: tuple[str, ...]
    opens: dt.time
    closes: dt.time


@dataclass(slots=True)
class _Group:
    """Days typed together, and the time ranges that follow them."""

    days: list[str] = field(default_factory=list)
    ranges: list[tuple[dt.time, dt.time]] = field(default_factory=list)


def parse_hours(text: str, t: Translate = in_french) -> tuple[OpeningHours, ...]:
    """Opening hours, groups separated by ";" or new lines: "lun-ven 9h-17h; sam 10h-14h",
    "lundi au vendredi 8 h 30 à 16 h 30", "mar, jeu 13h a 16h", "lun-ven 9h-12h et 13h-17h",
    "tous les jours 10h-16h", "fin de semaine 10h-14h", "24/7" (every day 0:00–23:59). One
    OpeningHours per time range, in the order typed. "fermé" is refused (that is the status);
    "-" or "aucun" gives none.
    """
    if is_none(text):
        return ()
    if has_controls(text.replace("\n", " ").replace("\r", " ").replace("\t", " ")):
        raise controls_error(t)
    folded = " ".join(fold(text).replace("–", "-").replace("—", "-").replace("\n", ";").split())
    if _ALWAYS.fullmatch(folded):
        return (OpeningHours(DAY_CODES, dt.time(0, 0), LAST_MINUTE),)
    if re.search(r"\bfermee?s?\b", folded):
        raise FieldError(t("Les heures ne disent pas qu'un service est fermé : changez plutôt son statut "
                           "(par exemple « fermé temporairement »), et écrivez ici les heures d'ouverture, "
                           "par exemple « {example} ».", example=_EXAMPLE))
    for pattern, days in _PHRASES:
        folded = pattern.sub(days, folded)
    groups = _groups(_tokens(folded, text, t), t)
    hours = tuple(OpeningHours(_ordered(group.days), opens, closes) for group in groups for opens, closes in group.ranges)
    if not hours:
        raise FieldError(t("Aucune heure : écrivez les jours puis les heures, par exemple « {example} », "
                           "ou « aucun ».", example=_EXAMPLE))
    return hours


def _tokens(folded: str, typed: str, t: Translate) -> list[tuple[str, Any]]:
    """("day", code), ("time", (hour, minute, typed)), ("to"|"and"|"end", None) of ``folded``."""
    tokens: list[tuple[str, Any]] = []
    for match in _TOKEN.finditer(folded):
        piece = match[0]
        if match["time"]:
            hour = match["hour"] or piece
            tokens.append(("time", (int(hour) if len(hour) <= 2 else 99, int(match["minute"] or 0), piece)))
        elif piece in ("midi", "minuit"):
            tokens.append(("time", (12 if piece == "midi" else 24, 0, piece)))
        elif piece in DAYS:
            tokens.append(("day", DAYS[piece]))
        elif piece == "tlj":
            tokens.extend(("day", code) for code in DAY_CODES)
        elif piece in _TO or piece in _AND or piece in _END:
            tokens.append(("to" if piece in _TO else "and" if piece in _AND else "end", None))
        elif not match["space"] and piece not in _SKIPPED:
            raise FieldError(t("Je ne comprends pas « {word} » dans « {value} » : écrivez les jours puis les heures, "
                               "par exemple « {example} ».", word=piece, value=typed.strip(), example=_EXAMPLE))
    return tokens


def _groups(tokens: list[tuple[str, Any]], t: Translate) -> list[_Group]:
    groups, current, i = [], _Group(), 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "day":
            if current.ranges:
                groups.append(current)
                current = _Group()
            if tokens[i + 1 : i + 2] == [("to", None)] and i + 2 < len(tokens) and tokens[i + 2][0] == "day":
                current.days += _day_span(value, tokens[i + 2][1])
                i += 3
                continue
            current.days.append(value)
        elif kind == "time":
            if not (i + 2 < len(tokens) and tokens[i + 1][0] == "to" and tokens[i + 2][0] == "time"):
                raise FieldError(t("Il manque l'heure de fermeture : écrivez chaque plage comme « 9h-17h », "
                                   "par exemple « {example} ».", example=_EXAMPLE))
            if not current.days:
                raise FieldError(t("Il manque les jours : écrivez-les avant les heures, par exemple « {example} », "
                                   "ou « tous les jours 10h-16h ».", example=_EXAMPLE))
            current.ranges.append(_time_range(value, tokens[i + 2][1], t))
            i += 3
            continue
        elif kind == "end" and current.days:
            groups.append(current)
            current = _Group()
        elif kind == "to":
            raise FieldError(t("Je ne comprends pas ces heures : écrivez les jours puis les heures, "
                               "par exemple « {example} ».", example=_EXAMPLE))
        i += 1
    if current.days:
        groups.append(current)
    if any(not group.ranges for group in groups):
        raise FieldError(t("Il manque les heures après des jours : écrivez chaque jour suivi de ses heures, "
                           "par exemple « {example} ».", example=_EXAMPLE))
    return groups


def _day_span(first: str, last: str) -> list[str]:
    """The days from ``first`` to ``last``, through Sunday when ``last`` comes before ``first``."""
    start, end = DAY_CODES.index(first), DAY_CODES.index(last)
    return [DAY_CODES[(start + step) % 7] for step in range((end - start) % 7 + 1)]


def _ordered(days: list[str]) -> tuple[str, ...]:
    return tuple(code for code in DAY_CODES if code in days)


def _time_range(opens: tuple[int, int, str], closes: tuple[int, int, str], t: Translate) -> tuple[dt.time, dt.time]:
    start, end = _time(opens, t, closing=False), _time(closes, t, closing=True)
    if end <= start:
        raise FieldError(t("La fermeture ({closes}) doit venir après l'ouverture ({opens}) : une plage qui passe "
                           "minuit s'écrit en deux, par exemple « ven 22h-23h59; sam 0h-2h ».",
                           opens=time_text(start), closes=time_text(end)))
    return start, end


def _time(value: tuple[int, int, str], t: Translate, *, closing: bool) -> dt.time:
    hour, minute, typed = value
    if closing and (hour, minute) == (24, 0):
        return LAST_MINUTE
    if hour > 23 or minute > 59:
        raise FieldError(t("« {value} » n'est pas une heure : écrivez de 0 h à 23 h 59, "
                           "par exemple « 8 h 30 » ou « 16h30 ».", value=typed))
    return dt.time(hour, minute)


def time_text(value: dt.time) -> str:
    """A time as Québec writes it: "9 h", "8 h 30"."""
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def days_text(days: tuple[str, ...]) -> str:
    """"lun. au ven.", "mar., jeu.", "lun. au mer., sam.", "tous les jours"."""
    if len(days) == len(DAY_CODES):
        return "tous les jours"
    positions = [DAY_CODES.index(code) for code in days]
    runs: list[list[int]] = []
    for position in positions:
        if runs and position == runs[-1][-1] + 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    parts = []
    for run in runs:
        if len(run) > 2:
            parts.append(f"{DAY_TEXTS[run[0]]} au {DAY_TEXTS[run[-1]]}")
        else:
            parts.extend(DAY_TEXTS[position] for position in run)
    return ", ".join(parts)


def hours_text(value: tuple[OpeningHours, ...]) -> str:
    """"lun. au ven. 9 h à 17 h; sam. 10 h à 14 h", or "aucun"."""
    return "; ".join(f"{days_text(h.days)} {time_text(h.opens)} à {time_text(h.closes)}" for h in value) or NONE_TEXT


def to_schedule_rows(hours: Iterable[OpeningHours]) -> list[dict[str, Any]]:
    """HSDS ``schedule`` columns of each range: freq "WEEKLY", byday "MO,TU", opens_at, closes_at."""
    return [{"freq": "WEEKLY", "byday": ",".join(h.days), "opens_at": h.opens, "closes_at": h.closes} for h in hours]


def from_schedule_rows(rows: Iterable[Schedule | Mapping[str, Any]]) -> tuple[OpeningHours, ...]:
    """The weekly opening hours of schedule rows (objects or column mappings); rows that are not
    weekly day-of-week ranges with both times (descriptions, monthly rules, every other week,
    hours past midnight) are left out."""
    hours = []
    for row in rows:
        days = [code.strip().upper() for code in (_column(row, "byday") or "").split(",")]
        opens, closes = _column(row, "opens_at"), _column(row, "closes_at")
        weekly = (_column(row, "freq") or "WEEKLY").upper() == "WEEKLY" and _column(row, "interval") in (None, 1)
        if weekly and all(code in DAY_CODES for code in days) and opens and closes and opens < closes:
            hours.append(OpeningHours(_ordered(days), opens, closes))
    return tuple(hours)


def _column(row: Schedule | Mapping[str, Any], name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)
