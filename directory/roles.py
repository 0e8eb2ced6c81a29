"""Who may do what: a person's roles (coordinator, admin) in one network, on one platform.

Anyone without a role is a member. Roles belong to a network (``directory.networks``): an admin
of one network has no right in another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, Text, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime
from directory.networks import DEFAULT_NETWORK

ADMIN, COORDINATOR, MEMBER = "admin", "coordinator", "member"
ROLES = (ADMIN, COORDINATOR)


class PersonRole(Base):
    """One role held by one person of one platform in one network."""

    __tablename__ = "person_role"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    granted_by: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    network_id: Mapped[str] = mapped_column(String(64), primary_key=True, default=DEFAULT_NETWORK)


@dataclass(frozen=True, slots=True)
class RoleHolder:
    """A role held: by whom (platform and user id), in which network, given by whom and when."""

    network_id: str
    platform: str
    user_id: str
    role: str
    granted_by: str
    granted_at: dt.datetime


async def roles_of(
    sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str, network: str | None = None
) -> set[str]:
    """The roles the person ``user_id`` of ``platform`` holds in ``network`` (in any network when
    None); empty for a plain member."""
    query = select(PersonRole.role).where(PersonRole.platform == platform, PersonRole.user_id == user_id)
    if network is not None:
        query = query.where(PersonRole.network_id == network)
    async with sessions() as session:
        return set(await session.scalars(query))


async def people_networks(sessions: async_sessionmaker[AsyncSession]) -> dict[tuple[str, str], frozenset[str]]:
    """For every person holding a role, keyed by (platform, user id), the networks where they do."""
    found: dict[tuple[str, str], set[str]] = {}
    async with sessions() as session:
        rows = await session.execute(select(PersonRole.platform, PersonRole.user_id, PersonRole.network_id))
        for platform, user_id, network in rows:
            found.setdefault((platform, user_id), set()).add(network)
    return {person: frozenset(networks) for person, networks in found.items()}


async def networks_of(sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str) -> set[str]:
    """The networks where the person holds a role."""
    query = select(PersonRole.network_id).where(PersonRole.platform == platform, PersonRole.user_id == user_id)
    async with sessions() as session:
        return set(await session.scalars(query))


async def grant(
    sessions: async_sessionmaker[AsyncSession],
    platform: str,
    user_id: str,
    role: str,
    *,
    granted_by: str,
    now: dt.datetime,
    network: str = DEFAULT_NETWORK,
) -> bool:
    """Give ``role`` in ``network`` to the person; false when they already held it."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    try:
        async with sessions.begin() as session:
            if await session.get(PersonRole, (platform, user_id, role, network)) is not None:
                return False
            session.add(PersonRole(network_id=network, platform=platform, user_id=user_id, role=role,
                                   granted_by=granted_by, granted_at=now))
    except IntegrityError:  # granted at the same moment by someone else
        return False
    return True


async def revoke(
    sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str, role: str,
    network: str = DEFAULT_NETWORK,
) -> bool:
    """Take ``role`` in ``network`` back from the person; false when they did not hold it."""
    async with sessions.begin() as session:
        result = await session.execute(
            delete(PersonRole).where(
                PersonRole.network_id == network, PersonRole.platform == platform,
                PersonRole.user_id == user_id, PersonRole.role == role,
            )
        )
        return result.rowcount > 0


async def holders(
    sessions: async_sessionmaker[AsyncSession], role: str | None = None, network: str | None = None
) -> list[RoleHolder]:
    """Everyone holding a role (only ``role``, only in ``network`` when given), by network,
    platform, user id and role."""
    query = select(PersonRole).order_by(
        PersonRole.network_id, PersonRole.platform, PersonRole.user_id, PersonRole.role
    )
    if role is not None:
        query = query.where(PersonRole.role == role)
    if network is not None:
        query = query.where(PersonRole.network_id == network)
    async with sessions() as session:
        rows = await session.scalars(query)
        return [RoleHolder(r.network_id, r.platform, r.user_id, r.role, r.granted_by, r.granted_at) for r in rows]
