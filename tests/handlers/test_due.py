"""Due reminders written to the outbox on SQLite and PostgreSQL: to every channel and to each person
coming whom the bot may write to (on Telegram, who once wrote to it privately), once, at the right UTC
instants across the daylight-saving changes, in the network's language."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import delete, select, update

from directory.private_chats import PrivateChat, remember_private_chat
from handlers.due import enqueue_due_reminders, enqueue_reminder
from handlers.payloads import to_reply
from scheduler import reminders
from scheduler.events import CLAIMED, DONE, MAYBE, NO, Reminder
from scheduler.outbox import OutboxMessage
from tests.bot.fake_outbox import TORONTO, Clock, Sessions, add_event, emptied, to_context, yes

UTC = dt.UTC
T0 = dt.datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)
CHANNELS = (("telegram", "-100111", None), ("slack", "C0PLACE", "1761000000.000100"))
ANSWERS = (
    yes("telegram", "1001"), yes("slack", "U0MARIE"), ("telegram", "1002", MAYBE, None),
    ("telegram", "1003", NO, None), yes("telegram", "1004", position=1),
)


@pytest_asyncio.fixture
async def sessions(migrated_database: str) -> AsyncIterator[Sessions]:
    """The module's migrated database (SQLite, then PostgreSQL), emptied; on Telegram only 1001 has
    written to the bot privately."""
    async with emptied(migrated_database) as sessions:
        async with sessions.begin() as session:
            await session.execute(delete(PrivateChat))
        await remember_private_chat(sessions, "telegram", "1001", T0)
        yield sessions


async def outbox_rows(sessions: Sessions) -> list[OutboxMessage]:
    """The outbox, in a stable order."""
    async with sessions() as session:
        found = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.platform, OutboxMessage.chat_id))
        return list(found.all())


async def reminder_rows(sessions: Sessions, event_id: uuid.UUID) -> list[Reminder]:
    """The event's reminders, soonest first."""
    async with sessions() as session:
        found = await session.scalars(select(Reminder).where(Reminder.event_id == event_id).order_by(Reminder.due_at))
        return list(found.all())


async def sweep_at(sessions: Sessions, now: dt.datetime, language: str = "fr") -> int:
    """One pass of the reminder producer at ``now``."""
    return await enqueue_due_reminders(to_context(sessions, Clock(now), language), now)


async def test_a_due_reminder_goes_to_every_channel_and_to_each_person_coming(sessions: Sessions) -> None:
    starts = dt.datetime(2026, 10, 22, 17, 0, tzinfo=TORONTO)
    event_id = await add_event(sessions, starts.astimezone(UTC), T0, channels=CHANNELS, answers=ANSWERS,
                               place="Café l'Entre-Deux, 2450 rue Saint-Dominique")
    due = starts - dt.timedelta(days=7)
    assert await sweep_at(sessions, due - SECOND) == 0
    assert await sweep_at(sessions, due) == 4
    rows = await outbox_rows(sessions)
    assert [(r.platform, r.chat_id, r.thread_id) for r in rows] == [
        ("slack", "C0PLACE", "1761000000.000100"), ("slack", "U0MARIE", None),
        ("telegram", "-100111", None), ("telegram", "1001", None),
    ]
    assert {r.dedupe_key for r in rows} == {
        f"reminder:{(await reminder_rows(sessions, event_id))[0].id}:{r.platform}:{r.chat_id}" for r in rows
    }
    assert [r.topic for r in rows] == [f"event:{event_id}:reminder", None, f"event:{event_id}:reminder", None]
    reply = to_reply(rows[0].payload)
    assert reply.text.splitlines() == [
        "**Rappel : 5-à-7 de l'automne**",
        "5-à-7 · dans 7 jours, jeudi 22 octobre, 17 h",
        "Lieu : Café l'Entre-Deux, 2450 rue Saint-Dominique",
        "2 personnes y seront.",
    ]
    assert [(b.label, b.data) for b in reply.buttons] == [
        ("J'y serai", f"rsvp:y:{event_id.hex}"), ("Peut-être", f"rsvp:m:{event_id.hex}"),
        ("Je ne peux pas", f"rsvp:n:{event_id.hex}"),
    ]
    assert [r.status for r in await reminder_rows(sessions, event_id)] == [DONE, "pending", "pending"]
    assert await sweep_at(sessions, due + HOUR) == 0


