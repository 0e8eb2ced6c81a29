"""``/evenement <sous-commande> <n°>``: the event named by the beginning of its id, an ambiguous or unknown
number answered in French, and changes kept for the people who may make them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from handlers.context import Context
from handlers.messages import ChatRef
from scheduler.events import Event
from tests.handlers import events_chat
from tests.handlers.events_chat import NOW, Clock, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")
clock = events_chat.clock

MEMBER = Person(ChatRef("telegram", "-100777"), "31", "Luc Gagnon")
FIRST = uuid.UUID("3f2a9c1e-0000-4000-8000-000000000000")
TWIN = uuid.UUID("3f2a9c1e-ffff-4fff-bfff-ffffffffffff")  # the same eight characters as FIRST
OTHER = uuid.UUID("3f2a9c1f-0000-4000-8000-000000000000")


@pytest.fixture(autouse=True)
async def events(context: Context) -> None:
    """Three events to come whose ids begin alike, created by someone else than :data:`MEMBER`."""
    async with context.sessions.begin() as session:
        for n, event_id in enumerate((FIRST, TWIN, OTHER), 1):
            if await session.get(Event, event_id) is None:
                session.add(Event(id=event_id, title=f"Portes ouvertes {n}", starts_at=NOW + dt.timedelta(days=n),
                                  zone="America/Toronto", created_by="telegram:32", created_at=NOW))


async def test_the_beginning_of_a_number_names_one_event(context: Context, clock: Clock) -> None:
    for number in ("3f2a9c1f", "3F2A9C1F-0000", str(OTHER)):
        reply = await MEMBER.one(context, f"/evenement ics {number}")
        assert reply.text.startswith("Le calendrier de « Portes ouvertes 3 »"), number
        assert reply.attachments


@pytest.mark.parametrize(("number", "expected"), [
    ("3f2a9c1e", "Plusieurs événements ont un numéro qui commence par « 3f2a9c1e » : donnez ses huit caractères"),
    ("3f2a", "Plusieurs événements ont un numéro qui commence par « 3f2a »"),
    ("3f", "Je ne trouve pas l'événement n° 3f."),  # too few digits to name one
    ("4f2a9c1e", "Je ne trouve pas l'événement n° 4f2a9c1e. Tapez /evenements pour voir les numéros."),
    ("3f2a-zz", "Je ne trouve pas l'événement n° 3f2a-zz."),
])
async def test_an_ambiguous_or_unknown_number_is_explained(
    context: Context, clock: Clock, number: str, expected: str
) -> None:
    assert (await MEMBER.one(context, f"/evenement ics {number}")).text.startswith(expected)


@pytest.mark.parametrize("sub", ["reponses", "modifier", "annuler", "rappels"])
async def test_only_the_calendar_file_is_for_everyone(context: Context, clock: Clock, sub: str) -> None:
    refused = await MEMBER.one(context, f"/evenement {sub} 3f2a9c1f J-1")
    assert refused.text.startswith("Seuls les **coordonnateurs** et les **administrateurs** du réseau")
    async with context.sessions() as session:
        event = await session.get(Event, OTHER)
    assert event is not None and (event.status, event.reminder_offsets) == ("scheduled", "P7D,P1D,PT2H")
