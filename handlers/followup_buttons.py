"""The buttons under a follow-up reminder: "C'est fait", "Rappelle-moi dans 3 jours", "Pas concerné".

"C'est fait" first asks for a short note ("présenté à la réunion d'équipe du 12") through a guided
conversation; "non" or the button "Sans note" skips it. Only the member's representative, the
table's coordinator and admins may answer (the coordinator may answer for a representative). Each
answer is recorded with the follow-up held, and every reminder message of the follow-up is edited,
in the same transaction, to show the answer.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember
from directory.text import fold
from handlers import conversation
from handlers.context import Context
from handlers.conversation import State
from handlers.followup_texts import (
    FOLLOWUP_PREFIX,
    NO_NOTE_CODE,
    NOT_CONCERNED_CODE,
    SNOOZE_CODE,
    followup_topic,
    to_answered,
    to_button_data,
    to_day,
    to_snoozed,
)
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.payloads import to_payload
from handlers.permissions import to_person_ref
from handlers.table_access import may_manage
from handlers.texts import Texts, texts_for
from scheduler import followups
from scheduler.followups import CLOSED, DONE, NOT_CONCERNED, OPEN, Decision, Followup
from scheduler.outbox import enqueue_edit

FLOW = "relai"
NOTE_LIMIT = 300
NO_NOTE_WORDS = frozenset({"non", "no", "sans note", "aucune", "rien", "-"})
_DATA = re.compile(r"(?P<hex>[0-9a-f]{32}):(?P<code>[dsn0])")


@dataclass(frozen=True, slots=True)
class Reminded:
    """A follow-up with what it is about."""

    followup: Followup
    decision: Decision
    table: ConcertationTable
    member: TableMember


async def press(incoming: Incoming, context: Context) -> list[Reply]:
    """A button of a reminder: check who presses, then answer, put off or ask for the note."""
    t = texts_for(incoming.locale)
    match = _DATA.fullmatch((incoming.button_data or "").removeprefix(FOLLOWUP_PREFIX))
    if match is None:
        return [Reply(t("Ce bouton n'est plus actif."), notice=True)]
    followup_id, code = uuid.UUID(hex=match["hex"]), match["code"]
    async with context.sessions() as session:
        found = await _reminded(session, followup_id)
    refused = await _refusal(incoming, context, t, found)
    if refused is not None:
        return [refused]
    if code == SNOOZE_CODE:
        return await _snooze(incoming, context, followup_id)
    if code == NOT_CONCERNED_CODE:
        return await _answer(incoming, context, followup_id, NOT_CONCERNED, None)
    if code == NO_NOTE_CODE:
        return await _answer(incoming, context, followup_id, DONE, None)
    await conversation.start(context, incoming, FLOW, "note", {"followup": followup_id.hex})  # "C'est fait"
    return [Reply(
        t("Bravo ! Une courte note pour la coordination ? Par exemple : « présenté à la réunion d'équipe du 12 ». "
          "Répondez « non » ou touchez « Sans note » pour vous en passer."),
        buttons=(Button(t("Sans note"), to_button_data(followup_id, NO_NOTE_CODE)),),
        asks=True,
    )]


async def answer(incoming: Incoming, context: Context, state: State) -> list[Reply]:
    """The note typed after "C'est fait" ("non" for none): the follow-up recorded as done."""
    t = texts_for(incoming.locale)
    text = " ".join(incoming.text.split())
    if len(text) > NOTE_LIMIT:
        return [Reply(t("Cette note est trop longue ({length} caractères ; {limit} au plus) : raccourcissez-la, "
                        "ou répondez « non » pour vous en passer.", length=len(text), limit=NOTE_LIMIT), asks=True)]
    note = None if fold(text) in NO_NOTE_WORDS else text
    replies = await _answer(incoming, context, uuid.UUID(hex=state.data["followup"]), DONE, note)
    return [Reply(reply.text) for reply in replies]


async def _reminded(session: AsyncSession, followup_id: uuid.UUID) -> Reminded | None:
    followup = await session.get(Followup, followup_id)
    if followup is None:
        return None
    decision = await session.get(Decision, followup.decision_id)
    member = await session.get(TableMember, followup.member_id)
    table = await session.get(ConcertationTable, decision.table_id) if decision else None
    if decision is None or member is None or table is None:
        return None
    return Reminded(followup, decision, table, member)


async def may_answer(context: Context, incoming: Incoming, table: ConcertationTable, member: TableMember) -> bool:
    """Whether the sender may answer for ``member``: its representative, the table's coordinator or an admin."""
    if (member.representative_platform, member.representative_user_id) == (incoming.chat.platform, incoming.user_id):
        return True
    return await may_manage(context, incoming, table)


