"""Texts of a network that its admins edit from the chat (the meeting agenda template, the welcome
kit), each under a key; a missing key means the built-in default."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime
from directory.networks import DEFAULT_NETWORK

AGENDA_TEMPLATE = "agenda_template"
WELCOME_KIT = "welcome_kit"
WELCOME_RESOURCES = "welcome_resources"  # the welcome kit's key resources, one per line


class NetworkText(Base):
    """One editable text of one network."""

    __tablename__ = "network_text"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    network_id: Mapped[str] = mapped_column(String(64), primary_key=True, default=DEFAULT_NETWORK)
