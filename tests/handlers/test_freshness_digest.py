"""The monthly freshness digest against a fixed clock, on SQLite and PostgreSQL: due from 9 h on the
first working day of the month, one private message per admin per network, written once per month
across sweeps and processes, unreachable admins skipped, nothing sent when nothing needs a check."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.settings import Settings
from bot.wiring import build
from directory.models import Service
from directory.networks import create_network
from directory.private_chats import remember_private_chat
from directory.roles import ADMIN, COORDINATOR, grant
from directory.sample import sample_service_id
from handlers.context import Context
from handlers.freshness_digest import due_month, enqueue_freshness_digests
from handlers.payloads import to_reply
from scheduler.outbox import OutboxMessage
from tests.handlers.audit_chat import HALTE

ZONE = ZoneInfo("America/Toronto")
MARCH_2 = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)  # Monday March 2, 9 h in Québec
GARDE = sample_service_id("bc-du-royaume-garde-milieu-familial")


@asynccontextmanager
async def process(url: str) -> AsyncIterator[Context]:
    """One bot process on the database (the sample directory loaded the first time)."""
    running = await build(Settings(database_url=url, language="fr", timezone="America/Toronto"), say=lambda _m: None)
    try:
        yield running.context
    finally:
        await running.close()


async def _prepare(context: Context) -> None:
    """Two stale services, the others but one verified recently; admins on both platforms, one unreachable."""
    async with context.sessions.begin() as session:
        await session.execute(update(Service).values(assured_date=dt.date(2026, 1, 15)))
        await session.execute(update(Service).where(Service.id == HALTE).values(assured_date=dt.date(2024, 1, 5)))
        await session.execute(update(Service).where(Service.id == GARDE).values(assured_date=dt.date(2025, 2, 20)))
        await session.execute(update(Service).where(Service.name == "Halte-répit", Service.id != HALTE)
                              .values(assured_date=None))
    await create_network(context.sessions, "saguenay", "Saguenay", MARCH_2)
    for platform, user_id, network in (("telegram", "4201", "reseau"), ("slack", "U0ADMIN", "reseau"),
                                       ("slack", "U0ADMIN", "saguenay"), ("telegram", "4299", "reseau")):
        await grant(context.sessions, platform, user_id, ADMIN, granted_by="test", now=MARCH_2, network=network)
    await grant(context.sessions, "slack", "U0JULIE", COORDINATOR, granted_by="test", now=MARCH_2)
    await remember_private_chat(context.sessions, "telegram", "4201", MARCH_2)


async def _outbox(context: Context) -> list[OutboxMessage]:
    async with context.sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.dedupe_key)))


def test_due_from_9h_on_the_first_working_day() -> None:
    assert due_month(MARCH_2 - dt.timedelta(minutes=1), ZONE) is None
    assert due_month(MARCH_2, ZONE) == "2026-03"
    assert due_month(dt.datetime(2026, 3, 1, 15, 0, tzinfo=dt.UTC), ZONE) is None  # Sunday the 1st
    assert due_month(dt.datetime(2026, 4, 1, 3, 59, tzinfo=dt.UTC), ZONE) == "2026-03"  # March 31, 23 h 59
    new_year = dt.datetime(2027, 1, 4, 14, 0, tzinfo=dt.UTC)  # January 1st is a holiday, then a weekend
    assert due_month(new_year - dt.timedelta(days=3), ZONE) is None
    assert due_month(new_year, ZONE) == "2027-01"


async def test_once_per_admin_and_network_per_month(database_url: str) -> None:
    async with process(database_url) as bot:
        await _prepare(bot)
        assert await enqueue_freshness_digests(bot, MARCH_2 - dt.timedelta(minutes=1)) == 0
        assert await enqueue_freshness_digests(bot, MARCH_2) == 3
        assert await enqueue_freshness_digests(bot, MARCH_2 + dt.timedelta(days=1)) == 0  # done in this process
        async with process(database_url) as other:  # another process, or after a restart
            assert await enqueue_freshness_digests(other, MARCH_2 + dt.timedelta(hours=1)) == 0
            assert other.freshness_month == "2026-03"
        sent = await _outbox(bot)
        assert [m.dedupe_key for m in sent] == [
            "fraicheur:reseau:2026-03:slack:U0ADMIN", "fraicheur:reseau:2026-03:telegram:4201",
            "fraicheur:saguenay:2026-03:slack:U0ADMIN",
        ]
        assert {(m.platform, m.chat_id, m.thread_id) for m in sent} == {
            ("slack", "U0ADMIN", None), ("telegram", "4201", None),
        }
        reply = to_reply(sent[1].payload)
        assert reply.text == (
            "**Fiches à vérifier** — ces services n'ont pas été vérifiés depuis plus de 12 mois. "
            "Sont-ils toujours exacts ?\n\n"
            "1. **Halte-répit** — Aide-Parents Plus · dernière vérification : janvier 2024\n"
            "2. **Garde en milieu familial reconnue** — Bureau Coordonnateur du Royaume · "
            "dernière vérification : février 2025\n"
            "3. **Halte-répit** — Regroupement Enfants Fjord et Maison des Familles de La Baie · jamais vérifié"
        )
        assert [(b.label, b.data) for b in reply.buttons[:2]] == [
            ("✅ 1. Toujours exact", f"svv:{HALTE.hex}"), ("✏️ 1. Modifier", f"svm:{HALTE.hex}"),
        ]
        assert len(reply.buttons) == 6
        april = dt.datetime(2026, 4, 1, 13, 0, tzinfo=dt.UTC)  # Wednesday April 1, 9 h
        assert await enqueue_freshness_digests(bot, april) == 3


async def test_nothing_to_check_sends_nothing_and_many_are_counted(database_url: str) -> None:
    async with process(database_url) as bot:
        await _prepare(bot)
        async with bot.sessions.begin() as session:
            await session.execute(update(Service).values(assured_date=dt.date(2026, 3, 1)))
        assert await enqueue_freshness_digests(bot, MARCH_2) == 0
        assert await _outbox(bot) == []
        async with bot.sessions.begin() as session:
            await session.execute(update(Service).values(assured_date=None))
        april = dt.datetime(2026, 4, 1, 13, 0, tzinfo=dt.UTC)
        assert await enqueue_freshness_digests(bot, april) == 3
        reply = to_reply((await _outbox(bot))[0].payload)
        total = len([s for s in await _all_services(bot) if s.status != "defunct"])
        assert reply.text.count(" · jamais vérifié") == 10 and len(reply.buttons) == 20
        assert reply.text.endswith(f"… et {total - 10} autres : confirmez-les avec /verifier suivi du nom du service.")


async def _all_services(context: Context) -> list[Service]:
    async with context.sessions() as session:
        return list(await session.scalars(select(Service)))
