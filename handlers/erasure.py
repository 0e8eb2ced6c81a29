"""Forgetting a person (Québec's Loi 25, ``/oublier_moi``), in the caller's one transaction.

What is theirs alone is deleted: their details, private chat record, conversations in progress,
roles, answers to events (a freed place goes to the first person waiting, who is told) and the
messages addressed to their private chat. What the network's history needs stays, without them:
the seats they held are kept for the organization with no representative; the tables they coordinate,
the events, announcements and decisions they created, their answers to follow-ups, the roles they
granted, the network texts and synonyms they wrote and their directory changes keep an alias
("personne-3f2a9c") in place of their reference, the same alias everywhere, which reveals nothing of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from directory.audit import pseudonymize
from directory.concertation import ConcertationTable, TableMember
from directory.network_texts import NetworkText
from directory.people import ALIAS_PREFIX, PersonDetail
from directory.private_chats import PrivateChat
from directory.roles import ADMIN, PersonRole
from directory.synonyms import SynonymRow
from handlers.event_cards import to_when
from handlers.event_changes import refresh_announcements
from handlers.markup import escape
from handlers.messages import Reply
from handlers.payloads import to_payload
from handlers.personal_data import to_ref, written_by
from handlers.reachability import reachable_among
from handlers.texts import Texts
from scheduler.announcements import Announcement
from scheduler.conversations import Conversation
from scheduler.event_store import lock_event, next_start
from scheduler.events import Event, Rsvp
from scheduler.followups import Decision, Followup, FollowupLog
from scheduler.outbox import OutboxMessage, enqueue
from scheduler.rsvps import promote

MIN_NAME = 4  # characters of a name replaced in free text ("Al" would rewrite "Albert")


@dataclass(frozen=True, slots=True)
class Erased:
    """How many rows of each kind were deleted, or kept under the alias."""

    alias: str
    details: int = 0
    roles: int = 0
    private_chat: int = 0
    conversations: int = 0
    rsvps: int = 0
    messages: int = 0
    seats: int = 0
    coordinated: int = 0
    pseudonymized: int = 0  # rows of the network's history now under the alias


def new_alias() -> str:
    """"personne-3f2a9c": a keyed hash under a key drawn for this once and thrown away, so that nothing
    leads back to the person, not even trying every user id."""
    return ALIAS_PREFIX + hashlib.blake2b(secrets.token_bytes(16), digest_size=3).hexdigest()


async def sole_admin_of(session: AsyncSession, platform: str, user_id: str) -> list[str]:
    """The networks where the person is the only admin (forgetting them leaves the network without one)."""
    theirs = set(await session.scalars(select(PersonRole.network_id).where(
        PersonRole.platform == platform, PersonRole.user_id == user_id, PersonRole.role == ADMIN)))
    if not theirs:
        return []
    counted = await session.execute(
        select(PersonRole.network_id, func.count()).where(PersonRole.role == ADMIN, PersonRole.network_id.in_(theirs))
        .group_by(PersonRole.network_id)
    )
    return sorted(network for network, count in counted if count == 1)


async def erase(
    session: AsyncSession, platform: str, user_id: str, now: dt.datetime, broadcast: Texts,
    known_private: set[tuple[str, str]],
) -> Erased:
    """Forget the person in the caller's transaction (see the module's docstring); ``broadcast`` writes
    what others are told (a freed place), ``known_private`` are the people known to write to the bot."""
    ref, alias = to_ref(platform, user_id), new_alias()
    rsvps = await _leave_events(session, platform, user_id, now, broadcast, known_private)
    seats, names = await _vacate_seats(session, platform, user_id)
    pseudonymized = await _rename_in_logs(session, seats, names, alias)
    coordinated = await _count(session, update(ConcertationTable).where(
        ConcertationTable.coordinator_platform == platform, ConcertationTable.coordinator_user_id == user_id
    ).values(coordinator_user_id=alias, coordinator_name=""))
    for column in _AUTHOR_COLUMNS:
        pseudonymized += await _count(session, update(column.class_).where(written_by(column, ref))
                                      .values({column.key: alias}))
    pseudonymized += await pseudonymize(session, ref, alias)
    return Erased(
        alias=alias,
        details=await _delete(session, PersonDetail, platform, user_id),
        roles=await _delete(session, PersonRole, platform, user_id),
        private_chat=await _delete(session, PrivateChat, platform, user_id),
        conversations=await _delete(session, Conversation, platform, user_id),
        rsvps=rsvps,
        messages=await _count(session, delete(OutboxMessage).where(
            OutboxMessage.platform == platform,
            or_(OutboxMessage.chat_id == user_id,  # to their private chat, and the group welcomes naming them
                OutboxMessage.dedupe_key.like(f"accueil:%:{platform}:{user_id}", escape="\\"),
                OutboxMessage.dedupe_key.like(f"accueil:%:{platform}:{user_id}:%", escape="\\")),
        )),
        seats=len(seats),
        coordinated=coordinated,
        pseudonymized=pseudonymized,
    )


# who wrote what: replaced by the alias (the granted roles of others stay, given by the alias)
_AUTHOR_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    Event.created_by, Announcement.created_by, Decision.created_by, Followup.answered_by, FollowupLog.actor,
    PersonRole.granted_by, NetworkText.updated_by, SynonymRow.added_by,
)


async def _count(session: AsyncSession, statement: Any) -> int:
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


async def _delete(session: AsyncSession, model: Any, platform: str, user_id: str) -> int:
    return await _count(session, delete(model).where(model.platform == platform, model.user_id == user_id))


async def _leave_events(
    session: AsyncSession, platform: str, user_id: str, now: dt.datetime, broadcast: Texts,
    known_private: set[tuple[str, str]],
) -> int:
    """Delete the person's answers; each coming event gives a freed place to the next waiting and
    shows its new counts."""
    event_ids = list(await session.scalars(select(Rsvp.event_id).where(Rsvp.platform == platform,
                                                                       Rsvp.user_id == user_id)))
    for event_id in sorted(event_ids):  # always the same order: two erasures never wait on each other
        event = await lock_event(session, event_id)
        await session.execute(delete(Rsvp).where(Rsvp.event_id == event_id, Rsvp.platform == platform,
                                                 Rsvp.user_id == user_id))
        if event is None or next_start(event, now) is None:
            continue
        await session.flush()
        promoted = [(who.platform, who.user_id) for who in await promote(session, event)]
        for where, who in await reachable_among(session, promoted, known=known_private):
            text = broadcast("Une place s'est libérée : vous êtes inscrit·e à **{title}** ({when}).",
                             title=escape(event.title), when=escape(to_when(event, now)))
            await enqueue(session, where, who, None, to_payload(Reply(text)), now)
        await refresh_announcements(session, event, broadcast, now)
    return len(event_ids)


async def _vacate_seats(session: AsyncSession, platform: str, user_id: str) -> tuple[list[Any], set[str]]:
    """Clear the person from the seats they hold or held; the seats' ids and the names they were shown by."""
    seats = (await session.execute(select(TableMember.id, TableMember.representative_name).where(
        TableMember.representative_platform == platform, TableMember.representative_user_id == user_id))).all()
    if seats:
        await _count(session, update(TableMember).where(TableMember.id.in_([s.id for s in seats]))
                     .values(representative_platform=None, representative_user_id=None, representative_name=""))
    return [s.id for s in seats], {s.representative_name for s in seats if s.representative_name.strip()}


async def _rename_in_logs(session: AsyncSession, seats: list[Any], names: set[str], alias: str) -> int:
    """The follow-up logs of the seats name a former representative ("ancien représentant : Marie"):
    the person's names there become the alias (names too short to be told from other words are left)."""
    if not seats or not names:
        return 0
    followups = select(Followup.id).where(Followup.member_id.in_(seats))
    renamed = 0
    for name in sorted((n for n in names if len(n) >= MIN_NAME), key=len, reverse=True):
        renamed += await _count(session, update(FollowupLog).where(
            FollowupLog.followup_id.in_(followups), FollowupLog.detail.contains(name, autoescape=True)
        ).values(detail=func.replace(FollowupLog.detail, name, alias)))
    return renamed
