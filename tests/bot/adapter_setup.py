"""What the Slack and Telegram adapter tests share: the fakes' credentials and settings, a bot built on
a fresh database and emptied between tests, adapters started for the length of a block with their waits
recorded, a conversation that always answers the same, and the sweep run at chosen moments."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduling import Swept
from bot.settings import Settings
from bot.slack import SlackAdapter
from bot.telegram import TelegramAdapter
from bot.wiring import Running, build
from handlers import router
from handlers.context import Context
from handlers.messages import Incoming, Reply
from tests.bot.fake_outbox import TORONTO, Clock
from tests.bot.fake_slack import FakeSlack
from tests.bot.fake_telegram import FakeTelegram

SLACK_BOT_TOKEN = "xoxb-1000000001-2000000002-passerelleTEST"
SLACK_APP_TOKEN = "xapp-1-A0PASSERELLE-3000000003-abcdef"
SLACK_SECRET = "e3b0c44298fc1c149afbf4c8996fb924"
TELEGRAM_TOKEN = "123456789:AAF-fake_token_for_passerelle_tests_0123"
Adapter = TypeVar("Adapter", SlackAdapter, TelegramAdapter)


class Sleeps(list[float]):
    """The injected sleep: records the delays instead of waiting."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@asynccontextmanager
async def built_bot(folder: Path) -> AsyncIterator[Running]:
    """A bot built on a fresh SQLite database in ``folder`` (the sample directory loaded), closed after."""
    built = await build(Settings(database_url=f"sqlite:///{folder}/passerelle.db"), say=lambda _message: None)
    try:
        yield built
    finally:
        await built.close()


def slack_settings(fake: FakeSlack, *, socket_mode: bool = False) -> Settings:
    """Settings for a Slack app on ``fake``, over HTTP unless ``socket_mode``."""
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_API_URL": fake.api_url,
        "SLACK_APP_TOKEN": SLACK_APP_TOKEN if socket_mode else None,
    }
    return Settings(**values)


def telegram_settings(fake: FakeTelegram, **extra: Any) -> Settings:
    """Settings for a Telegram bot on ``fake``, polling unless a webhook is given."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_URL": fake.url,
        "TELEGRAM_WEBHOOK_URL": None, "TELEGRAM_WEBHOOK_SECRET": None,
    }
    return Settings(**values | extra)


@asynccontextmanager
async def started(adapter: Adapter) -> AsyncIterator[Adapter]:
    """``adapter`` started; leaving the block stops it once the updates under way are handled."""
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.stop()


def telegram(
    config: Settings, built: Running, sleeps: Sleeps | None = None
) -> AbstractAsyncContextManager[TelegramAdapter]:
    """A Telegram adapter of ``built`` on ``config``, started for the length of a block."""
    return started(TelegramAdapter(config, built.context, sleep=sleeps if sleeps is not None else Sleeps()))


def answering(*replies: Reply) -> router.Handler:
    """A conversation that answers every command, message or button with ``replies``."""

    async def handler(_incoming: Incoming, _context: Context) -> list[Reply]:
        return list(replies)

    return handler


async def empty_tables(sessions: async_sessionmaker[AsyncSession], *tables: type[Any]) -> None:
    """Deletes every row of ``tables``, in that order, in one transaction."""
    async with sessions.begin() as session:
        for table in tables:
            await session.execute(delete(table))


class Sweeping(Protocol):
    """A chat whose sweep runs at its clock's time."""

    clock: Clock

    async def run_sweep(self) -> Swept: ...


async def at(chat: Sweeping, moment: dt.datetime) -> Swept:
    """The sweep at ``moment``, the clock moved there."""
    chat.clock.now = moment
    return await chat.run_sweep()


def morning(day: dt.date) -> dt.datetime:
    """9 h in Québec on ``day``, in UTC."""
    return dt.datetime.combine(day, dt.time(9), TORONTO).astimezone(dt.UTC)
