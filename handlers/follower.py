"""Where a process is in the directory's change log (``handlers.directory_sync`` moves it on)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field


@dataclass(slots=True)
class Follower:
    """The newest change date seen, the date the search was built from (never looked back past), the
    records already applied within the look-back, and the services still to refresh."""

    seen: dt.datetime | None = None
    floor: dt.datetime | None = None
    applied: dict[uuid.UUID, dt.datetime] = field(default_factory=dict)
    pending: dict[uuid.UUID, None] = field(default_factory=dict)
