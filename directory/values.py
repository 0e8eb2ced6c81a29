"""Cell text → Python value, by column type, with the French hint shown after a bad value.

A converter takes the stripped, non-empty text of a cell and returns its value, or
raises ``ValueError`` or ``LookupError``. Dates and times are ISO 8601; numbers use a
decimal point; booleans also accept French words; enumerations ignore case.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

Parse = Callable[[str], Any]

_DATE, _TIME = re.compile(r"\d{4}-\d{2}-\d{2}"), re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")
_INTEGER, _NUMBER = re.compile(r"[+-]?\d+"), re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,2})?")
_BOOLEANS = {"true": True, "1": True, "oui": True, "vrai": True,
             "false": False, "0": False, "non": False, "faux": False}


class Converter(NamedTuple):
    """How to read a cell: ``parse`` its text, and the ``hint`` that follows « value » when it fails."""

    parse: Parse
    hint: str


def to_integer(text: str) -> int:
    """An integer written without decimals (``3``, ``-12``)."""
    return int(_matched(_INTEGER, text))


def to_number(text: str) -> float:
    """A decimal number with a point (``12.5``, ``1e3``); no ``nan``, ``inf`` or spaces."""
    return float(_matched(_NUMBER, text))


def to_date(text: str) -> dt.date:
    """A date written ``AAAA-MM-JJ``."""
    return dt.date.fromisoformat(_matched(_DATE, text))


def to_datetime(text: str) -> dt.datetime:
    """An ISO 8601 date and time; one with an offset becomes naive UTC, as the database stores it."""
    if not _DATE.match(text):
        raise ValueError(text)
    value = dt.datetime.fromisoformat(text)
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def to_time(text: str) -> dt.time:
    """A time of day written ``HH:MM`` or ``HH:MM:SS`` (with optional fractions of a second)."""
    return dt.time.fromisoformat(_matched(_TIME, text))


def to_boolean(text: str) -> bool:
    """``true``/``false``, ``1``/``0``, ``oui``/``non`` or ``vrai``/``faux``, in any case."""
    return _BOOLEANS[text.lower()]


def choice(choices: tuple[str, ...]) -> Converter:
    """A converter accepting one of ``choices`` in any case, giving it as ``choices`` spells it."""
    canonical = {option.casefold(): option for option in choices}
    return Converter(lambda text: canonical[text.casefold()],
                     f"n'est pas une valeur permise. Valeurs acceptées : {', '.join(choices)}.")


def converter(kind: type) -> Converter:
    """The converter of a column whose values are of Python type ``kind``."""
    return _CONVERTERS[kind]


def _matched(pattern: re.Pattern[str], text: str) -> str:
    if not pattern.fullmatch(text):
        raise ValueError(text)
    return text


_CONVERTERS: dict[type, Converter] = {
    str: Converter(str, ""),
    uuid.UUID: Converter(uuid.UUID, "n'est pas un identifiant UUID valide. "
                         "Utilisez un UUID, par exemple 3f7b145d-84af-42d7-8fae-eaca714b02b2."),
    int: Converter(to_integer, "n'est pas un nombre entier. "
                   "Écrivez un entier sans décimales, par exemple 3."),
    float: Converter(to_number, "n'est pas un nombre. "
                     "Écrivez-le avec un point décimal, sans espace, par exemple 12.5."),
    dt.date: Converter(to_date, "n'est pas une date valide. "
                       "Écrivez-la au format AAAA-MM-JJ, par exemple 2024-03-15."),
    dt.datetime: Converter(to_datetime, "n'est pas une date et heure valide. "
                           "Écrivez-la au format ISO 8601, par exemple 2024-03-15T10:30:00-04:00."),
    dt.time: Converter(to_time, "n'est pas une heure valide. "
                       "Écrivez-la au format HH:MM ou HH:MM:SS, par exemple 08:30."),
    bool: Converter(to_boolean, "n'est pas une valeur booléenne. Écrivez true ou false."),
}
