"""People of the network: what a person chose to record about themselves (``/profil``), item by
item, each with its own consent to be shared with the network. Nothing is shared without it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Boolean, String, Text, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime

NAME, ORGANIZATION, JOB_TITLE, EMAIL, PHONE = "nom", "organisme", "fonction", "courriel", "telephone"
ALIAS_PREFIX = "personne-"  # what stands for a forgotten person where the network's history keeps them
ITEMS = (NAME, ORGANIZATION, JOB_TITLE, EMAIL, PHONE)


def is_alias(user_id: str) -> bool:
    """Whether ``user_id`` stands for a forgotten person (nobody can be written to there)."""
    return user_id.startswith(ALIAS_PREFIX)


class PersonDetail(Base):
    """One item about one person of one platform, and whether they consent to sharing it."""

    __tablename__ = "person_detail"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    item: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


async def details_of(session: AsyncSession, platform: str, user_id: str) -> dict[str, PersonDetail]:
    """Everything the person recorded, shared or not, by item: for the person themselves only."""
    rows = await session.scalars(
        select(PersonDetail).where(PersonDetail.platform == platform, PersonDetail.user_id == user_id)
    )
    return {row.item: row for row in rows}


async def shared_details(session: AsyncSession, platform: str, user_id: str) -> dict[str, str]:
    """The items the person consented to share with the network, in the order of ``ITEMS``: with
    ``shared_names``, the only ways other features may read a person's details."""
    rows = await session.scalars(
        select(PersonDetail).where(
            PersonDetail.platform == platform, PersonDetail.user_id == user_id, PersonDetail.shared.is_(True)
        )
    )
    found = {row.item: row.value for row in rows}
    return {item: found[item] for item in ITEMS if item in found}


async def shared_names(session: AsyncSession, people: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The names that ``people`` (platform, user id) consented to share, in one read; those who share
    none are left out."""
    wanted = set(people)
    if not wanted:
        return {}
    rows = await session.execute(
        select(PersonDetail.platform, PersonDetail.user_id, PersonDetail.value).where(
            PersonDetail.item == NAME, PersonDetail.shared.is_(True),
            PersonDetail.user_id.in_({user_id for _, user_id in wanted}),
        )
    )
    return {(platform, user_id): value for platform, user_id, value in rows if (platform, user_id) in wanted}


async def record_detail(
    session: AsyncSession, platform: str, user_id: str, item: str, value: str, now: dt.datetime
) -> bool:
    """Record ``item`` for the person in the caller's transaction. A new item, or one whose value
    changes, is private until shared again; whether it is shared now (an unchanged value keeps its consent)."""
    if item not in ITEMS:
        raise ValueError(f"unknown item {item!r}; expected one of {ITEMS}")
    row = await session.get(PersonDetail, (platform, user_id, item))
    if row is None:
        session.add(PersonDetail(platform=platform, user_id=user_id, item=item, value=value, shared=False,
                                 updated_at=now))
        return False
    if row.value != value:
        row.value, row.shared = value, False
    row.updated_at = now
    return row.shared


async def set_shared(
    session: AsyncSession, platform: str, user_id: str, item: str, shared: bool, now: dt.datetime
) -> bool:
    """Give (``shared``) or withdraw the person's consent to share ``item``, in the caller's
    transaction; false when they recorded no such item."""
    row = await session.get(PersonDetail, (platform, user_id, item))
    if row is None:
        return False
    row.shared, row.updated_at = shared, now
    return True


async def erase_detail(session: AsyncSession, platform: str, user_id: str, item: str) -> bool:
    """Delete one recorded item of the person; false when there was none."""
    result = await session.execute(
        delete(PersonDetail).where(
            PersonDetail.platform == platform, PersonDetail.user_id == user_id, PersonDetail.item == item
        )
    )
    return result.rowcount > 0
