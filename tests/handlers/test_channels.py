"""``/lieu`` and ``/langue`` through the router, on a real SQLite database with the sample directory."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NoReturn

import pytest
import pytest_asyncio

from bot.settings import Settings
from bot.wiring import Running, build
from directory.channels import ChannelChoices, choices_of
from handlers.choices import ChoiceCache
from handlers.context import Context
from handlers.messages import ChatRef, Incoming, Reply
from handlers.router import dispatch, split_command

pytestmark = pytest.mark.asyncio(loop_scope="module")

HELP_FR = "**Passerelle** trouve qui appeler dans le réseau"
HELP_EN = "**Passerelle** finds who to call in the network"
NOTED_JONQUIERE = ("C'est noté : les recherches d'ici se font à **Jonquière**, sauf si la question nomme "
                   "un autre lieu.")
SHOWN_JONQUIERE = "Lieu par défaut ici : **Jonquière**. Pour le retirer : **/lieu aucun**."
_chats = iter(range(1000, 10**6))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    """A bot built on a fresh SQLite database, where the sample directory gets loaded."""
    folder: Path = tmp_path_factory.mktemp("channels")
    settings = Settings(  # type: ignore[call-arg]
        database_url=f"sqlite:///{folder}/passerelle.db", language="fr", timezone="America/Toronto",
        _env_file=None,
    )
    built = await build(settings, say=lambda _: None)
    try:
        yield built
    finally:
        await built.close()


@pytest.fixture
def context(running: Running) -> Context:
    """The bot's context."""
    return running.context


@pytest.fixture
def chat() -> ChatRef:
    """A Slack channel no other test has written in."""
    return ChatRef("slack", f"C{next(_chats)}", None)


async def say(context: Context, chat: ChatRef, line: str, *, private: bool = False) -> list[Reply]:
    """The replies to ``line`` sent in ``chat``, split into command and arguments as adapters do."""
    command, args = split_command(line)
    return await dispatch(Incoming(chat, "U55", line, command, args, private=private), context)


async def text(context: Context, chat: ChatRef, line: str) -> str:
    """The text of the single reply to ``line``."""
    replies = await say(context, chat, line)
    assert len(replies) == 1, replies
    return replies[0].text


async def test_a_chat_place_applies_to_its_questions(context: Context, chat: ChatRef) -> None:
    before = await text(context, chat, "/qui banque alimentaire")
    assert "Jonquière" not in before
    assert await text(context, chat, "/lieu Jonquière") == NOTED_JONQUIERE
    after = await say(context, chat, "/qui banque alimentaire")
    assert after[0].text.startswith("Résultats 1 à ")
    assert "« banque alimentaire » à Jonquière" in after[0].text


async def test_free_text_in_a_private_chat_uses_its_place(context: Context, chat: ChatRef) -> None:
    await text(context, chat, "/lieu jonquiere")
    (first, *_) = await say(context, chat, "banque alimentaire", private=True)
    assert "à Jonquière" in first.text


async def test_another_chat_is_unaffected(context: Context, chat: ChatRef) -> None:
    await text(context, chat, "/lieu Jonquière")
    elsewhere = ChatRef("slack", f"C{next(_chats)}")
    assert "Jonquière" not in await text(context, elsewhere, "/qui banque alimentaire")
    same_id_other_platform = ChatRef("telegram", chat.chat_id)
    assert "Jonquière" not in await text(context, same_id_other_platform, "/qui banque alimentaire")


async def test_a_place_named_in_the_question_wins(context: Context, chat: ChatRef) -> None:
    await text(context, chat, "/lieu Jonquière")
    answer = await text(context, chat, "/qui banque alimentaire chicoutimi")
    assert "à Chicoutimi" in answer and "à Jonquière" not in answer


async def test_lieu_alone_shows_the_current_place(context: Context, chat: ChatRef) -> None:
    assert await text(context, chat, "/lieu") == (
        "Aucun lieu par défaut ici. Choisissez-en un : **/lieu Jonquière** "
        "(une municipalité, un arrondissement, une MRC ou une région)."
    )
    await text(context, chat, "/lieu Jonquière")
    assert await text(context, chat, "/lieu") == SHOWN_JONQUIERE


@pytest.mark.parametrize("word", ["aucun", "AUCUNE", "rien", "none", "off"])
async def test_lieu_aucun_clears_the_place(context: Context, chat: ChatRef, word: str) -> None:
    await text(context, chat, "/lieu Jonquière")
    assert await text(context, chat, f"/lieu {word}") == (
        "Lieu par défaut retiré : les recherches d'ici valent pour tout le Québec, "
        "sauf si la question nomme un lieu."
    )
    assert "Jonquière" not in await text(context, chat, "/qui banque alimentaire")
    assert (await choices_of(context.sessions, chat.platform, chat.chat_id)).place_id is None


