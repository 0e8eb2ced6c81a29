"""Replies as JSON-ready dictionaries, so that a message waiting in the outbox survives a restart."""

from __future__ import annotations

import base64
from typing import Any

from handlers.messages import Attachment, Button, Card, Field, Reply


def to_payload(reply: Reply) -> dict[str, Any]:
    """``reply`` as plain dictionaries, lists and strings (attachments in base64)."""
    return {
        "text": reply.text,
        "cards": [
            {
                "title": card.title,
                "subtitle": card.subtitle,
                "lines": list(card.lines),
                "fields": [[f.label, f.value] for f in card.fields],
                "badge": card.badge,
            }
            for card in reply.cards
        ],
        "buttons": [[b.label, b.data] for b in reply.buttons],
        "attachments": [
            [a.filename, base64.b64encode(a.content).decode("ascii"), a.mime_type] for a in reply.attachments
        ],
    }


def to_reply(payload: dict[str, Any]) -> Reply:
    """The reply ``to_payload`` was made from."""
    return Reply(
        text=payload.get("text", ""),
        cards=tuple(
            Card(
                title=c["title"],
                subtitle=c.get("subtitle", ""),
                lines=tuple(c.get("lines", ())),
                fields=tuple(Field(label, value) for label, value in c.get("fields", ())),
                badge=c.get("badge", ""),
            )
            for c in payload.get("cards", ())
        ),
        buttons=tuple(Button(label, data) for label, data in payload.get("buttons", ())),
        attachments=tuple(
            Attachment(name, base64.b64decode(content), mime) for name, content, mime in payload.get("attachments", ())
        ),
    )
