"""``/qui``: cards, paging, honest abstention and the crisis banner, on the sample directory in SQLite."""

from __future__ import annotations

import dataclasses
import re

import pytest

from directory.text import fold
from handlers.context import Context
from handlers.messages import CALLBACK_DATA_LIMIT, Button, Card, ChatRef, Incoming, Reply
from handlers.questions import QuestionStore
from handlers.router import dispatch, split_command

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHAT = ChatRef("telegram", "4242")
APOLOGY = "Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."
SUMMARY = re.compile(r"Résultats (\d+) à (\d+) sur (\d+) pour « (.+) »")
BANNER = (
    "**Urgence ?** Danger immédiat : **911**. Prévention du suicide : **1 866 APPELLE** "
    "(1 866 277-3553), 24/7. Info-Social : **811**, option 2."
)
FRENCH_DAYS = re.compile(r"\b(lun|mar|mer|jeu|ven|sam|dim)\b")
_DAYS_FR = r"(lun|mar|mer|jeu|ven|sam|dim)"
_TIME_FR = r"\d{1,2} h( \d\d)?"
FRENCH_HOURS = re.compile(rf"({_DAYS_FR}(-{_DAYS_FR}|(, {_DAYS_FR})*) )?{_TIME_FR} à {_TIME_FR}( ; .+)?")
_DAYS_EN = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_TIME_EN = r"\d{1,2}(:\d\d)? [ap]\.m\."
ENGLISH_HOURS = re.compile(rf"({_DAYS_EN}(–{_DAYS_EN}|(, {_DAYS_EN})*) )?{_TIME_EN}–{_TIME_EN}(; .+)?")




async def send(context: Context, line: str, *, locale: str = "fr", private: bool = True) -> list[Reply]:
    """The replies to ``line`` typed in a chat, as an adapter would pass it on."""
    command, args = split_command(line)
    return await dispatch(Incoming(CHAT, "7", line, command, args, locale=locale, private=private), context)


async def press(context: Context, button: Button, *, locale: str = "fr") -> list[Reply]:
    """The replies to pressing ``button``."""
    return await dispatch(Incoming(CHAT, "7", button_data=button.data, locale=locale), context)


async def one(context: Context, line: str, *, locale: str = "fr") -> Reply:
    """The single reply to ``line``."""
    replies = await send(context, line, locale=locale)
    assert len(replies) == 1, replies
    assert replies[0].text != APOLOGY
    return replies[0]


def fields(card: Card) -> dict[str, str]:
    """The fields of ``card`` by label."""
    return {field.label: field.value for field in card.fields}


def summary(reply: Reply) -> tuple[int, int, int, str]:
    """(first, last, total, question) read from the "Résultats … sur …" line of ``reply``."""
    found = SUMMARY.search(reply.text)
    assert found, reply.text
    return int(found[1]), int(found[2]), int(found[3]), found[4]


async def all_pages(context: Context, line: str) -> list[Reply]:
    """Every page of the answer to ``line``, pressing "Plus de résultats" until it is gone."""
    pages = [await one(context, line)]
    while pages[-1].buttons:
        (button,) = pages[-1].buttons
        assert button.label == "Plus de résultats"
        replies = await press(context, button)
        assert len(replies) == 1
        pages.append(replies[0])
        assert len(pages) < 50
    return pages


async def test_cards_say_whom_to_call_how_to_refer_when_and_where(context: Context) -> None:
    pages = await all_pages(context, "/qui banque alimentaire jonquiere")
    first, _, total, question = summary(pages[0])
    assert (first, question) == (1, "banque alimentaire jonquiere")
    assert "à Jonquière :" in pages[0].text.splitlines()[0]
    cards = [card for page in pages for card in page.cards]
    assert len(cards) == total >= 1
    assert any("alimentaire" in fold(card.title) for card in cards)
    for card in cards:
        shown = fields(card)
        assert card.title and card.subtitle
        assert re.search(r"\d{3}", shown["Téléphone"]), shown
        assert shown["Comment référer"]
        assert shown["Territoire"]
        assert card.badge == "exemple"
        assert any(line.startswith("Pourquoi : ") for line in card.lines)
    assert any("Jonquière" in fields(card)["Territoire"] for card in cards)
    hours = [fields(card)["Heures"] for card in cards if "Heures" in fields(card)]
    assert hours and all(re.search(r"\d+ h", value) for value in hours)


