"""The outbox on SQLite and PostgreSQL: keep, claim once, mark sent or failed, abandon, reclaim."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler import outbox
from scheduler.outbox import CLAIM_TIMEOUT, RETRY_DELAYS, Addressed, OutboxMessage
from tests.scheduler.racing import claim_twice

T0 = dt.datetime(2025, 3, 10, 14, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
PAYLOAD = {"text": "**Rappel** : table de concertation jeudi", "cards": [], "buttons": [], "attachments": []}
Sessions = async_sessionmaker[AsyncSession]


async def kept(sessions: Sessions, chat_id: str = "-100200300", now: dt.datetime = T0) -> uuid.UUID:
    """Keep one message for ``chat_id`` at ``now``."""
    return await outbox.keep(sessions, "telegram", chat_id, "17", PAYLOAD, "503 Service Unavailable", now)


async def row(sessions: Sessions, message_id: uuid.UUID) -> OutboxMessage:
    """The message as stored, read by a fresh session."""
    async with sessions() as session:
        message = await session.get(OutboxMessage, message_id)
    assert message is not None
    return message


async def test_keep_stores_a_pending_message_due_after_the_first_delay(sessions: Sessions) -> None:
    message_id = await kept(sessions)
    message = await row(sessions, message_id)
    assert (message.platform, message.chat_id, message.thread_id) == ("telegram", "-100200300", "17")
    assert message.payload == PAYLOAD
    assert message.status == outbox.PENDING and message.attempts == 1
    assert message.due_at == T0 + RETRY_DELAYS[0]
    assert message.created_at == T0 and message.sent_at is None and message.claimed_until is None
    assert message.last_error == "503 Service Unavailable"


async def test_keep_cuts_a_long_error(sessions: Sessions) -> None:
    message_id = await outbox.keep(sessions, "slack", "C1", None, PAYLOAD, "x" * 5000, T0)
    assert len((await row(sessions, message_id)).last_error or "") == 2000


async def test_a_message_is_claimed_once_when_due(sessions: Sessions) -> None:
    message_id = await kept(sessions)
    due = T0 + RETRY_DELAYS[0]
    assert await outbox.claim_due(sessions, due - SECOND) == []
    assert await outbox.claim_due(sessions, due) == [
        Addressed(message_id, "telegram", "-100200300", "17", PAYLOAD, 1)
    ]
    assert await outbox.claim_due(sessions, due) == []
    assert await outbox.claim_due(sessions, due + CLAIM_TIMEOUT - SECOND) == []
    message = await row(sessions, message_id)
    assert message.status == outbox.SENDING and message.claimed_until == due + CLAIM_TIMEOUT


async def test_due_messages_come_oldest_first_up_to_the_limit(sessions: Sessions) -> None:
    later = await kept(sessions, "b", T0 + 2 * SECOND)
    first = await kept(sessions, "a", T0)
    middle = await kept(sessions, "c", T0 + SECOND)
    now = T0 + RETRY_DELAYS[0] + 2 * SECOND
    assert [m.id for m in await outbox.claim_due(sessions, now, limit=2)] == [first, middle]
    assert [m.id for m in await outbox.claim_due(sessions, now, limit=2)] == [later]


async def test_two_senders_never_claim_the_same_message(url: str, sessions: Sessions) -> None:
    """On PostgreSQL the two claims run at once on two connections, both having read every row as due:
    the conditional update still gives each message to one sender. SQLite serializes writers:
    there the two claim one after the other."""
    ids = {await kept(sessions, f"chat-{n}", T0) for n in range(12)}
    due = T0 + RETRY_DELAYS[0]
    first, second, queries = await claim_twice(url, sessions, lambda s: outbox.claim_due(s, due))
    if queries is not None:
        # each read all 12 as due before either claimed, then tried to claim all 12
        assert queries == [1 + len(ids)] * 2
    else:
        assert second == []
    claimed = [m.id for m in first] + [m.id for m in second]
    assert sorted(claimed) == sorted(ids)  # every message claimed, none twice


async def test_a_sent_message_is_never_claimed_again(sessions: Sessions) -> None:
    message_id = await kept(sessions)
    due = T0 + RETRY_DELAYS[0]
    (claimed,) = await outbox.claim_due(sessions, due)
    await outbox.mark_sent(sessions, claimed, due + SECOND, sent_ref="5001")
    message = await row(sessions, message_id)
    assert message.status == outbox.SENT and message.sent_at == due + SECOND and message.claimed_until is None
    assert message.sent_ref == "5001"
    assert await outbox.claim_due(sessions, due + CLAIM_TIMEOUT + RETRY_DELAYS[-1]) == []


async def test_each_failure_pushes_the_next_try_back_until_abandoned(sessions: Sessions) -> None:
    message_id = await kept(sessions)
    now = T0 + RETRY_DELAYS[0]
    for failures in range(1, len(RETRY_DELAYS)):
        (claimed,) = await outbox.claim_due(sessions, now)
        assert claimed.attempts == failures
        await outbox.mark_failed(sessions, message_id, f"échec {failures}", now)
        message = await row(sessions, message_id)
        assert message.status == outbox.PENDING and message.attempts == failures + 1
        assert message.due_at == now + RETRY_DELAYS[failures] and message.claimed_until is None
        assert message.last_error == f"échec {failures}"
        assert await outbox.claim_due(sessions, message.due_at - SECOND) == []
        now = message.due_at
    (claimed,) = await outbox.claim_due(sessions, now)
    await outbox.mark_failed(sessions, message_id, "échec final", now)
    message = await row(sessions, message_id)
    assert message.status == outbox.ABANDONED and message.attempts == len(RETRY_DELAYS) + 1
    assert message.last_error == "échec final"
    assert await outbox.claim_due(sessions, now + dt.timedelta(days=365)) == []


async def test_marking_an_unknown_message_does_nothing(sessions: Sessions) -> None:
    await outbox.mark_failed(sessions, uuid.uuid4(), "perdu", T0)
    await outbox.mark_sent(sessions, Addressed(uuid.uuid4(), "telegram", "1", None, PAYLOAD, 0), T0)
    assert await outbox.claim_due(sessions, T0 + dt.timedelta(days=1)) == []


async def test_a_claim_never_finished_runs_out_and_the_message_is_claimed_again(sessions: Sessions) -> None:
    message_id = await kept(sessions)
    due = T0 + RETRY_DELAYS[0]
    assert [m.id for m in await outbox.claim_due(sessions, due)] == [message_id]  # this sender then stops
    assert await outbox.claim_due(sessions, due + CLAIM_TIMEOUT - SECOND) == []
    (again,) = await outbox.claim_due(sessions, due + CLAIM_TIMEOUT)
    assert again.id == message_id and again.attempts == 1
    assert (await row(sessions, message_id)).claimed_until == due + 2 * CLAIM_TIMEOUT
    assert await outbox.claim_due(sessions, due + CLAIM_TIMEOUT) == []
