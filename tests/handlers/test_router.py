"""The router: commands and aliases, free text, buttons, languages, and errors turned into apologies."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NoReturn

import pytest
import pytest_asyncio

from bot.settings import Settings
from bot.wiring import build
from handlers.context import Context
from handlers.markup import to_spans
from handlers.messages import CALLBACK_DATA_LIMIT, ChatRef, Incoming, Reply
from handlers.records import RecordCache
from handlers.router import COMMANDS, dispatch, split_command

pytestmark = pytest.mark.asyncio(loop_scope="module")

PRIVATE = ChatRef("telegram", "1001")
GROUP = ChatRef("telegram", "-100200300", "17")
APOLOGY = "Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."
HELP_FIRST_LINE = "**Passerelle** trouve qui appeler dans le réseau, avec le téléphone et comment référer."


@dataclasses.dataclass(slots=True)
class Built:
    """The context of a bot built for these tests, and what it said while starting."""

    context: Context
    said: list[str]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def built(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Built]:
    """A bot built on a fresh SQLite database, where the sample directory gets loaded."""
    folder: Path = tmp_path_factory.mktemp("router")
    said: list[str] = []
    url = f"sqlite:///{folder}/passerelle.db"
    settings = Settings(database_url=url, language="fr", timezone="America/Toronto")
    running = await build(settings, say=said.append)
    try:
        yield Built(running.context, said)
    finally:
        await running.close()


@pytest.fixture
def context(built: Built) -> Context:
    """The bot's context."""
    return built.context


async def send(
    context: Context, line: str, *, chat: ChatRef = PRIVATE, locale: str = "fr", private: bool = True
) -> list[Reply]:
    """The replies to ``line``, split into command and arguments as adapters do."""
    command, args = split_command(line)
    return await dispatch(Incoming(chat, "55", line, command, args, locale=locale, private=private), context)


async def text_of(context: Context, line: str, *, locale: str = "fr") -> str:
    """The text of the single reply to ``line``."""
    replies = await send(context, line, locale=locale)
    assert len(replies) == 1, replies
    return replies[0].text


class BrokenSearch:
    """A search that fails on every question."""

    def search(self, text: str, **options: object) -> NoReturn:
        raise RuntimeError(f"index illisible pour {text!r}")


def broken_sessions() -> NoReturn:
    """A session factory whose database is unreachable."""
    raise ConnectionError("base de données injoignable")


async def test_building_announces_the_sample_directory(built: Built) -> None:
    (message,) = built.said
    assert message.startswith(
        "Annuaire vide : l'annuaire d'exemple de Commun'Enfant Jonquière a été chargé ("
    )
    assert "organismes" in message and "services" in message and "coordonnées fictives" in message


@pytest.mark.parametrize(("line", "expected"), [
    ("/qui banque", ("qui", "banque")),
    ("  /QUI@PasserelleBot   banque alimentaire  ", ("qui", "banque alimentaire")),
    ("/org", ("org", "")),
    ("banque alimentaire", (None, "banque alimentaire")),
    ("  ", (None, "")),
])
async def test_split_command(line: str, expected: tuple[str | None, str]) -> None:
    assert split_command(line) == expected


@pytest.mark.parametrize("line", ["/aide", "/help", "/start depuis-le-site", "/AIDE", "/aide@PasserelleBot"])
async def test_help_lists_the_commands(context: Context, line: str) -> None:
    text = await text_of(context, line)
    lines = text.splitlines()
    assert lines[0] == HELP_FIRST_LINE
    assert [line.split(" ")[1] for line in lines[1:7]] == [
        "**/qui**", "**/org**", "**/lieu**", "**/langue**", "**/annonce**", "**/aide**"
    ]
    assert "En privé, écrivez simplement le besoin" in text


async def test_help_in_english(context: Context) -> None:
    text = await text_of(context, "/help", locale="en")
    assert text.startswith("**Passerelle** finds who to call in the network")
    assert "- **/who** <need>" in text and "- **/help**: this message; **/start** in private: the network's welcome kit" in text


async def test_help_names_every_command_in_one_language_or_the_other(context: Context) -> None:
    named = set()
    for locale in ("fr", "en"):
        named |= set(re.findall(r"/([a-z_]+)\b", await text_of(context, "/aide", locale=locale)))
    assert named == set(COMMANDS)


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_the_examples_of_the_help_find_answers(context: Context, locale: str) -> None:
    found = re.findall(r"« (.+?) »|\"(.+?)\"", await text_of(context, "/aide", locale=locale))
    examples = [e for e in ("".join(groups) for groups in found) if not e.startswith(("/lieu", "/langue"))]
    assert len(examples) == 3
    for example in examples:
        replies = await send(context, example, locale=locale)
        assert len(replies) == 1 and replies[0].cards, (example, replies)


