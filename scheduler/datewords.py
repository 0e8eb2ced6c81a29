"""The French words of dates shared by dates and recurrences: tokens, day and month names, times of day.

Text is folded (accents optional) and cut into numbers, words and the signs ``/ : -``.
Day and month names come from Babel's ``fr_CA`` data; an unknown word may be a
misspelt name and is corrected when a single name is within one or two letters.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, NoReturn, Protocol, TypeVar

from babel.dates import format_date, format_time, get_day_names, get_month_names
from rapidfuzz.distance import OSA

from directory.text import fold

LOCALE = "fr_CA"
ProblemKind = Literal["past", "impossible", "ambiguous", "unreadable", "too_far", "dst_gap"]
Period = Literal["am", "pm"]


@dataclass(frozen=True, slots=True)
class DateProblem:
    """Why a date or a recurrence was refused, with a French message saying how to write it."""

    kind: ProblemKind
    message: str


class Refusal(Exception):
    """Raised inside the grammars to stop at the first problem."""

    def __init__(self, problem: DateProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def refuse(kind: ProblemKind, message: str) -> NoReturn:
    """Stop reading with ``message``."""
    raise Refusal(DateProblem(kind, message))


def _folded_names(names: Mapping[int, str]) -> dict[str, int]:
    return {fold(name).rstrip("."): number for number, name in names.items()}


WEEKDAYS = {
    **_folded_names(get_day_names("abbreviated", locale=LOCALE)),
    **_folded_names(get_day_names("wide", locale=LOCALE)),
}
MONTHS = {
    **_folded_names(get_month_names("abbreviated", locale=LOCALE)),
    **_folded_names(get_month_names("wide", locale=LOCALE)),
    "jan": 1, "fev": 2, "juil": 7, "sep": 9,
}
DAY_NAMES = dict(get_day_names("wide", locale=LOCALE))
MONTH_NAMES = dict(get_month_names("wide", locale=LOCALE))
_UNITS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "six": 6, "sept": 7, "huit": 8, "neuf": 9,
}
_TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
_TENS = {"dix": 10, "vingt": 20, "trente": 30}
_SPELLED = (
    [fold(name) for name in (*DAY_NAMES.values(), *MONTH_NAMES.values())]
    + ["demain", "aujourdhui", "prochain", "prochaine", "semaine", "minuit", "journee", "premier", "dernier",
       "deuxieme", "troisieme", "quatrieme", "chaque", "toutes", "feries", "heures"]
)
NUMBER_WORDS = {number: word for word, number in {**_UNITS, **_TEENS}.items() if number > 1}
PERIOD_WORDS: dict[str, Period] = {"soir": "pm", "soiree": "pm", "matin": "am", "matinee": "am"}
_TOKEN_RE = re.compile(r"\d+|[a-z]+|[/:-]")
_ELISION_RE = re.compile(r"\b(?:qu|[cdjlmnst])'")
MAX_DIGITS = 8
HOUR_MARKS = frozenset({"h", "hr", "hrs", "hre", "hres", "heure", "heures"})


def tokenize(text: str) -> list[str]:
    """Folded tokens of ``text`` with spelt-out numbers as digits ("dix-sept heures" → 17, heures)."""
    raw = _TOKEN_RE.findall(_ELISION_RE.sub(" ", fold(text)))
    tokens: list[str] = []
    i = 0
    while i < len(raw):
        word = raw[i]
        if len(word) > MAX_DIGITS and word.isdigit():
            refuse("unreadable", f"« {word[:MAX_DIGITS]}… » : ce nombre est trop long pour une date.")
        if word in _TENS:
            unit_at = i + 2 if i + 2 < len(raw) and raw[i + 1] in ("-", "et") else i + 1
            unit = raw[unit_at] if unit_at < len(raw) else ""
            if unit in _UNITS and (word != "dix" or _UNITS[unit] >= 7):
                tokens.append(str(_TENS[word] + _UNITS[unit]))
                i = unit_at + 1
                continue
        if word == "sept" and tokens and (tokens[-1].isdigit() or tokens[-1] in ("er", "premier")):
            tokens.append(word)
        elif word in _UNITS or word in _TEENS or word in _TENS:
            tokens.append(str(_UNITS.get(word) or _TEENS.get(word) or _TENS[word]))
        else:
            tokens.append(word)
        i += 1
    return tokens


State = TypeVar("State")


def read_with(
    text: str, matchers: Sequence[Callable[[list[str], int, State], int | None]], state: State, examples: str
) -> State:
    """Run ``matchers`` over the tokens of ``text`` filling ``state``; the first that matches moves on.

    A word no matcher takes is corrected once (a misspelt day or month name), then refused.
    """
    tokens = tokenize(text)
    i = 0
    while i < len(tokens):
        j = next((j for match in matchers if (j := match(tokens, i, state)) is not None), None)
        if j is not None:
            i = j
            continue
        fixed = corrected(tokens[i])
        if fixed is None or fixed == tokens[i]:
            refuse("unreadable",
                   f"Je ne comprends pas « {tokens[i]} » dans « {text.strip()} ». Par exemple : {examples}.")
        tokens[i] = fixed
    return state


def token_at(tokens: list[str], i: int) -> str:
    """``tokens[i]``, or "" past either end."""
    return tokens[i] if 0 <= i < len(tokens) else ""


def corrected(word: str) -> str | None:
    """The day or month name (or key word) ``word`` misspells, if exactly one is close enough."""
    if len(word) < 5 or not word.isalpha():
        return None
    limit = 1 if len(word) < 7 else 2
    distances = {name: OSA.distance(word, name, score_cutoff=limit) for name in _SPELLED}
    best = min(distances.values())
    closest = [name for name, distance in distances.items() if distance == best]
    return closest[0] if best <= limit and len(closest) == 1 else None


def weekday_of(word: str) -> int | None:
    """Monday-first number of a day name, singular or plural ("jeudis" → 3)."""
    if word in WEEKDAYS:
        return WEEKDAYS[word]
    return WEEKDAYS.get(word[:-1]) if word.endswith("s") and len(word) > 4 else None


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day as written: hour and minute, "midi"/"minuit" and any "du soir" / "pm"."""

    hour: int
    minute: int
    word: str | None = None
    period: Period | None = None


