"""Reading an event typed in one message, forgivingly, and the date or rhythm it gives.

Parts are separated by ";" or new lines: "titre ; quand ; lieu ; description". A part may be
labelled ("lieu : Café du Port", "quand : jeudi 17 h"), and a few extras are recognised anywhere:
"places 30", "rappels J-3 H-1", "type portes ouvertes". Unlabelled parts are read in order,
title first; the first one after it that reads as a date or a rhythm is the date, whatever its
place. The kind is taken from the title when not given ("5 à 7 de Noël" is a 5-à-7).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from directory.text import fold
from handlers.markup import escape
from handlers.texts import Texts
from scheduler.dates import DateProblem, parse_when
from scheduler.datewords import Refusal, to_french_date, to_french_time
from scheduler.events import KINDS
from scheduler.recurrence import parse_recurrence
from scheduler.recurrenceparts import read as read_rhythm
from scheduler.reminders import due_time

OTHER = "autre"
MAX_CAPACITY = 100_000
# folded words naming each kind, longest first where they overlap
KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("je connais mon reseau", "Je connais mon réseau"),
    ("jcmr", "Je connais mon réseau"),
    ("circuit", "circuit des organismes"),
    ("portes ouvertes", "portes ouvertes"),
    ("porte ouverte", "portes ouvertes"),
    ("diner", "dîner d'apprentissage"),
    ("dejeuner", "dîner d'apprentissage"),
    ("5 a 7", "5-à-7"),
    ("5a7", "5-à-7"),
    ("cinq a sept", "5-à-7"),
    ("autre", OTHER),
)
LABELS = {
    "titre": "title", "nom": "title",
    "quand": "when", "date": "when",
    "lieu": "place", "endroit": "place", "adresse": "place",
    "description": "description", "details": "description",
    "type": "kind", "genre": "kind", "sorte": "kind",
    "places": "capacity", "capacite": "capacity", "maximum": "capacity",
    "rappels": "offsets", "rappel": "offsets",
}
# labels that may be followed by their value without a colon ("places 30", "rappels J-3")
BARE_LABELS = frozenset({"type", "places", "capacite", "maximum", "rappels", "rappel"})
_LABELLED = re.compile(r"^\s*(?P<label>[^\W\d_]+)\s*(?P<colon>:)?\s*(?P<value>.*)$", re.DOTALL)
_OFFSET = re.compile(r"(?P<unit>[jhs])\s*-\s*(?P<amount>\d{1,3})")
_RHYTHM_START = re.compile(r"^(chaque|tous|toutes|aux|hebdo|mensuel)", re.IGNORECASE)
OFFSET_UNITS = {"j": "D", "s": "W"}


@dataclass(frozen=True, slots=True)
class Timing:
    """When an event takes place: its first start (UTC), a rhythm, and how to say it."""

    start: dt.datetime
    rrule: str | None
    skip_holidays: bool
    text_fr: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TimeMissing:
    """A date or rhythm given without its time: the time has to be asked."""

    text: str
    day: dt.date | None  # the date of a one-shot event, none for a rhythm


def to_kind(text: str) -> str | None:
    """The kind of event ``text`` names or contains, none when it names none."""
    folded = " ".join(re.sub(r"[-'’]", " ", fold(text)).split())
    for words, kind in KIND_WORDS:
        if re.search(rf"(^|\W){re.escape(words)}($|\W)", folded):
            return kind
    return None


def parse_offsets(text: str) -> str | None:
    """"J-3 H-1" as ISO durations ("P3D,PT1H"), none when a part is not J-n, H-n or S-n."""
    folded = fold(text)
    found = [(m["unit"], int(m["amount"])) for m in _OFFSET.finditer(folded)]
    rest = re.split(r"[\s,]+", _OFFSET.sub(" ", folded))
    if not found or any(word not in ("", "et") for word in rest) or any(amount == 0 for _, amount in found):
        return None
    return ",".join(dict.fromkeys(_to_iso(unit, amount) for unit, amount in found))


def _to_iso(unit: str, amount: int) -> str:
    return f"PT{amount}H" if unit == "h" else f"P{amount}{OFFSET_UNITS[unit]}"


def to_offset_labels(offsets: str) -> str:
    """ISO durations shown as people type them: "P7D,P1D,PT2H" → "J-7, J-1, H-2"."""
    labels = []
    for part in filter(None, (p.strip() for p in offsets.split(","))):
        match = re.fullmatch(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(\d+)H)?", part)
        weeks, days, hours = (int(x or 0) for x in match.groups()) if match else (0, 0, 0)
        labels.append(f"S-{weeks}" if weeks else f"J-{days}" if days else f"H-{hours}" if hours else part)
    return ", ".join(labels)


def to_reminders_said(offsets: str, first: dt.datetime, recurring: bool, now: dt.datetime, zone: ZoneInfo,
                      t: Texts) -> str:
    """The reminders of an event as people read them, saying which ones are already past for its first
    occurrence ``first`` (those are not sent): "J-1, H-2 (trop tard pour J-7)"."""
    parts = [part.strip() for part in offsets.split(",") if part.strip()]
    past = [part for part in parts if due_time(first, part, zone) <= now]
    if not past:
        return to_offset_labels(offsets)
    said = to_offset_labels(",".join(past))
    if recurring:
        return t("{offsets} (trop tard pour {past} la première fois)", offsets=to_offset_labels(offsets),
                 past=said)
    coming = [part for part in parts if part not in past]
    if not coming:
        return t("aucun (trop tard pour {past})", past=said)
    return t("{offsets} (trop tard pour {past})", offsets=to_offset_labels(",".join(coming)), past=said)


def read_form(text: str, now: dt.datetime, zone: ZoneInfo, t: Texts) -> tuple[dict[str, Any], list[str]]:
    """The fields found in ``text`` (title, when, place, description, kind, capacity, offsets)
    and the problems of the extras that could not be read."""
    fields: dict[str, Any] = {}
    problems: list[str] = []
    loose: list[str] = []
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        match = _LABELLED.match(part)
        label = fold(match["label"]) if match else ""
        if match and label in LABELS and (match["colon"] or label in BARE_LABELS) and match["value"].strip():
            _take(fields, problems, LABELS[label], match["value"].strip(), t)
        else:
            loose.append(part)
    if loose and "title" not in fields:
        fields["title"] = loose.pop(0)
    if loose and "when" not in fields:
        dated = next((p for p in loose if not _unreadable(p, now, zone)), loose[0])
        loose.remove(dated)
        fields["when"] = dated
    for name, part in zip(("place", "description"), loose):
        fields.setdefault(name, part)
    if len(loose) > 2:
        fields["description"] = " ; ".join(loose[1:])
    if "kind" not in fields and "title" in fields:
        fields["kind"] = to_kind(fields["title"]) or OTHER
    return fields, problems


def _take(fields: dict[str, Any], problems: list[str], name: str, value: str, t: Texts) -> None:
    if name == "capacity":
        if value.isdecimal() and 0 < int(value) <= MAX_CAPACITY:
            fields["capacity"] = int(value)
        else:
            problems.append(t("« places {value} » : donnez un nombre de places, par exemple « places 30 ».",
                              value=escape(value)))
    elif name == "offsets":
        offsets = parse_offsets(value)
        if offsets is None:
            problems.append(offsets_problem(value, t))
        else:
            fields["offsets"] = offsets
    elif name == "kind":
        kind = to_kind(value)
        if kind is None:
            problems.append(t("« type {value} » : les types sont {kinds}.", value=escape(value),
                              kinds=escape(", ".join(KINDS))))
        else:
            fields["kind"] = kind
    else:
        fields[name] = value


def _unreadable(text: str, now: dt.datetime, zone: ZoneInfo) -> bool:
    result = read_when(text, now, zone)
    return isinstance(result, DateProblem) and result.kind == "unreadable"


def read_when(text: str, now: dt.datetime, zone: ZoneInfo) -> Timing | TimeMissing | DateProblem:
    """A date ("jeudi prochain 17 h") or a rhythm ("chaque premier jeudi du mois à 17 h") read after ``now``."""
    text = text.strip()
    if _RHYTHM_START.match(fold(text)):
        return _read_rhythm(text, now, zone)
    when = parse_when(text, now, zone)
    if isinstance(when, DateProblem):
        return when
    if when.time_missing:
        return TimeMissing(text, when.local.date())
    return Timing(when.start, None, False, when.text_fr, when.notes)


def read_time(missing: TimeMissing, answer: str, now: dt.datetime, zone: ZoneInfo) -> Timing | DateProblem:
    """The date or rhythm of ``missing`` at the time given in ``answer`` ("17 h", "midi")."""
    if missing.day is None:
        return _read_rhythm(f"{missing.text} à {answer.strip().removeprefix('à ')}", now, zone)
    when = parse_when(answer, now, zone, on=missing.day)
    if isinstance(when, DateProblem):
        return when
    if when.time_missing or when.local.date() != missing.day:
        return DateProblem("unreadable", "Donnez seulement l'heure, par exemple « 17 h » ou « midi ».")
    return Timing(when.start, None, False, when.text_fr, when.notes)


def _read_rhythm(text: str, now: dt.datetime, zone: ZoneInfo) -> Timing | TimeMissing | DateProblem:
    try:
        clock = read_rhythm(text).clock
    except Refusal as refusal:
        return refusal.problem
    if clock is None:
        return TimeMissing(text, None)
    recurrence = parse_recurrence(text, now.astimezone(zone), zone)
    if isinstance(recurrence, DateProblem):
        return recurrence
    first = recurrence.start.astimezone(zone)
    said = f"{recurrence.text_fr}, à partir du {to_french_moment(first, now.astimezone(zone).year)}"
    return Timing(recurrence.start.astimezone(dt.UTC), recurrence.rule, recurrence.skip_holidays, said,
                  recurrence.notes)


def to_french_moment(local: dt.datetime, this_year: int) -> str:
    """"jeudi 5 décembre, 17 h" (with the year when it is not ``this_year``)."""
    return f"{to_french_date(local.date(), local.year != this_year)}, {to_french_time(local.time())}"


def offsets_problem(value: str, t: Texts) -> str:
    """How to write reminders, after the text that could not be read."""
    return t("« {value} » : écrivez les rappels comme « J-7 J-1 H-2 » (J- pour des jours, H- pour des heures, "
             "S- pour des semaines avant l'événement).", value=escape(value))
