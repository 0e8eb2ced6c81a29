"""Forms as Slack modals: a ``Form`` opened with ``views.open``, its submission read back as an
``Incoming`` with the answers, and refused answers shown under their fields.

The modal carries where it was opened from (channel and thread) and the form's data in its
``private_metadata``, so the answer to a submission goes back to that conversation.
"""

from __future__ import annotations

import json
from typing import Any

from handlers.messages import ChatRef, Form, Incoming

CALLBACK_ID = "passerelle_form"
ACTION_ID = "value"
TITLE_LIMIT = 24  # characters of a modal's title and of its buttons
LABEL_LIMIT = 2000
HINT_LIMIT = 150  # characters of a placeholder
VALUE_LIMIT = 3000  # characters of an initial value kept in a text input
FIELDS_LIMIT = 100  # blocks in a modal


def _plain(text: str, limit: int) -> dict[str, Any]:
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": cut, "emoji": True}


def to_modal(form: Form, chat: ChatRef, cancel: str) -> dict[str, Any]:
    """The ``views.open`` view of ``form``, opened from ``chat``; ``cancel`` labels the close button."""
    blocks: list[dict[str, Any]] = []
    if form.intro:
        blocks.append({"type": "section", "text": _plain(form.intro, VALUE_LIMIT)})
    for field in form.fields[: FIELDS_LIMIT - len(blocks)]:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": ACTION_ID, "multiline": field.multiline}
        if field.value:
            element["initial_value"] = field.value[:VALUE_LIMIT]
        if field.hint:
            element["placeholder"] = _plain(field.hint, HINT_LIMIT)
        blocks.append({"type": "input", "block_id": field.name, "optional": field.optional,
                       "label": _plain(field.label, LABEL_LIMIT), "element": element})
    metadata = {"data": form.data, "channel": chat.chat_id, "thread": chat.thread_id}
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain(form.title, TITLE_LIMIT),
        "submit": _plain(form.submit, TITLE_LIMIT),
        "close": _plain(cancel, TITLE_LIMIT),
        "private_metadata": json.dumps(metadata, ensure_ascii=False),
        "blocks": blocks,
    }


def to_form_incoming(body: dict[str, Any], locale: str) -> Incoming | None:
    """The answers of a submitted modal as an ``Incoming`` (the form's data as ``button_data``);
    None for a view that is not one of ours or is malformed."""
    view = body.get("view") or {}
    if view.get("callback_id") != CALLBACK_ID:
        return None
    try:
        metadata = json.loads(view.get("private_metadata") or "")
    except ValueError:
        return None
    if not isinstance(metadata, dict) or not metadata.get("channel") or not isinstance(metadata.get("data"), str):
        return None
    values = []
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        answer = (actions or {}).get(ACTION_ID) or {}
        values.append((str(block_id), str(answer.get("value") or "")))
    channel = str(metadata["channel"])
    user = body.get("user") or {}
    thread = metadata.get("thread")
    return Incoming(
        ChatRef("slack", channel, str(thread) if thread else None), str(user.get("id", "")),
        button_data=metadata["data"], locale=locale, private=channel.startswith("D"),
        user_name=str(user.get("name") or user.get("username") or ""), form_values=tuple(values),
    )


def to_errors(errors: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The ``response_action: errors`` map: each refused field's block id → what is wrong."""
    return {name: message[:LABEL_LIMIT] for name, message in errors}