async def test_no_direct_reminder_to_someone_on_telegram_who_never_wrote_to_the_bot(sessions: Sessions) -> None:
    starts = dt.datetime(2026, 10, 22, 17, 0, tzinfo=TORONTO)
    answers = (yes("telegram", "1001"), yes("telegram", "1006"), yes("slack", "U0PAUL"))
    await add_event(sessions, starts.astimezone(UTC), T0, channels=CHANNELS[:1], answers=answers,
                    reminder_offsets="P1D")
    assert await sweep_at(sessions, starts - dt.timedelta(days=1)) == 3  # not to 1006: Telegram would refuse it
    rows = await outbox_rows(sessions)
    assert [(r.platform, r.chat_id) for r in rows] == [
        ("slack", "U0PAUL"), ("telegram", "-100111"), ("telegram", "1001")]
    assert to_reply(rows[0].payload).text.splitlines()[-1] == "3 personnes y seront."


@pytest.mark.parametrize(("starts", "created", "expected"), [
    pytest.param(
        # EST (UTC-5); the change is on November 1
        dt.datetime(2026, 11, 5, 17, 0, tzinfo=TORONTO), T0,
        [
            (dt.datetime(2026, 10, 29, 21, 0, tzinfo=UTC), "dans 7 jours, jeudi 5 novembre, 17 h"),  # 17 h EDT
            (dt.datetime(2026, 11, 4, 22, 0, tzinfo=UTC), "demain, jeudi 5 novembre, 17 h"),  # 17 h EST
            (dt.datetime(2026, 11, 5, 20, 0, tzinfo=UTC), "dans 2 heures, jeudi 5 novembre, 17 h"),
        ],
        id="november",
    ),
    pytest.param(
        # EDT (UTC-4); the change is on March 14
        dt.datetime(2027, 3, 18, 17, 0, tzinfo=TORONTO), dt.datetime(2027, 3, 1, tzinfo=UTC),
        [
            (dt.datetime(2027, 3, 11, 22, 0, tzinfo=UTC), "dans 7 jours, jeudi 18 mars, 17 h"),  # 17 h EST
            (dt.datetime(2027, 3, 17, 21, 0, tzinfo=UTC), "demain, jeudi 18 mars, 17 h"),  # 17 h EDT
            (dt.datetime(2027, 3, 18, 19, 0, tzinfo=UTC), "dans 2 heures, jeudi 18 mars, 17 h"),
        ],
        id="march",
    ),
])
async def test_reminders_fall_due_at_the_right_instants_across_a_clock_change(
    sessions: Sessions, starts: dt.datetime, created: dt.datetime, expected: list[tuple[dt.datetime, str]]
) -> None:
    await add_event(sessions, starts.astimezone(UTC), created)
    await assert_sent_at(sessions, expected)


async def test_two_hours_before_counts_real_hours_on_the_night_of_the_change(sessions: Sessions) -> None:
    starts = dt.datetime(2027, 3, 14, 10, 0, tzinfo=TORONTO)  # the clocks jumped from 2 h to 3 h that night
    await add_event(sessions, starts.astimezone(UTC), dt.datetime(2027, 3, 1, tzinfo=UTC), reminder_offsets="PT2H")
    expected = [(dt.datetime(2027, 3, 14, 12, 0, tzinfo=UTC), "dans 2 heures, dimanche 14 mars, 10 h")]  # 7 h EST
    await assert_sent_at(sessions, expected)


async def assert_sent_at(sessions: Sessions, expected: list[tuple[dt.datetime, str]]) -> None:
    """Each reminder is written at its instant, not a second before, with the words expected."""
    for instant, words in expected:
        assert await sweep_at(sessions, instant - SECOND) == 0, instant
        assert await sweep_at(sessions, instant) == 1, instant
        (row,) = [r for r in await outbox_rows(sessions) if r.created_at == instant]
        assert row.payload["text"].splitlines()[1] == f"5-à-7 · {words}"


async def test_a_late_reminder_says_its_delay(sessions: Sessions) -> None:
    starts = dt.datetime(2026, 10, 22, 17, 0, tzinfo=TORONTO)
    await add_event(sessions, starts.astimezone(UTC), T0, reminder_offsets="P1D")
    assert await sweep_at(sessions, starts - dt.timedelta(days=1) + 3 * HOUR) == 1
    (row,) = await outbox_rows(sessions)
    lines = row.payload["text"].splitlines()
    assert lines[1] == "5-à-7 · demain, jeudi 22 octobre, 17 h"  # 21 hours ahead, on the next day
    assert lines[-1] == "Rappel envoyé avec 3 heures de retard."
    assert lines[-2] == "Personne n'a encore répondu « J'y serai »."


