"""What a coordinator types after ``/decision``, read into decisions before anything is looked up.

One decision: ``/decision <table> ; <texte> [; réunion <date>] [; pour <organisme>, <organisme>]
[; d'ici <délai ou date>]``. Several, pasted after a meeting: ``/decision <table>`` (with the same
options, which then apply to every line) followed by one decision per line, each line allowed its
own "; pour …" and "; d'ici …"; list marks ("- ", "1. ", "2) ") are dropped.

The meeting is in the past (or today): "réunion hier", "réunion jeudi" (the last one), "réunion
12/11". The deadline is a delay after the meeting ("d'ici 2 semaines", the default) or a date to
come read by ``scheduler.dates.parse_when`` ("d'ici le 4 décembre").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from directory.text import fold
from handlers.texts import Texts
from scheduler.dateparts import Reading, read
from scheduler.dates import DateProblem, parse_when
from scheduler.datewords import Refusal, days_in, to_french_date

DEFAULT_DELAY = relativedelta(weeks=2)
TEXT_LIMIT = 1000
MEETING_WORDS = ("reunion", "rencontre")
DEADLINE_WORDS = ("d'ici", "dici", "echeance", "avant")
FOR_WORDS = ("pour",)
_LIST_MARK = re.compile(r"^\s*(?:[-*•·]|\d{1,3}\s*[.)-])\s*")


@dataclass(slots=True)
class Options:
    """The options of a line or of the header: meeting, organizations, deadline, as typed."""

    meeting: str | None = None
    organizations: list[str] | None = None
    deadline: str | None = None


@dataclass(slots=True)
class TypedDecision:
    """One decision as typed: its text, its own options, and its line (1 for the command's line)."""

    text: str
    line: int
    options: Options = field(default_factory=Options)


@dataclass(slots=True)
class Typed:
    """Everything typed after ``/decision``: the table, the options for all, the decisions."""

    table: str
    defaults: Options
    decisions: list[TypedDecision]


def read_typed(args: str) -> Typed:
    """The table, default options and decisions of ``args`` (the text after ``/decision``)."""
    lines = args.splitlines()
    header, rest = (lines[0] if lines else ""), lines[1:]
    parts = [part.strip() for part in header.split(";")]
    defaults = Options()
    texts = [part for part in parts[1:] if part and not _apply_option(defaults, part)]
    decisions = [TypedDecision("; ".join(texts), 1)] if texts else []
    for number, line in enumerate(rest, start=2):
        line = _LIST_MARK.sub("", line, count=1).strip()
        if not line:
            continue
        text, *options = [part.strip() for part in line.split(";")]
        typed = TypedDecision(text, number)
        extra = [part for part in options if part and not _apply_option(typed.options, part)]
        typed.text = "; ".join([text, *extra])
        decisions.append(typed)
    return Typed(parts[0], defaults, decisions)


def _apply_option(options: Options, part: str) -> bool:
    """Record ``part`` in ``options`` when it is one ("réunion …", "pour …", "d'ici …"); whether it was."""
    folded = fold(part).replace("’", "'")
    for words, name in ((MEETING_WORDS, "meeting"), (DEADLINE_WORDS, "deadline"), (FOR_WORDS, "organizations")):
        for word in words:
            if folded == word or folded.startswith(word + " "):
                value = part[len(word):].strip()
                if name == "organizations":
                    options.organizations = [name for name in (n.strip() for n in value.split(",")) if name]
                else:
                    setattr(options, name, value)
                return True
    return False


def read_meeting(text: str, today: dt.date, t: Texts) -> dt.date | str:
    """The day of a past meeting (today included) ``text`` names, or what is wrong with it."""
    example = t("Par exemple : « réunion hier », « réunion jeudi » ou « réunion 12/11 ».")
    if not text.strip():
        return t("Après « réunion », donnez la date de la réunion.") + " " + example
    try:
        reading = read(text)
    except Refusal as refusal:
        return refusal.problem.message
    day = _past_day(reading, today)
    if isinstance(day, str):
        return day or t("Je n'ai pas trouvé la date de la réunion dans « {text} ».", text=text.strip()) + " " + example
    if day > today:
        return t("La réunion du {day} n'a pas encore eu lieu : donnez la date d'une réunion passée (ou d'aujourd'hui).",
                 day=to_french_date(day, day.year != today.year))
    return day


def _past_day(r: Reading, today: dt.date) -> dt.date | str:
    """The latest day on or before ``today`` that ``r`` names; "" when it names none, or a problem."""
    if r.offset_days is not None:
        return today + dt.timedelta(days=r.offset_days)
    if r.day is not None and r.month is not None:
        year = r.year + 2000 if r.year is not None and r.year < 100 else r.year
        candidates = [year] if year is not None else [today.year, today.year - 1]
        for candidate in candidates:
            if 1 <= r.month <= 12 and 1 <= r.day <= days_in(candidate, r.month):
                day = dt.date(candidate, r.month, r.day)
                if year is not None or day <= today:
                    return day
        return f"{r.day}/{r.month} : cette date n'existe pas."
    if r.day is not None:
        year, month = today.year, today.month
        for _ in range(12):
            if r.day <= days_in(year, month) and dt.date(year, month, r.day) <= today:
                return dt.date(year, month, r.day)
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return f"Le {r.day} n'existe pas : les jours vont de 1 à 31."
    if r.weekday is not None and not (r.weekday_next or r.weekday_plus or r.next_week):
        return today - dt.timedelta(days=(today.weekday() - r.weekday) % 7)
    return ""


def read_deadline(text: str, meeting: dt.date, now: dt.datetime, zone: ZoneInfo, t: Texts) -> dt.date | str:
    """The deadline ``text`` gives (a delay after ``meeting``, or a date to come; two weeks after the
    meeting when empty), or what is wrong with it."""
    today = now.astimezone(zone).date()
    delay = DEFAULT_DELAY if not text.strip() else _delay(text)
    if delay is not None:
        day = meeting + delay
        if day < today:
            return t("L'échéance tomberait le {day}, déjà passé (réunion du {meeting}) : donnez une date à venir, "
                     "par exemple « d'ici le {example} ».", day=to_french_date(day, day.year != today.year),
                     meeting=to_french_date(meeting, meeting.year != today.year),
                     example=to_french_date(today + dt.timedelta(days=14), False))
        return day
    when = parse_when(text, now, zone)
    if isinstance(when, DateProblem):
        return t("Échéance : {problem}", problem=when.message)
    return when.local.date()


def _delay(text: str) -> relativedelta | None:
    """The delay "2 semaines", "10 jours", "1 mois" names, none when ``text`` is not a delay."""
    try:
        reading = read(f"dans {text}")
    except Refusal:
        return None
    if reading.shift is None or reading.clock is not None:
        return None
    return reading.shift
