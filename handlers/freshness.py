"""Freshness: when a service was last known to be right, and whether it is due for a check.

A service was last verified on its ``assured_date``; without one, on the day of its last edit in
the audit log (imports aside: an import says when data arrived, not that someone checked it);
without any, on its ``last_modified`` day. It is "à vérifier" once that day is more than
``Context.freshness_months`` months old. A service with none of these dates is "jamais vérifié":
listed in the admins' monthly digest, never flagged in answers (a fresh import would flag all).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from babel.dates import format_date
from dateutil.relativedelta import relativedelta

from directory.models import Service
from directory.records import ServiceRecord
from handlers.context import Context
from handlers.texts import Texts


def verified_on(service: Service, last_edit: dt.datetime | None, zone: ZoneInfo) -> dt.date | None:
    """The day ``service`` was last known right (see the module's rule), or None when never."""
    if service.assured_date is not None:
        return service.assured_date
    if last_edit is not None:
        return last_edit.astimezone(zone).date()
    if service.last_modified is not None:  # naive UTC in HSDS data
        return service.last_modified.replace(tzinfo=dt.UTC).astimezone(zone).date()
    return None


def is_stale(verified: dt.date, today: dt.date, months: int) -> bool:
    """Whether a check made on ``verified`` is more than ``months`` months old on ``today``."""
    return verified + relativedelta(months=months) < today


def month_text(day: dt.date, t: Texts) -> str:
    """"mars 2025" ("March 2025" in English)."""
    return format_date(day, "LLLL y", locale=t.locale)


def stale_line(verified: dt.date, t: Texts) -> str:
    """The line a card shows for a service due for a check."""
    return t("À vérifier — dernière vérification : {month}", month=month_text(verified, t))


def stale_services(context: Context, records: Iterable[ServiceRecord]) -> dict[uuid.UUID, dt.date]:
    """The services of ``records`` due for a check, with the day they were last verified. Answers do
    not read the log: an edit made from the chat also sets the service's ``last_modified``, so the
    records already say when each was last edited."""
    today = context.clock().astimezone(context.timezone).date()
    stale = {}
    for record in records:
        verified = verified_on(record.service, None, context.timezone)
        if verified is not None and is_stale(verified, today, context.freshness_months):
            stale[record.service.id] = verified
    return stale
