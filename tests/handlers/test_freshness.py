"""Freshness: the day a service was last verified, and the "à vérifier" line of its card in ``/qui``
answers with a fixed clock, just before and just after the limit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import update

from directory.audit import IMPORT, record
from directory.editable import PHONES
from directory.editing import change_fields
from directory.models import Service
from directory.phones import parse_phones
from handlers.context import Context
from handlers.freshness import is_stale, month_text, verified_on
from handlers.texts import texts_for
from tests.handlers.audit_chat import CONSOLE, HALTE, HALTE_QUESTION, NOW, card_lines, send

ZONE = ZoneInfo("America/Toronto")
FLAG = "À vérifier — dernière vérification : mars 2025"


def test_the_assured_date_comes_first_then_the_last_edit_then_last_modified() -> None:
    edited = dt.datetime(2025, 6, 1, 3, 0, tzinfo=dt.UTC)  # still May 31 in Québec
    modified = dt.datetime(2024, 1, 1, 12, 0)  # naive UTC, as HSDS data holds it
    service = Service(name="x", assured_date=dt.date(2025, 3, 10), last_modified=modified)
    assert verified_on(service, edited, ZONE) == dt.date(2025, 3, 10)
    service.assured_date = None
    assert verified_on(service, edited, ZONE) == dt.date(2025, 5, 31)
    assert verified_on(service, None, ZONE) == dt.date(2024, 1, 1)
    service.last_modified = None
    assert verified_on(service, None, ZONE) is None


def test_stale_once_more_than_the_months_have_passed() -> None:
    verified = dt.date(2025, 3, 10)
    assert not is_stale(verified, dt.date(2026, 3, 10), 12)
    assert is_stale(verified, dt.date(2026, 3, 11), 12)
    assert not is_stale(dt.date(2025, 8, 31), dt.date(2026, 2, 28), 6)  # month ends are kept
    assert is_stale(dt.date(2025, 8, 31), dt.date(2026, 3, 1), 6)


def test_the_month_is_written_in_the_reader_language() -> None:
    assert month_text(dt.date(2025, 3, 10), texts_for("fr")) == "mars 2025"
    assert month_text(dt.date(2025, 3, 10), texts_for("en")) == "March 2025"


async def _assure(context: Context, day: dt.date | None) -> None:
    async with context.sessions.begin() as session:
        await session.execute(update(Service).where(Service.id == HALTE).values(assured_date=day))
    await context.search.refresh(context.sessions, [HALTE])


async def test_the_flag_shows_after_the_limit_only(bot: Context) -> None:
    await _assure(bot, dt.date(2025, 3, 10))
    bot.clock = lambda: dt.datetime(2026, 3, 11, 3, 59, tzinfo=dt.UTC)  # March 10, 23 h 59 in Québec
    assert FLAG not in card_lines(await send(bot, CONSOLE, HALTE_QUESTION), "Halte-répit")
    bot.clock = lambda: dt.datetime(2026, 3, 11, 4, 0, tzinfo=dt.UTC)  # March 11, midnight
    assert FLAG in card_lines(await send(bot, CONSOLE, HALTE_QUESTION), "Halte-répit")
    bot.freshness_months = 24
    assert FLAG not in card_lines(await send(bot, CONSOLE, HALTE_QUESTION), "Halte-répit")


async def test_never_verified_is_not_flagged_and_an_edit_counts_as_a_check(bot: Context) -> None:
    reply = await send(bot, CONSOLE, HALTE_QUESTION)
    assert not any(line.startswith("À vérifier") for card in reply.cards for line in card.lines)

    async with bot.sessions.begin() as session:  # an import says nothing of a check
        await record(session, resource_type="service", resource_id=HALTE, changes=(), action=IMPORT,
                     by="import:bottin", now=NOW - dt.timedelta(days=800))
    assert not any(line.startswith("À vérifier") for line in card_lines(await send(bot, CONSOLE, HALTE_QUESTION),
                                                                       "Halte-répit"))
    async with bot.sessions.begin() as session:  # an edit from the chat, in March 2025
        service = await session.get(Service, HALTE)
        assert service is not None
        await change_fields(session, service, {PHONES: parse_phones("418 555-0199")}, by="console",
                            now=dt.datetime(2025, 3, 2, 15, 0, tzinfo=dt.UTC))
    await bot.search.refresh(bot.sessions, [HALTE])
    assert FLAG in card_lines(await send(bot, CONSOLE, HALTE_QUESTION), "Halte-répit")
    await _assure(bot, NOW.date())  # the assured date wins over the log
    assert FLAG not in card_lines(await send(bot, CONSOLE, HALTE_QUESTION), "Halte-répit")
