"""Working days of the follow-up cadence: weekends, Québec statutory holidays and the summer break skipped."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduler.working_days import (
    add_working_days,
    first_working_day,
    is_working_day,
    next_working_morning,
    working_morning,
)

TORONTO = ZoneInfo("America/Toronto")


@pytest.mark.parametrize(("day", "working"), [
    (dt.date(2026, 11, 20), True),  # a Friday
    (dt.date(2026, 11, 21), False),  # Saturday
    (dt.date(2026, 6, 24), False),  # Fête nationale du Québec
    (dt.date(2026, 7, 1), False),  # Fête du Canada
    (dt.date(2026, 12, 25), False),  # Christmas
    (dt.date(2026, 12, 24), True),  # Christmas Eve is not a statutory holiday
    (dt.date(2027, 12, 27), False),  # Christmas 2027 falls on a Saturday: observed on Monday
])
def test_weekends_and_quebec_holidays_are_not_working_days(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_the_summer_break_skips_july_and_august() -> None:
    assert is_working_day(dt.date(2026, 7, 3))
    assert not is_working_day(dt.date(2026, 7, 3), summer_break=True)
    assert first_working_day(dt.date(2026, 7, 3), summer_break=True) == dt.date(2026, 9, 1)
    assert first_working_day(dt.date(2027, 8, 30), summer_break=True) == dt.date(2027, 9, 1)
    assert first_working_day(dt.date(2026, 8, 29), summer_break=True) == dt.date(2026, 9, 1)


def test_working_days_are_counted_over_weekends_and_holidays() -> None:
    assert add_working_days(dt.date(2026, 11, 20), 3) == dt.date(2026, 11, 25)
    assert add_working_days(dt.date(2026, 12, 23), 3) == dt.date(2026, 12, 29)  # 24th, (Christmas, weekend) 28th, 29th
    assert add_working_days(dt.date(2026, 6, 30), 3, summer_break=True) == dt.date(2026, 9, 3)


def test_mornings_are_at_9_h_local_across_daylight_saving() -> None:
    assert working_morning(dt.date(2026, 11, 21), TORONTO) == dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
    assert working_morning(dt.date(2026, 6, 24), TORONTO) == dt.datetime(2026, 6, 25, 13, 0, tzinfo=dt.UTC)


def test_the_next_working_morning_is_always_later() -> None:
    early = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)  # Friday 7 h
    assert next_working_morning(early, TORONTO) == dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
    at_nine = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
    assert next_working_morning(at_nine, TORONTO) == dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
