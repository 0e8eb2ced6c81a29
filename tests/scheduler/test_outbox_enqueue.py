"""Posts and edits written inside a caller's transaction, on SQLite and PostgreSQL: ``enqueue`` once per
dedupe key, ``enqueue_edit`` of a topic's messages whether they are waiting, on their way or sent."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler import outbox
from scheduler.outbox import Addressed, OutboxMessage

T0 = dt.datetime(2025, 11, 20, 21, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
TOPIC = "event:0f0e:announce"
Sessions = async_sessionmaker[AsyncSession]


def payload(text: str) -> dict[str, Any]:
    """A reply as the outbox stores it."""
    return {"text": text, "cards": [], "buttons": [["J'y serai", "rsvp:y:0f0e"]], "attachments": []}


async def rows(sessions: Sessions) -> list[OutboxMessage]:
    """Every message of the outbox, oldest first."""
    async with sessions() as session:
        found = await session.execute(select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.kind))
        return list(found.scalars().all())


async def post(sessions: Sessions, chat_id: str, text: str = "3 y seront", **options: Any) -> bool:
    """Enqueue one announcement post in its own transaction."""
    async with sessions.begin() as session:
        return await outbox.enqueue(session, "telegram", chat_id, None, payload(text), T0, topic=TOPIC, **options)


async def edit(sessions: Sessions, text: str, now: dt.datetime = T0 + SECOND) -> int:
    """Enqueue new counts for the topic in its own transaction."""
    async with sessions.begin() as session:
        return await outbox.enqueue_edit(session, TOPIC, payload(text), now)


async def test_enqueue_writes_a_pending_post_due_now_or_at_the_time_given(sessions: Sessions) -> None:
    assert await post(sessions, "-1001")
    assert await post(sessions, "-1002", due_at=T0 + dt.timedelta(hours=1))
    first, second = await rows(sessions)
    assert (first.platform, first.chat_id, first.thread_id) == ("telegram", "-1001", None)
    assert first.kind == outbox.POST and first.status == outbox.PENDING and first.attempts == 0
    assert first.payload == payload("3 y seront") and first.topic == TOPIC
    assert first.due_at == T0 and first.created_at == T0
    assert second.due_at == T0 + dt.timedelta(hours=1)
    assert [m.chat_id for m in await outbox.claim_due(sessions, T0)] == ["-1001"]


async def test_a_dedupe_key_already_used_writes_nothing_and_says_so(sessions: Sessions) -> None:
    assert await post(sessions, "-1001", dedupe_key="reminder:1:telegram:-1001") is True
    assert await post(sessions, "-1001", "autre texte", dedupe_key="reminder:1:telegram:-1001") is False
    assert await post(sessions, "-1001", dedupe_key="reminder:2:telegram:-1001") is True
    assert [m.payload["text"] for m in await rows(sessions)] == ["3 y seront", "3 y seront"]


async def test_messages_without_a_dedupe_key_are_never_taken_for_duplicates(sessions: Sessions) -> None:
    assert await post(sessions, "-1001") and await post(sessions, "-1001")
    assert len(await rows(sessions)) == 2


async def test_a_refused_enqueue_leaves_the_callers_transaction_usable(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        assert await outbox.enqueue(session, "slack", "C1", "171.1", payload("a"), T0, dedupe_key="k")
        assert not await outbox.enqueue(session, "slack", "C1", "171.1", payload("b"), T0, dedupe_key="k")
        assert await outbox.enqueue(session, "slack", "C2", None, payload("c"), T0, dedupe_key="k2")
    assert sorted(m.chat_id for m in await rows(sessions)) == ["C1", "C2"]


async def test_an_enqueue_rolled_back_with_its_transaction_leaves_nothing(sessions: Sessions) -> None:
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            await outbox.enqueue(session, "slack", "C1", None, payload("a"), T0, dedupe_key="k")
            raise RuntimeError("la suite a échoué")
    assert await rows(sessions) == []
    assert await post(sessions, "C1", dedupe_key="k")  # the key is free again


async def test_a_post_not_sent_yet_just_takes_the_new_payload(sessions: Sessions) -> None:
    await post(sessions, "-1001")
    await post(sessions, "-1002")
    assert await edit(sessions, "4 y seront") == 2
    assert [(m.kind, m.payload["text"]) for m in await rows(sessions)] == [("post", "4 y seront")] * 2


async def test_a_sent_post_gets_one_edit_aimed_at_it_that_later_changes_update(sessions: Sessions) -> None:
    await post(sessions, "-1001")
    (claimed,) = await outbox.claim_due(sessions, T0)
    await outbox.mark_sent(sessions, claimed, T0, sent_ref="77")
    assert await edit(sessions, "4 y seront") == 1
    assert await edit(sessions, "5 y seront") == 1
    sent, change = await rows(sessions)
    assert sent.status == outbox.SENT and sent.sent_ref == "77" and sent.payload["text"] == "3 y seront"
    assert (change.kind, change.target_ref, change.chat_id, change.status) == ("edit", "77", "-1001", "pending")
    assert change.payload["text"] == "5 y seront" and change.topic == TOPIC
    (claimed_edit,) = await outbox.claim_due(sessions, T0 + SECOND)
    assert (claimed_edit.kind, claimed_edit.target_ref) == (outbox.EDIT, "77")
    await outbox.mark_sent(sessions, claimed_edit, T0 + SECOND)
    assert await edit(sessions, "6 y seront", T0 + 2 * SECOND) == 1  # the sent edit is left alone: a new one
    texts = [(m.kind, m.status, m.payload["text"]) for m in await rows(sessions)]
    assert texts == [("post", "sent", "3 y seront"), ("edit", "sent", "5 y seront"), ("edit", "pending", "6 y seront")]


async def test_a_post_changed_while_on_its_way_is_edited_once_sent(sessions: Sessions) -> None:
    await post(sessions, "-1001")
    (claimed,) = await outbox.claim_due(sessions, T0)  # being sent with "3 y seront"
    assert await edit(sessions, "4 y seront") == 1
    await outbox.mark_sent(sessions, claimed, T0 + SECOND, sent_ref="78")
    sent, change = await rows(sessions)
    assert sent.status == outbox.SENT and sent.sent_ref == "78"
    assert (change.kind, change.target_ref, change.payload["text"]) == ("edit", "78", "4 y seront")
    (claimed_edit,) = await outbox.claim_due(sessions, T0 + SECOND)
    await outbox.mark_sent(sessions, claimed_edit, T0 + SECOND)
    assert len(await rows(sessions)) == 2  # a post sent with the newest text needs no edit


async def test_an_edit_changed_while_on_its_way_is_followed_by_another(sessions: Sessions) -> None:
    await post(sessions, "-1001")
    (claimed,) = await outbox.claim_due(sessions, T0)
    await outbox.mark_sent(sessions, claimed, T0, sent_ref="79")
    await edit(sessions, "4 y seront")
    (claimed_edit,) = await outbox.claim_due(sessions, T0 + SECOND)
    await edit(sessions, "5 y seront")
    await outbox.mark_sent(sessions, claimed_edit, T0 + SECOND)
    last = (await rows(sessions))[-1]
    assert (last.kind, last.status, last.target_ref, last.payload["text"]) == ("edit", "pending", "79", "5 y seront")


async def test_abandoned_posts_and_other_topics_are_not_touched(sessions: Sessions) -> None:
    await post(sessions, "-1001")
    (claimed,) = await outbox.claim_due(sessions, T0)
    await outbox.abandon(sessions, claimed.id, "chat not found", T0)
    async with sessions.begin() as session:
        await outbox.enqueue(session, "slack", "C1", None, payload("autre"), T0, topic="event:aaaa:announce")
    assert await edit(sessions, "4 y seront") == 0
    assert [m.payload["text"] for m in await rows(sessions)] == ["3 y seront", "autre"]


async def test_a_post_sent_without_an_id_cannot_be_edited(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await outbox.enqueue(session, "console", "console", None, payload("3 y seront"), T0, topic=TOPIC)
    (claimed,) = await outbox.claim_due(sessions, T0)
    await outbox.mark_sent(sessions, claimed, T0, sent_ref=None)
    assert await edit(sessions, "4 y seront") == 0
    assert len(await rows(sessions)) == 1


async def test_claims_can_be_limited_to_the_platforms_this_process_runs(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        for platform, chat in (("telegram", "-1"), ("slack", "C1"), ("console", "console")):
            await outbox.enqueue(session, platform, chat, None, payload("x"), T0)
    claimed = await outbox.claim_due(sessions, T0, platforms=("slack", "console"))
    assert sorted(m.platform for m in claimed) == ["console", "slack"]
    assert [m.platform for m in await outbox.claim_due(sessions, T0)] == ["telegram"]


async def test_a_rate_limited_message_is_due_again_after_the_wait_asked(sessions: Sessions) -> None:
    await post(sessions, "-1001")
    (claimed,) = await outbox.claim_due(sessions, T0)
    await outbox.mark_failed(sessions, claimed.id, "429", T0, wait=dt.timedelta(seconds=30))
    (message,) = await rows(sessions)
    assert message.status == outbox.PENDING and message.attempts == 1
    assert message.due_at == T0 + dt.timedelta(seconds=30)


async def test_marking_sent_an_unknown_message_adds_no_edit(sessions: Sessions) -> None:
    await outbox.mark_sent(sessions, Addressed(uuid.uuid4(), "telegram", "1", None, payload("x"), 0), T0, "5")
    assert await rows(sessions) == []
