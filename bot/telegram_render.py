"""Replies rendered for Telegram: HTML messages within 4,096 characters, and inline keyboards.

Every string of a reply is escaped; the only tags Telegram receives are the ones
made here. A long reply is cut between cards, then between lines, then between
words, each message closing the tags it opens.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.markup import Span, to_spans
from handlers.messages import Button, Card, Reply
from handlers.texts import Texts

LIMIT = 4096  # Telegram's longest message, in UTF-16 code units
BLOCK_GAP = "\n\n"
LINE_GAP = "\n"
_WORD = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True, slots=True)
class Run:
    """Plain text in one style: as is, bold, italic, or a link to ``url``."""

    text: str
    tag: Literal["", "b", "i", "a"] = ""
    url: str = ""


Line = tuple[Run, ...]
Block = tuple[Line, ...]


def to_messages(reply: Reply, t: Texts) -> list[str]:
    """The HTML texts of ``reply`` in order, each within Telegram's limit."""
    return _pack(_pieces(_to_blocks(reply, t)))


def to_keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One inline button per row, or None without buttons."""
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)] for b in buttons])


def units(text: str) -> int:
    """The length of ``text`` as Telegram counts it, in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def to_html(run: Run) -> str:
    """``run`` as Telegram HTML, its text and URL escaped."""
    text = html.escape(run.text, quote=False)
    if run.tag == "a":
        return f'<a href="{html.escape(run.url)}">{text}</a>'
    return f"<{run.tag}>{text}</{run.tag}>" if run.tag else text


def _to_blocks(reply: Reply, t: Texts) -> list[Block]:
    blocks = [tuple(_to_line(line) for line in reply.text.split("\n"))] if reply.text.strip() else []
    return blocks + [_to_card_block(card, t) for card in reply.cards]


def _to_line(text: str) -> Line:
    return tuple(_to_run(span) for span in to_spans(text) if span.text)


def _to_run(span: Span) -> Run:
    if span.kind == "bold":
        return Run(span.text, "b")
    if span.kind == "link":
        return Run(span.text, "a", span.url)
    return Run(span.text)


def _to_card_block(card: Card, t: Texts) -> Block:
    title = [Run(card.title, "b")]
    if card.subtitle:
        title.append(Run(f" — {card.subtitle}"))
    if card.badge:
        title += [Run(" · "), Run(card.badge, "i")]
    lines: list[Line] = [tuple(title)]
    lines += [(Run(line),) for line in card.lines]
    lines += [(Run(t("{label} : {value}", label=f.label, value=f.value)),) for f in card.fields]
    return tuple(lines)


def _line_html(line: Line) -> str:
    return "".join(to_html(run) for run in line)


def _pieces(blocks: Iterable[Block]) -> Iterator[tuple[str, str]]:
    """(gap before, HTML) pieces within the limit: whole blocks, else their lines, else parts of lines."""
    for b, block in enumerate(blocks):
        gap = BLOCK_GAP if b else ""
        whole = LINE_GAP.join(_line_html(line) for line in block)
        if units(whole) <= LIMIT:
            yield gap, whole
            continue
        for n, line in enumerate(block):
            for k, part in enumerate(_cut(line)):
                yield (gap if n == 0 else LINE_GAP) if k == 0 else "", part


def _pack(pieces: Iterable[tuple[str, str]]) -> list[str]:
    """Pieces joined into as few messages as fit; blank messages left out."""
    messages: list[str] = []
    current, used = "", 0
    for gap, piece in pieces:
        size = units(piece)
        if current and used + units(gap) + size <= LIMIT:
            current, used = current + gap + piece, used + units(gap) + size
        else:
            messages.append(current.strip())
            current, used = piece, size
    messages.append(current.strip())
    return [message for message in messages if message]


def _cut(line: Line) -> list[str]:
    """``line`` in parts within the limit, cut between words (or characters), never inside a tag."""
    if units(_line_html(line)) <= LIMIT:
        return [_line_html(line)]
    parts: list[str] = []
    current: list[Run] = []
    used = 0
    for run in line:
        overhead = units(to_html(replace(run, text="")))
        for word in _words(run.text, LIMIT - overhead):
            cost = units(html.escape(word, quote=False))
            joins = bool(current) and (current[-1].tag, current[-1].url) == (run.tag, run.url)
            if current and used + cost + (0 if joins else overhead) > LIMIT:
                parts.append("".join(to_html(r) for r in current))
                current, used, joins = [], 0, False
            if joins:
                current[-1] = replace(current[-1], text=current[-1].text + word)
                used += cost
            else:
                current.append(replace(run, text=word))
                used += cost + overhead
    if current:
        parts.append("".join(to_html(r) for r in current))
    return parts


def _words(text: str, budget: int) -> Iterator[str]:
    """``text`` as words with their trailing spaces; a word over ``budget`` cut between characters."""
    budget = max(budget, 1)
    for word in _WORD.findall(text):
        if units(html.escape(word, quote=False)) <= budget:
            yield word
            continue
        piece, used = "", 0
        for char in word:
            cost = units(html.escape(char, quote=False))
            if piece and used + cost > budget:
                yield piece
                piece, used = "", 0
            piece, used = piece + char, used + cost
        yield piece