_PERIOD_SUFFIXES: dict[tuple[str, ...], Period] = {
    ("am",): "am", ("pm",): "pm", ("du", "matin"): "am", ("du", "soir"): "pm",
    ("de", "apres", "-", "midi"): "pm", ("de", "apres", "midi"): "pm",
}


class HoldsClock(Protocol):
    """A reading in progress that holds at most one time of day."""

    clock: Clock | None


def take_clock(tokens: list[str], i: int, reading: HoldsClock) -> int | None:
    """Read a time of day at ``tokens[i]`` into ``reading`` (refused when it already has one);
    the index after it, or None when there is none."""
    found = match_clock(tokens, i)
    if found is None:
        return None
    if reading.clock is not None:
        refuse("unreadable", "J'ai trouvé deux heures : gardez-en une.")
    reading.clock, j = found
    return j


def match_clock(tokens: list[str], i: int) -> tuple[Clock, int] | None:
    """Read a time of day at ``tokens[i]`` ("17 h 30", "17:30", "midi et demi", "5 pm"), or None."""
    word, nxt = tokens[i], token_at(tokens, i + 1)
    if word in ("midi", "minuit"):
        minute, j = _minutes(tokens, i + 1)
        hour = 12 if word == "midi" else 0
        if minute < 0:
            hour, minute = hour - 1 if hour else 23, 60 + minute
        return replace(checked_clock(hour, minute, None), word=word), j
    if not word.isdigit():
        return None
    hour = int(word)
    if nxt == ":" and token_at(tokens, i + 2).isdigit():
        minute, j = int(tokens[i + 2]), i + 3
    elif nxt in HOUR_MARKS:
        minute, j = _minutes(tokens, i + 2)
    elif nxt in ("am", "pm"):
        minute, j = 0, i + 1
    else:
        return None
    if minute < 0:
        hour, minute = hour - 1, 60 + minute
    period = None
    for words, value in _PERIOD_SUFFIXES.items():
        if tuple(tokens[j:j + len(words)]) == words:
            period, j = value, j + len(words)
            break
    return checked_clock(hour, minute, period), j


def _minutes(tokens: list[str], j: int) -> tuple[int, int]:
    """Minutes after an hour ("30", "et demie", "et quart", "moins le quart"; negative before it)."""
    rest = tokens[j:j + 3]
    if rest[:1] and rest[0].isdigit() and token_at(rest, 1) not in HOUR_MARKS:
        return int(rest[0]), j + 2 if rest[1:2] in (["min"], ["minutes"]) else j + 1
    if rest[:1] == ["et"] and rest[1:2] and rest[1] in ("demi", "demie", "quart"):
        return (15 if rest[1] == "quart" else 30), j + 2
    if rest[:1] == ["moins"]:
        if rest[1:3] == ["le", "quart"]:
            return -15, j + 3
        if rest[1:2] == ["quart"]:
            return -15, j + 2
    return 0, j


def checked_clock(hour: int, minute: int, period: Period | None) -> Clock:
    """A clock whose values exist, or a refusal saying which part is wrong."""
    if minute > 59:
        refuse("impossible", f"{minute} minutes n'existe pas : les minutes vont de 00 à 59 (ex. 17 h 30).")
    if hour > 23 or hour < 0:
        refuse("impossible", f"{hour} h n'existe pas : les heures vont de 0 h à 23 h "
                             "(ex. 17 h pour 5 h du soir).")
    if period == "pm" and hour == 0:
        refuse("impossible", "0 h du soir n'existe pas : écrivez midi, 12 h ou minuit.")
    return Clock(hour, minute, None, period)


def to_hour(clock: Clock, period: Period | None) -> int:
    """The 24-hour hour of ``clock``, "du soir" or "pm" adding twelve hours to 1 h to 11 h."""
    if clock.word is None and period == "pm" and 1 <= clock.hour <= 11:
        return clock.hour + 12
    if clock.word is None and period == "am" and clock.hour > 12:
        refuse("impossible", f"{clock.hour} h du matin n'existe pas : "
                             f"écrivez {clock.hour} h, sans « matin ».")
    return clock.hour


def days_in(year: int, month: int) -> int:
    """Number of days in ``month`` of ``year``."""
    return calendar.monthrange(year, month)[1]


def to_french_date(day: dt.date, with_year: bool) -> str:
    """The date as Québec writes it: "samedi 5 décembre", "lundi 1er mars 2027"."""
    pattern = "EEEE d'er' MMMM" if day.day == 1 else "EEEE d MMMM"
    return format_date(day, pattern + (" y" if with_year else ""), locale=LOCALE)


def to_french_time(moment: dt.time) -> str:
    """The time as Québec writes it: "17 h", "17 h 30"."""
    return format_time(moment, "H 'h' mm" if moment.minute else "H 'h'", locale=LOCALE)
