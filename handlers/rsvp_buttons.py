"""The buttons under an announcement or a reminder: "J'y serai", "Peut-être", "Je ne peux pas",
and "Ajouter à mon calendrier".

An answer is counted with the event locked (``scheduler.rsvps``); the presser gets a short notice,
the announcements are edited with the new counts, and whoever leaves the waiting list is told
privately where the bot may write to them — all in the transaction of the answer. Someone who
answers from a group and never wrote to the bot privately gets, with the notice, the link that opens
a private chat with it (where the platform needs one: Telegram), so that the reminders can reach them.

The calendar file asked for in a group goes to the presser privately, not to the whole group: through
the outbox when the bot may write to them, else through that same link (``/start ics_<id>`` sends it).
"""

from __future__ import annotations

import re
import uuid

from handlers.context import Context
from handlers.event_cards import (
    ICS_PREFIX,
    ICS_START_PREFIX,
    RSVP_PREFIX,
    START_PREFIX,
    event_ics,
    parse_event_hex,
    to_when,
)
from handlers.event_changes import refresh_announcements
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.payloads import to_payload
from handlers.reachability import is_reachable, reachable_among
from handlers.texts import Texts, texts_for
from scheduler.event_store import lock_event, next_start
from scheduler.events import CANCELLED, MAYBE, NO, YES, Event
from scheduler.outbox import enqueue
from scheduler.rsvps import Outcome, Person, respond

ANSWER_CODES = {"y": YES, "m": MAYBE, "n": NO}
_RSVP_DATA = re.compile(r"(?P<code>[ymn]):(?P<hex>[0-9a-f]{32})")


async def press(incoming: Incoming, context: Context) -> list[Reply]:
    """An answer button: record the answer, say so to the presser, update the counts everywhere."""
    t = texts_for(incoming.locale)
    match = _RSVP_DATA.fullmatch((incoming.button_data or "").removeprefix(RSVP_PREFIX))
    if match is None:
        return [Reply(t("Ce bouton n'est plus actif."), notice=True)]
    answer = ANSWER_CODES[match["code"]]
    broadcast = texts_for(context.language)
    now = context.clock()
    person = Person(incoming.chat.platform, incoming.user_id, incoming.user_name)
    async with context.sessions.begin() as session:
        event = await lock_event(session, uuid.UUID(hex=match["hex"]))
        if event is None:
            return [Reply(t("Cet événement n'existe plus."), notice=True)]
        if event.status == CANCELLED:
            return [Reply(t("Cet événement a été annulé."), notice=True)]
        if next_start(event, now) is None:
            return [Reply(t("Cet événement est passé."), notice=True)]
        outcome = await respond(session, event, person, answer, now)
        promoted = [(who.platform, who.user_id) for who in outcome.promoted]
        for platform, user_id in await reachable_among(session, promoted, known=context.private_chats):
            text = broadcast("Une place s'est libérée : vous êtes inscrit·e à **{title}** ({when}).",
                             title=escape(event.title), when=escape(to_when(event, now)))
            await enqueue(session, platform, user_id, None, to_payload(Reply(text)), now)
        await refresh_announcements(session, event, broadcast, now)
    opens = await _start_link(incoming, context, event, outcome)
    return [Reply(_notice(outcome, t, private_next=opens is not None), notice=True, opens=opens)]


def _notice(outcome: Outcome, t: Texts, *, private_next: bool) -> str:
    if outcome.waiting_rank is not None:
        text = t("C'est complet : vous êtes n° {rank} sur la liste d'attente. Je vous écrirai si une place se libère.",
                 rank=outcome.waiting_rank)
    elif outcome.answer == YES:
        text = t("C'est noté : vous y serez.")
    elif outcome.answer == MAYBE:
        text = t("C'est noté : peut-être.")
    else:
        text = t("C'est noté : vous ne pourrez pas.")
    if private_next:
        text += " " + t("Touchez « Démarrer » pour recevoir les rappels en privé.")
    return text


async def _start_link(incoming: Incoming, context: Context, event: Event, outcome: Outcome) -> str | None:
    """The link that opens a private chat with the bot on this event, for a person who answered yes or
    maybe from a group of a platform where the bot cannot write first to someone who never wrote to it."""
    link = context.start_links.get(incoming.chat.platform)
    if outcome.answer == NO or link is None or incoming.private:
        return None
    if await is_reachable(context, incoming.chat.platform, incoming.user_id):
        return None
    return link.format(payload=f"{START_PREFIX}{event.id.hex}")


async def calendar(incoming: Incoming, context: Context) -> list[Reply]:
    """"Ajouter à mon calendrier": the event's ``.ics``, in a private chat as an answer; from a group, sent
    privately (or, where the person must write to the bot first, the link whose Start sends it)."""
    t = texts_for(incoming.locale)
    event_id = parse_event_hex((incoming.button_data or "").removeprefix(ICS_PREFIX))
    async with context.sessions() as session:
        event = await session.get(Event, event_id) if event_id else None
    if event is None:
        return [Reply(t("Cet événement n'existe plus."), notice=True)]
    now = context.clock()
    ics = event_ics(event, t, now)
    platform = incoming.chat.platform
    if incoming.private:
        return [ics]
    if await is_reachable(context, platform, incoming.user_id):
        async with context.sessions.begin() as session:
            await enqueue(session, platform, incoming.user_id, None, to_payload(ics), now)
        return [Reply(t("Je vous l'ai envoyé en privé."), notice=True)]
    link = context.start_links.get(platform)
    if link is None:
        return [ics]
    return [Reply(t("Touchez « Démarrer » : je vous envoie le calendrier en privé."), notice=True,
                  opens=link.format(payload=f"{ICS_START_PREFIX}{event.id.hex}"))]
