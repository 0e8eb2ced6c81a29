"""What a French date expression names, read word by word before any clock is looked at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from scheduler.datewords import (
    HOUR_MARKS,
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

EXAMPLES = "« jeudi prochain 17 h », « le 5 décembre à 17 h 30 », « demain midi », « 5/12 17h30 »"
FILLERS = frozenset(
    {"le", "la", "a", "au", "vers", "pour", "de", "du", "des", "ce", "cet", "cette", "-", "t", "et"}
)
MAX_DELAY = 1000
ORDINAL_SUFFIXES = frozenset({"er", "re", "e", "eme"})
_RELATIVE_DAYS = {"aujourd": 0, "aujourdhui": 0, "auj": 0, "demain": 1, "hier": -1}
_SHIFT_UNITS = {
    **dict.fromkeys(("jour", "jours", "j"), "days"),
    **dict.fromkeys(("semaine", "semaines", "sem"), "weeks"),
    "mois": "months",
    **dict.fromkeys(("an", "ans", "annee", "annees"), "years"),
}
_MINUTE_WORDS = frozenset({"min", "minute", "minutes"})


@dataclass
class Reading:
    """The parts of a date expression; the day ones are mutually exclusive, a day name may join any."""

    offset_days: int | None = None
    shift: relativedelta | None = None
    exact_shift: dt.timedelta | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None
    weekday_next: bool = False
    weekday_plus: int = 0
    next_week: bool = False
    clock: Clock | None = None
    period: Period | None = None
    all_day: bool = False

    @property
    def has_date(self) -> bool:
        """Whether the text names a day in any way."""
        return self.next_week or any(
            part is not None for part in (self.offset_days, self.shift, self.day, self.weekday)
        )

    def check_no_day(self) -> None:
        """Refuse a second date: the text may name only one."""
        if any(part is not None for part in (self.offset_days, self.shift, self.exact_shift, self.day)):
            refuse("unreadable", "J'ai trouvé deux dates : gardez-en une.")

    def set_day(self, day: int, month: int | None = None, year: int | None = None) -> None:
        """Record the day of the month (and month, and year) the text names."""
        self.check_no_day()
        self.day, self.month, self.year = day, month, year


def read(text: str) -> Reading:
    """The parts ``text`` names, or a refusal naming the first word not understood."""
    return read_with(text, _MATCHERS, Reading(), EXAMPLES)


def _month_at(tokens: list[str], i: int) -> int | None:
    """The month named at ``tokens[i]``, correcting a misspelt name in place."""
    word = token_at(tokens, i)
    if word not in MONTHS and (fixed := corrected(word)) in MONTHS:
        tokens[i] = word = fixed
    return MONTHS.get(word)


def _numeric(tokens: list[str], i: int, r: Reading) -> int | None:
    """ISO "2026-12-05", year-first "2026/12/05", or Québec day/month "5/12" and "5/12/2026"."""
    parts = tokens[i:i + 5]
    if len(parts) < 3 or not (parts[0].isdigit() and parts[2].isdigit()) or parts[1] not in ("/", "-"):
        return None
    sign = parts[1]
    full = len(parts) == 5 and parts[3] == sign and parts[4].isdigit()
    if len(parts[0]) == 4:
        if not full:
            refuse("unreadable", "Écrivez une date complète : 2026-12-05 ou 5/12/2026.")
        r.set_day(int(parts[4]), int(parts[2]), int(parts[0]))
        return i + 5
    if sign == "-":
        return None
    if full and len(parts[4]) not in (2, 4):
        refuse("impossible", f"L'année {parts[4]} n'est pas lisible : écrivez-la en entier (ex. 5/12/2026).")
    r.set_day(int(parts[0]), int(parts[2]), int(parts[4]) if full else None)
    return i + 5 if full else i + 3


def _number(tokens: list[str], i: int, r: Reading) -> int | None:
    """A day ("le 5", "5 décembre 2026", "1er mars", "premier mai") or, after "à", an hour."""
    word = tokens[i]
    if not (word.isdigit() or word == "premier"):
        return None
    value = 1 if word == "premier" else int(word)
    j = i + 2 if token_at(tokens, i + 1) in ORDINAL_SUFFIXES else i + 1
    month = _month_at(tokens, j)
    if month is not None:
        year_word = token_at(tokens, j + 1)
        year = int(year_word) if year_word.isdigit() and len(year_word) == 4 else None
        r.set_day(value, month, year)
        return j + 2 if year is not None else j + 1
    before = token_at(tokens, i - 1)
    if before in ("a", "vers") and word.isdigit() and j == i + 1:
        if r.clock is not None:
            refuse("unreadable", "J'ai trouvé deux heures : gardez-en une.")
        r.clock = checked_clock(value, 0, None)
        return j
    if j > i + 1 or before == "le" or weekday_of(before) is not None or word == "premier":
        r.set_day(value)
        return j
    refuse("unreadable", f"« {word} » : une heure ou un jour ? "
                         f"Écrivez « {word} h » pour l'heure ou « le {word} » pour le jour.")


def _relative(tokens: list[str], i: int, r: Reading) -> int | None:
    """aujourd'hui, demain, après-demain, hier, avant-hier, and "après-midi" as a period."""
    word = tokens[i]
    if word in ("apres", "avant"):
        j = i + 2 if token_at(tokens, i + 1) == "-" else i + 1
        target = token_at(tokens, j)
        if word == "apres" and target == "midi":
            _set_period(r, "pm")
            return j + 1
        if (word, target) not in (("apres", "demain"), ("avant", "hier")):
            return None
        offset, j = (2 if word == "apres" else -2), j + 1
    elif word in _RELATIVE_DAYS:
        offset = _RELATIVE_DAYS[word]
        j = i + 2 if word == "aujourd" and token_at(tokens, i + 1) == "hui" else i + 1
    else:
        return None
    r.check_no_day()
    r.offset_days = offset
    return j


