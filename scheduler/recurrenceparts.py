"""What a French recurrence names ("chaque premier jeudi du mois à 17 h"), read word by word."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from scheduler.datewords import (
    MONTHS,
    PERIOD_WORDS,
    Clock,
    Period,
    checked_clock,
    corrected,
    read_with,
    refuse,
    take_clock,
    token_at,
    weekday_of,
)

Frequency = Literal["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
EXAMPLES = (
    "« chaque premier jeudi du mois à 17 h », « tous les jeudis », "
    "« aux deux semaines », « chaque année le 3 juin »"
)
FILLERS = frozenset(
    {"chaque", "tous", "toutes", "tout", "les", "le", "la", "de", "du", "des", "a", "au", "aux", "et", "-"}
)
UNITS: dict[str, Frequency] = {
    **dict.fromkeys(("jour", "jours", "quotidien", "quotidienne", "quotidiennement"), "DAILY"),
    **dict.fromkeys(("semaine", "semaines", "hebdo", "hebdomadaire", "hebdomadairement"), "WEEKLY"),
    **dict.fromkeys(("mois", "mensuel", "mensuelle", "mensuellement"), "MONTHLY"),
    **dict.fromkeys(("an", "ans", "annee", "annees", "annuel", "annuelle", "annuellement"), "YEARLY"),
}
ORDINALS = {
    "premier": 1, "premiere": 1, "premiers": 1, "premieres": 1, "deuxieme": 2, "second": 2, "seconde": 2,
    "troisieme": 3, "quatrieme": 4, "cinquieme": 5, "dernier": -1, "derniere": -1, "derniers": -1,
}
_SUFFIXES = frozenset({"er", "re", "e", "eme", "ieme"})
_HOLIDAY_LEAD = frozenset({"sauf", "hors", "pas", "les", "jour", "jours"})
_HOLIDAY = frozenset({"ferie", "feries", "feriee", "feriees"})


@dataclass
class Pattern:
    """The parts of a recurrence: its unit and interval, days, and time of day."""

    unit: Frequency | None = None
    interval: int = 1
    weekdays: list[tuple[int | None, int]] = field(default_factory=list)
    month_day: int | None = None
    month: int | None = None
    clock: Clock | None = None
    period: Period | None = None
    skip_holidays: bool = False

    def set_unit(self, unit: Frequency, interval: int = 1) -> None:
        """Record the unit of the rhythm ("semaine", "mois"); two different ones are refused."""
        if self.unit not in (None, unit):
            refuse("unreadable", f"Je ne vois pas le rythme : gardez un seul intervalle. "
                                 f"Par exemple : {EXAMPLES}.")
        self.unit = unit
        if interval != 1:
            self.interval = interval


def read(text: str) -> Pattern:
    """The parts ``text`` names, or a refusal naming the first word not understood."""
    return read_with(text, _MATCHERS, Pattern(), EXAMPLES)


def _holidays(tokens: list[str], i: int, p: Pattern) -> int | None:
    """"sauf les jours fériés", "hors fériés"."""
    j = i
    while token_at(tokens, j) in _HOLIDAY_LEAD:
        j += 1
    if token_at(tokens, j) not in _HOLIDAY:
        return None
    p.skip_holidays = True
    return j + 1


def _clock(tokens: list[str], i: int, p: Pattern) -> int | None:
    if tokens[i] in PERIOD_WORDS:
        p.period = PERIOD_WORDS[tokens[i]]
        return i + 1
    return take_clock(tokens, i, p)


def _ordinal(tokens: list[str], i: int, p: Pattern) -> int | None:
    """"premier jeudi", "1er jeudi", "3e mardi", "dernier vendredi", "dernier jour"."""
    word = tokens[i]
    if word in ORDINALS:
        rank, j = ORDINALS[word], i + 1
    elif word.isdigit() and token_at(tokens, i + 1) in _SUFFIXES:
        rank, j = int(word), i + 2
    else:
        return None
    weekday = weekday_of(token_at(tokens, j))
    if weekday is None and (fixed := corrected(token_at(tokens, j))) is not None:
        weekday = weekday_of(fixed)
    if weekday is not None:
        if rank == 5:
            refuse("impossible", "Tous les mois n'ont pas de cinquième semaine : "
                                 "choisissez du premier au quatrième, ou le dernier.")
        p.weekdays.append((rank, weekday))
        return j + 1
    if token_at(tokens, j) == "jour":
        _set_month_day(p, rank)
        return j + 1
    if rank < 1:
        return None
    _set_month_day(p, rank)
    return j


def _weekday(tokens: list[str], i: int, p: Pattern) -> int | None:
    weekday = weekday_of(tokens[i])
    if weekday is None:
        return None
    p.weekdays.append((None, weekday))
    return i + 1


def _number(tokens: list[str], i: int, p: Pattern) -> int | None:
    """"2 semaines" (an interval), "1 jeudi sur 2", "3 juin" (day and month), "le 15" (day of the month)."""
    word = tokens[i]
    if not word.isdigit():
        return None
    value, after = int(word), token_at(tokens, i + 1)
    if token_at(tokens, i - 1) in ("a", "vers"):
        if p.clock is not None:
            refuse("unreadable", "J'ai trouvé deux heures : gardez-en une.")
        p.clock = checked_clock(value, 0, None)
        return i + 1
    if after in UNITS:
        if value == 0:
            refuse("impossible", "Un intervalle de zéro ne veut rien dire : "
                                 "écrivez « toutes les 2 semaines », par exemple.")
        p.set_unit(UNITS[after], value)
        return i + 2
    if value == 1 and weekday_of(after) is not None:
        return i + 1
    month = MONTHS.get(after) or MONTHS.get(corrected(after) or "")
    _set_month_day(p, value)
    if month is not None:
        p.month = month
        return i + 2
    return i + 1


def _month(tokens: list[str], i: int, p: Pattern) -> int | None:
    """A month after a day ("le dernier jour de février")."""
    month = MONTHS.get(tokens[i])
    if month is None:
        return None
    if p.month is not None:
        refuse("unreadable", "J'ai trouvé deux mois : gardez-en un.")
    p.month = month
    return i + 1


def _unit(tokens: list[str], i: int, p: Pattern) -> int | None:
    """"semaine", "mois", "annuel", and "sur 2" for every other one."""
    if tokens[i] in UNITS:
        p.set_unit(UNITS[tokens[i]])
        return i + 1
    if tokens[i] == "sur" and token_at(tokens, i + 1).isdigit() and int(tokens[i + 1]) > 0:
        p.interval = int(tokens[i + 1])
        return i + 2
    return None


def _set_month_day(p: Pattern, day: int) -> None:
    if p.month_day is not None:
        refuse("unreadable", "J'ai trouvé deux jours du mois : gardez-en un.")
    if not (1 <= day <= 31 or day == -1):
        refuse("impossible", f"Le {day} n'existe pas : les jours vont de 1 à 31.")
    p.month_day = day


def _filler(tokens: list[str], i: int, p: Pattern) -> int | None:
    return i + 1 if tokens[i] in FILLERS else None


_MATCHERS: tuple[Callable[[list[str], int, Pattern], int | None], ...] = (
    _holidays, _clock, _ordinal, _weekday, _number, _month, _unit, _filler,
)
