"""What happens once a person presses "Confirmer": an event created and announced, moved, or
cancelled, each in one transaction with the messages it sends (announcements posted or edited,
everyone who answered told once)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import conversation
from handlers.context import Context
from handlers.event_cards import announce_topic, announcement_of, to_announcement, to_when
from handlers.event_form import to_reminders_said
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.payloads import to_payload
from handlers.permissions import may_organize, refusal, to_person_ref
from handlers.reachability import reachable_among
from handlers.texts import Texts, texts_for
from scheduler.addresses import Channel
from scheduler.event_store import EventDraft, cancel_event, create_event, lock_event, reschedule_event
from scheduler.events import CANCELLED, DEFAULT_OFFSETS, Event
from scheduler.outbox import enqueue, enqueue_edit
from scheduler.rsvps import Counts, answers
from scheduler.short_ids import to_short_id

FLOW = "evenement"
CONFIRM, DISCARD = "evenement:ok", "evenement:non"


def confirm_buttons(t: Texts, action: str = "create") -> tuple[Button, ...]:
    """The yes and no buttons under what is about to be done: "Confirmer" / "Annuler" for a new event;
    for a change, words that cannot be mistaken ("Annuler" under "Annuler le 5 à 7 ?" would be)."""
    if action == "cancel":
        return Button(t("Oui, l'annuler"), CONFIRM), Button(t("Non, le garder"), DISCARD)
    if action == "reschedule":
        return Button(t("Oui, le déplacer"), CONFIRM), Button(t("Non, ne rien changer"), DISCARD)
    return Button(t("Confirmer"), CONFIRM), Button(t("Annuler"), DISCARD)


async def ask_confirmation(incoming: Incoming, context: Context, data: dict[str, Any], text: str) -> list[Reply]:
    """Keep ``data`` (what to do) until the sender confirms ``text``."""
    await conversation.start(context, incoming, FLOW, "confirm", data)
    return [Reply(text, buttons=confirm_buttons(texts_for(incoming.locale), data["action"]))]


async def may_change(context: Context, incoming: Incoming, event: Event) -> bool:
    """Whether the sender may change ``event``: its organizer, a coordinator or an admin."""
    return event.created_by == to_person_ref(incoming) or await may_organize(context, incoming)


async def confirm(incoming: Incoming, context: Context) -> list[Reply]:
    """The "Confirmer" button (or "oui" typed): do what the sender was shown."""
    t = texts_for(incoming.locale)
    state = await conversation.current(context, incoming)
    if state is None or state.flow != FLOW or state.step != "confirm":
        return [Reply(t("Il n'y a rien à confirmer (la question a peut-être expiré) : recommencez avec /evenement."))]
    if state.data.get("action") == "create" and not await may_organize(context, incoming):
        await conversation.finish(context, incoming)
        return [refusal(t, incoming)]
    if state.data.get("action") == "create":
        return await _create(incoming, context, state.data)
    return await _change(incoming, context, state.data)


async def discard(incoming: Incoming, context: Context) -> list[Reply]:
    """The "Annuler" button (or "Non, le garder"): nothing is saved, nothing changes."""
    state = await conversation.current(context, incoming)
    if state is None or state.flow != FLOW or state.data.get("action") == "create":
        return await conversation.stop(incoming, context)
    await conversation.finish(context, incoming)
    return [Reply(texts_for(incoming.locale)("D'accord : l'événement reste tel quel, rien n'a changé."))]


def _nothing(t: Texts) -> list[Reply]:
    return [Reply(t("C'est déjà fait, ou la question a expiré : rien de plus n'a été enregistré."))]


async def _create(incoming: Incoming, context: Context, data: dict[str, Any]) -> list[Reply]:
    t = texts_for(incoming.locale)
    now = context.clock()
    draft = EventDraft(
        title=data["title"], kind=data["kind"], starts_at=dt.datetime.fromisoformat(data["start"]),
        zone=context.timezone.key, place=data.get("place", ""), description=data.get("description", ""),
        rrule=data.get("rrule"), skip_holidays=bool(data.get("skip_holidays")), capacity=data.get("capacity"),
        reminder_offsets=data.get("offsets", DEFAULT_OFFSETS),
        channels=tuple(Channel(*channel) for channel in data["channels"]),
    )
    async with context.sessions.begin() as session:
        if not await conversation.finish(context, incoming, session):
            return _nothing(t)
        event = await create_event(session, draft, to_person_ref(incoming), now)
        payload = to_payload(to_announcement(event, Counts(capacity=event.capacity), texts_for(context.language), now))
        topic = announce_topic(event.id)
        for channel in dict.fromkeys(draft.channels):
            await enqueue(session, channel.platform, channel.chat_id, channel.thread_id, payload, now, topic=topic,
                          dedupe_key=f"{topic}:{channel.platform}:{channel.chat_id}")
    return [Reply(t(
        "C'est enregistré : **{title}** (n° {id}). L'annonce part dans {count} conversation(s) ; rappels : {offsets}.",
        title=escape(event.title), id=to_short_id(event.id), count=len(draft.channels),
        offsets=to_reminders_said(event.reminder_offsets, event.starts_at, event.rrule is not None, now,
                                  context.timezone, t),
    ))]


async def _change(incoming: Incoming, context: Context, data: dict[str, Any]) -> list[Reply]:
    t = texts_for(incoming.locale)
    broadcast = texts_for(context.language)
    now = context.clock()
    async with context.sessions.begin() as session:
        if not await conversation.finish(context, incoming, session):
            return _nothing(t)
        event = await lock_event(session, uuid.UUID(hex=data["event"]))
        if event is None or event.status == CANCELLED:
            return [Reply(t("Cet événement n'existe plus ou est déjà annulé."))]
        if not await may_change(context, incoming, event):
            return [refusal(t, incoming)]
        if data["action"] == "reschedule":
            before = to_when(event, now)
            event.rrule, event.skip_holidays = data.get("rrule"), bool(data.get("skip_holidays"))
            await reschedule_event(session, event, dt.datetime.fromisoformat(data["start"]), now)
            notice = await announcement_of(session, event, broadcast, now)
            intro = broadcast("**{title}** est déplacé (c'était : {before}). Votre réponse est gardée.",
                              title=escape(event.title), before=escape(before))
            told = await notify_answerers(session, event, Reply(f"{intro}\n{notice.text}", buttons=notice.buttons), now,
                                          known=context.private_chats)
            done = t("C'est déplacé : {when}. {count} personne(s) prévenue(s).", when=escape(to_when(event, now)),
                     count=told)
        else:
            await cancel_event(session, event)
            text = broadcast("**{title}** ({when}) est annulé.", title=escape(event.title),
                             when=escape(to_when(event, now)))
            told = await notify_answerers(session, event, Reply(text), now, known=context.private_chats)
            done = t("C'est annulé : **{title}**. {count} personne(s) prévenue(s).", title=escape(event.title),
                     count=told)
        await refresh_announcements(session, event, broadcast, now)
    return [Reply(done)]


async def notify_answerers(
    session: AsyncSession, event: Event, reply: Reply, now: dt.datetime, *, known: Collection[tuple[str, str]] = ()
) -> int:
    """Send ``reply`` privately to everyone who answered and may be written to privately, once per version
    of the event (``known``: people known to write to the bot privately); how many were added."""
    told = 0
    people = [(row.platform, row.user_id) for row in await answers(session, event.id)]
    for platform, user_id in await reachable_among(session, people, known=known):
        key = f"event:{event.id}:v{event.sequence}:{platform}:{user_id}"
        told += await enqueue(session, platform, user_id, None, to_payload(reply), now, dedupe_key=key)
    return told


async def refresh_announcements(session: AsyncSession, event: Event, t: Texts, now: dt.datetime) -> int:
    """Give every posted announcement of ``event`` its current text, counts and buttons."""
    reply = await announcement_of(session, event, t, now)
    return await enqueue_edit(session, announce_topic(event.id), to_payload(reply), now)
