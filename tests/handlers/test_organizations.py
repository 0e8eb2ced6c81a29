"""``/org``: an organization's card and its services, found by name even misspelled."""

from __future__ import annotations

import uuid

import pytest

from handlers.context import Context
from handlers.markup import to_spans
from handlers.messages import CALLBACK_DATA_LIMIT, Button, Card, ChatRef, Incoming, Reply
from handlers.router import dispatch, split_command

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHAT = ChatRef("slack", "C0123", "1700000000.000100")
APOLOGY = "Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."
TRANSIT = "Centre d'intervention familiale Le Transit"
TRANSIT_SERVICES = {
    "• Groupe de soutien pour pères", "• Intervention familiale", "• Supervision des droits d'accès",
}
CHOICE = "Plusieurs organismes ressemblent à « {name} ». Lequel ?"
ONE_CHOICE = "Un organisme ressemble à « {name} ». Est-ce celui-ci ?"




async def send(context: Context, line: str, *, locale: str = "fr") -> Reply:
    """The single reply to ``line`` typed in a group chat."""
    command, args = split_command(line)
    incoming = Incoming(CHAT, "U42", line, command, args, locale=locale, private=False)
    replies = await dispatch(incoming, context)
    assert len(replies) == 1, replies
    assert replies[0].text != APOLOGY
    return replies[0]


async def press(context: Context, button: Button, *, locale: str = "fr") -> Reply:
    """The single reply to pressing ``button``."""
    incoming = Incoming(CHAT, "U42", button_data=button.data, locale=locale, private=False)
    replies = await dispatch(incoming, context)
    assert len(replies) == 1, replies
    return replies[0]


async def find(context: Context, name: str) -> Card:
    """The card ``/org name`` leads to: shown at once, or after choosing the first proposed name."""
    reply = await send(context, f"/org {name}")
    if not reply.cards:
        assert reply.text in (CHOICE.format(name=name), ONE_CHOICE.format(name=name)) and reply.buttons
        reply = await press(context, reply.buttons[0])
    (card,) = reply.cards
    return card


def fields(card: Card) -> dict[str, str]:
    """The fields of ``card`` by label."""
    return {field.label: field.value for field in card.fields}


def assert_transit(card: Card) -> None:
    """``card`` is Le Transit's, with its contact details and its services."""
    assert (card.title, card.subtitle, card.badge) == (TRANSIT, "Le Transit", "exemple")
    assert TRANSIT_SERVICES <= set(card.lines)
    shown = fields(card)
    assert shown["Téléphone"] and shown["Adresse"].endswith("Jonquière, G7X 6K7")
    assert shown["Site web"].startswith("https://")


@pytest.mark.parametrize("name", ["transit", "TRANSIT", "Transít", "/org@passerelle_bot transit"])
async def test_one_word_of_the_name_shows_the_card(context: Context, name: str) -> None:
    line = name if name.startswith("/") else f"/org {name}"
    reply = await send(context, line)
    assert reply.text == "" and reply.buttons == ()
    (card,) = reply.cards
    assert_transit(card)


@pytest.mark.parametrize("typo", ["trasnit", "le transi"])
async def test_a_misspelled_name_leads_to_the_card(context: Context, typo: str) -> None:
    assert_transit(await find(context, typo))


async def test_a_close_misspelling_shows_the_card_at_once(context: Context) -> None:
    reply = await send(context, "/org Maison des Naisances")
    (card,) = reply.cards
    assert card.title == "Maison des Naissances" and card.badge == "exemple"
    assert any(line.startswith("• ") for line in card.lines)


async def test_several_close_names_are_offered_as_buttons(context: Context) -> None:
    reply = await send(context, "/org maison hebergement")
    assert reply.text == CHOICE.format(name="maison hebergement")
    assert 2 <= len(reply.buttons) <= 5
    titles = set()
    for button in reply.buttons:
        assert len(button.data.encode()) <= CALLBACK_DATA_LIMIT
        assert button.data.startswith("org:") and uuid.UUID(hex=button.data.removeprefix("org:"))
        (card,) = (await press(context, button)).cards
        assert button.label.startswith(card.title[:60])
        titles.add(card.title)
    assert len(titles) == len(reply.buttons)


async def test_unknown_name_says_so_in_french(context: Context) -> None:
    reply = await send(context, "/org zzzqqq")
    assert reply.text == (
        "Aucun organisme ne ressemble à « zzzqqq ». Vérifiez l'orthographe ou cherchez un besoin avec /qui."
    )
    assert reply.cards == () and reply.buttons == ()


