"""Reading an event typed in one message: parts in any order, labels, extras, kinds and reminder offsets."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from handlers.event_form import (
    TimeMissing,
    Timing,
    parse_offsets,
    read_form,
    read_time,
    read_when,
    to_kind,
    to_offset_labels,
    to_reminders_said,
)
from handlers.texts import texts_for
from scheduler.dates import DateProblem

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
ZONE = ZoneInfo("America/Toronto")
FR = texts_for("fr")


def form(text: str) -> tuple[dict[str, object], list[str]]:
    """The fields and problems of ``text``."""
    return read_form(text, NOW, ZONE, FR)


def test_parts_in_order_with_extras() -> None:
    fields, problems = form("5 à 7 de Noël ; jeudi 17 h ; Café du Port ; Apportez vos cartes ; places 30 ; rappels J-3 H-1")
    assert problems == []
    assert fields == {
        "title": "5 à 7 de Noël", "when": "jeudi 17 h", "place": "Café du Port", "description": "Apportez vos cartes",
        "capacity": 30, "offsets": "P3D,PT1H", "kind": "5-à-7",
    }


def test_the_date_is_found_wherever_it_is_and_lines_separate_too() -> None:
    fields, _ = form("Dîner d'apprentissage\nSalle du CLSC\nle 5 décembre à midi")
    assert (fields["when"], fields["place"], fields["kind"]) == ("le 5 décembre à midi", "Salle du CLSC",
                                                                   "dîner d'apprentissage")


def test_labels_and_a_given_kind() -> None:
    fields, _ = form("lieu : CPE Les Lucioles ; Visite ; quand: demain 13h ; type portes ouvertes")
    assert fields == {"place": "CPE Les Lucioles", "when": "demain 13h", "kind": "portes ouvertes", "title": "Visite"}


def test_unreadable_extras_are_named_with_the_way_to_write_them() -> None:
    fields, problems = form("Truc ; places trente ; type bal ; rappels la veille")
    assert fields == {"title": "Truc", "kind": "autre"}
    assert problems[0] == "« places trente » : donnez un nombre de places, par exemple « places 30 »."
    assert problems[1].startswith("« type bal » : les types sont 5-à-7, dîner d'apprentissage")
    assert problems[2].startswith("« la veille » : écrivez les rappels comme « J-7 J-1 H-2 »")


@pytest.mark.parametrize(("title", "kind"), [
    ("5-à-7 des intervenants", "5-à-7"), ("Cinq à sept", "5-à-7"), ("Journée JCMR", "Je connais mon réseau"),
    ("Je connais mon réseau 2027", "Je connais mon réseau"), ("Porte ouverte au CPE", "portes ouvertes"),
    ("Circuit des organismes de Jonquière", "circuit des organismes"), ("Assemblée générale", None),
    ("15 à 70 ans", None),
])
def test_kinds_from_titles(title: str, kind: str | None) -> None:
    assert to_kind(title) == kind


@pytest.mark.parametrize(("text", "offsets"), [
    ("J-7 J-1 H-2", "P7D,P1D,PT2H"), ("j-3, h-1", "P3D,PT1H"), ("S-2 et J-1", "P2W,P1D"), ("J-1 J-1", "P1D"),
    ("J-0", None), ("la veille", None), ("J-3 demain", None), ("", None),
])
def test_reminder_offsets(text: str, offsets: str | None) -> None:
    assert parse_offsets(text) == offsets


def test_offsets_shown_back() -> None:
    assert to_offset_labels("P7D,P1D,PT2H,P2W") == "J-7, J-1, H-2, S-2"


@pytest.mark.parametrize(("first", "recurring", "language", "said"), [
    (dt.datetime(2026, 12, 4, 22, 0, tzinfo=dt.UTC), False, "fr", "J-7, J-1, H-2"),
    (dt.datetime(2026, 11, 24, 22, 0, tzinfo=dt.UTC), False, "fr", "J-1, H-2 (trop tard pour J-7)"),
    (dt.datetime(2026, 11, 21, 13, 0, tzinfo=dt.UTC), False, "fr", "H-2 (trop tard pour J-7, J-1)"),
    (dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), False, "fr", "aucun (trop tard pour J-7, J-1, H-2)"),
    (dt.datetime(2026, 11, 24, 22, 0, tzinfo=dt.UTC), True, "fr", "J-7, J-1, H-2 (trop tard pour J-7 la première fois)"),
    (dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), False, "en", "none (too late for J-7, J-1, H-2)"),
])
def test_reminders_already_past_for_the_first_occurrence(
    first: dt.datetime, recurring: bool, language: str, said: str
) -> None:
    assert to_reminders_said("P7D,P1D,PT2H", first, recurring, NOW, ZONE, texts_for(language)) == said


def test_dates_rhythms_and_missing_times() -> None:
    timing = read_when("chaque premier jeudi du mois à 17 h", NOW, ZONE)
    assert isinstance(timing, Timing) and timing.rrule == "FREQ=MONTHLY;BYDAY=1TH"
    assert timing.text_fr == "chaque premier jeudi du mois à 17 h, à partir du jeudi 3 décembre, 17 h"
    date_only = read_when("le 5 décembre", NOW, ZONE)
    assert date_only == TimeMissing("le 5 décembre", dt.date(2026, 12, 5))
    assert read_time(date_only, "17 h 30", NOW, ZONE).start == dt.datetime(2026, 12, 5, 22, 30, tzinfo=dt.UTC)  # type: ignore[union-attr]
    rhythm_only = read_when("tous les jeudis", NOW, ZONE)
    assert rhythm_only == TimeMissing("tous les jeudis", None)
    weekly = read_time(rhythm_only, "à midi", NOW, ZONE)
    assert isinstance(weekly, Timing) and weekly.rrule == "FREQ=WEEKLY;BYDAY=TH"
    assert isinstance(read_time(date_only, "demain", NOW, ZONE), DateProblem)
    assert read_when("hier 17 h", NOW, ZONE) == DateProblem(
        "past", "C'est déjà passé : jeudi 19 novembre, 17 h. Donnez une date à venir."
    )
