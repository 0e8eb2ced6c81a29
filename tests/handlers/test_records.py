"""Recent service records kept in memory, and read afresh once the service is edited."""

from __future__ import annotations

from sqlalchemy import update

from directory.models import Service
from handlers.context import Context
from handlers.records import RecordCache


async def test_a_kept_record_is_served_without_the_database_until_the_service_changes(context: Context) -> None:
    cache = RecordCache(capacity=2)
    index = context.search.index
    doc = next(d for d in index.docs if d is not None)
    key = (doc.service_id, index.slot_of[doc.service_id])
    first = await cache.records(context.sessions, [key])
    assert first[doc.service_id].service.name == doc.service_name

    async with context.sessions.begin() as session:
        await session.execute(update(Service).where(Service.id == doc.service_id).values(name="Nom changé"))
    kept = await cache.records(context.sessions, [key])
    assert kept[doc.service_id].service.name == doc.service_name  # same slot: the record kept

    await context.search.refresh(context.sessions, [doc.service_id])
    fresh = await cache.records(context.sessions, [(doc.service_id, index.slot_of[doc.service_id])])
    assert fresh[doc.service_id].service.name == "Nom changé"
    async with context.sessions.begin() as session:
        await session.execute(update(Service).where(Service.id == doc.service_id).values(name=doc.service_name))
    await context.search.refresh(context.sessions, [doc.service_id])


async def test_the_least_recently_used_record_is_forgotten_first(context: Context) -> None:
    cache = RecordCache(capacity=2)
    index = context.search.index
    docs = [d for d in index.docs if d is not None][:3]
    keys = [(d.service_id, index.slot_of[d.service_id]) for d in docs]
    assert len(await cache.records(context.sessions, keys)) == 3
    assert len(cache) == 2 and keys[0] not in cache and keys[2] in cache
