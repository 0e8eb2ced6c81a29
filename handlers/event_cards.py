"""How an event is shown: its announcement with live counts and answer buttons (a cancelled one:
only what was cancelled), its calendar file, and the private links from a group: ``/start evt_<id>``
showing one event with its buttons, ``/start ics_<id>`` sending its calendar file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import help as help_
from handlers import profile, profile_views, table_invites, welcome
from handlers.context import Context
from handlers.event_form import to_french_moment
from handlers.markup import escape
from handlers.messages import Attachment, Button, Incoming, Reply
from handlers.texts import Texts, texts_for
from scheduler.calendars import ICS_MIME, CalendarEvent, filename_for, to_ics
from scheduler.event_store import next_start
from scheduler.events import CANCELLED, Event
from scheduler.recurrence import to_french
from scheduler.rsvps import Counts, counts

RSVP_PREFIX = "rsvp:"  # "rsvp:y:<event hex>", "rsvp:m:…", "rsvp:n:…"
ICS_PREFIX = "ics:"  # "ics:<event hex>"
START_PREFIX = "evt_"  # /start evt_<event hex>
ICS_START_PREFIX = "ics_"  # /start ics_<event hex>
CALENDAR_NAME = "Passerelle"


def announce_topic(event_id: uuid.UUID) -> str:
    """The outbox topic of an event's announcements, to edit them all."""
    return f"event:{event_id}:announce"


def to_when(event: Event, now: dt.datetime) -> str:
    """When the event takes place, in French: its date, or its rhythm and its next occurrence (none
    once it is cancelled)."""
    zone = ZoneInfo(event.zone)
    year = now.astimezone(zone).year
    if event.rrule is None:
        return to_french_moment(event.starts_at.astimezone(zone), year)
    local = event.starts_at.astimezone(zone)
    rhythm = to_french(event.rrule, local.time(), event.skip_holidays)
    coming = next_start(event, now) if event.status != CANCELLED else None
    if coming is None:
        return rhythm
    return f"{rhythm} (prochain : {to_french_moment(coming.astimezone(zone), year)})"


def to_counts_line(tally: Counts, t: Texts) -> str:
    """"3 y seront · 1 peut-être · places : 27/30 · 2 en attente"."""
    parts = [
        t("{count} y sera", count=tally.yes) if tally.yes == 1 else t("{count} y seront", count=tally.yes),
        t("{count} peut-être", count=tally.maybe),
    ]
    if tally.capacity is not None:
        parts.append(t("places : {left}/{capacity}", left=tally.places_left, capacity=tally.capacity))
    if tally.waiting:
        parts.append(t("{count} en attente", count=tally.waiting))
    return " · ".join(parts)


def to_announcement(event: Event, tally: Counts, t: Texts, now: dt.datetime) -> Reply:
    """The announcement of an event: what, when, where, the counts, and the buttons to answer; once
    cancelled, only that it is, its title and when it was to be."""
    when = escape(to_when(event, now))
    if event.status == CANCELLED:
        return Reply("\n".join([t("**ANNULÉ**"), f"**{escape(event.title)}**",
                                t("Était prévu : {when}", when=when)]))
    lines = [f"**{escape(event.title)}**"]
    if event.kind != "autre":
        lines.append(t("Type : {kind}", kind=escape(event.kind)))
    lines.append(t("Quand : {when}", when=when))
    if event.place:
        lines.append(t("Lieu : {place}", place=escape(event.place)))
    if event.description:
        lines.append(escape(event.description))
    lines.append(to_counts_line(tally, t))
    hex_id = event.id.hex
    buttons = (
        Button(t("J'y serai"), f"{RSVP_PREFIX}y:{hex_id}"),
        Button(t("Peut-être"), f"{RSVP_PREFIX}m:{hex_id}"),
        Button(t("Je ne peux pas"), f"{RSVP_PREFIX}n:{hex_id}"),
        Button(t("Ajouter à mon calendrier"), f"{ICS_PREFIX}{hex_id}"),
    )
    return Reply("\n".join(lines), buttons=buttons)


async def announcement_of(session: AsyncSession, event: Event, t: Texts, now: dt.datetime) -> Reply:
    """The announcement of ``event`` with its counts read now."""
    return to_announcement(event, await counts(session, event), t, now)


def to_calendar_event(event: Event) -> CalendarEvent:
    """What the calendar file says about ``event``."""
    return CalendarEvent(
        uid=f"{event.id}@passerelle",
        title=event.title,
        start=event.starts_at,
        end=event.ends_at,
        zone=ZoneInfo(event.zone),
        place=event.place,
        description=event.description,
        rrule=event.rrule,
        sequence=event.sequence,
        cancelled=event.status == CANCELLED,
    )


def to_ics_reply(events: list[Event], filename: str, text: str, now: dt.datetime) -> Reply:
    """``text`` with the events as one ``.ics`` attachment."""
    content = to_ics([to_calendar_event(e) for e in events], calendar_name=CALENDAR_NAME, now=now)
    return Reply(text, attachments=(Attachment(filename, content, ICS_MIME),))


def event_ics(event: Event, t: Texts, now: dt.datetime) -> Reply:
    """One event's calendar file, to open in any calendar."""
    filename = filename_for(event.title, event.starts_at.astimezone(ZoneInfo(event.zone)))
    text = t("Le calendrier de « {title} » : ouvrez le fichier pour l'ajouter à votre agenda.",
             title=escape(event.title))
    return to_ics_reply([event], filename, text, now)


def parse_event_hex(text: str) -> uuid.UUID | None:
    """The event id written as 32 hex digits, none when it is not one."""
    try:
        return uuid.UUID(hex=text) if len(text) == 32 else None
    except ValueError:
        return None


async def start(incoming: Incoming, context: Context) -> list[Reply]:
    """``/start``: with ``evt_<id>`` (from a group's link), that event and its buttons; with ``ics_<id>``,
    its calendar file; with ``kit`` or nothing in a private chat, the welcome kit; with ``profil``, one's
    profile; otherwise the help."""
    payload = incoming.args.strip()
    if payload.startswith(table_invites.START_PREFIX):
        return await table_invites.start(incoming, context)
    if payload == profile_views.START_PAYLOAD and incoming.private:
        return await profile.command(dataclasses.replace(incoming, command="profil", args=""), context)
    if welcome.is_kit_payload(payload) or (not payload and incoming.private):
        return await welcome.start(incoming, context)
    prefix = next((p for p in (START_PREFIX, ICS_START_PREFIX) if payload.startswith(p)), None)
    if prefix is None:
        return await help_.show(incoming, context)
    t = texts_for(incoming.locale)
    now = context.clock()
    event_id = parse_event_hex(payload.removeprefix(prefix))
    async with context.sessions() as session:
        event = await session.get(Event, event_id) if event_id else None
        if event is None:
            return [Reply(t("Cet événement n'existe plus. Tapez /evenements pour voir ce qui s'en vient."))]
        if prefix == ICS_START_PREFIX:
            return [event_ics(event, t, now)]
        reply = await announcement_of(session, event, t, now)
    intro = t("Vous recevrez ici les rappels des événements auxquels vous répondez « J'y serai ».")
    return [Reply(intro), reply]
