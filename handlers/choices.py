"""Each chat's choices (place, language) kept in memory for a short while, so that most
messages cost no database trip; another process's change shows within ``TTL``."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.channels import ChannelChoices, choices_of

TTL = dt.timedelta(seconds=30)
CAPACITY = 4096


class ChoiceCache:
    """Recently read chat choices, each kept ``ttl`` at most, least recently used forgotten first."""

    def __init__(self, ttl: dt.timedelta = TTL, capacity: int = CAPACITY) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._kept: OrderedDict[tuple[str, str], tuple[dt.datetime, ChannelChoices]] = OrderedDict()

    async def choices(
        self, sessions: async_sessionmaker[AsyncSession], platform: str, chat_id: str, now: dt.datetime
    ) -> ChannelChoices:
        """The chat's choices, from memory while fresh, else from the database."""
        key = (platform, chat_id)
        kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.ttl:
            self._kept.move_to_end(key)
            return kept[1]
        return self.keep(platform, chat_id, await choices_of(sessions, platform, chat_id), now)

    def keep(self, platform: str, chat_id: str, choices: ChannelChoices, now: dt.datetime) -> ChannelChoices:
        """Remember ``choices`` for the chat (after reading or changing them); returns them."""
        self._kept[(platform, chat_id)] = (now, choices)
        self._kept.move_to_end((platform, chat_id))
        while len(self._kept) > self.capacity:
            self._kept.popitem(last=False)
        return choices