async def test_who_is_an_alias_of_qui(context: Context) -> None:
    assert await send(context, "/who banque alimentaire jonquiere") == await send(
        context, "/qui banque alimentaire jonquiere"
    )


async def test_free_text_in_private_is_a_question(context: Context) -> None:
    free = await send(context, "banque alimentaire jonquiere", private=True)
    assert free == await send(context, "/qui banque alimentaire jonquiere", private=True)
    assert free[0].cards


@pytest.mark.parametrize("line", ["banque alimentaire jonquiere", "salut tout le monde", "1"])
async def test_free_text_in_a_group_is_ignored(context: Context, line: str) -> None:
    assert await send(context, line, chat=GROUP, private=False) == []


async def test_commands_still_work_in_a_group(context: Context) -> None:
    (reply,) = await send(context, "/qui banque alimentaire jonquiere", chat=GROUP, private=False)
    assert reply.cards
    (help_,) = await send(context, "/aide", chat=GROUP, private=False)
    assert help_.text.startswith(HELP_FIRST_LINE)


@pytest.mark.parametrize("line", ["", "   ", "\n"])
async def test_blank_private_message_gets_no_reply(context: Context, line: str) -> None:
    assert await send(context, line) == []


async def test_unknown_command_points_to_help(context: Context) -> None:
    french = await text_of(context, "/bonjour tout le monde")
    assert french == "Commande inconnue : /bonjour. Tapez /aide pour la liste."
    english = await text_of(context, "/bonjour", locale="en")
    assert english == "Unknown command: /bonjour. Type /help for the list."


async def test_unknown_command_with_markup_is_shown_inert(context: Context) -> None:
    text = await text_of(context, "/**gras**")
    assert [span.kind for span in to_spans(text)] == ["text"]
    assert "/**gras**." in to_spans(text)[0].text


async def test_unknown_button(context: Context) -> None:
    expected_texts = {"fr": "Ce bouton n'est plus actif.", "en": "This button is no longer active."}
    for locale, expected in expected_texts.items():
        replies = await dispatch(Incoming(PRIVATE, "55", button_data="rsvp:123", locale=locale), context)
        assert [reply.text for reply in replies] == [expected]


async def test_regional_locales_and_unknown_languages(context: Context) -> None:
    assert (await text_of(context, "/aide", locale="en-CA")).startswith("**Passerelle** finds who to call")
    assert (await text_of(context, "/aide", locale="de")).startswith(HELP_FIRST_LINE)


@pytest.mark.parametrize("line", [
    "/qui banque alimentaire jonquiere",
    "/qui garderie",
    "/qui zorglubix",
    "/qui ado parle de se tuer",
    "/qui soutien aux familles et aux parents en difficulté à Jonquière svp",
    "/qui " + "éèàç" * 12,
    "/qui " + "garderie " * 10,
    "aide aux devoirs pour un enfant de 8 ans en difficulté scolaire à Jonquière",
    "/org maison",
    "/org le",
    "/org garderie",
    "/org centre",
])
@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_every_button_fits_in_64_bytes(context: Context, line: str, locale: str) -> None:
    replies = await send(context, line, locale=locale)
    pressed = 0
    for reply in replies:
        assert "Désolé" not in reply.text and "Sorry" not in reply.text
        for button in reply.buttons:
            assert button.label and len(button.data.encode()) <= CALLBACK_DATA_LIMIT
            incoming = Incoming(PRIVATE, "55", button_data=button.data, locale=locale)
            for after in await dispatch(incoming, context):
                pressed += 1
                assert "Désolé" not in after.text and "Sorry" not in after.text
                assert all(len(b.data.encode()) <= CALLBACK_DATA_LIMIT for b in after.buttons)
    assert pressed == sum(len(reply.buttons) for reply in replies)


@pytest.mark.parametrize("line", ["/qui banque alimentaire", "banque alimentaire", "/who banque"])
async def test_a_failing_search_becomes_an_apology(
    context: Context, line: str, caplog: pytest.LogCaptureFixture
) -> None:
    broken = dataclasses.replace(context, search=BrokenSearch())
    with caplog.at_level(logging.ERROR, logger="handlers.router"):
        replies = await send(broken, line)
    assert replies == [Reply(APOLOGY)]
    (record,) = [r for r in caplog.records if r.name == "handlers.router"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


async def test_an_unreachable_database_becomes_an_apology(context: Context) -> None:
    broken = dataclasses.replace(context, sessions=broken_sessions, records=RecordCache())  # nothing kept
    assert await send(broken, "/org transit") == [Reply(APOLOGY)]
    assert await send(broken, "/org transit", locale="en") == [
        Reply("Sorry, something went wrong on my side. Try again in a moment.")
    ]
    assert (await send(broken, "/aide"))[0].text.startswith(HELP_FIRST_LINE)
    pressed = await dispatch(Incoming(PRIVATE, "55", button_data="qui:3:garderie"), broken)
    assert pressed == [Reply(APOLOGY)]