def _delay(tokens: list[str], i: int, r: Reading) -> int | None:
    """"dans 3 jours", "dans 2 semaines", "dans un mois", "dans 2 heures", "dans 1 h 30"."""
    if tokens[i] != "dans" or not token_at(tokens, i + 1).isdigit():
        return None
    amount, unit = int(tokens[i + 1]), token_at(tokens, i + 2)
    if amount > MAX_DELAY:
        refuse("too_far", f"Dans {amount} ? C'est bien loin : donnez une date.")
    if unit in _SHIFT_UNITS:
        r.check_no_day()
        r.shift = relativedelta(**{_SHIFT_UNITS[unit]: amount})
        return i + 3
    if unit in HOUR_MARKS or unit in _MINUTE_WORDS:
        minutes, j = (amount, i + 3) if unit in _MINUTE_WORDS else (amount * 60, i + 3)
        if unit in HOUR_MARKS and token_at(tokens, j).isdigit():
            minutes += int(tokens[j])
            j += 2 if token_at(tokens, j + 1) in _MINUTE_WORDS else 1
        r.check_no_day()
        r.exact_shift = dt.timedelta(minutes=minutes)
        return j
    refuse("unreadable", f"Dans {amount} quoi ? Écrivez « dans {amount} jours », "
                         f"« dans {amount} semaines » ou « dans {amount} heures ».")


def _weekday(tokens: list[str], i: int, r: Reading) -> int | None:
    """A day name, with "prochain", "en 8" or "en 15" after it."""
    weekday = weekday_of(tokens[i])
    if weekday is None:
        return None
    if r.weekday is not None:
        refuse("unreadable", "J'ai trouvé deux jours de la semaine : gardez-en un.")
    r.weekday = weekday
    after = token_at(tokens, i + 1)
    if after in ("prochain", "prochaine"):
        r.weekday_next = True
        return i + 2
    if after == "en" and token_at(tokens, i + 2) in ("8", "15"):
        r.weekday_plus = 7 if tokens[i + 2] == "8" else 14
        return i + 3
    return i + 1


def _next(tokens: list[str], i: int, r: Reading) -> int | None:
    """"prochain" before a day name ("le prochain jeudi") and "la semaine prochaine"."""
    if tokens[i] in ("prochain", "prochaine") and weekday_of(token_at(tokens, i + 1)) is not None:
        r.weekday_next = True
        return i + 1
    if tokens[i] == "semaine" and token_at(tokens, i + 1) in ("prochaine", "prochain"):
        r.next_week = True
        return i + 2
    return None


def _set_period(r: Reading, period: Period) -> None:
    if r.period not in (None, period):
        refuse("unreadable", "Le matin ou le soir ? Gardez l'un des deux.")
    r.period = period


def _period(tokens: list[str], i: int, r: Reading) -> int | None:
    """"soir", "matin" (as in "ce soir", "demain matin") and "toute la journée"."""
    if tokens[i] in PERIOD_WORDS:
        _set_period(r, PERIOD_WORDS[tokens[i]])
        return i + 1
    if tokens[i] == "journee" or tokens[i:i + 3] == ["toute", "la", "journee"]:
        r.all_day = True
        return i + 1 if tokens[i] == "journee" else i + 3
    return None


def _filler(tokens: list[str], i: int, r: Reading) -> int | None:
    return i + 1 if tokens[i] in FILLERS else None


_MATCHERS: tuple[Callable[[list[str], int, Reading], int | None], ...] = (
    _numeric, take_clock, _number, _relative, _delay, _weekday, _next, _period, _filler,
)
