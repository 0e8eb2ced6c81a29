"""Opening hours and phone extensions as each language writes them."""

from __future__ import annotations

import datetime as dt

import pytest

from directory.details import Phone, Schedule
from handlers.cards import to_phones
from handlers.hours import to_days, to_hours, to_time
from handlers.texts import texts_for

WEEKDAYS = "MO,TU,WE,TH,FR"


def schedule(
    byday: str | None, opens: dt.time | None, closes: dt.time | None, description: str | None = None
) -> Schedule:
    """A schedule as the directory stores it."""
    return Schedule(byday=byday, opens_at=opens, closes_at=closes, description=description)


@pytest.mark.parametrize(("value", "french", "english"), [
    (dt.time(8, 30), "8 h 30", "8:30 a.m."),
    (dt.time(16), "16 h", "4 p.m."),
    (dt.time(12), "12 h", "12 p.m."),
    (dt.time(0, 5), "0 h 05", "12:05 a.m."),
])
def test_times(value: dt.time, french: str, english: str) -> None:
    assert to_time(value, texts_for("fr")) == french
    assert to_time(value, texts_for("en")) == english


@pytest.mark.parametrize(("byday", "french", "english"), [
    (WEEKDAYS, "lun-ven", "Mon–Fri"),
    ("FR,MO,WE,TU,TH", "lun-ven", "Mon–Fri"),
    ("SA,SU", "sam, dim", "Sat, Sun"),
    ("MO,WE,FR", "lun, mer, ven", "Mon, Wed, Fri"),
    ("1MO,-1FR", "lun, ven", "Mon, Fri"),
    ("TU,WE,TH", "mar-jeu", "Tue–Thu"),
    ("", "", ""),
    (None, "", ""),
    ("XX", "", ""),
])
def test_days(byday: str | None, french: str, english: str) -> None:
    assert to_days(byday, texts_for("fr")) == french
    assert to_days(byday, texts_for("en")) == english


def test_hours_of_several_schedules() -> None:
    schedules = [
        schedule(WEEKDAYS, dt.time(8, 30), dt.time(16, 30)),
        schedule("SA", dt.time(9), dt.time(12)),
        schedule(None, dt.time(13), dt.time(16)),
        schedule(None, None, None, "Sur rendez-vous"),
        schedule(WEEKDAYS, None, None),
    ]
    assert to_hours(schedules, texts_for("fr")) == (
        "lun-ven 8 h 30 à 16 h 30 ; sam 9 h à 12 h ; 13 h à 16 h ; Sur rendez-vous"
    )
    assert to_hours(schedules, texts_for("en")) == (
        "Mon–Fri 8:30 a.m.–4:30 p.m.; Sat 9 a.m.–12 p.m.; 1 p.m.–4 p.m.; Sur rendez-vous"
    )
    assert to_hours([], texts_for("en")) == ""


def test_phone_extensions() -> None:
    phones = [
        Phone(number="418 555-0101", extension="204", type="voice", description=None),
        Phone(number="418 555-0199", extension=None, type="fax", description="télécopieur"),
    ]
    assert to_phones(phones, texts_for("fr")) == "418 555-0101 poste 204 · 418 555-0199 (télécopieur)"
    assert to_phones(phones, texts_for("en")) == "418 555-0101 ext. 204 · 418 555-0199 (télécopieur)"
