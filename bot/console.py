"""The console adapter: chat with Passerelle in a terminal, buttons as numbered choices."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.plain import to_text
from handlers.context import Context
from handlers.messages import Button, ChatRef, Incoming
from handlers.router import dispatch, split_command
from handlers.texts import texts_for

CHAT = ChatRef("console", "console")
QUIT = {"/quitter", "/quit", "/exit"}


class ConsoleChat:
    """One person talking to the bot: turns lines into ``Incoming`` and replies into text."""

    def __init__(self, context: Context, user_id: str = "console", user_name: str | None = None) -> None:
        self.context = context
        self.user_id = user_id
        self.user_name = _login() if user_name is None else user_name
        self.buttons: list[Button] = []

    async def handle(self, line: str) -> str:
        """The bot's answer to one typed line (a number presses a button of the last answer)."""
        line = line.strip()
        if not line:
            return ""
        t = texts_for(self.context.language)
        if line.isdigit() and self.buttons:
            if not 1 <= int(line) <= len(self.buttons):
                return t("Choisissez un numéro entre 1 et {last}.", last=len(self.buttons))
            incoming = Incoming(CHAT, self.user_id, line, button_data=self.buttons[int(line) - 1].data,
                                locale=self.context.language, user_name=self.user_name)
        else:
            command, args = split_command(line)
            incoming = Incoming(CHAT, self.user_id, line, command, args, locale=self.context.language,
                                user_name=self.user_name)
        replies = await dispatch(incoming, self.context)
        self.buttons = [button for reply in replies for button in reply.buttons]
        return "\n\n".join(to_text(reply, t) for reply in replies)

    async def run(self, read: Callable[[], Awaitable[str | None]], write: Callable[[str], None]) -> None:
        """Read lines until end of input or ``/quitter``, writing every answer."""
        t = texts_for(self.context.language)
        write(t("Passerelle — décrivez un besoin (ex. « banque alimentaire Jonquière »), /aide, /quitter."))
        while (line := await read()) is not None:
            if line.strip().lower() in QUIT:
                break
            if answer := await self.handle(line):
                write(answer)


async def run_console(context: Context, chat: ConsoleChat | None = None) -> None:
    """Open the interactive chat on this terminal (line editing and history when it is one)."""
    chat = chat or ConsoleChat(context)
    if sys.stdin.isatty():
        await chat.run(_prompt_reader(), print)
    else:
        await chat.run(_stdin_reader, print)


def _prompt_reader() -> Callable[[], Awaitable[str | None]]:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    session: PromptSession[str] = PromptSession(history=FileHistory(str(Path.home() / ".passerelle_history")))

    async def read() -> str | None:
        try:
            return await session.prompt_async("vous › ")
        except (EOFError, KeyboardInterrupt):
            return None

    return read


async def _stdin_reader() -> str | None:
    line = await asyncio.to_thread(sys.stdin.readline)  # the loop goes on sending reminders meanwhile
    return line if line else None


def _login() -> str:
    """The name of the person at the keyboard, as the system knows it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (some containers)
        return ""
