"""A person with rows in every table that can hold something about them, for the tests of
``/mes_donnees`` and ``/oublier_moi``; and the cleaning of those tables between tests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.changelog import Metadata
from directory.concertation import ConcertationTable, TableMember
from directory.db import Base
from directory.network_texts import WELCOME_KIT, NetworkText
from directory.people import EMAIL, NAME, PHONE, PersonDetail
from directory.private_chats import PrivateChat
from directory.roles import ADMIN, COORDINATOR, PersonRole
from directory.synonyms import SynonymRow
from handlers.messages import ChatRef, Incoming
from handlers.router import split_command
from scheduler.announcements import Announcement
from scheduler.conversations import Conversation
from scheduler.events import YES, Event, Rsvp
from scheduler.followups import Decision, Followup, FollowupLog
from scheduler.outbox import OutboxMessage

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
PLATFORM, USER_ID, NAME_SHOWN = "telegram", "98765432", "Mariette Quintal-Zed"
REF = f"{PLATFORM}:{USER_ID}"
EMAIL_VALUE, PHONE_VALUE = "mariette.secret@exemple.org", "418 555-0199"
OTHER_ID = "11112222"  # someone else, waiting for a place at the event
GROUP = "-100777"
PERSONAL_TABLES = (FollowupLog, Followup, Decision, TableMember, ConcertationTable, Rsvp, Event, Announcement,
                   PersonDetail, PersonRole, PrivateChat, Conversation, NetworkText, SynonymRow, Metadata,
                   OutboxMessage)


def said(line: str = "", *, user_id: str = USER_ID, private: bool = True, platform: str = PLATFORM,
         people: tuple[str, ...] = (), button: str | None = None, locale: str = "fr") -> Incoming:
    """What the adapter passes on when the person types ``line`` (or presses ``button``)."""
    command, args = split_command(line)
    chat = ChatRef(platform, user_id if private else GROUP)  # type: ignore[arg-type]
    return Incoming(chat, user_id, line, command, args, button_data=button, private=private,
                    user_name=NAME_SHOWN if user_id == USER_ID else "Autre Personne", people=people, locale=locale)


async def clean(sessions: async_sessionmaker[AsyncSession]) -> None:
    """No row left by another test in the tables a person can appear in."""
    async with sessions.begin() as session:
        for model in PERSONAL_TABLES:
            await session.execute(delete(model))


async def seed(sessions: async_sessionmaker[AsyncSession]) -> dict[str, uuid.UUID]:
    """The person everywhere: profile, roles (the network's only admin), private chat, a conversation, an
    answer to a full event (someone else waiting), a seat and the coordination of a table, what they
    created and changed, and messages to their private chat; the ids of the rows to find again."""
    ids = {name: uuid.uuid4() for name in ("event", "table", "member", "decision", "followup", "org", "metadata")}
    author = f"{REF} {NAME_SHOWN}"
    async with sessions.begin() as session:
        session.add_all([
            PersonDetail(platform=PLATFORM, user_id=USER_ID, item=NAME, value=NAME_SHOWN, shared=True, updated_at=NOW),
            PersonDetail(platform=PLATFORM, user_id=USER_ID, item=EMAIL, value=EMAIL_VALUE, shared=False,
                         updated_at=NOW),
            PersonDetail(platform=PLATFORM, user_id=USER_ID, item=PHONE, value=PHONE_VALUE, shared=False,
                         updated_at=NOW),
            PersonRole(platform=PLATFORM, user_id=USER_ID, role=ADMIN, granted_by="console", granted_at=NOW),
            PersonRole(platform="slack", user_id="U0OTHER", role=COORDINATOR, granted_by=author, granted_at=NOW),
            PrivateChat(platform=PLATFORM, user_id=USER_ID, since=NOW),
            Conversation(platform=PLATFORM, chat_id=GROUP, user_id=USER_ID, flow="decisions", step="confirm",
                         data={"texte": "brouillon"}, updated_at=NOW, expires_at=NOW + dt.timedelta(minutes=15)),
            Event(id=ids["event"], title="5 à 7 de Noël", starts_at=NOW + dt.timedelta(days=10), zone="America/Toronto",
                  created_by=REF, created_at=NOW, capacity=1),
            Announcement(text="Rappel", zone="America/Toronto", first_at=NOW, created_by=REF, created_at=NOW,
                         updated_at=NOW),
            ConcertationTable(id=ids["table"], name="Table Zed", name_key="table zed", level="local",
                              coordinator_platform=PLATFORM, coordinator_user_id=USER_ID,
                              coordinator_name=NAME_SHOWN, created_at=NOW),
            NetworkText(key=WELCOME_KIT, text="Bienvenue", updated_by=author, updated_at=NOW),
            SynonymRow(kind="synonyme", terms="cpe|garderie", added_by=author, added_at=NOW),
            Metadata(id=ids["metadata"], resource_id=ids["org"], resource_type="organization",
                     last_action_date=NOW.replace(tzinfo=None), last_action_type="update", field_name="telephone",
                     previous_value="418 555-0000", replacement_value="418 555-0101", updated_by=author),
            Metadata(id=uuid.uuid4(), resource_id=ids["org"], resource_type="organization",
                     last_action_date=NOW.replace(tzinfo=None), last_action_type="update", field_name="nom",
                     previous_value="A", replacement_value="B", updated_by="slack:U0OTHER Autre Personne"),
            OutboxMessage(platform=PLATFORM, chat_id=USER_ID, payload={"text": f"Rappel pour {NAME_SHOWN}"},
                          due_at=NOW, created_at=NOW),
            OutboxMessage(platform=PLATFORM, chat_id=GROUP, payload={"text": "Annonce au groupe"}, due_at=NOW,
                          created_at=NOW),
        ])
        await session.flush()
        session.add_all([
            Rsvp(event_id=ids["event"], platform=PLATFORM, user_id=USER_ID, answer=YES, answered_at=NOW,
                 display_name=NAME_SHOWN),
            Rsvp(event_id=ids["event"], platform=PLATFORM, user_id=OTHER_ID, answer=YES, position=1, answered_at=NOW,
                 display_name="Autre Personne"),
            PrivateChat(platform=PLATFORM, user_id=OTHER_ID, since=NOW),
            TableMember(id=ids["member"], table_id=ids["table"], organization_id=ids["org"],
                        organization_name="Maison Zed", representative_platform=PLATFORM,
                        representative_user_id=USER_ID, representative_name=NAME_SHOWN, joined_at=NOW),
            Decision(id=ids["decision"], table_id=ids["table"], text="Adopter le plan", meeting_date=NOW.date(),
                     deadline=NOW.date() + dt.timedelta(days=14), created_by=REF, created_at=NOW),
        ])
        await session.flush()
        session.add(Followup(id=ids["followup"], decision_id=ids["decision"], member_id=ids["member"], status="done",
                             answered_by=REF, answered_at=NOW, note="Fait en équipe"))
        await session.flush()
        session.add_all([
            FollowupLog(followup_id=ids["followup"], at=NOW, kind="done", actor=REF),
            FollowupLog(followup_id=ids["followup"], at=NOW, kind="moved", actor="slack:U0OTHER",
                        detail=f"ancien représentant : {NAME_SHOWN}"),
        ])
    return ids


async def traces(session: AsyncSession, *needles: str) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table where one of ``needles`` appears in any value."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in (await session.execute(select(table))).mappings():
            if any(needle in str(value) for value in row.values() for needle in needles):
                found.append((table.name, dict(row)))
    return found
