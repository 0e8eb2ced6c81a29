"""Recurrences in French: RRULE values, occurrences at the same local time across DST, Québec holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from scheduler.calendars import CalendarEvent, to_ics
from scheduler.dates import DateProblem
from scheduler.recurrence import QUEBEC_HOLIDAYS, Recurrence, parse_recurrence, to_french

TORONTO = ZoneInfo("America/Toronto")
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=TORONTO)  # a Monday


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TORONTO)


def recurrence(text: str, start: dt.datetime = NOW, **kwargs: bool) -> Recurrence:
    result = parse_recurrence(text, start, TORONTO, **kwargs)
    assert isinstance(result, Recurrence), result
    return result


def local_times(moments: list[dt.datetime]) -> list[dt.datetime]:
    return [moment.astimezone(TORONTO).replace(tzinfo=None) for moment in moments]


FORMS = [
    ("chaque premier jeudi du mois à 17 h", "FREQ=MONTHLY;BYDAY=1TH", local(2026, 12, 3, 17),
     "chaque premier jeudi du mois à 17 h"),
    ("tous les jeudis", "FREQ=WEEKLY;BYDAY=TH", local(2026, 11, 19, 10), "chaque jeudi à 10 h"),
    ("chaque semaine", "FREQ=WEEKLY;BYDAY=MO", local(2026, 11, 16, 10), "chaque lundi à 10 h"),
    ("aux deux semaines", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", local(2026, 11, 16, 10),
     "aux deux semaines, le lundi à 10 h"),
    ("chaque mois le 15", "FREQ=MONTHLY;BYMONTHDAY=15", local(2026, 12, 15, 10), "chaque mois le 15 à 10 h"),
    ("chaque année le 3 juin", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=3", local(2027, 6, 3, 10),
     "chaque année le 3 juin à 10 h"),
    ("le dernier vendredi du mois", "FREQ=MONTHLY;BYDAY=-1FR", local(2026, 11, 27, 10),
     "chaque dernier vendredi du mois à 10 h"),
    ("le dernier jour du mois", "FREQ=MONTHLY;BYMONTHDAY=-1", local(2026, 11, 30, 10),
     "chaque dernier jour du mois à 10 h"),
    ("un jeudi sur deux à 17h30", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", local(2026, 11, 19, 17, 30),
     "aux deux semaines, le jeudi à 17 h 30"),
    ("une semaine sur deux", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", local(2026, 11, 16, 10),
     "aux deux semaines, le lundi à 10 h"),
    ("toutes les 6 semaines le mardi à 9 h", "FREQ=WEEKLY;INTERVAL=6;BYDAY=TU", local(2026, 11, 17, 9),
     "aux six semaines, le mardi à 9 h"),
    ("tous les deux mois le premier jeudi", "FREQ=MONTHLY;INTERVAL=2;BYDAY=1TH", local(2026, 12, 3, 10),
     "aux deux mois, le premier jeudi à 10 h"),
    ("tous les jours à midi", "FREQ=DAILY", local(2026, 11, 16, 12), "chaque jour à 12 h"),
    ("tous les lundis et jeudis à 17h", "FREQ=WEEKLY;BYDAY=MO,TH", local(2026, 11, 16, 17),
     "chaque lundi et jeudi à 17 h"),
    ("le 15 de chaque mois", "FREQ=MONTHLY;BYMONTHDAY=15", local(2026, 12, 15, 10),
     "chaque mois le 15 à 10 h"),
    ("le 1er du mois à 9 h", "FREQ=MONTHLY;BYMONTHDAY=1", local(2026, 12, 1, 9), "chaque mois le 1er à 9 h"),
    ("chaque mois", "FREQ=MONTHLY;BYMONTHDAY=16", local(2026, 11, 16, 10), "chaque mois le 16 à 10 h"),
    ("chaque année", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=16", local(2026, 11, 16, 10),
     "chaque année le 16 novembre à 10 h"),
    ("le premier lundi de septembre", "FREQ=YEARLY;BYMONTH=9;BYDAY=1MO", local(2027, 9, 6, 10),
     "chaque année le premier lundi de septembre à 10 h"),
    ("chaque année le dernier jour de février", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", local(2027, 2, 28, 10),
     "chaque année le dernier jour de février à 10 h"),
    ("tous les premiers jeudis du mois à 17h", "FREQ=MONTHLY;BYDAY=1TH", local(2026, 12, 3, 17),
     "chaque premier jeudi du mois à 17 h"),
    ("chaque 2e mardi du mois à 18 h 30", "FREQ=MONTHLY;BYDAY=2TU", local(2026, 12, 8, 18, 30),
     "chaque deuxième mardi du mois à 18 h 30"),
    ("chaque jeudi à 17", "FREQ=WEEKLY;BYDAY=TH", local(2026, 11, 19, 17), "chaque jeudi à 17 h"),
    ("chaque jeudi soir à 7 h", "FREQ=WEEKLY;BYDAY=TH", local(2026, 11, 19, 19), "chaque jeudi à 19 h"),
    ("chaque lundi à 9 h", "FREQ=WEEKLY;BYDAY=MO", local(2026, 11, 23, 9), "chaque lundi à 9 h"),
]


@pytest.mark.parametrize(("text", "rule", "start", "text_fr"), FORMS, ids=[form[0] for form in FORMS])
def test_french_rhythms_become_rrules(text: str, rule: str, start: dt.datetime, text_fr: str) -> None:
    result = recurrence(text)
    assert result.rule == rule
    assert result.start.replace(tzinfo=None) == start.replace(tzinfo=None) and result.start.tzinfo == TORONTO
    assert result.text_fr == text_fr
    assert result.occurrences(result.start - dt.timedelta(seconds=1), 1) == [start.astimezone(dt.UTC)]


@pytest.mark.parametrize(("text", "rule", "start", "text_fr"), FORMS, ids=[form[0] for form in FORMS])
def test_the_french_description_reads_back_as_the_same_rule(
    text: str, rule: str, start: dt.datetime, text_fr: str
) -> None:
    again = recurrence(text_fr, start)
    assert (again.rule, again.start) == (rule, start)


def test_monthly_occurrences() -> None:
    result = recurrence("chaque premier jeudi du mois à 17 h")
    assert local_times(result.occurrences(NOW, 4)) == [
        dt.datetime(2026, 12, 3, 17), dt.datetime(2027, 1, 7, 17),
        dt.datetime(2027, 2, 4, 17), dt.datetime(2027, 3, 4, 17),
    ]  # fmt: skip


def test_occurrences_are_strictly_after() -> None:
    result = recurrence("tous les jeudis à 17 h")
    first = result.start.astimezone(dt.UTC)
    assert result.occurrences(first, 1) == [first + dt.timedelta(days=7)]
    assert result.occurrences(first, 0) == []


def test_an_interval_counts_from_the_first_matching_day() -> None:
    result = recurrence("aux deux semaines le jeudi à 17 h")
    assert local_times(result.occurrences(NOW, 3)) == [
        dt.datetime(2026, 11, 19, 17), dt.datetime(2026, 12, 3, 17), dt.datetime(2026, 12, 17, 17),
    ]


def test_stored_fields_are_enough_to_compute_again() -> None:
    parsed = recurrence("chaque premier jeudi du mois à 17 h", skip_holidays=True)
    stored = Recurrence(parsed.rule, parsed.start.astimezone(dt.UTC), TORONTO, parsed.skip_holidays)
    assert stored.occurrences(NOW, 12) == parsed.occurrences(NOW, 12)
    assert stored.text_fr == "chaque premier jeudi du mois à 17 h, sauf les jours fériés"


def test_naive_datetimes_are_programming_errors() -> None:
    result = recurrence("tous les jeudis")
    with pytest.raises(ValueError):
        result.occurrences(NOW.replace(tzinfo=None), 1)
    with pytest.raises(ValueError):
        Recurrence("FREQ=WEEKLY;BYDAY=TH", NOW.replace(tzinfo=None), TORONTO)


def test_a_naive_start_is_read_as_local_time() -> None:
    assert recurrence("tous les jeudis à 17 h", NOW.replace(tzinfo=None)).start == local(2026, 11, 19, 17)


REFUSED = [
    ("chaque mois le 31", "impossible",
     "Tous les mois n'ont pas de 31 : choisissez un jour de 1 à 28, ou écrivez « le dernier jour du mois »."),
    ("tous les jeudis du mois", "unreadable",
     "Quel jeudi du mois ? Par exemple : « le premier jeudi du mois »."),
    ("chaque 5e jeudi", "impossible",
     "Tous les mois n'ont pas de cinquième semaine : choisissez du premier au quatrième, ou le dernier."),
    ("chaque année le 30 février", "impossible", "Le 30 février n'existe pas : février a au plus 29 jours."),
    ("chaque année en février", "unreadable",
     ("Je ne comprends pas « en » dans « chaque année en février ». Par exemple : "
      "« chaque premier jeudi du mois à 17 h », « tous les jeudis », « aux deux semaines », "
      "« chaque année le 3 juin ».")),
    ("le premier jeudi et le 15", "unreadable",
     "Je ne vois pas quels jours : gardez « le premier jeudi » ou « le 15 »."),
    ("toutes les 0 semaines", "impossible",
     "Un intervalle de zéro ne veut rien dire : écrivez « toutes les 2 semaines », par exemple."),
    ("chaque année le 24 juin sauf les jours fériés", "impossible",
     "Toutes les dates (jeudi 24 juin 2027…) tombent un jour férié."),
    ("à 17 h", "unreadable",
     ("Je ne vois pas le rythme. Par exemple : « chaque premier jeudi du mois à 17 h », « tous les jeudis », "
     "« aux deux semaines », « chaque année le 3 juin ».")),
    ("chaque jour le jeudi", "unreadable",
     ("Je ne vois pas le rythme : le jour et l'intervalle ne vont pas ensemble. Par exemple : "
      "« chaque premier jeudi du mois à 17 h », « tous les jeudis », « aux deux semaines », "
      "« chaque année le 3 juin ».")),
]


@pytest.mark.parametrize(("text", "kind", "message"), REFUSED, ids=[text for text, _, _ in REFUSED])
def test_refused_with_a_message(text: str, kind: str, message: str) -> None:
    assert parse_recurrence(text, NOW, TORONTO) == DateProblem(kind, message)  # type: ignore[arg-type]


# Daylight saving in America/Toronto: 2026-11-01 (back to EST) and 2027-03-14 (forward to EDT).


def test_weekly_17h_stays_17h_across_the_fall_change() -> None:
    result = recurrence("tous les jeudis à 17 h", local(2026, 10, 20))
    assert result.occurrences(local(2026, 10, 20), 4) == [
        dt.datetime(2026, 10, 22, 21, tzinfo=dt.UTC), dt.datetime(2026, 10, 29, 21, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 5, 22, tzinfo=dt.UTC), dt.datetime(2026, 11, 12, 22, tzinfo=dt.UTC),
    ]  # fmt: skip


def test_weekly_17h_stays_17h_across_the_spring_change() -> None:
    result = recurrence("tous les jeudis à 17 h", local(2027, 3, 1))
    assert result.occurrences(local(2027, 3, 1), 3) == [
        dt.datetime(2027, 3, 4, 22, tzinfo=dt.UTC), dt.datetime(2027, 3, 11, 22, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 18, 21, tzinfo=dt.UTC),
    ]  # fmt: skip


def test_monthly_17h_stays_17h_through_winter() -> None:
    result = recurrence("chaque premier jeudi du mois à 17 h", local(2026, 10, 1))
    moments = result.occurrences(local(2026, 9, 30), 7)
    assert [moment.astimezone(TORONTO).hour for moment in moments] == [17] * 7
    assert [moment.hour for moment in moments] == [21, 22, 22, 22, 22, 22, 21]


def test_a_time_the_spring_change_skips_moves_forward_as_rfc_5545_says() -> None:
    result = recurrence("chaque dimanche à 2 h 30", local(2027, 3, 1))
    assert result.occurrences(local(2027, 3, 1), 3) == [
        dt.datetime(2027, 3, 7, 7, 30, tzinfo=dt.UTC), dt.datetime(2027, 3, 14, 7, 30, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 21, 6, 30, tzinfo=dt.UTC),
    ]  # fmt: skip


def test_a_time_the_fall_change_repeats_is_taken_at_its_first_passage() -> None:
    result = recurrence("chaque dimanche à 1 h 30", local(2026, 10, 20))
    assert result.occurrences(local(2026, 10, 30), 2) == [
        dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC), dt.datetime(2026, 11, 8, 6, 30, tzinfo=dt.UTC),
    ]


def test_the_calendar_file_agrees_with_the_occurrences() -> None:
    result = recurrence("chaque premier jeudi du mois à 17 h", local(2026, 10, 1))
    event = CalendarEvent(
        uid="cinq-a-sept@passerelle", title="5 à 7", start=result.start,
        end=result.start + dt.timedelta(hours=2), zone=TORONTO, rrule=result.rule,
    )
    calendar = Calendar.from_ical(to_ics([event], calendar_name="Réseau", now=NOW))
    expanded = recurring_ical_events.of(calendar).between(local(2026, 9, 30), local(2027, 5, 1))
    from_ics = [occurrence.decoded("DTSTART") for occurrence in expanded]
    assert from_ics == result.occurrences(local(2026, 9, 30), len(from_ics))
    assert len(from_ics) == 7


# Québec statutory holidays.


def test_the_quebec_holidays_are_the_statutory_ones() -> None:
    names = {day: QUEBEC_HOLIDAYS.get(day) for day in (
        dt.date(2027, 1, 1), dt.date(2027, 3, 26), dt.date(2027, 5, 24), dt.date(2027, 6, 24),
        dt.date(2027, 7, 1), dt.date(2027, 9, 6), dt.date(2027, 10, 11), dt.date(2027, 12, 25),
    )}  # fmt: skip
    assert names == {
        dt.date(2027, 1, 1): "Jour de l'an",
        dt.date(2027, 3, 26): "Vendredi saint",
        dt.date(2027, 5, 24): "Journée nationale des patriotes",
        dt.date(2027, 6, 24): "Fête nationale du Québec",
        dt.date(2027, 7, 1): "Fête du Canada",
        dt.date(2027, 9, 6): "Fête du Travail",
        dt.date(2027, 10, 11): "Action de grâce",
        dt.date(2027, 12, 25): "Jour de Noël",
    }
    assert dt.date(2027, 9, 30) not in QUEBEC_HOLIDAYS  # federal only, not a Québec statutory holiday


def test_a_weekly_monday_skips_patriotes_labour_day_and_thanksgiving() -> None:
    result = recurrence("chaque lundi à 17 h sauf les jours fériés", local(2027, 5, 10))
    days = [moment.astimezone(TORONTO).date() for moment in result.occurrences(local(2027, 5, 1), 30)]
    assert days[:3] == [dt.date(2027, 5, 10), dt.date(2027, 5, 17), dt.date(2027, 5, 31)]
    assert {dt.date(2027, 5, 24), dt.date(2027, 9, 6), dt.date(2027, 10, 11)}.isdisjoint(days)
    assert dt.date(2027, 9, 13) in days and dt.date(2027, 8, 30) in days
    assert all(day.weekday() == 0 for day in days)
    assert result.text_fr == "chaque lundi à 17 h, sauf les jours fériés"


def test_holidays_are_kept_unless_asked() -> None:
    result = recurrence("chaque lundi à 17 h", local(2027, 5, 10))
    days = [moment.astimezone(TORONTO).date() for moment in result.occurrences(local(2027, 5, 1), 3)]
    assert days == [dt.date(2027, 5, 10), dt.date(2027, 5, 17), dt.date(2027, 5, 24)]
    skipping = recurrence("chaque lundi à 17 h", local(2027, 5, 10), skip_holidays=True)
    kept = [moment.astimezone(TORONTO).date() for moment in skipping.occurrences(local(2027, 5, 1), 3)]
    assert kept == [dt.date(2027, 5, 10), dt.date(2027, 5, 17), dt.date(2027, 5, 31)]


def test_feb_29_yearly_happens_in_leap_years_only_with_a_note() -> None:
    result = recurrence("chaque année le 29 février à 17 h")
    assert result.rule == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    assert local_times(result.occurrences(NOW, 3)) == [
        dt.datetime(2028, 2, 29, 17), dt.datetime(2032, 2, 29, 17), dt.datetime(2036, 2, 29, 17),
    ]
    assert result.notes == (
        ("Le 29 février n'existe que les années bissextiles : ce sera seulement ces années-là. "
        "Pour tous les ans, écrivez « chaque année le dernier jour de février »."),
    )


def test_every_year_at_the_end_of_february() -> None:
    result = recurrence("chaque année le dernier jour de février à 17 h")
    assert [moment.astimezone(TORONTO).date() for moment in result.occurrences(NOW, 3)] == [
        dt.date(2027, 2, 28), dt.date(2028, 2, 29), dt.date(2029, 2, 28),
    ]


@pytest.mark.parametrize(
    ("rule", "text_fr"),
    [
        ("FREQ=MONTHLY;BYDAY=1TH", "chaque premier jeudi du mois à 17 h"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "chaque dernier vendredi du mois à 17 h"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=WE", "aux trois semaines, le mercredi à 17 h"),
        ("FREQ=YEARLY;INTERVAL=2;BYMONTH=4;BYMONTHDAY=-1", "aux deux ans, le dernier jour d'avril à 17 h"),
        ("FREQ=YEARLY;BYMONTH=8;BYDAY=1MO", "chaque année le premier lundi d'août à 17 h"),
        ("FREQ=DAILY;INTERVAL=2", "aux deux jours à 17 h"),
    ],
)
def test_to_french(rule: str, text_fr: str) -> None:
    assert to_french(rule, dt.time(17)) == text_fr


def test_to_french_without_time() -> None:
    assert to_french("FREQ=WEEKLY;BYDAY=TH", skip_holidays=True) == "chaque jeudi, sauf les jours fériés"


def test_to_french_refuses_rules_it_cannot_say() -> None:
    with pytest.raises(ValueError):
        to_french("FREQ=WEEKLY;COUNT=3;BYDAY=TH")


WORDS = st.sampled_from([
    "chaque", "tous", "les", "le", "premier", "dernier", "2e", "5e", "jeudi", "jeudis", "du", "mois",
    "semaines", "aux", "deux", "sur", "année", "15", "31", "0", "29", "février", "juin", "à", "17", "h",
    "jour", "sauf", "fériés", "de", "soir", "et", "lundi",
])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.text(max_size=30), st.lists(WORDS, max_size=8).map(" ".join)))
def test_any_text_gives_a_recurrence_or_a_problem(text: str) -> None:
    result = parse_recurrence(text, NOW, TORONTO)
    assert isinstance(result, Recurrence | DateProblem)
    if isinstance(result, Recurrence):
        assert result.start >= NOW
        assert to_french(result.rule)
        assert len(result.occurrences(NOW, 3)) == 3 or result.skip_holidays or "BYMONTHDAY=29" in result.rule
