"""Opening hours as each language writes them: "lun-ven 8 h 30 à 16 h 30", "Mon–Fri 8:30 a.m.–4:30 p.m."."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_time, get_day_names

from directory.details import Schedule
from handlers.texts import Texts

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # iCalendar BYDAY codes, Monday first as in Babel


def to_hours(schedules: list[Schedule], t: Texts) -> str:
    """The opening hours of ``schedules``, or their descriptions when they give no times."""
    parts = []
    for schedule in schedules:
        if schedule.opens_at and schedule.closes_at:
            parts.append(t(
                "{days} {opens} à {closes}",
                days=to_days(schedule.byday, t), opens=to_time(schedule.opens_at, t),
                closes=to_time(schedule.closes_at, t),
            ).strip())
        elif schedule.description:
            parts.append(schedule.description)
    return t(" ; ").join(parts)


def to_days(byday: str | None, t: Texts) -> str:
    """Days of an iCalendar BYDAY list ("MO,TU,WE,TH,FR"), three or more in a row as a range ("lun-ven")."""
    codes = {part.strip()[-2:].upper() for part in (byday or "").split(",")}
    positions = sorted(DAY_CODES.index(code) for code in codes & set(DAY_CODES))
    if not positions:
        return ""
    names = get_day_names("abbreviated", locale=t.locale)
    if len(positions) > 2 and positions == list(range(positions[0], positions[-1] + 1)):
        return t("{first}-{last}", first=_day(names, positions[0]), last=_day(names, positions[-1]))
    return ", ".join(_day(names, position) for position in positions)


def _day(names: dict[int, str], position: int) -> str:
    return names[position].rstrip(".")


def to_time(value: dt.time, t: Texts) -> str:
    """A time of day: "8 h 30" and "16 h" in French, "8:30 a.m." and "4 p.m." in English."""
    return format_time(value, t("H 'h' mm") if value.minute else t("H 'h'"), locale=t.locale)
