"""The .ics files parse back with icalendar, keep local time across DST, and recur as written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from dateutil import rrule, tz
from icalendar import Calendar, Event

from scheduler.calendars import ICS_MIME, CalendarEvent, filename_for, to_ics

TORONTO = ZoneInfo("America/Toronto")
NOW = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)
DIRECTIONS = "Apportez vos cartes d’affaires.\nStationnement : rue Brassard; gratuit, après 17 h."
TRICKY_TITLE = "5 à 7 de décembre, « Réseau »; chez l’Arrêt\nsuite"
MONTHLY = "FREQ=MONTHLY;BYDAY=1TH"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TORONTO)


FIVE_TO_SEVEN = CalendarEvent(
    uid="0b6f1c9e-5a7d-4c1e-9a52-3f1d2e4b8c70@passerelle",
    title="5 à 7 de décembre",
    start=local(2026, 11, 5, 17),
    end=None,
    zone=TORONTO,
)


def five_to_seven(**changes: Any) -> CalendarEvent:
    return dataclasses.replace(FIVE_TO_SEVEN, **changes)


def parsed(*events: CalendarEvent) -> Calendar:
    return Calendar.from_ical(to_ics(events, calendar_name="Réseau Jonquière", now=NOW))


def only_event(calendar: Calendar) -> Event:
    (event,) = calendar.walk("VEVENT")
    return event


def test_calendar_header() -> None:
    calendar = parsed(five_to_seven())
    assert str(calendar["PRODID"]) == "-//Passerelle//Réseau//FR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Réseau Jonquière"
    assert ICS_MIME == "text/calendar"


def test_text_fields_round_trip_with_accents_and_special_characters() -> None:
    event = only_event(
        parsed(
            five_to_seven(
                title=TRICKY_TITLE,
                place="Café l’Arrêt, 2345 rue Saint-Dominique; Jonquière",
                description=DIRECTIONS,
                url="https://reseau.example.org/evenements/5-a-7?mois=12;annee=2026",
                organizer_name="Marie-Ève Tremblay, CIUSSS",
            )
        )
    )
    assert str(event["SUMMARY"]) == TRICKY_TITLE
    assert str(event["LOCATION"]) == "Café l’Arrêt, 2345 rue Saint-Dominique; Jonquière"
    assert str(event["DESCRIPTION"]) == DIRECTIONS
    assert str(event["URL"]) == "https://reseau.example.org/evenements/5-a-7?mois=12;annee=2026"
    assert event["ORGANIZER"].params["CN"] == "Marie-Ève Tremblay, CIUSSS"
    assert str(event["UID"]) == "0b6f1c9e-5a7d-4c1e-9a52-3f1d2e4b8c70@passerelle"
    assert event.decoded("DTSTAMP") == NOW


def test_empty_optional_fields_are_left_out() -> None:
    event = only_event(parsed(five_to_seven()))
    for name in ("LOCATION", "DESCRIPTION", "URL", "ORGANIZER", "RRULE", "EXDATE"):
        assert name not in event


def test_start_keeps_local_time_and_zone() -> None:
    event = only_event(parsed(five_to_seven(start=dt.datetime(2026, 11, 5, 22, tzinfo=dt.UTC))))
    assert event["DTSTART"].params["TZID"] == "America/Toronto"
    assert event["DTSTART"].to_ical() == b"20261105T170000"
    assert event.decoded("DTSTART") == local(2026, 11, 5, 17)


@pytest.mark.parametrize(
    ("start", "utc_hour"),
    [
        (local(2026, 10, 29, 17), 21),
        (local(2026, 11, 5, 17), 22),
        (local(2027, 3, 4, 17), 22),
        (local(2027, 3, 18, 17), 21),
    ],
)
def test_vtimezone_carries_the_daylight_saving_rules(start: dt.datetime, utc_hour: int) -> None:
    (vtimezone,) = parsed(five_to_seven(start=start)).walk("VTIMEZONE")
    assert vtimezone["TZID"] == "America/Toronto"
    zone = tz.tzical(io.StringIO(vtimezone.to_ical().decode())).get("America/Toronto")
    assert start.replace(tzinfo=zone).astimezone(dt.UTC).hour == utc_hour


def test_vtimezone_covers_the_years_of_a_recurrence() -> None:
    (vtimezone,) = parsed(five_to_seven(rrule=MONTHLY)).walk("VTIMEZONE")
    zone = tz.tzical(io.StringIO(vtimezone.to_ical().decode())).get("America/Toronto")
    assert dt.datetime(2030, 3, 7, 17, tzinfo=zone).astimezone(dt.UTC).hour == 22
    assert dt.datetime(2030, 4, 4, 17, tzinfo=zone).astimezone(dt.UTC).hour == 21


def test_monthly_first_thursday_round_trips_and_stays_at_17h_local() -> None:
    event = only_event(parsed(five_to_seven(rrule=MONTHLY)))
    assert event["RRULE"].to_ical() == MONTHLY.encode()
    occurrences = list(rrule.rrulestr(f"{MONTHLY};COUNT=8", dtstart=event.decoded("DTSTART")))
    assert [o.date() for o in occurrences[:6]] == [
        dt.date(2026, 11, 5), dt.date(2026, 12, 3), dt.date(2027, 1, 7),
        dt.date(2027, 2, 4), dt.date(2027, 3, 4), dt.date(2027, 4, 1),
    ]  # fmt: skip
    assert all(o.weekday() == 3 and o.day <= 7 and (o.hour, o.minute) == (17, 0) for o in occurrences)
    assert {o.astimezone(dt.UTC).hour for o in occurrences} == {21, 22}


def test_exdate_is_excluded_from_the_occurrences() -> None:
    calendar = parsed(five_to_seven(rrule=MONTHLY, exdates=(local(2026, 12, 3, 17),)))
    event = only_event(calendar)
    assert [d.dt for d in event["EXDATE"].dts] == [local(2026, 12, 3, 17)]
    assert event["EXDATE"].params["TZID"] == "America/Toronto"
    occurrences = recurring_ical_events.of(calendar).between(local(2026, 10, 1), local(2027, 5, 1))
    starts = [o.decoded("DTSTART") for o in occurrences]
    assert starts == [local(2026, 11, 5, 17), local(2027, 1, 7, 17), local(2027, 2, 4, 17),
                      local(2027, 3, 4, 17), local(2027, 4, 1, 17)]  # fmt: skip
    assert all(o.decoded("DTEND") - o.decoded("DTSTART") == dt.timedelta(hours=2) for o in occurrences)


def test_cancelled_event_keeps_the_callers_sequence() -> None:
    assert str(only_event(parsed(five_to_seven()))["STATUS"]) == "CONFIRMED"
    event = only_event(parsed(five_to_seven(cancelled=True, sequence=3)))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") == 3


def test_several_events_share_one_calendar_and_one_vtimezone() -> None:
    dinner = five_to_seven(uid="b@passerelle", title="Dîner d’apprentissage", start=local(2027, 1, 14, 12))
    open_house = five_to_seven(uid="c@passerelle", title="Portes ouvertes", start=local(2027, 6, 2, 9))
    calendar = parsed(five_to_seven(uid="a@passerelle"), dinner, open_house)
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [
        "a@passerelle",
        "b@passerelle",
        "c@passerelle",
    ]
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")][1] == "Dîner d’apprentissage"
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_each_zone_gets_its_vtimezone() -> None:
    paris = ZoneInfo("Europe/Paris")
    visit = five_to_seven(uid="p@passerelle", start=dt.datetime(2027, 5, 20, 10, tzinfo=paris), zone=paris)
    calendar = parsed(five_to_seven(), visit)
    assert [str(t["TZID"]) for t in calendar.walk("VTIMEZONE")] == ["America/Toronto", "Europe/Paris"]
    assert calendar.walk("VEVENT")[1]["DTSTART"].params["TZID"] == "Europe/Paris"


def test_default_duration_is_two_hours_and_an_end_is_kept() -> None:
    event = only_event(parsed(five_to_seven()))
    assert event.decoded("DTEND") == local(2026, 11, 5, 19)
    assert event["DTEND"].params["TZID"] == "America/Toronto"
    event = only_event(parsed(five_to_seven(end=local(2026, 11, 5, 20, 30))))
    assert event.decoded("DTEND") == local(2026, 11, 5, 20, 30)


def test_display_reminder_the_day_before() -> None:
    (alarm,) = only_event(parsed(five_to_seven(title=TRICKY_TITLE))).walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == f"Rappel : {TRICKY_TITLE}"
    assert alarm.decoded("TRIGGER") == -dt.timedelta(days=1)


def test_lines_are_folded_crlf_and_utf8() -> None:
    long_text = "Table de concertation en petite enfance — bilan de l’année et priorités. " * 6
    raw = to_ics([five_to_seven(description=long_text, rrule=MONTHLY)], calendar_name="Réseau", now=NOW)
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert "5 à 7 de décembre".encode() in raw
    assert str(only_event(Calendar.from_ical(raw))["DESCRIPTION"]) == long_text


def test_output_is_deterministic_for_the_same_input_and_now() -> None:
    events = [
        five_to_seven(rrule=MONTHLY, exdates=(local(2026, 12, 3, 17),)),
        five_to_seven(uid="b@passerelle"),
    ]
    first = to_ics(events, calendar_name="Réseau", now=NOW)
    assert to_ics(list(events), calendar_name="Réseau", now=NOW.astimezone(TORONTO)) == first
    later = to_ics(events, calendar_name="Réseau", now=NOW + dt.timedelta(hours=1))
    assert later != first
    assert later.replace(b"DTSTAMP:20261001T130000Z", b"DTSTAMP:20261001T120000Z") == first


def test_naive_datetimes_and_backwards_events_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        five_to_seven(start=dt.datetime(2026, 11, 5, 17))
    with pytest.raises(ValueError, match="naive"):
        five_to_seven(exdates=(dt.datetime(2026, 12, 3, 17),))
    with pytest.raises(ValueError, match="ends before"):
        five_to_seven(end=local(2026, 11, 5, 16))
    with pytest.raises(ValueError, match="naive"):
        to_ics([five_to_seven()], calendar_name="Réseau", now=dt.datetime(2026, 10, 1, 12))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("5 à 7 de décembre", "5-a-7-de-decembre-2026-11-05.ics"),
        (
            "Portes ouvertes : CLSC / CPE « Les Œillets »!",
            "portes-ouvertes-clsc-cpe-les-oeillets-2026-11-05.ics",
        ),
        ("🎉 !!", "evenement-2026-11-05.ics"),
        ("x" * 80, "x" * 60 + "-2026-11-05.ics"),
        (
            "Je connais mon réseau " * 10,
            "je-connais-mon-reseau-je-connais-mon-reseau-je-connais-mon-2026-11-05.ics",
        ),
    ],
)
def test_filename_is_safe_ascii(title: str, expected: str) -> None:
    name = filename_for(title, local(2026, 11, 5, 17))
    assert name == expected
    assert name.isascii()
