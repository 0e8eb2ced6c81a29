"""Changing the directory: records created, fields changed and changes undone, each in the caller's
transaction and written to the change log (``directory.audit``) as one edit. Writers lock the record
first (``lock_record``), so that two admins changing it at once take turns."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from directory import audit
from directory.audit import FieldChange
from directory.db import lock_row
from directory.editable import ASKED, ORGANIZATION, SERVICE, Editable, Env, Record, field_named, kind_of
from directory.field_values import FieldError
from directory.models import Organization, Service


@dataclass(frozen=True, slots=True)
class Edit:
    """What an edit changed, and the id its log rows share (None when nothing changed)."""

    changes: tuple[FieldChange, ...]
    change_id: uuid.UUID | None = None


def _naive(now: dt.datetime) -> dt.datetime:
    """``service.last_modified`` holds naive UTC, as HSDS imports give it."""
    return now.astimezone(dt.UTC).replace(tzinfo=None)


def _model(kind: str) -> type[Organization | Service]:
    return Service if kind == SERVICE else Organization


async def record_of(session: AsyncSession, kind: str, record_id: uuid.UUID) -> Record | None:
    """The organization or service ``record_id``, or None."""
    return await session.get(_model(kind), record_id)


async def lock_record(session: AsyncSession, kind: str, record_id: uuid.UUID) -> Record | None:
    """The record, read afresh and locked until the end of the transaction (``directory.db.lock_row``);
    None when it is gone."""
    model = _model(kind)
    return await lock_row(session, model, record_id, touch=model.name)


async def change_fields(
    session: AsyncSession, record: Record, chosen: Mapping[Editable, Any], *, by: str, now: dt.datetime,
    action: str = audit.UPDATE,
) -> Edit:
    """Write the values ``chosen`` (None clears a field) and log the fields that really changed, as one
    edit (nothing is logged when every value was already there)."""
    changes = []
    for field, value in chosen.items():
        before = await field.read_text(session, record)
        after = "" if value is None or value == () else field.to_text(value)
        if before != after:
            await field.write(session, record, value)
            changes.append(FieldChange(field.key, before, after))
    if not changes:
        return Edit(())
    if isinstance(record, Service):
        record.last_modified = _naive(now)
    change_id = await audit.record(session, resource_type=kind_of(record), resource_id=record.id, changes=changes,
                                   action=action, by=by, now=now)
    return Edit(tuple(changes), change_id)


def missing_fields(kind: str, chosen: Mapping[Editable, Any]) -> list[Editable]:
    """The required fields a new record of ``kind`` needs that ``chosen`` leaves empty."""
    given = {field.key for field, value in chosen.items() if value is not None and value != ()}
    return [field for field in ASKED[kind] if field.required and field.key not in given]


async def create_organization(
    session: AsyncSession, chosen: Mapping[Editable, Any], *, by: str, now: dt.datetime
) -> tuple[Organization, Edit]:
    """A new organization with the values ``chosen`` (its name among them), logged as created."""
    if missing_fields(ORGANIZATION, chosen):
        raise ValueError("a new organization needs its required fields")
    organization = Organization(id=uuid.uuid4(), name="", description="")
    session.add(organization)
    return organization, await change_fields(session, organization, chosen, by=by, now=now, action=audit.CREATE)


async def create_service(
    session: AsyncSession, organization: Organization, chosen: Mapping[Editable, Any], *, by: str, now: dt.datetime
) -> tuple[Service, Edit]:
    """A new active service of ``organization`` with the values ``chosen``, logged as created."""
    if missing_fields(SERVICE, chosen):
        raise ValueError("a new service needs its required fields")
    service = Service(id=uuid.uuid4(), organization_id=organization.id, name="", status="active")
    session.add(service)
    return service, await change_fields(session, service, chosen, by=by, now=now, action=audit.CREATE)


@dataclass(frozen=True, slots=True)
class Undone:
    """What undoing a record's last change did: the change undone and the edit it made, or why it could
    not (``problem``: "none", "import", "newer" when the change to undo is no longer the last,
    "changed_since" with the fields, "unreadable", "has_services")."""

    change: audit.Change | None
    edit: Edit = Edit(())
    problem: str = ""
    fields: tuple[str, ...] = ()
    deleted: bool = False


async def undo_last(
    session: AsyncSession, record: Record, env: Env, *, by: str, now: dt.datetime,
    expected: uuid.UUID | None = None,
) -> Undone:
    """Undo the newest change of ``record`` (only if it is ``expected``, when given): a creation deletes
    the record (not an organization that has services since); any other change writes back the
    previous values, unless a field changed again since (nothing is written then)."""
    change = await audit.last_change(session, record.id)
    if change is None:
        return Undone(None, problem="none")
    if expected is not None and change.change_id != expected:
        return Undone(change, problem="newer")
    if change.action == audit.IMPORT:
        return Undone(change, problem="import")
    if change.action == audit.CREATE:
        return await _undo_creation(session, record, change, by=by, now=now)
    kind = kind_of(record)
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
    return Undone(change, await change_fields(session, record, planned, by=by, now=now, action=audit.REVERT))


async def _undo_creation(
    session: AsyncSession, record: Record, change: audit.Change, *, by: str, now: dt.datetime
) -> Undone:
    if isinstance(record, Organization):
        services = await session.scalar(select(func.count()).select_from(Service)
                                        .where(Service.organization_id == record.id))
        if services:
            return Undone(change, problem="has_services")
    undone = tuple(FieldChange(f.field, f.new, "") for f in change.fields)
    change_id = await audit.record(session, resource_type=change.resource_type, resource_id=record.id,
                                   changes=undone, action=audit.REVERT, by=by, now=now)
    model = _model(kind_of(record))
    await session.execute(delete(model).where(model.id == record.id))
    return Undone(change, Edit(undone, change_id), deleted=True)


async def services_of(session: AsyncSession, record: Record) -> list[uuid.UUID]:
    """The services whose search entries show ``record``: itself, or an organization's services."""
    if isinstance(record, Service):
        return [record.id]
    return list(await session.scalars(select(Service.id).where(Service.organization_id == record.id)))
