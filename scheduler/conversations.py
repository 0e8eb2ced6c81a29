"""Guided conversations in progress: which question a person was asked, and what they answered so far.

One row per (platform, chat, person), so the same conversation goes on whichever process
receives the next message; it is forgotten once ``expires_at`` has passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime


class Conversation(Base):
    """The state of one person's guided conversation in one chat."""

    __tablename__ = "conversation"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
