"""Service records recently shown, kept in memory so that a popular answer costs no database trip.

Entries are keyed by the service's id and its slot in the search index: every edit of a
service gives it a new slot (``Search.refresh``), so an edited service is read afresh.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.records import ServiceRecord, service_records

CAPACITY = 2048


class RecordCache:
    """The last ``capacity`` service records read, least recently used forgotten first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._records: OrderedDict[tuple[uuid.UUID, int], ServiceRecord] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, key: object) -> bool:
        return key in self._records

    async def records(
        self, sessions: async_sessionmaker[AsyncSession], wanted: list[tuple[uuid.UUID, int]]
    ) -> dict[uuid.UUID, ServiceRecord]:
        """Records of the services ``wanted`` as (id, index slot), read from the database when not kept."""
        found = {key[0]: self._records[key] for key in wanted if key in self._records}
        missing = [key for key in wanted if key not in self._records]
        if missing:
            async with sessions() as session:
                fresh = await service_records(session, [service_id for service_id, _ in missing])
            for key in missing:
                if key[0] in fresh:
                    self._records[key] = found[key[0]] = fresh[key[0]]
        for key in wanted:
            if key in self._records:
                self._records.move_to_end(key)
        while len(self._records) > self.capacity:
            self._records.popitem(last=False)
        return found
