"""What the Telegram end-to-end tests share: a chat with Passerelle driven through the fake Bot API while
the sweep runs at a fake clock's time, and readers of the bot's messages and buttons."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.scheduling import Sweep, Swept
from bot.sending import OutboxSender
from bot.telegram import TelegramAdapter
from bot.wiring import Running
from handlers.context import Context
from tests.bot.adapter_setup import TELEGRAM_TOKEN, started, telegram_settings
from tests.bot.fake_outbox import TORONTO, Clock, no_sleep
from tests.bot.fake_telegram import Call, FakeTelegram, callback_update


@dataclass
class TelegramChat:
    """Passerelle on Telegram: people write and press buttons through the fake Bot API; the sweep runs
    at the fake clock's time."""

    fake: FakeTelegram
    context: Context
    clock: Clock
    sweep: Sweep
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500))

    async def press(self, person: dict[str, Any], under: Call, label: str, *,
                    then: str | None = None) -> Call:
        """``person`` presses the button ``label`` under the bot's message ``under``; the pop-up answer
        of the press, after the call of ``then`` (a method the answer goes on with) when given."""
        pressed = len(self.fake.calls_of("answerCallbackQuery"))
        following = len(self.fake.calls_of(then)) if then else 0
        chat_id = int(under.params["chat_id"])
        self.fake.push(callback_update(data_of(under, label), chat_id=chat_id,
                                       chat_type="private" if chat_id > 0 else "supergroup", sender=person))
        [answer] = (await self.fake.wait_for("answerCallbackQuery", pressed + 1))[pressed:]
        if then:
            await self.fake.wait_for(then, following + 1)
        return answer

    async def run_sweep(self) -> Swept:
        """One pass of the sweep at the clock's time."""
        return await self.sweep.run(self.clock.now)

    def sent_to(self, chat_id: int) -> list[Call]:
        """The messages delivered to ``chat_id``, in order."""
        return [call for call in self.fake.delivered("sendMessage") if call.params["chat_id"] == str(chat_id)]

    async def answered(self, update: dict[str, Any]) -> Call:
        """The bot's one answer to ``update``."""
        before = len(self.fake.calls_of("sendMessage"))
        self.fake.push(update)
        [answer] = (await self.fake.wait_for("sendMessage", before + 1))[before:]
        return answer


Chat = TypeVar("Chat", bound=TelegramChat)


@asynccontextmanager
async def telegram_chat(kind: type[Chat], running: Running, clock: Clock) -> AsyncIterator[Chat]:
    """A ``kind`` of chat on ``running``'s database at ``clock``'s time, through a fake Bot API that
    writes to people only once they started the bot and the real adapter, both stopped after."""
    sessions = running.context.sessions
    context = Context(sessions, running.context.search, TORONTO, "fr", clock=clock)
    async with (
        FakeTelegram(TELEGRAM_TOKEN, require_start=True) as fake,
        started(TelegramAdapter(telegram_settings(fake), context, sleep=no_sleep)) as adapter,
    ):
        sender = OutboxSender(sessions, {"telegram": adapter.sender}, clock, sleep=no_sleep)
        yield kind(fake, context, clock, Sweep(context, sender, running.producers))


def data_of(call: Call, label: str) -> str:
    """The callback data of the button ``label`` under a message."""
    found = [b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row
             if b["text"] == label]
    assert found, call.params.get("reply_markup")
    return found[0]


def labels(call: Call) -> list[str]:
    """The labels of the buttons under a message."""
    markup = call.params.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]
