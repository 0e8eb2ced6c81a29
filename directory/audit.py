"""The audit trail of the directory: who changed which field of which record, and when.

Every edit is written to the HSDS ``metadata`` table (``directory.changelog``), one row per changed
field; the rows of one edit share a ``change_id`` so that it can be shown and undone as a whole.
``last_action_date`` is a naive UTC datetime in that table: this module converts it at the
boundary, callers only see aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from directory.changelog import Metadata

CREATE, UPDATE, VERIFY, REVERT = "create", "update", "verify", "revert"
CLOSE, REOPEN, IMPORT = "close", "reopen", "import"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a record: its editable key, its canonical text before and after ("" when none)."""

    field: str
    previous: str
    new: str


@dataclass(frozen=True, slots=True)
class Change:
    """One edit of one record as a whole: what was done, by whom, when, to which fields."""

    change_id: uuid.UUID | None
    resource_type: str
    resource_id: uuid.UUID
    action: str
    by: str
    at: dt.datetime
    fields: tuple[FieldChange, ...]


def _to_naive_utc(moment: dt.datetime) -> dt.datetime:
    """The UTC wall time of an aware ``moment``, as the table stores it."""
    if moment.tzinfo is None:
        raise ValueError(f"datetime sans fuseau horaire : {moment!r}")
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _to_aware(stored: dt.datetime) -> dt.datetime:
    """A stored date, aware in UTC."""
    return stored.replace(tzinfo=dt.UTC) if stored.tzinfo is None else stored.astimezone(dt.UTC)


