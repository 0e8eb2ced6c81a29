"""The seam between conversations and platforms: what people send and what the bot says.

Handlers take an ``Incoming`` and return ``Reply`` objects; adapters render them.
``Reply.text`` uses a tiny markup (see ``handlers.markup``); everything that comes
from the directory travels in cards as plain strings, escaped by each adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from directory.networks import DEFAULT_NETWORK

Platform = Literal["telegram", "slack", "console"]
CALLBACK_DATA_LIMIT = 64  # bytes: Telegram's limit on a button's data


@dataclass(frozen=True, slots=True)
class ChatRef:
    """Where to answer, now or later."""

    platform: Platform
    chat_id: str
    thread_id: str | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """What a person sent: a command with its arguments, free text, or a pressed button."""

    chat: ChatRef
    user_id: str
    text: str = ""
    command: str | None = None
    args: str = ""
    button_data: str | None = None
    locale: str = "fr"
    private: bool = True
    default_place: str | None = None  # the chat's own place (/lieu), used when a question names none
    user_name: str = ""  # how the person is shown to others ("Marie Tremblay"); may be empty
    # chats the message names, to post in: Slack channel ids from ``<#C123|nom>``, Telegram "@nomdugroupe"
    mentions: tuple[str, ...] = ()
    # the network the chat belongs to (``directory.networks``; set from the chat's choices)
    network: str = DEFAULT_NETWORK
    # people the message designates, as user ids of its platform: Slack ``<@U123>``, Telegram mentions
    # of people without a username, and the author of the message it replies to
    people: tuple[str, ...] = ()
    # whether the platform can show a ``Form`` in one go here (Slack, from a slash command or a button)
    can_open_forms: bool = False
    # the answers of a submitted ``Form``, by field name; ``button_data`` then holds the form's data
    form_values: tuple[tuple[str, str], ...] | None = None
    # the sender has just joined the group or channel (a platform's join event, one per person)
    joined: bool = False


@dataclass(frozen=True, slots=True)
class Button:
    """A button: a short label and the data sent back when pressed."""

    label: str
    data: str

    def __post_init__(self) -> None:
        if len(self.data.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"button data over {CALLBACK_DATA_LIMIT} bytes: {self.data!r}")


@dataclass(frozen=True, slots=True)
class Field:
    """A labelled value on a card ("Téléphone" → "418 555-0101")."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Card:
    """A directory record shown as a card; every string is plain text."""

    title: str
    subtitle: str = ""
    lines: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    badge: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply (an ``.ics`` calendar, a CSV export)."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a form: its name (as sent back), label, current value and an example."""

    name: str
    label: str
    value: str = ""
    hint: str = ""
    multiline: bool = False
    optional: bool = True


@dataclass(frozen=True, slots=True)
class Form:
    """Fields filled in one go (Slack: a modal); ``data`` comes back with the answers, like a
    button's. Platforms without forms never get one: the conversation asks field by field."""

    title: str
    data: str
    fields: tuple[FormField, ...]
    submit: str = "Enregistrer"
    intro: str = ""  # plain text shown above the fields (what the form is about)


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot says: short marked-up text, cards, buttons and attachments."""

    text: str = ""
    cards: tuple[Card, ...] = ()
    buttons: tuple[Button, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # a short acknowledgement for the person who pressed a button only (Telegram: the button's
    # pop-up notice, Slack: an ephemeral message); shown as a plain reply where there is no such thing
    notice: bool = False
    # a question of a guided conversation: in a group, the platform is asked to bring back the answer
    # (Telegram: a forced reply to the bot, so that its privacy mode lets the answer through)
    asks: bool = False
    # with a notice, a link the platform may open for the presser (Telegram: the "start" link of a
    # private chat with the bot, opened by the press itself); ignored where there is no such thing
    opens: str | None = None
    # a form to open (only in answer to an ``Incoming`` with ``can_open_forms``)
    form: Form | None = None
    # answers of a submitted form refused, by field name, with what is wrong: the form stays open
    form_errors: tuple[tuple[str, str], ...] = ()


class Outbox(Protocol):
    """Proactive sending (reminders, announcements), implemented by each adapter; both raise
    ``bot.delivery`` failures (rate limited, unavailable, rejected) for the shared send path."""

    async def post(self, chat: ChatRef, reply: Reply) -> str | None:
        """Post ``reply`` to ``chat``; the platform's id of its first message (to edit it later)."""

    async def edit(self, chat: ChatRef, ref: str, reply: Reply) -> None:
        """Replace the text and buttons of the message ``ref`` of ``chat`` with ``reply``'s."""
