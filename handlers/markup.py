"""The tiny markup of reply texts: ``**bold**``, ``[label](https://…)`` and ``- `` list items.

Adapters turn the spans of ``to_spans`` into Telegram HTML, Slack mrkdwn or plain
text. Text from people or the directory is put through ``escape`` before it is
embedded, so it can never produce markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_TOKEN = re.compile(r"\*\*(?P<bold>.+?)\*\*|\[(?P<label>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)")
_SPECIAL = re.compile(r"([\\*\[\]()])")
_ESCAPED = re.compile(r"\\([\\*\[\]()])")


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text, plain, bold or a link."""

    kind: Literal["text", "bold", "link"]
    text: str
    url: str = ""


def escape(text: str) -> str:
    """``text`` made inert: markup characters are backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def to_spans(text: str) -> list[Span]:
    """Split marked-up ``text`` into spans (escaped characters come out as typed)."""
    spans: list[Span] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if _is_escaped(text, match.start()):
            continue
        if match.start() > position:
            spans.append(Span("text", _unescape(text[position : match.start()])))
        if match["bold"] is not None:
            spans.append(Span("bold", _unescape(match["bold"])))
        else:
            spans.append(Span("link", _unescape(match["label"]), match["url"]))
        position = match.end()
    if position < len(text):
        spans.append(Span("text", _unescape(text[position:])))
    return spans


def _is_escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index > 0 and text[index - 1] == "\\":
        backslashes += 1
        index -= 1
    return backslashes % 2 == 1


def to_plain(text: str) -> str:
    """``text`` without markup, links written as "label (url)"."""
    return "".join(f"{s.text} ({s.url})" if s.kind == "link" else s.text for s in to_spans(text))
