"""How announcements are shown: the confirmation before saving, and the lines of ``/annonce liste``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from handlers.markup import escape
from handlers.messages import ChatRef
from handlers.texts import Texts
from scheduler.addresses import Channel
from scheduler.announcements import PAUSED, Schedule, Summary
from scheduler.datewords import to_french_date, to_french_time
from scheduler.recurrence import to_french

EXCERPT = 60  # characters of the text shown in a list


def to_french_moment(moment: dt.datetime, zone: ZoneInfo, now: dt.datetime) -> str:
    """"lundi 30 novembre, 9 h" (with the year when it is not this year's)."""
    local = moment.astimezone(zone)
    with_year = local.year != now.astimezone(zone).year
    return f"{to_french_date(local.date(), with_year)}, {to_french_time(local.time())}"


def to_rhythm(schedule: Schedule, zone: ZoneInfo, now: dt.datetime) -> str:
    """The rhythm in French, or the one date of a one-shot announcement."""
    if schedule.rrule is None:
        return to_french_moment(schedule.first_at, zone, now)
    at = schedule.first_at.astimezone(ZoneInfo(schedule.zone)).time()
    return to_french(schedule.rrule, at, schedule.skip_holidays)


def to_places(channels: Sequence[Channel], here: ChatRef, t: Texts) -> str:
    """Where it is posted: "ici", "#C0123", "@groupe"…"""
    names = [
        t("ici") if (c.platform, c.chat_id) == (here.platform, here.chat_id) else escape(c.chat_id)
        for c in channels
    ]
    return ", ".join(names)


def to_confirmation(
    title: str, text: str, said: str, next_due: dt.datetime, places: str, notes: Sequence[str],
    zone: ZoneInfo, now: dt.datetime, t: Texts, *, first: bool = True,
) -> str:
    """The announcement as it will be saved, for its author to confirm."""
    lines = [
        title,
        t("Quand : **{when}**", when=escape(said)),
        (t("Première publication : {moment}", moment=to_french_moment(next_due, zone, now)) if first
         else t("Prochaine publication : {moment}", moment=to_french_moment(next_due, zone, now))),
        t("Où : {places}", places=places),
        *(f"⚠️ {escape(note)}" for note in notes),
        t("Texte :"),
        text,
    ]
    return "\n".join(lines)


def to_line(summary: Summary, here: ChatRef, zone: ZoneInfo, now: dt.datetime, t: Texts) -> str:
    """One announcement in ``/annonce liste``."""
    excerpt = summary.text if len(summary.text) <= EXCERPT else summary.text[: EXCERPT - 1].rstrip() + "…"
    rhythm = t("une fois") if summary.schedule.rrule is None else escape(to_rhythm(summary.schedule, zone, now))
    if summary.status == PAUSED:
        state = t("en pause")
    elif summary.due_at is not None:
        state = t("prochaine : {moment}", moment=to_french_moment(summary.due_at, zone, now))
    else:
        state = t("terminée")
    return t("- **{id}** · {rhythm} · {state} · {places} — « {excerpt} »",
             id=summary.short_id, rhythm=rhythm, state=state,
             places=to_places(summary.channels, here, t), excerpt=escape(excerpt.replace("\n", " ")))