async def test_a_reminder_in_english_for_an_english_network(sessions: Sessions) -> None:
    starts = dt.datetime(2026, 10, 22, 17, 30, tzinfo=TORONTO)
    await add_event(sessions, starts.astimezone(UTC), T0, answers=(yes("telegram", "1001"),), reminder_offsets="PT2H")
    assert await sweep_at(sessions, starts - 2 * HOUR, language="en") == 2
    reply = to_reply((await outbox_rows(sessions))[0].payload)
    assert reply.text.splitlines()[0] == "**Reminder: 5-à-7 de l'automne**"
    assert reply.text.splitlines()[1].endswith("in 2 hours, Thursday, October 22, 5:30\u202fp.m.")
    assert reply.text.splitlines()[-1] == "1 person will be there."
    assert [b.label for b in reply.buttons] == ["I'll be there", "Maybe", "I can't"]


async def test_a_reminder_claimed_by_a_sweeper_that_stopped_is_sent_once_by_the_next(sessions: Sessions) -> None:
    starts = dt.datetime(2026, 10, 22, 17, 0, tzinfo=TORONTO)
    event_id = await add_event(sessions, starts.astimezone(UTC), T0, channels=CHANNELS, answers=ANSWERS,
                               reminder_offsets="P1D")
    due = starts - dt.timedelta(days=1)
    (claimed,) = await reminders.claim_due(sessions, due)  # then the process is killed
    assert await sweep_at(sessions, due + reminders.CLAIM_TIMEOUT - SECOND) == 0
    assert await sweep_at(sessions, due + reminders.CLAIM_TIMEOUT) == 4
    assert len(await outbox_rows(sessions)) == 4
    (reminder,) = await reminder_rows(sessions, event_id)
    assert reminder.id == claimed.id and reminder.status == DONE


async def test_writing_a_reminder_again_writes_no_message_twice(sessions: Sessions) -> None:
    starts = dt.datetime(2026, 10, 22, 17, 0, tzinfo=TORONTO)
    event_id = await add_event(sessions, starts.astimezone(UTC), T0, channels=CHANNELS, answers=ANSWERS,
                               reminder_offsets="P1D")
    now = starts - dt.timedelta(days=1)
    context = to_context(sessions, Clock(now))
    (claimed,) = await reminders.claim_due(sessions, now)
    assert await enqueue_reminder(context, claimed, now) == 4
    assert await enqueue_reminder(context, claimed, now) == 0  # settled: nothing more
    async with sessions.begin() as session:  # as if a second sweeper held an older claim of it
        await session.execute(update(Reminder).where(Reminder.event_id == event_id).values(status=CLAIMED))
    assert await enqueue_reminder(context, claimed, now) == 0  # the dedupe keys refuse every copy
    assert len(await outbox_rows(sessions)) == 4


async def test_a_reminder_cancelled_after_its_claim_writes_nothing(sessions: Sessions) -> None:
    starts = dt.datetime(2026, 10, 22, 17, 0, tzinfo=TORONTO)
    event_id = await add_event(sessions, starts.astimezone(UTC), T0, channels=CHANNELS, reminder_offsets="P1D")
    now = starts - dt.timedelta(days=1)
    (claimed,) = await reminders.claim_due(sessions, now)
    await reminders.cancel_reminders(sessions, event_id)
    assert await enqueue_reminder(to_context(sessions, Clock(now)), claimed, now) == 0
    assert await outbox_rows(sessions) == []


async def test_every_reminder_due_is_written_even_past_batches_of_skipped_ones(sessions: Sessions) -> None:
    now = dt.datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    for day in range(3):  # events that started while the bot was down: their reminders are skipped
        await add_event(sessions, now - dt.timedelta(hours=day + 1), T0, reminder_offsets="PT2H")
    coming = dt.datetime(2026, 10, 20, 13, 0, tzinfo=UTC)
    await add_event(sessions, coming, T0, reminder_offsets="PT2H")
    context = to_context(sessions, Clock(now))
    assert await enqueue_due_reminders(context, now, batch=2) == 1
    async with sessions() as session:
        statuses = (await session.scalars(select(Reminder.status).order_by(Reminder.due_at))).all()
    assert statuses == ["skipped"] * 3 + [DONE]
