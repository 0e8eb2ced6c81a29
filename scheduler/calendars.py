"""iCalendar (RFC 5545) files for events: one ``.ics`` per event, or a whole calendar.

Times are written in the network's zone (``DTSTART;TZID=America/Toronto``) with a
VTIMEZONE for that zone, so that a recurring 5-à-7 stays at 17 h local across the
daylight-saving changes. Escaping, line folding and UTF-8 are left to icalendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vRecur

from directory.text import slug

ICS_MIME = "text/calendar"
PRODID = "-//Passerelle//Réseau//FR"
DEFAULT_DURATION = dt.timedelta(hours=2)
REMINDER_BEFORE = dt.timedelta(days=1)
# How far past its first occurrence a recurring event's zone rules are written out.
RECURRENCE_YEARS = 5
# ORGANIZER must be a URI; events carry only a name, so the URI says "no address".
ORGANIZER_URI = "invalid:nomail"
FILENAME_STEM_LIMIT = 60


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """What a calendar file says about one event; ``rrule`` is an RFC 5545 RRULE value."""

    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime | None
    zone: ZoneInfo
    place: str = ""
    description: str = ""
    url: str = ""
    rrule: str | None = None
    exdates: tuple[dt.datetime, ...] = ()
    sequence: int = 0
    cancelled: bool = False
    organizer_name: str = ""

    def __post_init__(self) -> None:
        for moment in (self.start, self.end, *self.exdates):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"naive datetime in event {self.uid!r}: {moment!r}")
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"event {self.uid!r} ends before it starts")

    @property
    def local_start(self) -> dt.datetime:
        """The start in the event's zone."""
        return self.start.astimezone(self.zone)

    @property
    def local_end(self) -> dt.datetime:
        """The end in the event's zone, two hours after the start when none was given."""
        end = self.end if self.end is not None else self.start.astimezone(dt.UTC) + DEFAULT_DURATION
        return end.astimezone(self.zone)


def to_ics(events: Sequence[CalendarEvent], *, calendar_name: str, now: dt.datetime) -> bytes:
    """A VCALENDAR with one VEVENT per event and the VTIMEZONEs they use, as CRLF-ended bytes."""
    if now.utcoffset() is None:
        raise ValueError(f"naive 'now': {now!r}")
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", calendar_name)
    for timezone in to_timezones(events):
        calendar.add_component(timezone)
    for event in events:
        calendar.add_component(to_vevent(event, now.astimezone(dt.UTC)))
    return calendar.to_ical()


def to_timezones(events: Sequence[CalendarEvent]) -> list[Timezone]:
    """One VTIMEZONE per zone used, covering the years of that zone's events (sorted by zone)."""
    by_zone: dict[str, list[CalendarEvent]] = {}
    for event in events:
        by_zone.setdefault(event.zone.key, []).append(event)
    timezones = []
    for key, zone_events in sorted(by_zone.items()):
        first = min(event.local_start.year for event in zone_events)
        last = max(event.local_end.year + (RECURRENCE_YEARS if event.rrule else 0) for event in zone_events)
        timezones.append(
            Timezone.from_tzinfo(
                zone_events[0].zone,
                tzid=key,
                first_date=dt.date(first, 1, 1),
                last_date=dt.date(last + 1, 1, 1),
            )
        )
    return timezones


def to_vevent(event: CalendarEvent, stamp: dt.datetime) -> Event:
    """The VEVENT of one event, with a display reminder the day before."""
    vevent = Event()
    vevent.add("UID", event.uid)
    vevent.add("DTSTAMP", stamp)
    vevent.add("DTSTART", event.local_start)
    vevent.add("DTEND", event.local_end)
    vevent.add("SUMMARY", event.title)
    for name, value in (("LOCATION", event.place), ("DESCRIPTION", event.description), ("URL", event.url)):
        if value:
            vevent.add(name, value)
    if event.organizer_name:
        vevent.add("ORGANIZER", ORGANIZER_URI, parameters={"CN": event.organizer_name})
    if event.rrule:
        vevent.add("RRULE", vRecur.from_ical(event.rrule))
    if event.exdates:
        vevent.add("EXDATE", [moment.astimezone(event.zone) for moment in event.exdates])
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED")
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", f"Rappel : {event.title}")
    alarm.add("TRIGGER", -REMINDER_BEFORE)
    vevent.add_component(alarm)
    return vevent


def filename_for(title: str, start: dt.datetime) -> str:
    """A safe ASCII file name for an event's ``.ics`` ("5-a-7-de-decembre-2026-12-05.ics")."""
    stem = "-".join(slug(title).split())
    if len(stem) > FILENAME_STEM_LIMIT:
        stem = stem[:FILENAME_STEM_LIMIT].rsplit("-", 1)[0]
    return f"{stem or 'evenement'}-{start.date().isoformat()}.ics"
