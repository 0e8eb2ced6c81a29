"""Every chat's choices (place, language, network) kept in memory (``handlers.snapshot``), so that
messages cost no database trip. Chats that chose something are few: the table stays small."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.channels import ChannelChoices, all_choices
from directory.networks import EVERY_CHAT
from handlers.snapshot import TTL, Snapshot


class ChoiceCache:
    """A copy of every chat's choices, read again from the database when ``ttl`` old."""

    def __init__(self, ttl: dt.timedelta = TTL) -> None:
        self._snapshot: Snapshot[tuple[str, str], ChannelChoices] = Snapshot(all_choices, ttl)

    async def choices(
        self, sessions: async_sessionmaker[AsyncSession], platform: str, chat_id: str, now: dt.datetime
    ) -> ChannelChoices:
        """The chat's choices (nothing chosen when it never chose), completed with what every chat of
        its platform inherits, from the copy while fresh."""
        own = await self._snapshot.get(sessions, (platform, chat_id), now) or ChannelChoices()
        return own.over(self._snapshot.peek((platform, EVERY_CHAT)) or ChannelChoices())

    def keep(self, platform: str, chat_id: str, choices: ChannelChoices) -> ChannelChoices:
        """Put the chat's new ``choices`` in the copy (after changing them here); returns them."""
        self._snapshot.keep((platform, chat_id), choices)
        return choices