async def _refusal(incoming: Incoming, context: Context, t: Texts, found: Reminded | None) -> Reply | None:
    """Why the sender may not answer this follow-up now, if so."""
    if found is None:
        return Reply(t("Ce rappel n'existe plus : la décision a été retirée."), notice=True)
    if not await may_answer(context, incoming, found.table, found.member):
        return Reply(_who_may(t, found), notice=True)
    return _settled(t, found.followup, found.member, context)


def _who_may(t: Texts, found: Reminded) -> str:
    coordinator = escape(found.table.coordinator_name or found.table.coordinator_user_id)
    if found.member.representative_user_id is None:
        return t("Seule la coordination de la table « {table} » ({coordinator}) peut répondre pour {organization}.",
                 table=escape(found.table.name), coordinator=coordinator,
                 organization=escape(found.member.organization_name))
    return t("Seul·e {person}, représentant·e de {organization}, ou la coordination de la table « {table} » "
             "({coordinator}) peut répondre à ce rappel.",
             person=escape(found.member.representative_name or found.member.representative_user_id),
             organization=escape(found.member.organization_name), table=escape(found.table.name),
             coordinator=coordinator)


def _settled(t: Texts, followup: Followup, member: TableMember, context: Context) -> Reply | None:
    """The notice for a follow-up already answered or closed; none while it is open."""
    if followup.status in OPEN:
        return None
    if followup.status == CLOSED:
        return Reply(t("{organization} a quitté la table : plus besoin de répondre.",
                       organization=escape(member.organization_name)), notice=True)
    when = followup.answered_at.astimezone(context.timezone).date() if followup.answered_at else None
    day = to_day(t, when, context.clock().astimezone(context.timezone).date()) if when else ""
    if followup.status == DONE:
        return Reply(t("C'est déjà noté : décision rapportée à l'équipe ({day}).", day=day), notice=True)
    return Reply(t("C'est déjà noté : {organization} n'est pas concerné ({day}).",
                   organization=escape(member.organization_name), day=day), notice=True)


async def _held_open(
    session: AsyncSession, context: Context, t: Texts, followup_id: uuid.UUID
) -> Reminded | Reply:
    """The follow-up, held until the caller's transaction ends, with its decision, table and member; or
    the notice saying it is gone or already answered."""
    followup = await followups.lock_followup(session, followup_id)
    found = await _reminded(session, followup_id) if followup is not None else None
    if found is None:
        return Reply(t("Ce rappel n'existe plus : la décision a été retirée."), notice=True)
    settled = _settled(t, found.followup, found.member, context)
    return found if settled is None else settled


async def _answer(
    incoming: Incoming, context: Context, followup_id: uuid.UUID, status: str, note: str | None
) -> list[Reply]:
    """Record ``status`` (and the note), end the note conversation, edit the reminders."""
    t, broadcast = texts_for(incoming.locale), texts_for(context.language)
    now = context.clock()
    today = now.astimezone(context.timezone).date()
    by = incoming.user_name or to_person_ref(incoming)
    async with context.sessions.begin() as session:
        await conversation.finish(context, incoming, session)
        found = await _held_open(session, context, t, followup_id)
        if isinstance(found, Reply):
            return [found]
        followups.record_answer(session, found.followup, status, to_person_ref(incoming), now, note)
        edited = to_answered(broadcast, found.decision, found.table, found.member, found.followup, by, today)
        await enqueue_edit(session, followup_topic(followup_id), to_payload(edited), now)
    organization = escape(found.member.organization_name)
    if status == NOT_CONCERNED:
        return [Reply(t("C'est noté : {organization} n'est pas concerné par cette décision.",
                        organization=organization), notice=True)]
    return [Reply(t("Merci ! C'est noté : décision rapportée à l'équipe de {organization}.",
                    organization=organization), notice=True)]


async def _snooze(incoming: Incoming, context: Context, followup_id: uuid.UUID) -> list[Reply]:
    """Put the next reminder three working days later; the reminders say when."""
    t, broadcast = texts_for(incoming.locale), texts_for(context.language)
    now = context.clock()
    today = now.astimezone(context.timezone).date()
    async with context.sessions.begin() as session:
        found = await _held_open(session, context, t, followup_id)
        if isinstance(found, Reply):
            return [found]
        due = followups.snooze(session, found.followup, to_person_ref(incoming), now, context.timezone,
                               found.table.summer_break)
        day = due.astimezone(context.timezone).date()
        edited = to_snoozed(broadcast, found.decision, found.table, found.member, found.followup, day, today)
        await enqueue_edit(session, followup_topic(followup_id), to_payload(edited), now)
    return [Reply(t("D'accord : je vous le rappelle {day}.", day=to_day(t, day, today)), notice=True)]