async def test_unknown_name_with_markup_is_shown_inert(context: Context) -> None:
    reply = await send(context, "/org **zzzqqq**")
    assert [span.kind for span in to_spans(reply.text)] == ["text"]
    assert "**zzzqqq**" in to_spans(reply.text)[0].text


async def test_org_without_a_name_explains_how_to_ask(context: Context) -> None:
    reply = await send(context, "/org")
    assert reply.text == "Donnez le nom de l'organisme, par exemple : **/org Le Transit**"


async def test_stale_or_broken_buttons(context: Context) -> None:
    gone = await press(context, Button("Disparu", f"org:{uuid.uuid4().hex}"))
    assert gone.text == "Cet organisme n'est plus dans l'annuaire."
    broken = await press(context, Button("Abîmé", "org:pas-un-identifiant"))
    assert broken.text == "Ce choix n'est plus valide : relancez /org avec le nom."


async def test_english_replies(context: Context) -> None:
    (card,) = (await send(context, "/org transit", locale="en")).cards
    assert card.badge == "sample"
    assert {"Phone", "Address", "Website"} <= set(fields(card))
    unknown = await send(context, "/org zzzqqq", locale="en")
    assert unknown.text == (
        'No organization looks like "zzzqqq". Check the spelling or search for a need with /who.'
    )
    empty = await send(context, "/org", locale="en")
    assert empty.text == "Give the name of the organization, for example: **/org Le Transit**"


async def test_the_exact_name_from_the_help_shows_the_card(context: Context) -> None:
    reply = await send(context, "/org Le Transit")
    assert len(reply.cards) == 1, reply
    assert_transit(reply.cards[0])


@pytest.mark.parametrize(("name", "title"), [
    ("La Chambrée", "Maison d'hébergement La Chambrée"),
    ("la chambree", "Maison d'hébergement La Chambrée"),
    ("Maison d'hébergement Le Séjour", "Maison d'hébergement Le Séjour"),
    ("Centre de Prévention Suicide", "Centre de Prévention Suicide"),
    ("CPS 02", "Centre de Prévention Suicide"),
    ("CALACS du Saguenay", "Centre d'aide et de lutte contre les agressions à caractère sexuel du Saguenay"),
    ("Saint-Vincent de Paul", "Saint-Vincent de Paul"),
    ("Ville de Saguenay", "Ville de Saguenay"),
])
async def test_a_name_or_alternate_name_typed_whole_shows_the_card(
    context: Context, name: str, title: str
) -> None:
    reply = await send(context, f"/org {name}")
    assert reply.buttons == (), reply
    (card,) = reply.cards
    assert card.title == title


@pytest.mark.parametrize(("typo", "title"), [
    ("Saint-Vincen de Paul", "Saint-Vincent de Paul"),
    ("Centre de Prevention Suicid", "Centre de Prévention Suicide"),
    ("Maison d'hébergement Le Sejours", "Maison d'hébergement Le Séjour"),
    ("chambre", "Maison d'hébergement La Chambrée"),
])
async def test_a_one_letter_typo_in_a_long_name_finds_it(context: Context, typo: str, title: str) -> None:
    reply = await send(context, f"/org {typo}")
    assert reply.buttons == (), reply
    (card,) = reply.cards
    assert card.title == title


@pytest.mark.parametrize("name", ["Le", "La", "de", "Le La Les"])
async def test_articles_alone_name_no_organization(context: Context, name: str) -> None:
    reply = await send(context, f"/org {name}")
    assert reply.text == (
        f"Aucun organisme ne ressemble à « {name} ». Vérifiez l'orthographe ou cherchez un besoin avec /qui."
    )
    assert reply.cards == () and reply.buttons == ()


async def test_a_common_word_offers_at_most_five_names_holding_it(context: Context) -> None:
    reply = await send(context, "/org centre")
    assert reply.text == CHOICE.format(name="centre")
    assert len(reply.buttons) == 5
    assert all(button.label.startswith("Centre") for button in reply.buttons)


async def test_a_name_with_a_word_it_lacks_is_offered_alone(context: Context) -> None:
    reply = await send(context, "/org transit chicoutimi")
    assert reply.text == ONE_CHOICE.format(name="transit chicoutimi")
    (button,) = reply.buttons
    assert_transit((await press(context, button)).cards[0])
    english = await send(context, "/org transit chicoutimi", locale="en")
    assert english.text == 'One organization looks like "transit chicoutimi". Is it this one?'
