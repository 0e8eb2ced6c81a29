"""Claiming due rows for one sender at a time, the same way for every table that has
``status``, ``due_at`` and ``claimed_until``: read the due rows, then take each with a
conditional update, so that two running bots never both get one and a claim left by a
stopped bot is taken again once it runs out. The updates of one batch share a transaction
and go in one order (due time, then id), so two senders taking the same rows wait for each
other instead of deadlocking, and the one that waited finds them taken."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


def due_or_expired(table: Any, pending: str, claimed: str, now: dt.datetime) -> ColumnElement[bool]:
    """Rows of ``table`` pending whose time has come, and claimed ones whose claim has run out."""
    return ((table.status == pending) & (table.due_at <= now)) | (
        (table.status == claimed) & (table.claimed_until <= now)
    )


async def claim_each(
    sessions: async_sessionmaker[AsyncSession],
    table: Any,
    is_due: ColumnElement[bool],
    read: Sequence[Any],
    values: Callable[[Row[Any]], dict[str, Any]],
    returning: Sequence[Any],
    limit: int,
) -> list[tuple[Row[Any], Row[Any]]]:
    """The rows taken, oldest due first: for each, the columns ``read`` (the id first) and the
    columns ``returning`` after setting ``values(read row)``; rows another sender took are left out."""
    taken: list[tuple[Row[Any], Row[Any]]] = []
    async with sessions() as session:
        found = (
            await session.execute(select(*read).where(is_due).order_by(table.due_at, table.id).limit(limit))
        ).all()
        for row in found:
            result = await session.execute(
                update(table).where(table.id == row[0], is_due).values(**values(row)).returning(*returning)
            )
            changed = result.one_or_none()
            if changed is not None:
                taken.append((row, changed))
        await session.commit()
    return taken
