"""Working days of a table de concertation, when follow-up reminders may fall.

A working day is a weekday (Monday to Friday) that is not a Québec statutory holiday (the days
``scheduler.recurrence.QUEBEC_HOLIDAYS`` lists, days observed in lieu included) and, for a table
that takes a summer break, not in July or August. Reminders go out at :data:`MORNING` local time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scheduler.recurrence import QUEBEC_HOLIDAYS

MORNING = dt.time(9, 0)
SUMMER_MONTHS = frozenset({7, 8})
SATURDAY = 5


def is_working_day(day: dt.date, summer_break: bool = False) -> bool:
    """Whether ``day`` is a working day (see the module's rule)."""
    if day.weekday() >= SATURDAY or day in QUEBEC_HOLIDAYS:
        return False
    return not (summer_break and day.month in SUMMER_MONTHS)


def first_working_day(day: dt.date, summer_break: bool = False) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    if summer_break and day.month in SUMMER_MONTHS:
        day = dt.date(day.year, 9, 1)
    while not is_working_day(day, summer_break):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, count: int, summer_break: bool = False) -> dt.date:
    """The ``count``-th working day after ``day`` (``day`` itself not counted)."""
    for _ in range(count):
        day = first_working_day(day + dt.timedelta(days=1), summer_break)
    return day


def morning_of(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """:data:`MORNING` local time on ``day``, in UTC."""
    return dt.datetime.combine(day, MORNING, zone).astimezone(dt.UTC)


def working_morning(day: dt.date, zone: ZoneInfo, summer_break: bool = False) -> dt.datetime:
    """The morning of the first working day on or after ``day``, in UTC."""
    return morning_of(first_working_day(day, summer_break), zone)


def next_working_morning(now: dt.datetime, zone: ZoneInfo, summer_break: bool = False) -> dt.datetime:
    """The first working morning strictly after ``now`` (today's when it is still to come), in UTC."""
    today = now.astimezone(zone).date()
    candidate = working_morning(today, zone, summer_break)
    if candidate > now:
        return candidate
    return working_morning(today + dt.timedelta(days=1), zone, summer_break)
