"""Every table of the directory, registered on ``Base.metadata`` by importing this module."""

from __future__ import annotations

from directory import (
    changelog,
    channels,
    concertation,
    details,
    models,
    network_texts,
    networks,
    people,
    private_chats,
    roles,
    synonyms,
    taxonomy,
)
from directory.db import Base

MODULES = (
    models, details, taxonomy, changelog, channels, roles, private_chats, concertation, network_texts, networks, people,
    synonyms,
)
metadata = Base.metadata
