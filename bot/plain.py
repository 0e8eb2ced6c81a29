"""Replies rendered as plain text, for the console and ``passerelle ask``."""

from __future__ import annotations

from handlers.markup import to_plain
from handlers.messages import Card, Reply
from handlers.texts import Texts


def to_text(reply: Reply, t: Texts, *, buttons: bool = True) -> str:
    """``reply`` as a person reads it in a terminal; buttons become numbered choices unless left out."""
    blocks = [to_plain(reply.text)] if reply.text else []
    blocks += [to_card_text(card, t) for card in reply.cards]
    if buttons and reply.buttons:
        blocks.append("  ".join(f"[{n}] {b.label}" for n, b in enumerate(reply.buttons, start=1)))
    blocks += [t("(pièce jointe : {filename})", filename=a.filename) for a in reply.attachments]
    return "\n\n".join(blocks)


def to_card_text(card: Card, t: Texts) -> str:
    """One card: title line, then its lines and fields indented."""
    title = card.title + (f" — {card.subtitle}" if card.subtitle else "")
    if card.badge:
        title += f"  [{card.badge}]"
    lines = [f"▸ {title}"]
    lines += [f"  {line}" for line in card.lines]
    lines += ["  " + t("{label} : {value}", label=field.label, value=field.value) for field in card.fields]
    return "\n".join(lines)
