"""What every ``passerelle`` command shares: the settings (with French errors), error output, and
the migrated database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import typer
from pydantic import ValidationError

from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

T = TypeVar("T")


def read_settings() -> Settings:
    """The settings; stops with exit code 2, naming each bad variable, when they are invalid."""
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "_".join(str(p) for p in problem["loc"]).upper()
            if name not in Settings.unprefixed():
                name = "PASSERELLE_" + name
            message = str(problem["msg"]).removeprefix("Value error, ")
            typer.echo(f"Configuration invalide : {name} : {message}", err=True)
        raise typer.Exit(2) from error


def say_error(message: str) -> None:
    """Print ``message`` on the standard error."""
    typer.echo(message, err=True)


def in_database(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    """Run ``work`` with the migrated database's sessions; its result."""

    async def main() -> T:
        async with Sessions() as sessions:
            return await work(sessions)

    return asyncio.run(main())


class Sessions:
    """A migrated database's session factory, disposed of on exit."""

    async def __aenter__(self) -> async_sessionmaker[AsyncSession]:
        import migrations
        from directory.db import create_engine, session_factory

        url = read_settings().database_url
        await asyncio.to_thread(migrations.upgrade, url)
        self.engine = create_engine(url)
        return session_factory(self.engine)

    async def __aexit__(self, *exc: object) -> None:
        await self.engine.dispose()