async def record(
    session: AsyncSession,
    *,
    resource_type: str,
    resource_id: uuid.UUID,
    changes: Sequence[FieldChange],
    action: str,
    by: str,
    now: dt.datetime,
    change_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Write one metadata row per change (one row with an empty field for an action without
    fields, e.g. verify), all under one change id (new unless given), in the caller's transaction;
    return the change id."""
    change_id = change_id or uuid.uuid4()
    at = _to_naive_utc(now)
    for change in changes or (FieldChange("", "", ""),):
        session.add(
            Metadata(
                id=uuid.uuid4(),
                resource_id=resource_id,
                resource_type=resource_type,
                last_action_date=at,
                last_action_type=action,
                field_name=change.field,
                previous_value=change.previous,
                replacement_value=change.new,
                updated_by=by,
                change_id=change_id,
            )
        )
    await session.flush()
    return change_id


def _group_key() -> ColumnElement[uuid.UUID]:
    """The edit a row belongs to: its change id, or the row itself for rows written without one."""
    return func.coalesce(Metadata.change_id, Metadata.id)


async def history(session: AsyncSession, resource_ids: Sequence[uuid.UUID], limit: int = 10) -> list[Change]:
    """The last ``limit`` edits of the records ``resource_ids`` (imports included), newest first."""
    if not resource_ids or limit <= 0:
        return []
    key = _group_key()
    newest = func.max(Metadata.last_action_date)
    groups = (
        await session.execute(
            select(key.label("key"), Metadata.resource_id, newest.label("at"))
            .where(Metadata.resource_id.in_(resource_ids))
            .group_by(key, Metadata.resource_id)
            .order_by(newest.desc(), key)
            .limit(limit)
        )
    ).all()
    if not groups:
        return []
    wanted = {(group.key, group.resource_id) for group in groups}
    rows = await session.scalars(
        select(Metadata).where(
            Metadata.resource_id.in_({group.resource_id for group in groups}),
            key.in_({group.key for group in groups}),
        )
    )
    by_group: dict[tuple[uuid.UUID, uuid.UUID], list[Metadata]] = {}
    for row in rows:
        group = (row.change_id or row.id, row.resource_id)
        if group in wanted:
            by_group.setdefault(group, []).append(row)
    return [_to_change(by_group[(group.key, group.resource_id)]) for group in groups]


def _to_change(rows: list[Metadata]) -> Change:
    """One edit from its rows (all of one record and one change id); fields in name order."""
    first = max(rows, key=lambda row: row.last_action_date)
    fields = tuple(
        FieldChange(row.field_name, row.previous_value, row.replacement_value)
        for row in sorted(rows, key=lambda row: row.field_name)
        if row.field_name
    )
    return Change(
        change_id=first.change_id,
        resource_type=first.resource_type,
        resource_id=first.resource_id,
        action=first.last_action_type,
        by=first.updated_by,
        at=_to_aware(first.last_action_date),
        fields=fields,
    )


async def last_change(session: AsyncSession, resource_id: uuid.UUID) -> Change | None:
    """The newest edit of the record (imports included), or None when it has none."""
    changes = await history(session, [resource_id], limit=1)
    return changes[0] if changes else None


async def last_edits(
    session: AsyncSession,
    resource_ids: Sequence[uuid.UUID] | None = None,
    *,
    resource_type: str | None = None,
    exclude: Sequence[str] = (IMPORT,),
) -> dict[uuid.UUID, dt.datetime]:
    """The date of the newest edit of each record that has one: of ``resource_ids``, or of every
    record (of ``resource_type`` when given) when None. The actions ``exclude`` are left out,
    imports by default: an import says when the data arrived, not when someone checked it."""
    newest = func.max(Metadata.last_action_date)
    query = select(Metadata.resource_id, newest).where(Metadata.last_action_type.not_in(exclude))
    if resource_ids is not None:
        if not resource_ids:
            return {}
        query = query.where(Metadata.resource_id.in_(resource_ids))
    if resource_type is not None:
        query = query.where(Metadata.resource_type == resource_type)
    rows = await session.execute(query.group_by(Metadata.resource_id))
    return {resource_id: _to_aware(at) for resource_id, at in rows}


async def newest_change(session: AsyncSession) -> dt.datetime | None:
    """The date of the newest row of the log (None when it is empty): where following it starts."""
    newest = await session.scalar(select(func.max(Metadata.last_action_date)))
    return _to_aware(newest) if newest is not None else None


async def changes_after(session: AsyncSession, after: dt.datetime) -> list[tuple[str, uuid.UUID, dt.datetime]]:
    """(resource type, id, date of its newest change) of every record changed after ``after``, oldest
    change first."""
    newest = func.max(Metadata.last_action_date)
    rows = await session.execute(
        select(Metadata.resource_type, Metadata.resource_id, newest)
        .where(Metadata.last_action_date > _to_naive_utc(after))
        .group_by(Metadata.resource_type, Metadata.resource_id)
        .order_by(newest)
    )
    return [(kind, resource_id, _to_aware(at)) for kind, resource_id, at in rows]


async def changed_since(
    session: AsyncSession, after: dt.datetime
) -> tuple[list[tuple[str, uuid.UUID]], dt.datetime | None]:
    """Every record (resource type, id) changed strictly after ``after``, by any process, and the
    newest change date seen (None when nothing changed): pass it back as ``after`` next time."""
    rows = (
        await session.execute(
            select(Metadata.resource_type, Metadata.resource_id, func.max(Metadata.last_action_date))
            .where(Metadata.last_action_date > _to_naive_utc(after))
            .group_by(Metadata.resource_type, Metadata.resource_id)
            .order_by(Metadata.resource_type, Metadata.resource_id)
        )
    ).all()
    if not rows:
        return [], None
    return [(kind, resource_id) for kind, resource_id, _ in rows], _to_aware(max(row[2] for row in rows))


async def pseudonymize(session: AsyncSession, person_ref: str, alias: str) -> int:
    """Replace the author of every row written by ``person_ref`` ("telegram:123", the first word
    of ``updated_by``) by ``alias``, in the caller's transaction; return the number of rows."""
    result = await session.execute(
        update(Metadata)
        .where(
            or_(
                Metadata.updated_by == person_ref,
                Metadata.updated_by.startswith(f"{person_ref} ", autoescape=True),
            )
        )
        .values(updated_by=alias)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
