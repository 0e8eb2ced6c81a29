"""What a chat (a Slack channel, a Telegram group, a private conversation) has chosen for itself:
its default place, its language and the network it belongs to. The chat id ``*`` holds what every
chat of a platform inherits where it chose nothing itself (``directory.networks.EVERY_CHAT``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime


class ChannelSetting(Base):
    """The choices of one chat of one platform."""

    __tablename__ = "channel_setting"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(Text, primary_key=True)
    place_id: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    network_id: Mapped[str | None] = mapped_column(String(64))


@dataclass(frozen=True, slots=True)
class ChannelChoices:
    """A chat's default place (a gazetteer id), language and network, None where it chose nothing."""

    place_id: str | None = None
    language: str | None = None
    network_id: str | None = None

    def over(self, inherited: ChannelChoices) -> ChannelChoices:
        """These choices, completed with ``inherited`` (the platform's) where this chat chose nothing."""
        return ChannelChoices(
            self.place_id or inherited.place_id,
            self.language or inherited.language,
            self.network_id or inherited.network_id,
        )


async def all_choices(sessions: async_sessionmaker[AsyncSession]) -> dict[tuple[str, str], ChannelChoices]:
    """Every chat's choices, keyed by (platform, chat id)."""
    async with sessions() as session:
        rows = await session.execute(
            select(ChannelSetting.platform, ChannelSetting.chat_id, ChannelSetting.place_id,
                   ChannelSetting.language, ChannelSetting.network_id)
        )
        return {(platform, chat_id): ChannelChoices(place, language, network)
                for platform, chat_id, place, language, network in rows}


async def choices_of(sessions: async_sessionmaker[AsyncSession], platform: str, chat_id: str) -> ChannelChoices:
    """What the chat has chosen (nothing when it never chose)."""
    async with sessions() as session:
        setting = await session.get(ChannelSetting, (platform, chat_id))
    if setting is None:
        return ChannelChoices()
    return ChannelChoices(setting.place_id, setting.language, setting.network_id)


_UNCHANGED = object()


async def choose(
    sessions: async_sessionmaker[AsyncSession],
    platform: str,
    chat_id: str,
    now: dt.datetime,
    *,
    place_id: str | None | object = _UNCHANGED,
    language: str | None | object = _UNCHANGED,
    network_id: str | None | object = _UNCHANGED,
) -> ChannelChoices:
    """Record the chat's new default place, language or network (None clears it); returns all its choices."""
    async with sessions.begin() as session:
        setting = await session.get(ChannelSetting, (platform, chat_id))
        if setting is None:
            setting = ChannelSetting(platform=platform, chat_id=chat_id)
            session.add(setting)
        if place_id is not _UNCHANGED:
            setting.place_id = place_id  # type: ignore[assignment]
        if language is not _UNCHANGED:
            setting.language = language  # type: ignore[assignment]
        if network_id is not _UNCHANGED:
            setting.network_id = network_id  # type: ignore[assignment]
        setting.updated_at = now
        return ChannelChoices(setting.place_id, setting.language, setting.network_id)
