"""Everything the network holds about one person (Québec's Loi 25: a person may get it), as one
JSON-ready dictionary for ``/mes_donnees``.

A person is a (platform, user id); the rows they wrote carry their reference "telegram:123" (alone,
or followed by the name shown at the time: "telegram:123 Marie Tremblay"). The tables surveyed:
person_detail, person_role (held and granted), private_chat, conversation, rsvp, table_member
(seats where they represent an organization, with the follow-ups of those seats), concertation_table
(tables they coordinate), event, announcement and decision (created by them), followup (answered by
them), followup_log (their actions), metadata (their directory changes), network_text, synonym and
outbox_message (messages addressed to their private chat).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from directory.changelog import Metadata
from directory.concertation import ConcertationTable, TableMember
from directory.network_texts import NetworkText
from directory.people import ITEMS, details_of
from directory.private_chats import PrivateChat
from directory.roles import PersonRole
from directory.synonyms import SynonymRow
from scheduler.announcements import Announcement
from scheduler.conversations import Conversation
from scheduler.events import Event, Rsvp
from scheduler.followups import Decision, Followup, FollowupLog
from scheduler.outbox import OutboxMessage


def to_ref(platform: str, user_id: str) -> str:
    """The person's reference as the rows they wrote hold it: "telegram:123"."""
    return f"{platform}:{user_id}"


def written_by(column: InstrumentedAttribute[Any], ref: str) -> ColumnElement[bool]:
    """Rows whose author column is ``ref``, alone or followed by a name ("telegram:123 Marie")."""
    return or_(column == ref, column.startswith(f"{ref} ", autoescape=True))


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def collect(session: AsyncSession, platform: str, user_id: str, now: dt.datetime) -> dict[str, Any]:
    """What is held about the person, table by table, as plain JSON values."""
    ref = to_ref(platform, user_id)
    details = await details_of(session, platform, user_id)
    chat = await session.get(PrivateChat, (platform, user_id))
    return {
        "personne": {"plateforme": platform, "identifiant": user_id},
        "exporte_le": now.isoformat(),
        "profil": [
            {"element": item, "valeur": details[item].value, "partage_avec_le_reseau": details[item].shared,
             "mis_a_jour_le": _when(details[item].updated_at)}
            for item in ITEMS if item in details
        ],
        "roles": await _roles(session, platform, user_id, ref),
        "conversation_privee_depuis": _when(chat.since) if chat is not None else None,
        "conversations_en_cours": await _conversations(session, platform, user_id),
        "reponses_aux_evenements": await _rsvps(session, platform, user_id),
        "tables": await _tables(session, platform, user_id),
        "creations": await _creations(session, ref),
        "modifications_de_l_annuaire": await _audit(session, ref),
        "messages_prives": await _messages(session, platform, user_id),
    }


async def _roles(session: AsyncSession, platform: str, user_id: str, ref: str) -> dict[str, Any]:
    held = await session.scalars(select(PersonRole).where(PersonRole.platform == platform,
                                                          PersonRole.user_id == user_id)
                                 .order_by(PersonRole.network_id, PersonRole.role))
    granted = await session.scalars(select(PersonRole).where(written_by(PersonRole.granted_by, ref))
                                    .order_by(PersonRole.granted_at))
    return {
        "detenus": [{"reseau": r.network_id, "role": r.role, "accorde_par": r.granted_by,
                     "accorde_le": _when(r.granted_at)} for r in held],
        "accordes_par_vous": [{"reseau": r.network_id, "role": r.role, "accorde_le": _when(r.granted_at)}
                              for r in granted],
    }


async def _conversations(session: AsyncSession, platform: str, user_id: str) -> list[dict[str, Any]]:
    rows = await session.scalars(select(Conversation).where(Conversation.platform == platform,
                                                            Conversation.user_id == user_id))
    return [{"discussion": r.chat_id, "question": f"{r.flow}:{r.step}", "reponses": r.data,
             "expire_le": _when(r.expires_at)} for r in rows]


async def _rsvps(session: AsyncSession, platform: str, user_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(Rsvp, Event).join(Event, Event.id == Rsvp.event_id)
        .where(Rsvp.platform == platform, Rsvp.user_id == user_id).order_by(Event.starts_at)
    )
    return [{"evenement": event.title, "debut": _when(event.starts_at), "reponse": rsvp.answer,
             "rang_en_liste_d_attente": rsvp.position, "repondu_le": _when(rsvp.answered_at),
             "nom_affiche": rsvp.display_name} for rsvp, event in rows]


