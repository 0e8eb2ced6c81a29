"""Who has a private conversation with the bot: people the bot may write to directly.

On Telegram a bot cannot write first to a person who never wrote to it privately (the 403 "bot
can't initiate conversation with a user"); a row here says the person did, and since when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import String, Text, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime


class PrivateChat(Base):
    """A person of one platform who wrote to the bot privately, first at ``since``."""

    __tablename__ = "private_chat"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    since: Mapped[dt.datetime] = mapped_column(UtcDateTime)


async def has_private_chat(sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str) -> bool:
    """Whether the person ``user_id`` of ``platform`` ever wrote to the bot privately."""
    async with sessions() as session:
        return await session.get(PrivateChat, (platform, user_id)) is not None


async def private_chats_among(session: AsyncSession, platform: str, user_ids: Collection[str]) -> set[str]:
    """Those of ``user_ids`` of ``platform`` who ever wrote to the bot privately, read in the caller's session."""
    if not user_ids:
        return set()
    statement = select(PrivateChat.user_id).where(
        PrivateChat.platform == platform, PrivateChat.user_id.in_(set(user_ids))
    )
    return set((await session.scalars(statement)).all())


async def remember_private_chats(
    sessions: async_sessionmaker[AsyncSession], rows: Collection[tuple[str, str]], now: dt.datetime
) -> int:
    """Record that the people ``rows`` (platform, user id) write to the bot privately, since ``now``, in
    one multi-row statement; how many were not known yet (here or by another process at the same moment)."""
    if not rows:
        return 0
    async with sessions.begin() as session:
        dialect = (await session.connection()).dialect.name
        insert = postgresql.insert(PrivateChat) if dialect == "postgresql" else sqlite.insert(PrivateChat)
        statement = (
            insert.values([{"platform": platform, "user_id": user_id, "since": now} for platform, user_id in rows])
            .on_conflict_do_nothing(index_elements=[PrivateChat.platform, PrivateChat.user_id])
            .returning(PrivateChat.user_id)
        )
        return len((await session.execute(statement)).all())


async def remember_private_chat(
    sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str, now: dt.datetime
) -> bool:
    """Record that the person writes to the bot privately; false when it was already known."""
    return await remember_private_chats(sessions, [(platform, user_id)], now) == 1
