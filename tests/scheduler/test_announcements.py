"""Announcements on SQLite and PostgreSQL: drafts confirmed once, found by short id, paused, resumed
and cancelled; due ones posted exactly once by two producers at once; the rule for missed occurrences
and Québec holidays, against a fixed clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.db import create_engine, session_factory
from handlers.announcement_posting import enqueue_due
from handlers.choices import ChoiceCache
from handlers.payloads import to_reply
from scheduler import announcements as store
from scheduler.addresses import Channel
from scheduler.announcements import (
    ACTIVE,
    CANCELLED,
    CLAIMED,
    FINISHED,
    LATE_LIMIT,
    Announcement,
    Schedule,
    plan_posting,
)
from scheduler.outbox import OutboxMessage
from tests.scheduler.racing import claim_twice

UTC = dt.UTC
ZONE = "America/Toronto"
T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday November 23rd, 9 h in Montréal
MINUTE, HOUR, DAY, WEEK = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1), dt.timedelta(days=7)
MONDAYS = Schedule(T0, ZONE, "FREQ=WEEKLY;BYDAY=MO")
CHANNELS = (Channel("telegram", "-1001"), Channel("slack", "C0123", "1700000000.000100"))
Sessions = async_sessionmaker[AsyncSession]


@pytest_asyncio.fixture
async def clean(sessions: Sessions) -> AsyncIterator[Sessions]:
    """Sessions on the test database, its announcements deleted."""
    async with sessions.begin() as session:
        await session.execute(delete(Announcement))
    yield sessions


async def saved(sessions: Sessions, schedule: Schedule = MONDAYS, text: str = "Rappel : la table", now: dt.datetime = T0
                ) -> uuid.UUID:
    """A confirmed announcement due at its first occurrence after ``now``."""
    draft_id = await store.save_draft(sessions, text, schedule, CHANNELS, "telegram:42", now)
    due = schedule.next_after(now)
    assert due is not None and await store.confirm(sessions, draft_id, due, now)
    return draft_id


async def posts(sessions: Sessions) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.chat_id, OutboxMessage.created_at)))


async def row(sessions: Sessions, announcement_id: uuid.UUID) -> Announcement:
    async with sessions() as session:
        found = await session.get(Announcement, announcement_id)
        assert found is not None
        return found


def test_the_most_recent_missed_occurrence_is_posted_late_once_older_ones_skipped() -> None:
    due = T0 + WEEK  # November 30th, 9 h
    on_time = plan_posting(due, MONDAYS, due + MINUTE)
    assert (on_time.occurrence, on_time.next_due) == (due, due + WEEK)
    late = plan_posting(due, MONDAYS, due + 5 * HOUR)
    assert (late.occurrence, late.next_due) == (due, due + WEEK)
    too_late = plan_posting(due, MONDAYS, due + LATE_LIMIT + MINUTE)
    assert (too_late.occurrence, too_late.next_due, too_late.missed) == (None, due + WEEK, due)
    # down three weeks and a bit: the two oldest are skipped, the one two hours ago is posted
    weeks_later = plan_posting(due, MONDAYS, due + 3 * WEEK + 2 * HOUR)
    assert (weeks_later.occurrence, weeks_later.next_due) == (due + 3 * WEEK, due + 4 * WEEK)
    once = Schedule(T0 + DAY, ZONE)
    assert plan_posting(T0 + DAY, once, T0 + DAY + HOUR) == store.Posting(T0 + DAY, None, T0 + DAY)
    assert plan_posting(T0 + DAY, once, T0 + 3 * DAY).occurrence is None


def test_quebec_holidays_are_skipped_by_rule() -> None:
    # Christmas 2026 is a Friday, New Year's Day 2027 too: both skipped
    fridays = Schedule(dt.datetime(2026, 12, 18, 14, 0, tzinfo=UTC), ZONE, "FREQ=WEEKLY;BYDAY=FR", skip_holidays=True)
    assert fridays.next_after(dt.datetime(2026, 12, 18, 15, 0, tzinfo=UTC)) == dt.datetime(2027, 1, 8, 14, 0, tzinfo=UTC)
    every_friday = Schedule(fridays.first_at, ZONE, fridays.rrule)
    assert every_friday.next_after(dt.datetime(2026, 12, 18, 15, 0, tzinfo=UTC)) == dt.datetime(2026, 12, 25, 14, 0,
                                                                                                   tzinfo=UTC)


async def test_a_draft_is_confirmed_once_and_never_posted_before(clean: Sessions) -> None:
    draft_id = await store.save_draft(clean, "Bonjour", MONDAYS, CHANNELS, "telegram:42", T0)
    assert await store.live(clean) == []
    assert await enqueue_due(clean, T0 + 2 * WEEK, choices=ChoiceCache(), language="fr") == 0
    draft = await store.draft(clean, draft_id, T0)
    assert draft is not None and draft.channels == tuple(sorted(CHANNELS, key=lambda c: (c.platform, c.chat_id)))
    assert await store.confirm(clean, draft_id, T0 + WEEK, T0)
    assert not await store.confirm(clean, draft_id, T0 + WEEK, T0)
    assert await store.draft(clean, draft_id, T0) is None
    (listed,) = await store.live(clean)
    assert (listed.id, listed.status, listed.due_at) == (draft_id, ACTIVE, T0 + WEEK)


async def test_old_drafts_are_forgotten(clean: Sessions) -> None:
    old = await store.save_draft(clean, "Vieux", MONDAYS, CHANNELS, "telegram:42", T0)
    assert await store.draft(clean, old, T0 + 2 * DAY) is None
    await store.save_draft(clean, "Neuf", MONDAYS, CHANNELS, "telegram:42", T0 + 2 * DAY)
    assert await store.discard(clean, old) is False


async def test_short_ids_pause_resume_and_cancel(clean: Sessions) -> None:
    first = await saved(clean)
    second = await saved(clean, text="Autre")
    assert [s.id for s in await store.find(clean, first.hex[:6])] == [first]
    assert [s.id for s in await store.find(clean, first.hex[:6].upper())] == [first]
    assert await store.find(clean, "zz") == [] and await store.find(clean, "") == []
    assert await store.pause(clean, first, T0)
    assert not await store.pause(clean, first, T0)
    assert await enqueue_due(clean, T0 + WEEK, choices=ChoiceCache(), language="fr") == 2  # the second only
    # resumed two weeks later: due at the next Monday after that, nothing posted for the weeks paused
    assert await store.resume(clean, first, T0 + 2 * WEEK + HOUR) == T0 + 3 * WEEK
    assert (await row(clean, first)).status == ACTIVE
    assert await store.cancel(clean, second, T0)
    assert not await store.cancel(clean, second, T0)
    assert (await row(clean, second)).status == CANCELLED
    assert [s.id for s in await store.live(clean)] == [first]


async def test_a_change_of_schedule_makes_it_due_at_its_next_occurrence(clean: Sessions) -> None:
    target = await saved(clean)
    tuesdays = Schedule(T0 + DAY + HOUR, ZONE, "FREQ=WEEKLY;BYDAY=TU")
    draft_id = await store.save_draft(clean, "Nouveau", tuesdays, (), "slack:U1", T0)
    changed = await store.apply_change(clean, draft_id, target, T0)
    assert changed is not None and changed.text == "Nouveau" and changed.due_at == T0 + DAY + HOUR
    assert changed.channels == tuple(sorted(CHANNELS, key=lambda c: (c.platform, c.chat_id)))
    assert await store.apply_change(clean, draft_id, target, T0) is None  # the draft is gone
    text_only = await store.save_draft(clean, "Encore", tuesdays, (), "slack:U1", T0 + HOUR)
    again = await store.apply_change(clean, text_only, target, T0 + HOUR)
    assert again is not None and again.due_at == T0 + DAY + HOUR and again.text == "Encore"


async def test_due_announcements_are_posted_once_per_channel_then_move_on(clean: Sessions) -> None:
    weekly = await saved(clean)
    once = await saved(clean, Schedule(T0 + WEEK + 2 * HOUR - 5 * MINUTE, ZONE), text="Une fois")
    now = T0 + WEEK + 2 * HOUR  # Monday 30th, 11 h: both due, the weekly one two hours late, the other on time
    assert await enqueue_due(clean, now, choices=ChoiceCache(), language="fr") == 4
    assert await enqueue_due(clean, now, choices=ChoiceCache(), language="fr") == 0
    sent = await posts(clean)
    assert sorted((m.platform, m.chat_id, m.thread_id) for m in sent) == sorted(
        [("slack", "C0123", "1700000000.000100")] * 2 + [("telegram", "-1001", None)] * 2
    )
    weekly_posts = [m for m in sent if m.topic == f"announcement:{weekly}"]
    assert {m.dedupe_key for m in weekly_posts} == {
        f"announcement:{weekly}:{(T0 + WEEK).isoformat()}:telegram:-1001",
        f"announcement:{weekly}:{(T0 + WEEK).isoformat()}:slack:C0123",
    }
    assert to_reply(weekly_posts[0].payload).text == (
        "Rappel : la table\n\n(Annonce prévue le lundi 30 novembre, 9 h, publiée avec 2 h de retard.)"
    )
    assert {to_reply(m.payload).text for m in sent if m.topic == f"announcement:{once}"} == {"Une fois"}
    assert ((await row(clean, weekly)).status, (await row(clean, weekly)).due_at) == (ACTIVE, T0 + 2 * WEEK)
    assert ((await row(clean, once)).status, (await row(clean, once)).due_at) == (FINISHED, None)


async def test_a_claim_left_by_a_stopped_producer_is_taken_again(clean: Sessions) -> None:
    announcement = await saved(clean)
    assert await store.claim_due(clean, T0 + WEEK) == [announcement]
    assert (await row(clean, announcement)).status == CLAIMED
    assert await enqueue_due(clean, T0 + WEEK + MINUTE, choices=ChoiceCache(), language="fr") == 0
    assert await enqueue_due(clean, T0 + WEEK + store.CLAIM_TIMEOUT, choices=ChoiceCache(), language="fr") == 2
    assert [to_reply(m.payload).text for m in await posts(clean)] == ["Rappel : la table"] * 2


async def test_a_pause_while_claimed_posts_nothing(clean: Sessions) -> None:
    announcement = await saved(clean)
    assert await store.claim_due(clean, T0 + WEEK) == [announcement]
    assert await store.pause(clean, announcement, T0 + WEEK)
    assert await enqueue_due(clean, T0 + WEEK + store.CLAIM_TIMEOUT, choices=ChoiceCache(), language="fr") == 0
    assert await posts(clean) == []


async def test_two_producers_claim_each_announcement_once(url: str, clean: Sessions) -> None:
    ids = [await saved(clean, text=f"Annonce {n}") for n in range(4)]
    first, second, _queries = await claim_twice(url, clean, lambda s: store.claim_due(s, T0 + WEEK))
    assert sorted(first + second) == sorted(ids)


async def test_two_producers_at_once_post_every_message_exactly_once(url: str, clean: Sessions) -> None:
    for n in range(6):
        await saved(clean, text=f"Annonce {n}")
    other_engine = create_engine(url)
    try:
        other = session_factory(other_engine)
        counts = await asyncio.gather(
            enqueue_due(clean, T0 + WEEK, choices=ChoiceCache(), language="fr"),
            enqueue_due(other, T0 + WEEK, choices=ChoiceCache(), language="fr"),
        )
    finally:
        await other_engine.dispose()
    assert sum(counts) == 12
    sent = await posts(clean)
    assert len(sent) == 12 and len({m.dedupe_key for m in sent}) == 12
    assert {a.due_at for a in await store.live(clean)} == {T0 + 2 * WEEK}