async def test_more_results_button_pages_through_every_answer_once(context: Context) -> None:
    pages = await all_pages(context, "/qui garderie")
    _, _, total, _ = summary(pages[0])
    assert total > 3 and len(pages) == -(-total // 3)
    assert pages[0].buttons[0].data == "qui:3:garderie"
    expected_first = 1
    for page in pages:
        first, last, page_total, question = summary(page)
        assert (first, page_total, question) == (expected_first, total, "garderie")
        assert last - first + 1 == len(page.cards) <= 3
        expected_first = last + 1
    assert expected_first == total + 1
    shown = [(card.title, card.subtitle, card.fields) for page in pages for card in page.cards]
    assert len(set(shown)) == len(shown) == total
    assert pages[-1].buttons == ()


async def test_pressing_past_the_last_page_or_a_broken_button(context: Context) -> None:
    past = await press(context, Button("Plus de résultats", "qui:500:garderie"))
    assert [reply.text for reply in past] == ["Il n'y a pas d'autres résultats pour « garderie »."]
    for data in ("qui:x:garderie", "qui:3:", "qui:", "qui:3#", "qui:#abc", "qui:3#é"):
        broken = await press(context, Button("Plus de résultats", data))
        assert [reply.text for reply in broken] == [
            "Cette recherche n'est plus disponible : relancez-la avec /qui."
        ]


@pytest.mark.parametrize("line", ["/qui", "/qui    ", "/who"])
async def test_qui_without_a_need_explains_how_to_ask(context: Context, line: str) -> None:
    reply = await one(context, line)
    assert reply.text == (
        "Décrivez le besoin après la commande, par exemple : **/qui dépannage alimentaire Jonquière**"
    )
    assert reply.cards == () and reply.buttons == ()


@pytest.mark.parametrize("question", ["zorglubix", "xqwvbnt plouk"])
async def test_nothing_sure_offers_211_811_and_nearby_categories(context: Context, question: str) -> None:
    reply = await one(context, f"/qui {question}")
    lines = reply.text.splitlines()
    assert lines[0] == f"Je n'ai rien trouvé de sûr pour « {question} »."
    assert lines[1] == (
        "Essayez le **211** (information et référence communautaire, gratuit) "
        "ou le **811** (Info-Santé, Info-Social)."
    )
    assert lines[2].startswith("Catégories proches : ")
    assert lines[-1] == "Vous pouvez aussi reformuler avec d'autres mots : le besoin, l'âge, le lieu."
    assert reply.cards == ()
    assert reply.buttons
    for button in reply.buttons:
        assert button.data == f"qui:0:{button.label}"
        assert button.label in lines[2]
    category = await press(context, reply.buttons[0])
    assert len(category) == 1 and category[0].cards
    assert summary(category[0])[3] == reply.buttons[0].label


async def test_crisis_banner_comes_first(context: Context) -> None:
    reply = await one(context, "/qui ado parle de se tuer")
    lines = reply.text.splitlines()
    assert lines[0] == BANNER
    assert lines[1].startswith("Résultats 1 à ")
    assert reply.cards and all(card.badge == "exemple" for card in reply.cards)
    if reply.buttons:
        (next_page,) = await press(context, reply.buttons[0])
        assert "Urgence" not in next_page.text
        assert next_page.text.startswith("Résultats 4 à ")


async def test_crisis_banner_in_a_private_message(context: Context) -> None:
    (reply,) = await send(context, "mon ado parle de se tuer", private=True)
    assert reply.text.splitlines()[0] == BANNER


async def test_question_with_markup_is_shown_inert(context: Context) -> None:
    reply = await one(context, "/qui **garderie** [x](https://exemple.org)")
    assert "\\*\\*garderie\\*\\*" in reply.text
    assert "\\[x\\]\\(https://exemple.org\\)" in reply.text


async def test_english_replies(context: Context) -> None:
    reply = await one(context, "/qui banque alimentaire jonquiere", locale="en")
    assert reply.text.startswith('Results 1 to ')
    assert 'for "banque alimentaire jonquiere" in Jonquière:' in reply.text
    for card in reply.cards:
        assert {"Phone", "How to refer", "Area served"} <= set(fields(card))
        assert card.badge == "sample"
        assert any(line.startswith("Why: ") for line in card.lines)
    usage = await one(context, "/qui", locale="en")
    assert usage.text == "Describe the need after the command, for example: **/who food bank Jonquière**"
    nothing = await one(context, "/qui zorglubix", locale="en")
    assert nothing.text.startswith('I found nothing reliable for "zorglubix".\nTry **211**')
    assert "Nearby categories: " in nothing.text
    crisis = await one(context, "/qui ado parle de se tuer", locale="en")
    assert crisis.text.startswith("**Emergency?** Immediate danger: **911**.")
    paged = await one(context, "/qui garderie", locale="en")
    assert [button.label for button in paged.buttons] == ["More results"]
    (second,) = await press(context, paged.buttons[0], locale="en")
    assert second.text.startswith("Results 4 to ")


async def test_english_cards_give_hours_in_english(context: Context) -> None:
    reply = await one(context, "/qui banque alimentaire jonquiere", locale="en")
    hours = [fields(card)["Hours"] for card in reply.cards if "Hours" in fields(card)]
    assert hours
    for value in hours:
        assert not FRENCH_DAYS.search(value) and " à " not in value and " h" not in value, value
        assert ENGLISH_HOURS.fullmatch(value), value


async def test_french_cards_give_hours_as_quebec_writes_them(context: Context) -> None:
    reply = await one(context, "/qui banque alimentaire jonquiere")
    hours = [fields(card)["Heures"] for card in reply.cards if "Heures" in fields(card)]
    assert hours
    for value in hours:
        assert FRENCH_HOURS.fullmatch(value), value


async def test_english_cards_give_the_reasons_in_english(context: Context) -> None:
    reply = await one(context, "/qui banque alimentaire jonquiere", locale="en")
    reasons = [line for card in reply.cards for line in card.lines if line.startswith("Why: ")]
    assert reasons
    for line in reasons:
        assert "dessert" not in line and "catégorie" not in line and "territoire" not in line, line
        assert "serves Jonquière (area: " in line and "(category)" in line, line
    french = await one(context, "/qui banque alimentaire jonquiere")
    why = [line for card in french.cards for line in card.lines if line.startswith("Pourquoi : ")]
    assert all("dessert Jonquière (territoire : " in line and "(catégorie)" in line for line in why), why


async def test_english_reasons_give_ages_in_english(context: Context) -> None:
    reply = await one(context, "/qui garderie 3 ans jonquiere", locale="en")
    reasons = " ".join(line for card in reply.cards for line in card.lines if line.startswith("Why: "))
    assert re.search(r"age 3 ans within \d+(–\d+ years| years and over)", reasons), reasons


async def test_a_long_question_can_still_be_paged(context: Context) -> None:
    question = "soutien aux familles et aux parents en difficulté à Jonquière svp"
    pages = await all_pages(context, f"/qui {question}")
    _, last, total, _ = summary(pages[0])
    assert total > last, "precondition: the question has more than one page of answers"
    assert len(pages) == -(-total // 3)
    expected_first = 1
    for page in pages:
        first, last, page_total, asked = summary(page)
        assert (first, page_total, asked) == (expected_first, total, question)
        assert all(len(button.data.encode()) <= CALLBACK_DATA_LIMIT for button in page.buttons)
        expected_first = last + 1
    assert expected_first == total + 1


async def test_a_long_question_forgotten_after_a_restart_is_asked_again(context: Context) -> None:
    reply = await one(context, "/qui soutien aux familles et aux parents en difficulté à Jonquière svp")
    restarted = dataclasses.replace(context, questions=QuestionStore())
    expected = {
        "fr": "Je ne me souviens plus de cette recherche (le robot a peut-être redémarré) : "
              "posez la question de nouveau avec /qui.",
        "en": "I no longer remember this search (the bot may have restarted): "
              "ask the question again with /who.",
    }
    for locale, text in expected.items():
        pressed = Incoming(CHAT, "7", button_data=reply.buttons[0].data, locale=locale)
        replies = await dispatch(pressed, restarted)
        assert [r.text for r in replies] == [text]
