"""Replies as Slack messages: Block Kit blocks in escaped mrkdwn, with a plain fallback text.

Every string from the directory or from people goes through ``escape``, so ``&``, ``<``
and ``>`` can never form a control sequence (``<!channel>``, ``<@U123>``, a link), and
mrkdwn text objects are sent ``verbatim`` so Slack does not parse plain words either.
A reply too large for one message is split into several, its buttons on the last one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from handlers.markup import to_plain, to_spans
from handlers.messages import Button, Card, Reply
from handlers.texts import Texts

SECTION_LIMIT = 3000  # characters in one section's text
BLOCKS_PER_MESSAGE = 50
BUTTONS_PER_BLOCK = 25
LABEL_LIMIT = 75  # characters in a button's label
FALLBACK_LIMIT = 3000  # characters of the notification text
ACTION_PREFIX = "passerelle:"  # action ids are "passerelle:<n>", unique in a message; the data is the value

Block = dict[str, Any]
_LIST_ITEM = re.compile(r"^- ", re.MULTILINE)
_URL = re.compile(r"https?://\S+")
_EMAIL = re.compile(r"[^@\s<>|]+@[^@\s<>|]+\.[^@\s<>|]+")
_URL_UNSAFE = {"&": "&amp;", "<": "%3C", ">": "%3E", "|": "%7C"}


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One ``chat.postMessage``: its blocks and the text shown in notifications."""

    blocks: list[Block]
    text: str


@dataclass(slots=True)
class _Group:
    """Blocks kept together in one message, and what they say in a notification."""

    blocks: list[Block]
    fallback: str = ""
    divided: bool = False  # a divider separates it from the group before it
    labels: list[str] = field(default_factory=list)


def escape(text: str) -> str:
    """``text`` made inert for mrkdwn: ``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_link(url: str, label: str) -> str:
    """A mrkdwn link to an http(s) ``url``; other addresses give the label alone."""
    if not _URL.fullmatch(url):
        return escape(label)
    safe = "".join(_URL_UNSAFE.get(character, character) for character in url)
    return f"<{safe}|{escape(label)}>"


def to_mrkdwn(text: str) -> str:
    """Reply markup (``**bold**``, ``[label](url)``, ``- `` items) as escaped mrkdwn."""
    parts = []
    for span in to_spans(_LIST_ITEM.sub("• ", text)):
        if span.kind == "bold" and span.text.strip():
            parts.append(f"*{escape(span.text.strip())}*")
        elif span.kind == "link":
            parts.append(to_link(span.url, span.text))
        else:
            parts.append(escape(span.text))
    return "".join(parts)


def to_messages(reply: Reply, t: Texts) -> list[SlackMessage]:
    """``reply`` as one message, or several when it is over Slack's limits (buttons on the last)."""
    groups: list[_Group] = []
    if reply.text.strip():
        groups.append(_Group(_sections(to_mrkdwn(reply.text).split("\n")), to_plain(reply.text)))
    groups += [_card_group(card, t, divided=index > 0) for index, card in enumerate(reply.cards)]
    if reply.buttons:
        groups.append(_Group(_actions(reply.buttons), labels=[button.label for button in reply.buttons]))
    return [_to_message(chunk) for chunk in _pack(groups)]


def _card_group(card: Card, t: Texts, *, divided: bool) -> _Group:
    lines = [f"*{escape(card.title.strip())}*" if card.title.strip() else ""]
    lines += [escape(card.subtitle)] if card.subtitle else []
    lines += [escape(line) for line in card.lines]
    lines += [t("{label} : {value}", label=f"*{escape(field.label)}*", value=_value(field.value))
              for field in card.fields]
    blocks = _sections([line for line in lines if line])
    if card.badge:
        blocks.append({"type": "context", "elements": [_mrkdwn(escape(card.badge))]})
    fallback = card.title + (f" — {card.subtitle}" if card.subtitle else "")
    return _Group(blocks, fallback, divided)


def _value(value: str) -> str:
    """A field's value, with a web or email address made a link (verbatim text is not auto-linked)."""
    stripped = value.strip()
    if _URL.fullmatch(stripped):
        return to_link(stripped, stripped)
    if _EMAIL.fullmatch(stripped):
        return f"<mailto:{escape(stripped)}|{escape(stripped)}>"
    return escape(value)


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _sections(lines: list[str]) -> list[Block]:
    """Section blocks holding ``lines`` (already mrkdwn), each under the section limit."""
    chunks: list[str] = []
    current = ""
    for line in _short_lines(lines):
        if current and len(current) + 1 + len(line) > SECTION_LIMIT:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    chunks.append(current)
    return [{"type": "section", "text": _mrkdwn(chunk)} for chunk in chunks if chunk.strip()]


def _short_lines(lines: list[str]) -> Iterator[str]:
    for line in lines:
        while len(line) > SECTION_LIMIT:
            cut = _safe_cut(line, SECTION_LIMIT)
            yield line[:cut].rstrip()
            line = line[cut:].lstrip()
        yield line


def _safe_cut(line: str, limit: int) -> int:
    """Where to cut ``line``, within ``limit``: at a space, never inside ``&amp;`` or ``<…>``."""
    cut = line.rfind(" ", limit // 2, limit) + 1 or limit
    opening = line.rfind("<", 0, cut)
    if opening > line.rfind(">", 0, cut):
        cut = opening
    ampersand = line.rfind("&", 0, cut)
    if ampersand >= 0 and ";" not in line[ampersand:cut]:
        cut = ampersand
    return max(cut, 1)


def _actions(buttons: tuple[Button, ...]) -> list[Block]:
    elements = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": _label(button.label), "emoji": True},
            "action_id": f"{ACTION_PREFIX}{number}",
            "value": button.data,
        }
        for number, button in enumerate(buttons)
    ]
    return [
        {"type": "actions", "elements": elements[start : start + BUTTONS_PER_BLOCK]}
        for start in range(0, len(elements), BUTTONS_PER_BLOCK)
    ]


def _label(label: str) -> str:
    label = label.strip() or "…"
    return label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1].rstrip() + "…"


def _pack(groups: list[_Group]) -> list[list[_Group]]:
    """Groups in messages of at most 50 blocks, in order; a group too big alone is cut."""
    messages: list[list[_Group]] = []
    size = BLOCKS_PER_MESSAGE
    for group in groups:
        for piece in _pieces(group):
            needed = len(piece.blocks) + (1 if piece.divided else 0)
            if size + needed > BLOCKS_PER_MESSAGE:
                messages.append([])
                size = 0
                piece.divided = False
            messages[-1].append(piece)
            size += len(piece.blocks) + (1 if piece.divided else 0)
    return messages


def _pieces(group: _Group) -> list[_Group]:
    room = BLOCKS_PER_MESSAGE - 1
    if len(group.blocks) <= room:
        return [group]
    return [
        _Group(group.blocks[start : start + room], group.fallback if start == 0 else "",
               group.divided and start == 0, group.labels if start == 0 else [])
        for start in range(0, len(group.blocks), room)
    ]


def _to_message(groups: list[_Group]) -> SlackMessage:
    blocks: list[Block] = []
    for group in groups:
        if group.divided:
            blocks.append({"type": "divider"})
        blocks += group.blocks
    said = [group.fallback.strip() for group in groups if group.fallback.strip()]
    if not said:
        said = [" / ".join(label for group in groups for label in group.labels)]
    text = "\n".join(said)
    if len(text) > FALLBACK_LIMIT:
        text = text[: FALLBACK_LIMIT - 1].rstrip() + "…"
    return SlackMessage(blocks, escape(text))
