"""What the Slack end-to-end tests share: people of the workspace, a chat with Passerelle driven through
the fake Slack's Socket Mode while the sweep runs at a fake clock's time, and readers of the bot's
messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.scheduling import Sweep, Swept
from bot.sending import OutboxSender
from bot.slack import SlackAdapter
from bot.wiring import Running
from handlers.context import Context
from tests.bot.adapter_setup import slack_settings, started
from tests.bot.fake_outbox import TORONTO, Clock, no_sleep
from tests.bot.fake_slack import Call, FakeSlack, command, direct_id, event, press


@dataclass(frozen=True)
class Person:
    """Someone of the workspace."""

    user_id: str
    name: str

    @property
    def direct(self) -> str:
        """The id of their direct conversation with the bot."""
        return direct_id(self.user_id)


@dataclass
class SlackChat:
    """Passerelle in a Slack workspace: people type slash commands and messages and press buttons
    through the fake Slack's Socket Mode; the sweep runs at the fake clock's time."""

    fake: FakeSlack
    context: Context
    clock: Clock
    sweep: Sweep

    async def slash(self, person: Person, name: str, text: str, *, channel: str) -> Call:
        """``person`` types the slash command ``name text`` in ``channel``; the bot's one answer."""
        body = command(self.fake, text, channel=channel, name=name)
        body |= {"user_id": person.user_id, "user_name": person.name}
        return await self.answered("slash_commands", body)

    async def write(self, person: Person, text: str, *, channel: str, channel_type: str) -> Call:
        """``person`` writes ``text`` in ``channel`` (of ``channel_type``); the bot's one answer."""
        body = event("message", text, channel=channel, channel_type=channel_type)
        body["event"]["user"] = person.user_id
        return await self.answered("events_api", body)

    async def press(self, person: Person, under: Call, label: str, *,
                    then: str = "chat.postEphemeral") -> Call:
        """``person`` presses the button ``label`` under the bot's message ``under``; the call of ``then``
        that answers the press (by default the notice shown to the presser alone)."""
        body = press(self.fake, under, label) | {"user": {"id": person.user_id, "username": person.name}}
        if under.args["channel"].startswith("U"):  # a message sent to a person is in their direct chat
            body["channel"]["id"] = body["container"]["channel_id"] = direct_id(under.args["channel"])
        before = len(self.fake.delivered(then))
        await self.fake.wait_ack(await self.fake.send_envelope("interactive", body))
        return (await self.fake.wait_delivered(before + 1, then))[before]

    async def run_sweep(self) -> Swept:
        """One pass of the sweep at the clock's time."""
        return await self.sweep.run(self.clock.now)

    def posted_to(self, channel: str) -> list[Call]:
        """The messages delivered to ``channel`` (a person's id for a direct message), in order."""
        return [call for call in self.fake.delivered() if call.args["channel"] == channel]

    async def answered(self, kind: str, payload: dict[str, Any]) -> Call:
        """The bot's one answer to the envelope of ``kind`` carrying ``payload``."""
        before = len(self.fake.delivered())
        await self.fake.wait_ack(await self.fake.send_envelope(kind, payload))
        return (await self.fake.wait_delivered(before + 1))[before]


Chat = TypeVar("Chat", bound=SlackChat)


@asynccontextmanager
async def slack_chat(kind: type[Chat], running: Running, clock: Clock, **fake: Any) -> AsyncIterator[Chat]:
    """A ``kind`` of chat on ``running``'s database at ``clock``'s time, through a fake Slack (made with
    the options ``fake``) and the real adapter in Socket Mode, both stopped after."""
    sessions = running.context.sessions
    context = Context(sessions, running.context.search, TORONTO, "fr", clock=clock)
    async with (
        FakeSlack(**fake) as slack,
        started(SlackAdapter(slack_settings(slack, socket_mode=True), context, sleep=no_sleep)) as adapter,
    ):
        sender = OutboxSender(sessions, {"slack": adapter.sender}, clock, sleep=no_sleep)
        yield kind(slack, context, clock, Sweep(context, sender, running.producers))


def labels(call: Call) -> list[str]:
    """The labels of the buttons under a message."""
    return [element["text"]["text"] for block in call.args.get("blocks", []) if block["type"] == "actions"
            for element in block["elements"]]


def lines(call: Call) -> list[str]:
    """The lines of a message's plain text."""
    return str(call.args["text"]).splitlines()
