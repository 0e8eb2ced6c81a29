"""A small table kept whole in memory, so that reading it costs no database trip: read again once it
is ``TTL`` old (another process's change shows within that delay); a change made here is put in the
copy at once. Messages arriving together wait for one read."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
TTL = dt.timedelta(seconds=30)
Load = Callable[[async_sessionmaker[AsyncSession]], Awaitable[dict[K, V]]]


class Snapshot(Generic[K, V]):
    """A copy of a whole table as ``load`` reads it, read again when ``ttl`` old."""

    def __init__(self, load: Load[K, V], ttl: dt.timedelta = TTL) -> None:
        self.ttl = ttl
        self._load = load
        self._kept: dict[K, V] = {}
        self._read_at: dt.datetime | None = None
        self._reading: asyncio.Task[None] | None = None

    async def get(self, sessions: async_sessionmaker[AsyncSession], key: K, now: dt.datetime) -> V | None:
        """The row of ``key`` (None when there is none), from the copy while it is fresh."""
        if self._read_at is None or now - self._read_at >= self.ttl:
            if self._reading is None:
                self._reading = asyncio.get_running_loop().create_task(self._read(sessions, now))
            await asyncio.shield(self._reading)
        return self._kept.get(key)

    def peek(self, key: K) -> V | None:
        """The row of ``key`` in the copy as it is (after a ``get``)."""
        return self._kept.get(key)

    def keep(self, key: K, value: V | None) -> None:
        """Put the row of ``key`` changed here in the copy (None: it is gone)."""
        if value is None:
            self._kept.pop(key, None)
        else:
            self._kept[key] = value

    async def _read(self, sessions: async_sessionmaker[AsyncSession], now: dt.datetime) -> None:
        try:
            self._kept = await self._load(sessions)
            self._read_at = now
        finally:
            self._reading = None
