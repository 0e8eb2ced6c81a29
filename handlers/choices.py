"""Every chat's choices (place, language, network) kept in memory, so that messages cost no database
trip; the whole table is read again once it is ``TTL`` old, so another process's change shows
within that delay. Chats that chose something are few: the table stays small."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.channels import ChannelChoices, all_choices
from directory.networks import EVERY_CHAT

TTL = dt.timedelta(seconds=30)


class ChoiceCache:
    """A copy of every chat's choices, read again from the database when ``ttl`` old."""

    def __init__(self, ttl: dt.timedelta = TTL) -> None:
        self.ttl = ttl
        self._kept: dict[tuple[str, str], ChannelChoices] = {}
        self._read_at: dt.datetime | None = None
        self._reading: asyncio.Task[None] | None = None

    async def choices(
        self, sessions: async_sessionmaker[AsyncSession], platform: str, chat_id: str, now: dt.datetime
    ) -> ChannelChoices:
        """The chat's choices (nothing chosen when it never chose), from the copy while fresh."""
        if self._stale(now):
            if self._reading is None:  # chats asking together wait for one read
                self._reading = asyncio.get_running_loop().create_task(self._read(sessions, now))
            await asyncio.shield(self._reading)
        own = self._kept.get((platform, chat_id), ChannelChoices())
        return own.over(self._kept.get((platform, EVERY_CHAT), ChannelChoices()))

    def keep(self, platform: str, chat_id: str, choices: ChannelChoices) -> ChannelChoices:
        """Put the chat's new ``choices`` in the copy (after changing them here); returns them."""
        self._kept[(platform, chat_id)] = choices
        return choices

    async def _read(self, sessions: async_sessionmaker[AsyncSession], now: dt.datetime) -> None:
        try:
            self._kept = await all_choices(sessions)
            self._read_at = now
        finally:
            self._reading = None

    def _stale(self, now: dt.datetime) -> bool:
        return self._read_at is None or now - self._read_at >= self.ttl
