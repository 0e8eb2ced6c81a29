"""Opening hours as Québec writes them, read, written back and mapped onto HSDS schedules."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.details import Schedule
from directory.field_values import FieldError
from directory.opening_hours import (
    DAY_CODES,
    OpeningHours,
    from_schedule_rows,
    hours_text,
    parse_hours,
    to_schedule_rows,
)
from handlers.texts import texts_for

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")


def hours(days: tuple[str, ...], opens: str, closes: str) -> OpeningHours:
    return OpeningHours(days, dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))


@pytest.mark.parametrize(("typed", "expected", "text"), [
    ("lun-ven 9h-17h; sam 10h-14h", [hours(WEEKDAYS, "09:00", "17:00"), hours(("SA",), "10:00", "14:00")],
     "lun. au ven. 9 h à 17 h; sam. 10 h à 14 h"),
    ("lundi au vendredi 8 h 30 à 16 h 30", [hours(WEEKDAYS, "08:30", "16:30")], "lun. au ven. 8 h 30 à 16 h 30"),
    ("Du Lundi au Vendredi, de 8h30 à 16h30", [hours(WEEKDAYS, "08:30", "16:30")], "lun. au ven. 8 h 30 à 16 h 30"),
    ("mar, jeu 13h a 16h", [hours(("TU", "TH"), "13:00", "16:00")], "mar., jeu. 13 h à 16 h"),
    ("mardi et jeudi 13:00-16:00", [hours(("TU", "TH"), "13:00", "16:00")], "mar., jeu. 13 h à 16 h"),
    ("lun-ven 9h-12h et 13h-17h", [hours(WEEKDAYS, "09:00", "12:00"), hours(WEEKDAYS, "13:00", "17:00")],
     "lun. au ven. 9 h à 12 h; lun. au ven. 13 h à 17 h"),
    ("lun 9h-12h, mer 13h-16h", [hours(("MO",), "09:00", "12:00"), hours(("WE",), "13:00", "16:00")],
     "lun. 9 h à 12 h; mer. 13 h à 16 h"),
    ("lun, mar, mer, ven 9h-17h", [hours(("MO", "TU", "WE", "FR"), "09:00", "17:00")],
     "lun. au mer., ven. 9 h à 17 h"),
    ("lun-ven: 9-17", [hours(WEEKDAYS, "09:00", "17:00")], "lun. au ven. 9 h à 17 h"),
    ("tous les jours 10h-16h", [hours(DAY_CODES, "10:00", "16:00")], "tous les jours 10 h à 16 h"),
    ("Fin de semaine 10h à 14h", [hours(("SA", "SU"), "10:00", "14:00")], "sam., dim. 10 h à 14 h"),
    ("en semaine midi à 13 h 30", [hours(WEEKDAYS, "12:00", "13:30")], "lun. au ven. 12 h à 13 h 30"),
    ("ven 18h à minuit", [hours(("FR",), "18:00", "23:59")], "ven. 18 h à 23 h 59"),
    ("sam-lun 10h-11h", [hours(("MO", "SA", "SU"), "10:00", "11:00")], "lun., sam., dim. 10 h à 11 h"),
    ("24/7", [hours(DAY_CODES, "00:00", "23:59")], "tous les jours 0 h à 23 h 59"),
    ("24 h sur 24, 7 jours sur 7", [hours(DAY_CODES, "00:00", "23:59")], "tous les jours 0 h à 23 h 59"),
    ("24h/24 7j/7", [hours(DAY_CODES, "00:00", "23:59")], "tous les jours 0 h à 23 h 59"),
    ("LUN–VEN 9H–17H\nSAM 10H–14H", [hours(WEEKDAYS, "09:00", "17:00"), hours(("SA",), "10:00", "14:00")],
     "lun. au ven. 9 h à 17 h; sam. 10 h à 14 h"),
    ("aucun", [], "aucun"),
])
def test_hours_are_read_and_written_as_quebec_does(typed: str, expected: list[OpeningHours], text: str) -> None:
    read = parse_hours(typed)
    assert list(read) == expected
    assert hours_text(read) == text
    assert parse_hours(text) == read


@pytest.mark.parametrize(("typed", "words"), [
    ("fermé", ["statut", "« fermé temporairement »", "lun-ven 9h-17h"]),
    ("lun-ven fermé", ["statut"]),
    ("9h-17h", ["Il manque les jours", "tous les jours 10h-16h"]),
    ("lundi 9h", ["heure de fermeture", "« 9h-17h »"]),
    ("lundi; mardi 9h-17h", ["Il manque les heures après des jours"]),
    ("ven 22h-2h", ["La fermeture (2 h)", "l'ouverture (22 h)", "ven 22h-23h59; sam 0h-2h"]),
    ("lun 9h-9h", ["La fermeture (9 h)"]),
    ("lun 25h-26h", ["« 25h » n'est pas une heure", "23 h 59"]),
    ("lun 9h60-10h", ["« 9h60 » n'est pas une heure"]),
    ("lun 9h-305", ["« 305 » n'est pas une heure"]),
    ("lun-ven 9h-17h sauf fériés", ["« sauf »", "lun-ven 9h-17h"]),
    ("lun-", ["Je ne comprends pas ces heures"]),
    ("", ["Aucune heure", "« aucun »"]),
    (";", ["Aucune heure"]),
])
def test_bad_hours_are_refused_with_what_to_do(typed: str, words: list[str]) -> None:
    with pytest.raises(FieldError) as caught:
        parse_hours(typed)
    assert all(word in caught.value.message for word in words), caught.value.message


def test_hours_refusals_are_translated() -> None:
    with pytest.raises(FieldError) as caught:
        parse_hours("9h-17h", texts_for("en"))
    assert "days are missing" in caught.value.message


def test_hours_map_onto_schedule_rows_and_back() -> None:
    read = parse_hours("lun-ven 9h-17h; sam 10h-14h")
    rows = to_schedule_rows(read)
    assert rows == [
        {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": dt.time(9), "closes_at": dt.time(17)},
        {"freq": "WEEKLY", "byday": "SA", "opens_at": dt.time(10), "closes_at": dt.time(14)},
    ]
    assert from_schedule_rows(rows) == read
    schedules = [Schedule(id=uuid.uuid4(), **row) for row in rows]
    assert from_schedule_rows(schedules) == read


def test_schedule_rows_that_are_not_weekly_ranges_are_left_out() -> None:
    rows = [
        {"freq": "weekly", "byday": "tu, th", "opens_at": dt.time(13), "closes_at": dt.time(16)},
        {"freq": None, "byday": "SA", "opens_at": dt.time(10), "closes_at": dt.time(14)},
        {"freq": "MONTHLY", "byday": "1MO", "opens_at": dt.time(9), "closes_at": dt.time(12)},
        {"freq": "WEEKLY", "byday": "1MO", "opens_at": dt.time(9), "closes_at": dt.time(12)},
        {"freq": "WEEKLY", "interval": 2, "byday": "MO", "opens_at": dt.time(9), "closes_at": dt.time(12)},
        {"freq": "WEEKLY", "byday": "MO", "opens_at": None, "closes_at": None, "description": "Sur rendez-vous"},
        {"freq": "WEEKLY", "byday": "FR", "opens_at": dt.time(22), "closes_at": dt.time(2)},
        {"freq": "WEEKLY", "byday": None, "opens_at": dt.time(9), "closes_at": dt.time(12)},
    ]
    assert from_schedule_rows(rows) == (
        OpeningHours(("TU", "TH"), dt.time(13), dt.time(16)), OpeningHours(("SA",), dt.time(10), dt.time(14)))


@settings(max_examples=150, deadline=None)
@given(typed=st.text(max_size=40) | st.text("lunmardivejsaf0123456789h:-à ,;et", max_size=30))
def test_any_text_gives_hours_or_a_field_error(typed: str) -> None:
    try:
        read = parse_hours(typed)
    except FieldError as error:
        assert error.message
    else:
        assert parse_hours(hours_text(read)) == read


_TIMES = st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 0, 15, 30, 45, 59]))
_RANGE = st.tuples(_TIMES, _TIMES).filter(lambda pair: pair[0] < pair[1])
_DAYS = st.sets(st.sampled_from(DAY_CODES), min_size=1).map(lambda days: tuple(c for c in DAY_CODES if c in days))


@settings(max_examples=60, deadline=None)
@given(value=st.lists(st.builds(lambda days, span: OpeningHours(days, *span), _DAYS, _RANGE), max_size=4))
def test_hours_read_back_from_their_text_and_schedule_rows(value: list[OpeningHours]) -> None:
    assert parse_hours(hours_text(tuple(value))) == tuple(value)
    assert from_schedule_rows(to_schedule_rows(value)) == tuple(value)
