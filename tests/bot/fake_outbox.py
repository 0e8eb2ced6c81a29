"""Fakes at the edge for the sweep: an in-memory platform ``Outbox`` that can fail as scripted,
a settable clock, and a way to store an event with its channels, answers and reminders."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from directory.db import create_engine, session_factory
from directory.index import SearchIndex
from directory.places import Gazetteer
from directory.search import Search
from directory.synonyms import Thesaurus
from handlers.context import Context
from handlers.messages import ChatRef, Reply
from scheduler.announcements import Announcement
from scheduler.events import YES, Event, EventChannel, Rsvp
from scheduler.outbox import OutboxMessage
from scheduler.reminders import schedule_reminders

Sessions = async_sessionmaker[AsyncSession]
TORONTO = ZoneInfo("America/Toronto")


@dataclass(frozen=True, slots=True)
class Sent:
    """One message the platform received: a post, or an edit of ``ref``."""

    chat: ChatRef
    reply: Reply
    ref: str
    edit: bool = False


@dataclass(slots=True)
class FakeOutbox:
    """A platform that records what it is sent. ``failures[chat_id]`` lists the exceptions raised by
    the next tries to that chat, one per try; ``log`` also appends each message as a JSON line;
    ``delay`` is the time a post takes (a real platform answers in a moment)."""

    failures: dict[str, list[Exception]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    tries: int = 0
    log: Path | None = None
    received: Callable[[Sent], None] | None = None
    delay: float = 0.0

    async def post(self, chat: ChatRef, reply: Reply) -> str | None:
        """Record a post; its id is its rank."""
        if self.delay:
            await asyncio.sleep(self.delay)
        self._fail(chat)
        return self._record(Sent(chat, reply, str(len(self.sent) + 1)))

    async def edit(self, chat: ChatRef, ref: str, reply: Reply) -> None:
        """Record an edit of ``ref``."""
        self._fail(chat)
        self._record(Sent(chat, reply, ref, edit=True))

    def _fail(self, chat: ChatRef) -> None:
        self.tries += 1
        waiting = self.failures.get(chat.chat_id)
        if waiting:
            raise waiting.pop(0)

    def _record(self, sent: Sent) -> str:
        self.sent.append(sent)
        if self.log is not None:
            with self.log.open("a") as handle:
                handle.write(json.dumps({"chat": sent.chat.chat_id, "text": sent.reply.text}) + "\n")
        if self.received is not None:
            self.received(sent)
        return sent.ref

    def texts(self, chat_id: str | None = None) -> list[str]:
        """The texts received, of one chat or all."""
        return [s.reply.text for s in self.sent if chat_id is None or s.chat.chat_id == chat_id]


class Clock:
    """A fake clock: the same instant until the test sets it."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


async def no_sleep(seconds: float) -> None:
    """Stands in for ``asyncio.sleep``: never waits."""


def to_context(sessions: Sessions, clock: Callable[[], dt.datetime], language: str = "fr") -> Context:
    """A context on ``sessions`` with an empty directory (the sweep never searches it)."""
    search = Search(SearchIndex.build([]), Gazetteer.load(), Thesaurus.load())
    return Context(sessions, search, TORONTO, language, clock=clock)


@asynccontextmanager
async def emptied(url: str) -> AsyncIterator[Sessions]:
    """Sessions on the migrated database ``url``, its outbox, events and announcements deleted first."""
    engine = migrations.sync_engine(url)
    try:
        with engine.begin() as connection:
            for table in (OutboxMessage, Event, Announcement):
                connection.execute(delete(table))
    finally:
        engine.dispose()
    async_engine = create_engine(url)
    try:
        yield session_factory(async_engine)
    finally:
        await async_engine.dispose()


async def add_event(
    sessions: Sessions,
    starts_at: dt.datetime,
    now: dt.datetime,
    *,
    channels: tuple[tuple[str, str, str | None], ...] = (("telegram", "-100111", None),),
    answers: tuple[tuple[str, str, str, int | None], ...] = (),
    **fields: object,
) -> uuid.UUID:
    """Store an event with its ``channels`` (platform, chat, thread) and ``answers`` (platform, user,
    answer, waiting position), then schedule its reminders at ``now``; the event's id."""
    event = Event(
        title=str(fields.pop("title", "5-à-7 de l'automne")), kind=str(fields.pop("kind", "5-à-7")),
        starts_at=starts_at, zone="America/Toronto", created_by="telegram:42", created_at=now, **fields,
    )
    async with sessions.begin() as session:
        session.add(event)
        await session.flush()
        for platform, chat_id, thread_id in channels:
            session.add(EventChannel(event_id=event.id, platform=platform, chat_id=chat_id, thread_id=thread_id))
        for platform, user_id, answer, position in answers:
            session.add(Rsvp(event_id=event.id, platform=platform, user_id=user_id, answer=answer,
                             position=position, answered_at=now, display_name=user_id))
    await schedule_reminders(sessions, event.id, now)
    return event.id


def yes(platform: str, user_id: str, position: int | None = None) -> tuple[str, str, str, int | None]:
    """A "J'y serai" answer (on the waiting list when ``position`` is given)."""
    return platform, user_id, YES, position
