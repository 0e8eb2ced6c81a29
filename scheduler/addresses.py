"""Where the scheduler posts: a chat, and a thread within it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Channel:
    """A chat (and thread) an event is announced in or an announcement is posted to."""

    platform: str
    chat_id: str
    thread_id: str | None = None
