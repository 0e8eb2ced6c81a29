"""Every table of Passerelle, registered on ``Base.metadata`` by importing this module."""

from __future__ import annotations

from directory import schema as directory_schema
from scheduler import announcements, conversations, events, followups, outbox

MODULES = (*directory_schema.MODULES, outbox, events, announcements, conversations, followups)
metadata = directory_schema.metadata