async def test_an_unknown_place_is_refused_in_french_with_close_names(
    context: Context, chat: ChatRef
) -> None:
    await text(context, chat, "/lieu Jonquière")
    answer = await text(context, chat, "/lieu Atlantide")
    assert answer.startswith("Lieu inconnu : « Atlantide ». Lieux aux noms proches : ")
    close = answer.removeprefix("Lieu inconnu : « Atlantide ». Lieux aux noms proches : ").removesuffix(".")
    assert close and all(name.strip() for name in close.split(", "))
    assert await text(context, chat, "/lieu") == SHOWN_JONQUIERE


async def test_a_place_with_nothing_close_says_what_to_give(context: Context, chat: ChatRef) -> None:
    answer = await text(context, chat, "/lieu zzzzqqqxw")
    assert answer.startswith("Lieu inconnu : « zzzzqqqxw ».")


async def test_an_unknown_place_is_escaped(context: Context, chat: ChatRef) -> None:
    answer = await text(context, chat, "/lieu **Atlantide**")
    assert "**Atlantide**" not in answer


async def test_langue_en_switches_the_chat_to_english(context: Context, chat: ChatRef) -> None:
    assert await text(context, chat, "/langue en") == "Noted: I answer in English here."
    assert (await text(context, chat, "/aide")).startswith(HELP_EN)
    assert (await text(context, chat, "/lieu")).startswith("No default place here.")
    assert (await text(context, chat, "/langue")).startswith("Language of the answers here: **en**.")
    assert await text(context, chat, "/langue FR") == "C'est noté : je réponds ici en français."
    assert (await text(context, chat, "/aide")).startswith(HELP_FR)


@pytest.mark.parametrize("line", ["/langue xx", "/langue", "/langue english"])
async def test_langue_without_a_known_language_shows_the_usage(
    context: Context, chat: ChatRef, line: str
) -> None:
    assert await text(context, chat, line) == (
        "Langue des réponses ici : **fr**. Pour changer : **/langue fr** ou **/langue en**."
    )
    assert (await choices_of(context.sessions, chat.platform, chat.chat_id)).language is None


async def test_place_and_language_are_kept_side_by_side(context: Context, chat: ChatRef) -> None:
    await text(context, chat, "/lieu Jonquière")
    await text(context, chat, "/langue en")
    assert await text(context, chat, "/lieu") == (
        "Default place here: **Jonquière**. To remove it: **/lieu aucun**."
    )
    await text(context, chat, "/lieu aucun")
    assert (await text(context, chat, "/aide")).startswith(HELP_EN)


async def test_choices_outlive_the_context(running: Running, chat: ChatRef) -> None:
    """A restarted bot (a new context on the same database) remembers what each chat chose."""
    await text(running.context, chat, "/lieu Jonquière")
    await text(running.context, chat, "/langue en")
    old = running.context
    restarted = Context(old.sessions, old.search, old.timezone, old.language)
    assert (await text(restarted, chat, "/aide")).startswith(HELP_EN)
    assert "Jonquière" in await text(restarted, chat, "/qui banque alimentaire")
    choices = await choices_of(restarted.sessions, chat.platform, chat.chat_id)
    jonquiere = old.search.gazetteer.resolve("Jonquière")
    assert jonquiere is not None
    assert choices == ChannelChoices(place_id=jonquiere.id, language="en")


def unreachable() -> NoReturn:
    """A session factory whose database is away."""
    raise ConnectionError("base de données injoignable")


async def test_help_still_answers_when_the_database_is_away(
    context: Context, chat: ChatRef, caplog: pytest.LogCaptureFixture
) -> None:
    away = dataclasses.replace(context, sessions=unreachable, choices=ChoiceCache())
    with caplog.at_level(logging.ERROR, logger="handlers.router"):
        assert (await text(away, chat, "/aide")).startswith(HELP_FR)
    assert any(r.exc_info and isinstance(r.exc_info[1], ConnectionError) for r in caplog.records)


async def test_setting_a_place_when_the_database_is_away_is_an_apology(
    context: Context, chat: ChatRef
) -> None:
    away = dataclasses.replace(context, sessions=unreachable)
    assert await text(away, chat, "/lieu Jonquière") == (
        "Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."
    )
