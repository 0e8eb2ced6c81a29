"""Changing the directory: records created, fields changed and changes undone, each in the caller's
transaction and written to the change log (``directory.audit``) as one edit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from directory import audit
from directory.audit import FieldChange
from directory.editable import SERVICE, Editable, Env, Record, field_named, kind_of
from directory.field_values import FieldError
from directory.models import Organization, Service


def _naive(now: dt.datetime) -> dt.datetime:
    """``service.last_modified`` holds naive UTC, as HSDS imports give it."""
    return now.astimezone(dt.UTC).replace(tzinfo=None)


async def change_fields(
    session: AsyncSession, record: Record, chosen: Mapping[Editable, Any], *, by: str, now: dt.datetime,
    action: str = audit.UPDATE,
) -> tuple[FieldChange, ...]:
    """Write the values ``chosen`` (None clears a field) and log the fields that really changed, as one
    edit; those changes (none when every value was already there)."""
    changes = []
    for field, value in chosen.items():
        before = await field.read_text(session, record)
        after = "" if value is None or value == () else field.to_text(value)
        if before != after:
            await field.write(session, record, value)
            changes.append(FieldChange(field.key, before, after))
    if changes:
        if isinstance(record, Service):
            record.last_modified = _naive(now)
        await audit.record(session, resource_type=kind_of(record), resource_id=record.id, changes=changes,
                           action=action, by=by, now=now)
    return tuple(changes)


async def create_organization(
    session: AsyncSession, chosen: Mapping[Editable, Any], *, by: str, now: dt.datetime
) -> Organization:
    """A new organization with the values ``chosen`` (its name among them), logged as created."""
    organization = Organization(id=uuid.uuid4(), name="", description="")
    session.add(organization)
    await change_fields(session, organization, chosen, by=by, now=now, action=audit.CREATE)
    return organization


async def create_service(
    session: AsyncSession, organization: Organization, chosen: Mapping[Editable, Any], *, by: str, now: dt.datetime
) -> Service:
    """A new active service of ``organization`` with the values ``chosen``, logged as created."""
    service = Service(id=uuid.uuid4(), organization_id=organization.id, name="", status="active")
    session.add(service)
    await change_fields(session, service, chosen, by=by, now=now, action=audit.CREATE)
    return service


@dataclass(frozen=True, slots=True)
class Undone:
    """What undoing a record's last change did: the change undone and the changes it made, or why it
    could not (``problem``: "none", "import", "changed_since" with the fields, "unreadable")."""

    change: audit.Change | None
    changes: tuple[FieldChange, ...] = ()
    problem: str = ""
    fields: tuple[str, ...] = ()
    deleted: bool = False


async def undo_last(session: AsyncSession, record: Record, env: Env, *, by: str, now: dt.datetime) -> Undone:
    """Undo the newest change of ``record``: a creation deletes the record; any other change writes
    back the previous values, unless a field changed again since (nothing is written then)."""
    change = await audit.last_change(session, record.id)
    if change is None:
        return Undone(None, problem="none")
    if change.action == audit.IMPORT:
        return Undone(change, problem="import")
    kind = kind_of(record)
    if change.action == audit.CREATE:
        return await _undo_creation(session, record, change, by=by, now=now)
    planned: dict[Editable, Any] = {}
    moved = []
    for logged in change.fields:
        field = field_named(kind, logged.field)
        if field is None:
            continue
        if await field.read_text(session, record) != logged.new:
            moved.append(field.key)
            continue
        try:
            planned[field] = await field.check(logged.previous, env) if logged.previous else None
        except FieldError:
            return Undone(change, problem="unreadable", fields=(field.key,))
    if moved:
        return Undone(change, problem="changed_since", fields=tuple(moved))
    done = await change_fields(session, record, planned, by=by, now=now, action=audit.REVERT)
    return Undone(change, done)


async def _undo_creation(
    session: AsyncSession, record: Record, change: audit.Change, *, by: str, now: dt.datetime
) -> Undone:
    undone = tuple(FieldChange(f.field, f.new, "") for f in change.fields)
    await audit.record(session, resource_type=change.resource_type, resource_id=record.id, changes=undone,
                       action=audit.REVERT, by=by, now=now)
    model = Service if isinstance(record, Service) else Organization
    await session.execute(delete(model).where(model.id == record.id))
    return Undone(change, undone, deleted=True)


async def services_of(session: AsyncSession, record: Record) -> list[uuid.UUID]:
    """The services whose search entries show ``record``: itself, or an organization's services."""
    if isinstance(record, Service):
        return [record.id]
    return list(await session.scalars(select(Service.id).where(Service.organization_id == record.id)))


async def record_of(session: AsyncSession, kind: str, record_id: uuid.UUID) -> Record | None:
    """The organization or service ``record_id``, or None."""
    return await session.get(Service if kind == SERVICE else Organization, record_id)

