"""French dates as people type them, read against a fixed clock in America/Toronto."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.dates import DateProblem, When, parse_when

TORONTO = ZoneInfo("America/Toronto")
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=TORONTO)  # a Monday
THURSDAY = dt.datetime(2026, 11, 19, 10, 0, tzinfo=TORONTO)
BEFORE_SPRING = dt.datetime(2026, 3, 1, 10, 0, tzinfo=TORONTO)
BEFORE_FALL = dt.datetime(2026, 10, 25, 10, 0, tzinfo=TORONTO)


def when(text: str, now: dt.datetime = NOW, **kwargs: object) -> When:
    result = parse_when(text, now, TORONTO, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, When), result
    return result


def problem(text: str, now: dt.datetime = NOW) -> DateProblem:
    result = parse_when(text, now, TORONTO)
    assert isinstance(result, DateProblem), result
    return result


PARSED = [
    ("jeudi prochain 17h", (2026, 11, 19, 17, 0)),
    ("jeudi 17 h 30", (2026, 11, 19, 17, 30)),
    ("le 5 décembre à 17 h 30", (2026, 12, 5, 17, 30)),
    ("5/12 17h30", (2026, 12, 5, 17, 30)),
    ("2026-12-05 17:30", (2026, 12, 5, 17, 30)),
    ("2026-12-05T17:30", (2026, 12, 5, 17, 30)),
    ("demain midi", (2026, 11, 17, 12, 0)),
    ("ce soir 19h", (2026, 11, 16, 19, 0)),
    ("après-demain 9h", (2026, 11, 18, 9, 0)),
    ("apres demain 9h", (2026, 11, 18, 9, 0)),
    ("dans 3 jours à 10h", (2026, 11, 19, 10, 0)),
    ("lundi en 8 17h", (2026, 11, 23, 17, 0)),
    ("mardi en 8 17h", (2026, 11, 24, 17, 0)),
    ("mardi en quinze 9h30", (2026, 12, 1, 9, 30)),
    ("le 1er mars 2027 à 9 h", (2027, 3, 1, 9, 0)),
    ("midi", (2026, 11, 16, 12, 0)),
    ("minuit", (2026, 11, 17, 0, 0)),
    ("le 5 decmbre a 17h", (2026, 12, 5, 17, 0)),
    ("mercerdi 18 h", (2026, 11, 18, 18, 0)),
    ("vendredy 17 h", (2026, 11, 20, 17, 0)),
    ("demain soir 7h", (2026, 11, 17, 19, 0)),
    ("7h du soir demain", (2026, 11, 17, 19, 0)),
    ("5pm demain", (2026, 11, 17, 17, 0)),
    ("demain 3 h de l'après-midi", (2026, 11, 17, 15, 0)),
    ("dix-sept heures", (2026, 11, 16, 17, 0)),
    ("à 17", (2026, 11, 16, 17, 0)),
    ("vers 16 h", (2026, 11, 16, 16, 0)),
    ("aujourd'hui 15 h 45", (2026, 11, 16, 15, 45)),
    ("Aujourd’hui 15:45", (2026, 11, 16, 15, 45)),
    ("18 h moins le quart", (2026, 11, 16, 17, 45)),
    ("midi et demi demain", (2026, 11, 17, 12, 30)),
    ("vendredi 17 h et demie", (2026, 11, 20, 17, 30)),
    ("2026/12/05 8h", (2026, 12, 5, 8, 0)),
    ("05/12/26 17:30", (2026, 12, 5, 17, 30)),
    ("5/12/2026 17 h", (2026, 12, 5, 17, 0)),
    ("le premier décembre 17h", (2026, 12, 1, 17, 0)),
    ("jeudi 3 décembre 17h", (2026, 12, 3, 17, 0)),
    ("jeudi de la semaine prochaine 12h", (2026, 11, 26, 12, 0)),
    ("le prochain jeudi à 17 h", (2026, 11, 19, 17, 0)),
    ("le 20 à 14h", (2026, 11, 20, 14, 0)),
    ("le 15 à 14h", (2026, 12, 15, 14, 0)),
    ("vendredi le 20 à 8h", (2026, 11, 20, 8, 0)),
    ("vendredi minuit", (2026, 11, 21, 0, 0)),
    ("dans 2 heures", (2026, 11, 16, 12, 0)),
    ("dans 1 h 30", (2026, 11, 16, 11, 30)),
    ("dans une semaine à 17h", (2026, 11, 23, 17, 0)),
    ("dans un mois 18h", (2026, 12, 16, 18, 0)),
    ("le 5 janvier 9h", (2027, 1, 5, 9, 0)),
    ("5/6 17h", (2027, 6, 5, 17, 0)),
    ("Le 24 DÉC. à 17 H", (2026, 12, 24, 17, 0)),
    ("samedi 10h du matin", (2026, 11, 21, 10, 0)),
    ("demain 9 heures 15", (2026, 11, 17, 9, 15)),
    ("mercredi 17 h 30 min", (2026, 11, 18, 17, 30)),
    ("le 31 décembre 2026 23h59", (2026, 12, 31, 23, 59)),
    ("20 novembre 19 h", (2026, 11, 20, 19, 0)),
    ("demain, 17 h", (2026, 11, 17, 17, 0)),
]


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=[text for text, _ in PARSED])
def test_french_expressions_give_exact_local_times(text: str, expected: tuple[int, ...]) -> None:
    result = when(text)
    local = dt.datetime(*expected, tzinfo=TORONTO)
    assert result.local.replace(tzinfo=None) == local.replace(tzinfo=None)
    assert result.local.tzinfo == TORONTO
    assert result.start == local and result.start.tzinfo == dt.UTC
    assert not result.time_missing and not result.all_day


def test_enough_expressions_are_covered() -> None:
    assert len(PARSED) >= 40


@pytest.mark.parametrize(
    ("text", "expected", "text_fr"),
    [
        ("dans 2 semaines", dt.date(2026, 11, 30), "lundi 30 novembre"),
        ("demain", dt.date(2026, 11, 17), "mardi 17 novembre"),
        ("le 5 décembre", dt.date(2026, 12, 5), "samedi 5 décembre"),
        ("ce soir", dt.date(2026, 11, 16), "lundi 16 novembre"),
        ("5/6", dt.date(2027, 6, 5), "samedi 5 juin 2027"),
    ],
)
def test_a_date_without_time_asks_for_the_time(text: str, expected: dt.date, text_fr: str) -> None:
    result = when(text)
    assert result.time_missing and not result.all_day
    assert result.local == dt.datetime.combine(expected, dt.time(), TORONTO)
    assert result.text_fr == text_fr


def test_the_time_asked_afterwards_lands_on_the_day_given() -> None:
    asked_day = dt.date(2026, 11, 30)
    assert when("17 h", on=asked_day).local == dt.datetime(2026, 11, 30, 17, tzinfo=TORONTO)
    assert when("demain 17 h", on=asked_day).local == dt.datetime(2026, 11, 17, 17, tzinfo=TORONTO)


def test_all_day() -> None:
    result = when("samedi toute la journée")
    assert result.all_day and not result.time_missing
    assert result.local == dt.datetime(2026, 11, 21, tzinfo=TORONTO)
    assert result.text_fr == "samedi 21 novembre, toute la journée"


@pytest.mark.parametrize(
    ("text", "text_fr"),
    [
        ("jeudi prochain 17h", "jeudi 19 novembre, 17 h"),
        ("le 5 décembre à 17 h 30", "samedi 5 décembre, 17 h 30"),
        ("le 1er mars 2027 à 9 h", "lundi 1er mars 2027, 9 h"),
        ("demain 9 h 05", "mardi 17 novembre, 9 h 05"),
    ],
)
def test_written_back_as_quebec_writes_it(text: str, text_fr: str) -> None:
    assert when(text).text_fr == text_fr


def test_the_clock_may_be_given_in_utc() -> None:
    result = when("demain midi", NOW.astimezone(dt.UTC))
    assert result.start == dt.datetime(2026, 11, 17, 17, 0, tzinfo=dt.UTC)


def test_the_networks_zone_is_used() -> None:
    vancouver = ZoneInfo("America/Vancouver")
    result = parse_when("demain midi", NOW, vancouver)
    assert isinstance(result, When)
    assert result.start == dt.datetime(2026, 11, 17, 20, 0, tzinfo=dt.UTC)


def test_a_naive_clock_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("demain midi", NOW.replace(tzinfo=None), TORONTO)


def test_early_morning_is_kept_with_a_note() -> None:
    assert when("demain 4h").notes == ("4 h, c'est tôt : si c'est le soir, écrivez 16 h.",)
    assert when("demain 4 h 30 du matin").notes == ()
    assert when("demain 8h").notes == ()


def test_midnight_is_said_to_end_the_day() -> None:
    assert when("vendredi minuit").notes == ("Minuit est compté à la fin du vendredi 20 novembre.",)


REFUSED = [
    ("hier 17h", "past", "C'est déjà passé : dimanche 15 novembre, 17 h. Donnez une date à venir."),
    ("hier", "past", "C'est déjà passé : dimanche 15 novembre. Donnez une date à venir."),
    ("9h", "past", "9 h est déjà passé aujourd'hui. Pour demain, écrivez « demain 9 h »."),
    ("le 15 novembre", "past",
     "C'est déjà passé : dimanche 15 novembre. Pour l'an prochain, écrivez « le 15 novembre 2027 »."),
    ("31 février", "impossible", "Le 31 février n'existe pas : février a au plus 29 jours."),
    ("le 29 février", "impossible", "Il n'y a pas de 29 février en 2027."),
    ("25h", "impossible", "25 h n'existe pas : les heures vont de 0 h à 23 h (ex. 17 h pour 5 h du soir)."),
    ("demain 17h75", "impossible", "75 minutes n'existe pas : les minutes vont de 00 à 59 (ex. 17 h 30)."),
    ("13/13", "impossible", "13 n'est pas un mois (1 à 12)."),
    ("12/25", "impossible", "25 n'est pas un mois (1 à 12). Les dates s'écrivent jour/mois : 25/12."),
    ("17h du matin", "impossible", "17 h du matin n'existe pas : écrivez 17 h, sans « matin »."),
    ("lundi 17h", "ambiguous",
     ("Aujourd'hui est lundi : voulez-vous dire aujourd'hui (lundi 16 novembre) ou lundi prochain "
     "(lundi 23 novembre) ? Écrivez « aujourd'hui 17 h » ou « lundi prochain 17 h ».")),
    ("demain jeudi 17h", "impossible",
     "Ce n'est pas un jeudi : c'est le mardi 17 novembre. Vérifiez la date ou le jour."),
    ("vendredi le 12 à 8h", "impossible",
     "Ce n'est pas un vendredi : c'est le samedi 12 décembre. Vérifiez la date ou le jour."),
    ("la semaine prochaine", "unreadable",
     "Quel jour de la semaine prochaine ? Par exemple : « jeudi de la semaine prochaine 17 h »."),
    ("bla bla", "unreadable",
     ("Je ne comprends pas « bla » dans « bla bla ». Par exemple : « jeudi prochain 17 h », "
     "« le 5 décembre à 17 h 30 », « demain midi », « 5/12 17h30 ».")),
    ("", "unreadable",
     ("Je n'ai pas trouvé de date. Par exemple : « jeudi prochain 17 h », « le 5 décembre à 17 h 30 », "
     "« demain midi », « 5/12 17h30 ».")),
    ("demain 17", "unreadable",
     "« 17 » : une heure ou un jour ? Écrivez « 17 h » pour l'heure ou « le 17 » pour le jour."),
    ("demain 17h 18h", "unreadable", "J'ai trouvé deux heures : gardez-en une."),
    ("demain le 5 décembre", "unreadable", "J'ai trouvé deux dates : gardez-en une."),
    ("dans 2 heures à 17 h", "unreadable",
     "« dans 2 heures à 17 h » : donnez soit un délai (dans 2 heures), soit une date et une heure."),
    ("dans 2 heures demain", "unreadable", "J'ai trouvé deux dates : gardez-en une."),
    ("dans 3 dodos", "unreadable",
     "Dans 3 quoi ? Écrivez « dans 3 jours », « dans 3 semaines » ou « dans 3 heures »."),
    ("samedi toute la journée 17h", "unreadable",
     "Toute la journée ou à une heure précise ? Gardez l'un des deux."),
    ("le 5 décembre 2040", "too_far",
     "Le mercredi 5 décembre 2040, c'est bien loin : donnez une date dans les 5 prochaines années."),
]


@pytest.mark.parametrize(("text", "kind", "message"), REFUSED, ids=[text or "-" for text, _, _ in REFUSED])
def test_refused_with_a_message_saying_how_to_write_it(text: str, kind: str, message: str) -> None:
    assert problem(text) == DateProblem(kind, message)  # type: ignore[arg-type]


def test_a_day_name_on_that_very_day_is_ambiguous() -> None:
    assert problem("jeudi", THURSDAY).kind == "ambiguous"
    assert problem("jeudi 17 h", THURSDAY).kind == "ambiguous"
    assert when("jeudi prochain 17 h", THURSDAY).local == dt.datetime(2026, 11, 26, 17, tzinfo=TORONTO)
    assert when("aujourd'hui 17 h", THURSDAY).local == dt.datetime(2026, 11, 19, 17, tzinfo=TORONTO)
    assert when("jeudi en 8 17 h", THURSDAY).local == dt.datetime(2026, 11, 26, 17, tzinfo=TORONTO)


def test_day_name_and_day_number_must_agree() -> None:
    assert when("vendredi le 12 à 8h", dt.datetime(2027, 2, 20, 10, tzinfo=TORONTO)).local == dt.datetime(
        2027, 3, 12, 8, tzinfo=TORONTO
    )


def test_numeric_dates_are_day_then_month() -> None:
    assert when("5/6 17h").local.month == 6
    assert when("6/5 17h").local.month == 5


# Daylight saving: 2026-03-08 2:00 → 3:00 (EST to EDT) and 2026-11-01 2:00 → 1:00 (EDT to EST).


def test_a_time_skipped_in_spring_is_refused() -> None:
    assert problem("le 8 mars à 2 h 30", BEFORE_SPRING) == DateProblem(
        "dst_gap",
        "Le dimanche 8 mars 2026, 2 h 30 n'existe pas : on avance l'heure cette nuit-là. "
        "Choisissez une autre heure, par exemple 3 h 30.",
    )
    assert problem("dimanche prochain 2h", BEFORE_SPRING).kind == "dst_gap"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("le 7 mars 17h", (2026, 3, 7, 22, 0)),
        ("8/3 1h59", (2026, 3, 8, 6, 59)),
        ("8 mars 3h", (2026, 3, 8, 7, 0)),
        ("le 9 mars 17h", (2026, 3, 9, 21, 0)),
    ],
)
def test_around_the_spring_change(text: str, utc: tuple[int, ...]) -> None:
    assert when(text, BEFORE_SPRING).start == dt.datetime(*utc, tzinfo=dt.UTC)


def test_a_time_repeated_in_fall_takes_the_first_and_says_so() -> None:
    result = when("le 1er novembre à 1 h 30", BEFORE_FALL)
    assert result.start == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)
    assert result.local.utcoffset() == dt.timedelta(hours=-4)
    assert result.notes[-1] == (
        "Le dimanche 1er novembre 2026, 1 h 30 arrive deux fois (on recule l'heure cette nuit-là) : "
        "c'est la première qui est retenue."
    )


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("le 31 octobre 17h", (2026, 10, 31, 21, 0)),
        ("1/11 0h30", (2026, 11, 1, 4, 30)),
        ("1/11 2h", (2026, 11, 1, 7, 0)),
        ("le 2 novembre 17h", (2026, 11, 2, 22, 0)),
    ],
)
def test_around_the_fall_change(text: str, utc: tuple[int, ...]) -> None:
    result = when(text, BEFORE_FALL)
    assert result.start == dt.datetime(*utc, tzinfo=dt.UTC)
    assert not any("deux fois" in note for note in result.notes)


WORDS = st.sampled_from([
    "le", "à", "h", "17", "5", "0", "31", "99", "/", ":", "-", "2026", "12", "1er", "premier", "décembre",
    "février", "jeudi", "prochain", "en", "8", "dans", "jours", "heures", "semaine", "demain", "après",
    "midi", "minuit", "soir", "matin", "et", "demie", "moins", "quart", "pm", "toute", "la", "journée",
    "hier", "decmbre", "dix",
])


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.text(max_size=30), st.lists(WORDS, max_size=8).map(" ".join)))
def test_any_text_gives_a_when_or_a_problem(text: str) -> None:
    result = parse_when(text, NOW, TORONTO)
    assert isinstance(result, When | DateProblem)
    if isinstance(result, When):
        assert result.start > NOW or result.time_missing or result.all_day
        assert result.start.tzinfo == dt.UTC and result.local.tzinfo == TORONTO
    else:
        assert result.message
