"""Networks: the scope of roles, welcome kits and editable texts.

A network is a Slack workspace or a set of Telegram groups. Every chat belongs to the default
network (``DEFAULT_NETWORK``) until it is attached to another (``channel_setting.network_id``;
the chat id ``*`` attaches every chat of a platform, e.g. the whole Slack workspace). Most
deployments serve one network and never name it.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime

DEFAULT_NETWORK = "reseau"
DEFAULT_NAME = "Réseau"
EVERY_CHAT = "*"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


class Network(Base):
    """One network: a short id used in commands ("rls-jonquiere") and its display name."""

    __tablename__ = "network"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


def is_network_id(text: str) -> bool:
    """Whether ``text`` can be a network id: lowercase letters, digits and dashes, up to 63."""
    return bool(_SLUG.fullmatch(text))


async def networks(sessions: async_sessionmaker[AsyncSession]) -> list[Network]:
    """Every network, by id."""
    async with sessions() as session:
        return list(await session.scalars(select(Network).order_by(Network.id)))


async def network_named(session: AsyncSession, network_id: str) -> Network | None:
    """The network ``network_id``, or None."""
    return await session.get(Network, network_id)


async def create_network(
    sessions: async_sessionmaker[AsyncSession], network_id: str, name: str, now: dt.datetime
) -> bool:
    """Add a network; false when the id is taken. The id must pass ``is_network_id``."""
    if not is_network_id(network_id):
        raise ValueError(f"invalid network id {network_id!r}")
    try:
        async with sessions.begin() as session:
            if await session.get(Network, network_id) is not None:
                return False
            session.add(Network(id=network_id, name=name.strip() or network_id, created_at=now))
    except IntegrityError:  # created at the same moment elsewhere
        return False
    return True


async def rename_network(sessions: async_sessionmaker[AsyncSession], network_id: str, name: str) -> bool:
    """Give the network a new display name; false when there is no such network."""
    async with sessions.begin() as session:
        network = await session.get(Network, network_id)
        if network is None:
            return False
        network.name = name.strip()
        return True
