"""``/reseau`` on the sample directory through the router: sectors, then categories, then pages of
organizations with their seats at tables (representatives named only with their consent); words
with typos; and ``/reseau rattacher`` attaching a group to a network an admin administers."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from directory.channels import choices_of
from directory.concertation import LOCAL, ConcertationTable, TableMember, fold_name
from directory.networks import create_network
from directory.people import NAME, PersonDetail
from directory.roles import ADMIN, grant
from directory.sample import sample_id
from handlers.context import Context
from handlers.messages import ChatRef, Incoming, Reply
from handlers.router import dispatch, split_command

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
CONSOLE = ChatRef("console", "console")
_numbers = itertools.count(1)


async def ask(context: Context, text: str, *, locale: str = "fr") -> Reply:
    command, args = split_command(text)
    replies = await dispatch(Incoming(CONSOLE, "local", text, command, args, locale=locale), context)
    assert len(replies) == 1
    return replies[0]


async def press(context: Context, data: str) -> Reply:
    replies = await dispatch(Incoming(CONSOLE, "local", button_data=data), context)
    assert len(replies) == 1
    return replies[0]


def button(reply: Reply, starting: str) -> str:
    """The data of the button whose label starts with ``starting``."""
    return next(b.data for b in reply.buttons if b.label.startswith(starting))


@pytest.mark.asyncio(loop_scope="module")
async def test_sectors_then_categories_then_organizations(context: Context) -> None:
    sectors = await ask(context, "/reseau")
    assert "**Je connais mon réseau** : 59 organismes." in sectors.text
    assert [b.label for b in sectors.buttons] == [
        "Communautaire (37)", "Public (6)", "Scolaire (4)", "Municipal (3)", "Privé (9)"]

    categories = await press(context, button(sectors, "Communautaire"))
    assert "Secteur **Communautaire**" in categories.text
    labels = [b.label for b in categories.buttons]
    assert labels[0] == "Alimentation (7)" and labels[-2:] == ["Suite", "Secteurs"]
    more = await press(context, button(categories, "Suite"))
    assert "Suite" not in [b.label for b in more.buttons]
    assert not {b.label for b in more.buttons[:-1]} & set(labels)

    food = await press(context, button(categories, "Alimentation"))
    assert food.text.startswith("**Alimentation**, secteur Communautaire : 7 organismes (page 1 sur 2).")
    names = [card.title for card in food.cards]
    assert len(names) == 6 and names == sorted(names, key=str.casefold)
    assert [b.label for b in food.buttons] == ["Suite", "Autres catégories", "Secteurs"]
    last = await press(context, button(food, "Suite"))
    assert "(page 2 sur 2)" in last.text and len(last.cards) == 1 and last.cards[0].title not in names
    vincent = next(card for card in food.cards + last.cards if card.title == "Saint-Vincent de Paul")
    assert vincent.lines[0].startswith("Les bénévoles de la Société de Saint-Vincent de Paul")
    assert len(vincent.lines[0]) <= 161


@pytest.mark.asyncio(loop_scope="module")
async def test_every_page_of_a_category_across_sectors(context: Context) -> None:
    reply = await ask(context, "/reseau petite enfance")
    assert reply.text.startswith("**Petite enfance** : 30 organismes (page 1 sur 5).")
    seen = [card.title for card in reply.cards]
    while any(b.label == "Suite" for b in reply.buttons):
        reply = await press(context, button(reply, "Suite"))
        seen += [card.title for card in reply.cards]
    assert len(seen) == len(set(seen)) == 30
    assert "(page 5 sur 5)" in reply.text


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("word", "heading"), [
    ("alimentaire", "**Dépannage alimentaire** : 3 organismes."),
    ("depanage alimentaire", "**Dépannage alimentaire** : 3 organismes."),
    ("prive", "Secteur **Privé**"),
    ("PRIVÉ", "Secteur **Privé**"),
    ("comunautaire", "Secteur **Communautaire**"),
    ("aines", "**Aînés** : "),
])
async def test_a_word_goes_to_its_sector_or_category(context: Context, word: str, heading: str) -> None:
    assert heading in (await ask(context, f"/reseau {word}")).text


@pytest.mark.asyncio(loop_scope="module")
async def test_unknown_word_and_stale_buttons(context: Context) -> None:
    unknown = await ask(context, "/reseau xyzzy")
    assert "Aucun secteur ni aucune catégorie ne ressemble à « xyzzy »" in unknown.text
    assert [b.data for b in unknown.buttons] == ["rsx:"]
    for data in ("rsx:c:*:pasunidentifiant:0", "rsx:z", "rsx:s:public:x", "rsx:c:*:AAAAAAAAAAAAAAAAAAAAAA:0"):
        stale = await press(context, data)
        assert "plus actif" in stale.text or "n'existe plus" in stale.text


@pytest.mark.asyncio(loop_scope="module")
async def test_seats_name_representatives_only_with_consent(context: Context) -> None:
    table = ConcertationTable(
        id=uuid.uuid4(), name="Table petite enfance", name_key=fold_name("Table petite enfance"), level=LOCAL,
        place_id=None, coordinator_platform="telegram", coordinator_user_id="900", coordinator_name="Julie",
        summer_break=False, created_at=NOW,
    )

    def seat(key: str, representative: str | None) -> TableMember:
        return TableMember(
            id=uuid.uuid4(), table_id=table.id, organization_id=sample_id("organization", key),
            organization_name=key, representative_platform="telegram" if representative else None,
            representative_user_id=representative, representative_name="Nom affiché au chat", joined_at=NOW,
        )

    async with context.sessions.begin() as session:
        session.add(table)
        await session.flush()
        session.add_all([seat("cpe-la-sagamie", "8801"), seat("aide-parents-plus", "8802"),
                         seat("cpe-gari-gatou", None)])
        session.add(PersonDetail(platform="telegram", user_id="8801", item=NAME, value="Marie Tremblay",
                                 shared=True, updated_at=NOW))
        session.add(PersonDetail(platform="telegram", user_id="8802", item=NAME, value="Paul Privé",
                                 shared=False, updated_at=NOW))
    reply = await ask(context, "/reseau petite enfance")
    cards = {card.title: card.lines for card in reply.cards}
    assert "siège à : Table petite enfance (représenté par Marie Tremblay)" in cards["CPE La Sagamie"]
    assert "siège à : Table petite enfance (représentant·e désigné·e)" in cards["Aide-Parents Plus"]
    assert "siège à : Table petite enfance" in cards["CPE Gari-Gatou"]
    everything = str(reply)
    assert "Paul Privé" not in everything and "Nom affiché au chat" not in everything


@pytest.mark.asyncio(loop_scope="module")
async def test_english(context: Context) -> None:
    reply = await ask(context, "/reseau", locale="en")
    assert "**Know your network**: 59 organizations." in reply.text
    assert "Public services (6)" in [b.label for b in reply.buttons]


def group(user: str, text: str, chat: str, *, private: bool = False) -> Incoming:
    command, args = split_command(text)
    return Incoming(ChatRef("telegram", chat), user, text, command, args, private=private)


@pytest.mark.asyncio(loop_scope="module")
async def test_an_admin_attaches_a_group_to_their_network(context: Context) -> None:
    number = next(_numbers)
    network, other, chat = f"rls-{number}", f"autre-{number}", f"-100900{number}"
    await create_network(context.sessions, network, "RLS de Jonquière", NOW)
    await create_network(context.sessions, other, "Autre réseau", NOW)
    await grant(context.sessions, "telegram", "8901", ADMIN, granted_by="test", now=NOW, network=network)

    async def say(user: str, text: str, *, private: bool = False) -> str:
        replies = await dispatch(group(user, text, chat if not private else user, private=private), context)
        return replies[0].text

    assert "pas en privé" in await say("8901", f"/reseau rattacher {network}", private=True)
    assert "Quel réseau ?" in await say("8901", "/reseau rattacher")
    assert "Aucun réseau n'a l'identifiant « inconnu »" in await say("8901", "/reseau rattacher inconnu")
    refused = await say("8902", f"/reseau rattacher {network}")
    assert "Seuls les **administrateurs** de **RLS de Jonquière**" in refused
    assert f"passerelle admin add telegram:8902 --reseau {network}" in refused
    assert (await choices_of(context.sessions, "telegram", chat)).network_id is None

    done = await say("8901", f"/reseau rattacher {network.upper()}")
    assert "ce groupe fait maintenant partie de **RLS de Jonquière**" in done
    assert (await choices_of(context.sessions, "telegram", chat)).network_id == network
    assert "Dans **RLS de Jonquière**, vous êtes : **administrateur**" in await say("8901", "/role")
    assert "fait déjà partie" in await say("8901", f"/reseau rattacher {network}")

    await grant(context.sessions, "telegram", "8902", ADMIN, granted_by="test", now=NOW, network=other)
    moved = await say("8902", f"/reseau rattacher {other}")
    assert "seul un administrateur de **RLS de Jonquière**" in moved
    assert (await choices_of(context.sessions, "telegram", chat)).network_id == network