async def _tables(session: AsyncSession, platform: str, user_id: str) -> dict[str, Any]:
    seats = (await session.execute(
        select(TableMember, ConcertationTable).join(ConcertationTable, ConcertationTable.id == TableMember.table_id)
        .where(TableMember.representative_platform == platform, TableMember.representative_user_id == user_id)
        .order_by(TableMember.joined_at)
    )).all()
    followups = (await session.execute(
        select(Followup, Decision).join(Decision, Decision.id == Followup.decision_id)
        .where(Followup.member_id.in_([member.id for member, _ in seats])).order_by(Decision.meeting_date)
    )).all() if seats else []
    names = {member.id: (table.name, member.organization_name) for member, table in seats}
    coordinated = await session.scalars(select(ConcertationTable).where(
        ConcertationTable.coordinator_platform == platform, ConcertationTable.coordinator_user_id == user_id
    ).order_by(ConcertationTable.name_key))
    return {
        "sieges": [{"table": table.name, "organisme": member.organization_name, "role": member.role,
                    "nom": member.representative_name, "depuis": _when(member.joined_at),
                    "parti_le": _when(member.left_at)} for member, table in seats],
        "suivis_des_decisions": [{"table": names[f.member_id][0], "organisme": names[f.member_id][1],
                                  "decision": d.text, "reunion": _when(d.meeting_date), "statut": f.status,
                                  "note": f.note, "repondu_le": _when(f.answered_at)} for f, d in followups],
        "tables_coordonnees": [{"table": table.name, "nom": table.coordinator_name,
                                "creee_le": _when(table.created_at)} for table in coordinated],
    }


async def _creations(session: AsyncSession, ref: str) -> dict[str, Any]:
    events = await session.scalars(select(Event).where(written_by(Event.created_by, ref)).order_by(Event.starts_at))
    announcements = await session.scalars(select(Announcement).where(written_by(Announcement.created_by, ref))
                                          .order_by(Announcement.created_at))
    decisions = await session.scalars(select(Decision).where(written_by(Decision.created_by, ref))
                                      .order_by(Decision.created_at))
    answered = await session.scalars(select(Followup).where(written_by(Followup.answered_by, ref)))
    steps = await session.scalars(select(FollowupLog).where(written_by(FollowupLog.actor, ref))
                                  .order_by(FollowupLog.at))
    texts = await session.scalars(select(NetworkText).where(written_by(NetworkText.updated_by, ref)))
    synonyms = await session.scalars(select(SynonymRow).where(written_by(SynonymRow.added_by, ref)))
    return {
        "evenements": [{"titre": e.title, "debut": _when(e.starts_at), "cree_le": _when(e.created_at)}
                       for e in events],
        "annonces": [{"texte": a.text, "statut": a.status, "creee_le": _when(a.created_at)} for a in announcements],
        "decisions": [{"texte": d.text, "reunion": _when(d.meeting_date), "creee_le": _when(d.created_at)}
                      for d in decisions],
        "reponses_aux_suivis": [{"statut": f.status, "note": f.note, "le": _when(f.answered_at)} for f in answered],
        "journal_des_suivis": [{"etape": s.kind, "detail": s.detail, "le": _when(s.at)} for s in steps],
        "textes_du_reseau": [{"reseau": n.network_id, "texte": n.key, "le": _when(n.updated_at)} for n in texts],
        "synonymes": [{"type": s.kind, "termes": s.terms, "le": _when(s.added_at)} for s in synonyms],
    }


async def _audit(session: AsyncSession, ref: str) -> list[dict[str, Any]]:
    rows = await session.scalars(select(Metadata).where(written_by(Metadata.updated_by, ref))
                                 .order_by(Metadata.last_action_date))
    return [{"fiche": r.resource_type, "identifiant": str(r.resource_id), "action": r.last_action_type,
             "champ": r.field_name, "avant": r.previous_value, "apres": r.replacement_value,
             "le": _when(r.last_action_date.replace(tzinfo=dt.UTC))} for r in rows]


async def _messages(session: AsyncSession, platform: str, user_id: str) -> list[dict[str, Any]]:
    rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.platform == platform,
                                                             OutboxMessage.chat_id == user_id)
                                 .order_by(OutboxMessage.created_at))
    return [{"texte": r.payload.get("text", ""), "statut": r.status, "cree_le": _when(r.created_at),
             "envoye_le": _when(r.sent_at)} for r in rows]
