"""Every table of the directory, registered on ``Base.metadata`` by importing this module."""

from __future__ import annotations

from directory import changelog, channels, details, models, roles, taxonomy
from directory.db import Base

MODULES = (models, details, taxonomy, changelog, channels, roles)
metadata = Base.metadata
