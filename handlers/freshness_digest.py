"""The monthly freshness digest: on the first working day of the month from 9 h (network zone), each
admin of each network gets, privately, the services due for a check (``handlers.freshness``), the
oldest first, then those never verified, each with "Toujours exact" and "Modifier" buttons.

Each digest is written once per month per admin across restarts and processes: its outbox row
carries the dedupe key ``fraicheur:<network>:<YYYY-MM>:<platform>:<user>``. The producer runs on
every sweep but reads the database once per month per process (``Context.freshness_month``).
Admins the bot may not write to privately are skipped; with nothing to check, nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.audit import last_edits
from directory.models import Organization, Service
from directory.roles import ADMIN, RoleHolder, holders
from handlers.context import Context
from handlers.freshness import is_stale, month_text, verified_on
from handlers.markup import escape
from handlers.messages import Button, Reply
from handlers.payloads import to_payload
from handlers.reachability import reachable_among
from handlers.texts import Texts, texts_for
from handlers.verify import edit_button, verify_button
from scheduler.outbox import OutboxMessage, enqueue
from scheduler.working_days import first_working_day, morning_of

log = logging.getLogger(__name__)
PER_MESSAGE = 10  # services listed in one digest; the others are counted
NOT_CHECKED = ("defunct",)  # statuses of services nobody needs to check


@dataclass(frozen=True, slots=True)
class ToCheck:
    """A service due for a check: its name, its organization's, when it was last verified (None: never)."""

    service_id: uuid.UUID
    name: str
    organization: str
    verified: dt.date | None


def due_month(now: dt.datetime, zone: ZoneInfo) -> str | None:
    """The month ("2026-03") whose digests are due at ``now``: this month's from 9 h on its first
    working day; None before, when last month's are done and this month's not due yet."""
    local = now.astimezone(zone)
    first = first_working_day(local.date().replace(day=1))
    if now < morning_of(first, zone):
        return None
    return f"{local.year}-{local.month:02d}"


async def enqueue_freshness_digests(context: Context, now: dt.datetime) -> int:
    """Write the month's digests to the outbox once due (once per process and per month); how many."""
    month = due_month(now, context.timezone)
    if month is None or context.freshness_month == month:
        return 0
    written = await _write_digests(context, month, now)
    context.freshness_month = month
    return written


async def services_to_check(
    session: AsyncSession, today: dt.date, months: int, zone: ZoneInfo
) -> list[ToCheck]:
    """The services due for a check on ``today``, last verified longest ago first, then those never
    verified (by name)."""
    rows = (
        await session.execute(
            select(Service, Organization.name)
            .outerjoin(Organization, Service.organization_id == Organization.id)
            .where(Service.status.not_in(NOT_CHECKED))
        )
    ).all()
    edits = await last_edits(session, resource_type="service")
    found = []
    for service, organization in rows:
        verified = verified_on(service, edits.get(service.id), zone)
        if verified is None or is_stale(verified, today, months):
            found.append(ToCheck(service.id, service.name, organization or "", verified))
    return sorted(
        found, key=lambda s: (s.verified is None, s.verified or today, s.name.casefold(), s.service_id)
    )


def to_digest(t: Texts, services: list[ToCheck], months: int) -> Reply:
    """The digest message: the first services with their two buttons each, the others counted."""
    shown = services[:PER_MESSAGE]
    lines = [t("**Fiches à vérifier** — ces services n'ont pas été vérifiés depuis plus de {months} mois. "
               "Sont-ils toujours exacts ?", months=months), ""]
    buttons: list[Button] = []
    for number, service in enumerate(shown, start=1):
        when = (t("dernière vérification : {month}", month=month_text(service.verified, t))
                if service.verified else t("jamais vérifié"))
        who = f" — {escape(service.organization)}" if service.organization else ""
        lines.append(f"{number}. **{escape(service.name)}**{who} · {when}")
        buttons += [verify_button(t, service.service_id, t("✅ {number}. Toujours exact", number=number)),
                    edit_button(t, service.service_id, t("✏️ {number}. Modifier", number=number))]
    if rest := len(services) - len(shown):
        lines.append(t(
            "… et {count} autres : confirmez-les avec /verifier suivi du nom du service.", count=rest
        ))
    return Reply("\n".join(lines), buttons=tuple(buttons))


async def _write_digests(context: Context, month: str, now: dt.datetime) -> int:
    today = now.astimezone(context.timezone).date()
    admins = {_key(admin, month): admin for admin in await holders(context.sessions, ADMIN)}
    written = 0
    async with context.sessions.begin() as session:
        sent = set(await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(admins))))
        waiting = [admin for key, admin in admins.items() if key not in sent]
        if not waiting:  # no admin, or this month's digests written by another process or before a restart
            return 0
        people = list(dict.fromkeys((admin.platform, admin.user_id) for admin in waiting))
        reachable = set(await reachable_among(session, people, known=context.private_chats))
        services = await services_to_check(session, today, context.freshness_months, context.timezone)
        if not services:
            return 0
        for admin in waiting:
            person = (admin.platform, admin.user_id)
            if person not in reachable:
                log.info("freshness digest skipped for %s:%s: never wrote to the bot", *person)
                continue
            chosen = await context.choices.choices(context.sessions, *person, now)
            t = texts_for(chosen.language or context.language)
            reply = to_digest(t, services, context.freshness_months)
            written += await enqueue(session, *person, None, to_payload(reply), now, dedupe_key=_key(admin, month))
    return written


def _key(admin: RoleHolder, month: str) -> str:
    """The outbox key of ``admin``'s digest of ``month``: written once, whichever process writes it."""
    return f"fraicheur:{admin.network_id}:{month}:{admin.platform}:{admin.user_id}"
