"""The welcome kit end to end, through the real adapters against the fake Telegram and the fake Slack,
the sweep run by hand on a fake clock. On Telegram, ``/start`` in private shows the kit; when people
join a group, the one who started the bot gets the kit privately and the one who never did gets a short
welcome in the group with the link to the private chat; the bot itself gets nothing. On Slack, someone
joining a channel gets the kit in a direct message."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot.wiring import Running
from directory.network_texts import NetworkText
from directory.private_chats import PrivateChat
from handlers.context import Context
from scheduler.events import Event
from scheduler.outbox import OutboxMessage
from tests.bot.adapter_setup import built_bot, empty_tables
from tests.bot.fake_outbox import Clock
from tests.bot.fake_slack import BOT_USER_ID, CHANNEL, event
from tests.bot.fake_telegram import BOT_USER, message_update, user
from tests.bot.slack_chat import SlackChat, lines, slack_chat
from tests.bot.telegram_chat import TelegramChat, telegram_chat

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
GROUP_ID = -100123
ANNE = user(4301, first_name="Anne", last_name="Roy")  # started the bot
LUC = user(4302, first_name="Luc", last_name="Gagnon")  # never did


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    async with built_bot(tmp_path_factory.mktemp("welcome")) as built:
        yield built


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def emptied(running: Running) -> None:
    await empty_tables(running.context.sessions, OutboxMessage, PrivateChat, Event, NetworkText)


def join_update(*people: dict[str, Any]) -> dict[str, Any]:
    """The service message of ``people`` joining the group."""
    update = message_update("", chat_id=GROUP_ID, chat_type="supergroup", sender=people[0])
    message = update["message"]
    del message["text"], message["entities"]
    message["new_chat_members"] = list(people)
    return update


async def until_queued(context: Context, count: int, timeout: float = 5.0) -> None:
    """Wait until the outbox holds ``count`` messages; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        async with context.sessions() as session:
            if await session.scalar(select(func.count()).select_from(OutboxMessage)) >= count:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} messages queued in time")
        await asyncio.sleep(0.005)


async def test_telegram_start_then_a_join_of_someone_reachable_and_someone_not(running: Running) -> None:
    async with telegram_chat(TelegramChat, running, Clock(NOW)) as chat:
        kit = await chat.answered(message_update("/start", chat_id=ANNE["id"], sender=ANNE))
        text = kit.params["text"]
        assert text.startswith("<b>Bienvenue !</b> Voici le kit d'accueil du réseau.\n")
        assert "<b>Ressources clés</b>\n- <b>811</b> — Info-Santé" in text
        assert text.endswith("\n\nTapez /aide pour tout ce que je sais faire.")
        chat.fake.push(join_update(ANNE, LUC, BOT_USER))
        await until_queued(chat.context, 2)
        assert (await chat.run_sweep()).delivered == 2
        [_start, private] = chat.sent_to(ANNE["id"])
        assert private.params["text"] == text.removesuffix("\n\nTapez /aide pour tout ce que je sais faire.")
        [greeting] = chat.sent_to(GROUP_ID)
        assert greeting.params["text"] == (
            "Bienvenue, Luc Gagnon ! Le kit d'accueil du réseau vous attend en privé : "
            '<a href="https://t.me/passerelle_bot?start=kit">ouvrir le kit d\'accueil</a>')
        opened = await chat.answered(message_update("/start kit", chat_id=LUC["id"], sender=LUC))
        assert opened.params["text"].startswith("<b>Bienvenue !</b> Voici le kit d'accueil du réseau.")
        assert chat.sent_to(LUC["id"]) == [opened]


async def test_slack_sends_the_kit_to_whoever_joins_a_channel(running: Running) -> None:
    async with slack_chat(SlackChat, running, Clock(NOW)) as chat:
        for person in (BOT_USER_ID, "U0LUC"):
            body = event("member_joined_channel", "", channel=CHANNEL, channel_type="C", user=person)
            await chat.fake.wait_ack(await chat.fake.send_envelope("events_api", body))
        await until_queued(chat.context, 1)
        assert (await chat.run_sweep()).delivered == 1
        [kit] = chat.posted_to("U0LUC")
        assert lines(kit)[0] == "Bienvenue ! Voici le kit d'accueil du réseau."
        assert "Événements à venir" in lines(kit) and not chat.posted_to(CHANNEL)
        async with chat.context.sessions() as session:
            [queued] = await session.scalars(select(OutboxMessage.dedupe_key))
        assert queued == "accueil:reseau:slack:U0LUC"
