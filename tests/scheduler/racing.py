"""Two senders claiming due rows at the same moment, on two connections of one database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.db import create_engine, session_factory

Sessions = async_sessionmaker[AsyncSession]
T = TypeVar("T")


class Racing:
    """Sessions that, after their first query (the search for due messages), wait until every
    other racer has made its own: both senders then hold the same due rows before either claims one."""

    def __init__(self, sessions: Sessions, barrier: asyncio.Barrier) -> None:
        self.sessions, self.barrier = sessions, barrier
        self.queries = 0

    def __call__(self) -> AsyncSession:
        session = self.sessions()
        execute = session.execute
        waited = False

        async def execute_then_wait(*args: Any, **options: Any) -> Any:
            nonlocal waited
            self.queries += 1
            result = await execute(*args, **options)
            if not waited:
                waited = True
                await self.barrier.wait()
            return result

        session.execute = execute_then_wait  # type: ignore[method-assign]
        return session


async def claim_twice(
    url: str, sessions: Sessions, claim: Callable[[Any], Awaitable[list[T]]]
) -> tuple[list[T], list[T], list[int] | None]:
    """What two senders claimed, and how many queries each made. On PostgreSQL they run at once,
    both having read the due rows before either claims; SQLite serializes writers, so there they
    claim one after the other (and no query counts are given)."""
    other_engine = create_engine(url)
    try:
        other = session_factory(other_engine)
        if url.startswith("postgresql"):
            barrier = asyncio.Barrier(2)
            racers = Racing(sessions, barrier), Racing(other, barrier)
            first, second = await asyncio.gather(claim(racers[0]), claim(racers[1]))
            return first, second, [racer.queries for racer in racers]
        return await claim(sessions), await claim(other), None
    finally:
        await other_engine.dispose()
