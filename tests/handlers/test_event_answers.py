"""Answering events from the chat: the RSVP buttons with capacity and waiting list, live counts, the
private link, who answered, moving and cancelling (everyone the bot may write to told once), and
calendar files (sent privately when asked for in a group)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from handlers.context import Context
from handlers.markup import to_plain
from handlers.messages import ChatRef, Reply
from handlers.payloads import to_reply
from handlers.reachability import flush_private_chats
from scheduler.event_store import find_events
from scheduler.events import Event
from scheduler.short_ids import to_short_id
from tests.handlers import events_chat
from tests.handlers.events_chat import Clock, Person, button, make_coordinator, outbox, text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")
clock = events_chat.clock

GROUP = ChatRef("telegram", "-2002")
START_LINK = "https://t.me/passerelle_bot?start={payload}"


async def created(context: Context, organizer: Person, line: str) -> Event:
    """The event ``organizer`` creates with ``line``, confirmed."""
    summary = await organizer.one(context, line)
    (saved,) = await organizer.press(context, button(summary, "Confirmer"))
    number = re.search(r"\(n° ([0-9a-f]{8})\)", saved.text)
    assert number, saved.text
    async with context.sessions() as session:
        (event,) = await find_events(session, number[1])
    return event


async def started_privately(context: Context, person: Person) -> None:
    """``person`` writes ``/start`` to the bot privately, so that it may write to them."""
    await Person(ChatRef(person.chat.platform, person.user_id), person.user_id, private=True).say(context, "/start")


def notice(replies: list[Reply]) -> str:
    """The text of the single notice among ``replies``."""
    (reply,) = replies
    assert reply.notice
    return reply.text


async def test_answers_fill_the_places_then_the_waiting_list(context: Context, clock: Clock) -> None:
    organizer = Person(GROUP, "5001", "Marie")
    await make_coordinator(context, organizer)
    event = await created(context, organizer, "/evenement Circuit des organismes ; lundi 7 décembre 9 h ; Jonquière ; places 2")
    people = [Person(GROUP, f"51{n}", f"Personne {n}") for n in range(4)]
    await started_privately(context, people[2])
    yes, maybe, no = (f"rsvp:{code}:{event.id.hex}" for code in "ymn")
    assert notice(await people[0].press(context, yes)) == "C'est noté : vous y serez."
    assert notice(await people[1].press(context, maybe)) == "C'est noté : peut-être."
    assert notice(await people[1].press(context, yes)) == "C'est noté : vous y serez."
    assert notice(await people[2].press(context, yes)).startswith("C'est complet : vous êtes n° 1 sur la liste d'attente.")
    assert notice(await people[3].press(context, no)) == "C'est noté : vous ne pourrez pas."
    (post,) = await outbox(context, topic=f"event:{event.id}:announce")
    assert "2 y seront · 0 peut-être · places : 0/2 · 1 en attente" in text_of(post)
    assert notice(await people[0].press(context, no)) == "C'est noté : vous ne pourrez pas."
    (told,) = await outbox(context, chat_id="512")
    assert text_of(told).startswith("Une place s'est libérée : vous êtes inscrit·e à **Circuit des organismes**")
    (post,) = await outbox(context, topic=f"event:{event.id}:announce")
    assert "2 y seront · 0 peut-être · places : 0/2" in text_of(post) and "attente" not in text_of(post)

    refused = await people[0].one(context, f"/evenement reponses {to_short_id(event.id)}")
    assert refused.text.startswith("Seuls les **coordonnateurs**")
    listing = await organizer.one(context, f"/evenement reponses {to_short_id(event.id)}")
    assert listing.text.splitlines()[1:] == [
        "- **Y seront** (2) : Personne 1, Personne 2",
        "- **Ne peuvent pas** (2) : Personne 0, Personne 3",
    ]


async def test_a_telegram_group_press_opens_the_private_chat_once(context: Context, clock: Clock) -> None:
    organizer = Person(GROUP, "5002")
    await make_coordinator(context, organizer)
    event = await created(context, organizer, "/evenement 5 à 7 ; vendredi prochain 17 h ; Bar")
    link = START_LINK.format(payload=f"evt_{event.id.hex}")
    presser = Person(GROUP, "5201")
    context.start_links["telegram"] = START_LINK
    try:
        (first,) = await presser.press(context, f"rsvp:y:{event.id.hex}")
        assert first.notice and first.opens == link
        assert first.text == "C'est noté : vous y serez. Touchez « Démarrer » pour recevoir les rappels en privé."
        (declined,) = await Person(GROUP, "5202").press(context, f"rsvp:n:{event.id.hex}")
        assert declined.opens is None and declined.text == "C'est noté : vous ne pourrez pas."
        private = Person(ChatRef("telegram", "5201"), "5201", private=True)
        intro, shown = await private.say(context, f"/start evt_{event.id.hex}")
        assert intro.text.startswith("Vous recevrez ici les rappels")
        assert "1 y sera · 0 peut-être" in shown.text
        assert shown.buttons[0].data == f"rsvp:y:{event.id.hex}"
        (again,) = await presser.press(context, f"rsvp:m:{event.id.hex}")
        assert (again.text, again.opens) == ("C'est noté : peut-être.", None)
        await flush_private_chats(context)
        context.private_chats.clear()  # another process, or a restart: the table remembers
        assert (await presser.press(context, f"rsvp:y:{event.id.hex}"))[0].opens is None
        assert ("telegram", "5201") in context.private_chats
        (slack,) = await Person(ChatRef("slack", "C5"), "U5201").press(context, f"rsvp:y:{event.id.hex}")
        assert slack.opens is None and slack.text == "C'est noté : vous y serez."
    finally:
        del context.start_links["telegram"]
    assert (await private.say(context, "/start"))[0].text.startswith("**Bienvenue !** Voici le kit d'accueil")


async def test_moving_and_cancelling_tell_everyone_once(context: Context, clock: Clock) -> None:
    organizer = Person(GROUP, "5003")
    await make_coordinator(context, organizer)
    event = await created(context, organizer, "/evenement Portes ouvertes ; le 8 décembre à 13 h ; CPE")
    for user in ("5301", "5302"):
        await Person(GROUP, user).press(context, f"rsvp:y:{event.id.hex}")
    await Person(GROUP, "5303").press(context, f"rsvp:n:{event.id.hex}")
    await Person(GROUP, "5304").press(context, f"rsvp:y:{event.id.hex}")  # never wrote to the bot privately
    for user in ("5301", "5302", "5303"):
        await started_privately(context, Person(GROUP, user))
    number = to_short_id(event.id)
    assert (await Person(GROUP, "5301").one(context, f"/evenement modifier {number} le 9 décembre 13 h")).text.startswith(
        "Seuls les **coordonnateurs**"
    )
    bad = await organizer.one(context, f"/evenement modifier {number} le 31 novembre 13 h")
    assert bad.text.startswith("Le 31 novembre n'existe pas")
    ask = await organizer.one(context, f"/evenement modifier {number} le 9 décembre à 14 h")
    assert ask.text.splitlines()[1:3] == ["Avant : mardi 8 décembre, 13 h", "Après : mercredi 9 décembre, 14 h"]
    assert [b.label for b in ask.buttons] == ["Oui, le déplacer", "Non, ne rien changer"]
    (moved,) = await organizer.press(context, button(ask, "Oui, le déplacer"))
    assert moved.text == "C'est déplacé : mercredi 9 décembre, 14 h. 3 personne(s) prévenue(s)."
    assert (await organizer.press(context, button(ask, "Oui, le déplacer")))[0].text.startswith(
        "Il n'y a rien à confirmer")
    told = await outbox(context, chat_id="5301")
    assert len(told) == 1 and text_of(told[0]).startswith("**Portes ouvertes** est déplacé (c'était : mardi 8 décembre, 13 h).")
    ask = await organizer.one(context, f"/evenement annuler {number}")
    assert [b.label for b in ask.buttons] == ["Oui, l'annuler", "Non, le garder"]
    (kept,) = await organizer.press(context, button(ask, "Non, le garder"))
    assert kept.text == "D'accord : l'événement reste tel quel, rien n'a changé."
    ask = await organizer.one(context, f"/evenement annuler {number}")
    again = await organizer.one(context, "peut-être")
    assert again.text == "Répondez **oui** pour le faire, ou **non** pour ne rien changer."
    assert (await organizer.one(context, "non")).text == kept.text
    ask = await organizer.one(context, f"/evenement annuler {number}")
    (cancelled,) = await organizer.press(context, button(ask, "Oui, l'annuler"))
    assert cancelled.text == "C'est annulé : **Portes ouvertes**. 3 personne(s) prévenue(s)."
    assert [text_of(m) for m in await outbox(context, chat_id="5302")][-1] == (
        "**Portes ouvertes** (mercredi 9 décembre, 14 h) est annulé."
    )
    assert len(await outbox(context, chat_id="5303")) == 2
    (post,) = await outbox(context, topic=f"event:{event.id}:announce")
    assert text_of(post).startswith("**ANNULÉ**") and post.payload["buttons"] == []
    assert await outbox(context, chat_id="5304") == []  # Telegram would refuse it: nothing is written
    late = await Person(GROUP, "5305").press(context, f"rsvp:y:{event.id.hex}")
    assert notice(late) == "Cet événement a été annulé."
    assert (await organizer.one(context, f"/evenement annuler {number}")).text == "Cet événement est déjà annulé."
    assert text_of(post).splitlines() == ["**ANNULÉ**", "**Portes ouvertes**", "Était prévu : mercredi 9 décembre, 14 h"]


async def test_calendar_files_parse_back(context: Context, clock: Clock) -> None:
    organizer = Person(GROUP, "5004")
    await make_coordinator(context, organizer)
    event = await created(
        context, organizer, "/evenement Je connais mon réseau ; chaque année le 12 mai à 9 h ; Cégep de Jonquière"
    )
    (reply,) = await Person(ChatRef("telegram", "5401"), "5401", private=True).press(context, f"ics:{event.id.hex}")
    (attachment,) = reply.attachments
    assert attachment.filename == "je-connais-mon-reseau-2027-05-12.ics" and attachment.mime_type == "text/calendar"
    (vevent,) = Calendar.from_ical(attachment.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Je connais mon réseau"
    assert dict(vevent["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [5], "BYMONTHDAY": [12]}
    assert vevent.decoded("DTSTART") == dt.datetime(2027, 5, 12, 13, 0, tzinfo=dt.UTC)
    assert vevent["DTSTART"].params["TZID"] == "America/Toronto"
    by_command = await organizer.one(context, f"/evenement ics {to_short_id(event.id)}")
    assert by_command.attachments[0].content.count(b"BEGIN:VEVENT") == 1
    everything = await organizer.one(context, "/calendrier")
    calendar = Calendar.from_ical(everything.attachments[0].content)
    titles = {str(component["SUMMARY"]) for component in calendar.walk("VEVENT")}
    assert "Je connais mon réseau" in titles and "Portes ouvertes" not in titles
    listing = await organizer.one(context, "/evenements")
    assert f"- Je connais mon réseau : chaque année le 12 mai à 9 h (prochain : mercredi 12 mai 2027, 9 h) — " \
           f"Cégep de Jonquière (n° {to_short_id(event.id)})" in to_plain(listing.text).splitlines()


async def test_reminder_offsets_change_per_event(context: Context, clock: Clock) -> None:
    organizer = Person(GROUP, "5005")
    await make_coordinator(context, organizer)
    event = await created(context, organizer, "/evenement Assemblée ; le 15 décembre à 18 h ; Salle")
    number = to_short_id(event.id)
    assert (await organizer.one(context, f"/evenement rappels {number} J-3 et H-1")).text == (
        "Rappels de **Assemblée** : J-3, H-1."
    )
    bad = await organizer.one(context, f"/evenement rappels {number} la veille")
    assert bad.text.startswith("« la veille » : écrivez les rappels comme « J-7 J-1 H-2 »")
    soon = await created(context, organizer, "/evenement Comité ; dimanche 18 h ; Salle")  # in two days
    assert (await organizer.one(context, f"/evenement rappels {to_short_id(soon.id)} J-3 H-1")).text == (
        "Rappels de **Comité** : H-1 (trop tard pour J-3)."
    )
    unknown = await organizer.one(context, "/evenement rappels 00000000 J-1")
    assert unknown.text.startswith("Je ne trouve pas l'événement n° 00000000.")


async def test_the_calendar_asked_for_in_a_group_is_sent_privately(context: Context, clock: Clock) -> None:
    organizer = Person(GROUP, "5006")
    await make_coordinator(context, organizer)
    event = await created(context, organizer, "/evenement Dîner de la table ; le 10 décembre à midi ; CLSC")
    pressed = f"ics:{event.id.hex}"
    reachable = Person(GROUP, "5601")
    await started_privately(context, reachable)
    assert notice(await reachable.press(context, pressed)) == "Je vous l'ai envoyé en privé."
    (sent,) = await outbox(context, chat_id="5601", platform="telegram")
    shown = to_reply(sent.payload)
    assert shown.text.startswith("Le calendrier de « Dîner de la table »")
    (attachment,) = shown.attachments
    (vevent,) = Calendar.from_ical(attachment.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Dîner de la table" and attachment.filename.endswith(".ics")
    assert not [m for m in await outbox(context, chat_id=GROUP.chat_id) if m.payload["attachments"]]

    context.start_links["telegram"] = START_LINK
    try:
        (link,) = await Person(GROUP, "5602").press(context, pressed)
    finally:
        del context.start_links["telegram"]
    assert (link.notice, link.opens) == (True, START_LINK.format(payload=f"ics_{event.id.hex}"))
    assert link.text == "Touchez « Démarrer » : je vous envoie le calendrier en privé."
    assert await outbox(context, chat_id="5602") == []
    (started,) = await Person(ChatRef("telegram", "5602"), "5602", private=True).say(
        context, f"/start ics_{event.id.hex}")
    assert started.attachments[0].content == attachment.content
    gone = await Person(ChatRef("telegram", "5602"), "5602", private=True).say(context, f"/start ics_{'0' * 32}")
    assert gone[0].text.startswith("Cet événement n'existe plus.")

    slack = Person(ChatRef("slack", "C0ENTRAIDE"), "U0ANNE")
    assert notice(await slack.press(context, pressed)) == "Je vous l'ai envoyé en privé."
    (to_anne,) = await outbox(context, chat_id="U0ANNE")
    assert (to_anne.platform, to_reply(to_anne.payload).attachments) == ("slack", shown.attachments)

    for private in (Person(ChatRef("telegram", "5603"), "5603", private=True),
                    Person(ChatRef("console", "console"), "moi", private=True)):
        (direct,) = await private.press(context, pressed)
        assert not direct.notice and direct.attachments == shown.attachments
