"""The console chat and the ``passerelle run`` / ``passerelle ask`` commands, end to end on SQLite."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sqlalchemy
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.console import ConsoleChat
from directory.db import to_sync_url
from directory.schema import metadata
from handlers import router
from handlers.context import Context
from handlers.messages import Button, Incoming, Reply

module_loop = pytest.mark.asyncio(loop_scope="module")

GREETING = "Passerelle — décrivez un besoin (ex. « banque alimentaire Jonquière »), /aide, /quitter."
ANNOUNCEMENT = "Annuaire vide : l'annuaire d'exemple de Commun'Enfant Jonquière a été chargé ("
UUID = {"type": "string", "format": "uuid"}
ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["query", "results", "places", "abstained"],
    "properties": {
        "query": {"type": "string", "minLength": 1},
        "results": {"type": "array", "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["service_id", "service", "organization_id", "organization", "score", "why"],
            "properties": {
                "service_id": UUID,
                "service": {"type": "string", "minLength": 1},
                "organization_id": {"oneOf": [UUID, {"type": "null"}]},
                "organization": {"type": ["string", "null"]},
                "score": {"type": "number", "exclusiveMinimum": 0},
                "why": {"type": "array", "items": {"type": "string", "minLength": 1}},
            },
        }},
        "places": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "abstained": {"type": "boolean"},
    },
}




def reader(lines: list[str]) -> tuple[Callable[[], Awaitable[str | None]], Iterator[str]]:
    """An async line reader over ``lines`` (``None`` at the end), and the iterator of lines left."""
    left = iter(lines)

    async def read() -> str | None:
        return next(left, None)

    return read, left


@module_loop
async def test_typing_a_question_then_a_number_presses_the_button(context: Context) -> None:
    chat = ConsoleChat(context)
    first = await chat.handle("garderie a jonquiere")
    assert first.startswith("Résultats 1 à 3 sur ")
    assert "\n▸ " in first and "  [exemple]" in first and "  Téléphone : " in first
    assert first.endswith("[1] Plus de résultats")
    assert [button.data for button in chat.buttons] == ["qui:3:garderie a jonquiere"]
    second = await chat.handle(" 1 ")
    assert second.startswith("Résultats 4 à 6 sur ")
    assert second.count("\n▸ ") == 3


@module_loop
async def test_a_number_beyond_the_choices_says_which_ones_there_are(context: Context) -> None:
    chat = ConsoleChat(context)
    await chat.handle("garderie a jonquiere")
    assert await chat.handle("4") == "Choisissez un numéro entre 1 et 1."
    assert [button.data for button in chat.buttons] == ["qui:3:garderie a jonquiere"]  # still there


@module_loop
async def test_the_person_at_the_keyboard_is_named_in_the_answers(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Incoming] = []

    async def remember(incoming: Incoming, _context: Context) -> list[Reply]:
        seen.append(incoming)
        return [Reply("vu")]

    monkeypatch.setitem(router.COMMANDS, "essai", remember)
    await ConsoleChat(context, user_name="Marie").handle("/essai")
    assert seen[0].user_name == "Marie"


@module_loop
async def test_a_number_without_buttons_is_a_question(context: Context) -> None:
    chat = ConsoleChat(context)
    assert (await chat.handle("/aide")).startswith("Passerelle trouve qui appeler dans le réseau")
    assert chat.buttons == []
    assert "« 1 »" in await chat.handle("1")
    assert await chat.handle("   ") == ""


@module_loop
async def test_notices_and_questions_are_plain_replies(context: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    async def announce(_incoming: Incoming, _context: Context) -> list[Reply]:
        return [Reply("Le **5 à 7**", buttons=(Button("J'y serai", "essai:oui"),))]

    async def note(_incoming: Incoming, _context: Context) -> list[Reply]:
        return [Reply("Réponse **notée**.", notice=True), Reply("Quel est votre nom ?", asks=True)]

    monkeypatch.setitem(router.COMMANDS, "essai", announce)
    monkeypatch.setitem(router.BUTTONS, "essai:", note)
    chat = ConsoleChat(context)
    assert await chat.handle("/essai") == "Le 5 à 7\n\n[1] J'y serai"
    assert await chat.handle("1") == "Réponse notée.\n\nQuel est votre nom ?"


@module_loop
async def test_run_answers_until_quitter(context: Context) -> None:
    read, left = reader(["garderie a jonquiere", "", "1", "  /Quitter ", "/aide"])
    written: list[str] = []
    await ConsoleChat(context).run(read, written.append)
    assert len(written) == 3
    assert written[0] == GREETING
    assert written[1].startswith("Résultats 1 à 3 sur ") and written[2].startswith("Résultats 4 à ")
    assert list(left) == ["/aide"]


@module_loop
@pytest.mark.parametrize("word", ["/quit", "/exit"])
async def test_run_stops_at_other_quit_words_and_at_end_of_input(context: Context, word: str) -> None:
    read, left = reader([word, "garderie"])
    written: list[str] = []
    await ConsoleChat(context).run(read, written.append)
    assert written == [GREETING] and list(left) == ["garderie"]
    read, _ = reader(["/aide"])
    written.clear()
    await ConsoleChat(context).run(read, written.append)
    assert written[0] == GREETING and written[1].startswith("Passerelle trouve qui appeler")


@module_loop
async def test_english_console(context: Context) -> None:
    read, _ = reader(["/org transit", "/quit"])
    written: list[str] = []
    await ConsoleChat(dataclasses.replace(context, language="en")).run(read, written.append)
    assert written[0] == 'Passerelle — describe a need (e.g. "food bank Jonquière"), /help, /quit.'
    assert written[1].startswith("▸ Centre d'intervention familiale Le Transit — Le Transit  [sample]")
    assert "\n  Phone: " in written[1] and "\n  Website: https://" in written[1]
    assert not re.search(r"\n  (Phone|Address|Email|Website) :", written[1])


def passerelle_command() -> list[str]:
    """The installed ``passerelle`` script of this virtualenv, or the same app run by this interpreter."""
    script = Path(sys.executable).with_name("passerelle")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from bot.cli import app; app()"]


def environment(database_url: str) -> dict[str, str]:
    """This process's environment with only our database settings for Passerelle."""
    kept = {name: value for name, value in os.environ.items() if not name.startswith("PASSERELLE_")}
    return kept | {
        "PASSERELLE_DATABASE_URL": database_url, "PASSERELLE_LANGUAGE": "fr", "PYTHONIOENCODING": "utf-8",
    }


def run_passerelle(
    tmp_path: Path, database_url: str, *args: str, stdin: str
) -> subprocess.CompletedProcess[str]:
    """Run ``passerelle ARGS`` in ``tmp_path`` with ``stdin`` piped in."""
    return subprocess.run(
        [*passerelle_command(), *args], check=False, input=stdin, capture_output=True, text=True,
        encoding="utf-8", cwd=tmp_path, env=environment(database_url), timeout=120,
    )


def test_passerelle_run_loads_the_sample_then_answers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/passerelle.db"
    first = run_passerelle(tmp_path, url, "run", stdin="banque alimentaire jonquiere\n/quitter\n/aide\n")
    assert first.returncode == 0, first.stderr
    assert first.stderr.startswith(ANNOUNCEMENT) and "coordonnées fictives" in first.stderr
    out = first.stdout
    assert out.startswith(GREETING + "\n")
    assert "Résultats 1 à " in out and "pour « banque alimentaire jonquiere » à Jonquière :" in out
    assert "alimentaire" in out.split("▸ ", 1)[1] and "[exemple]" in out and "Téléphone : " in out
    assert "Passerelle trouve qui appeler" not in out
    again = run_passerelle(tmp_path, url, "run", stdin="/aide\n")
    assert again.returncode == 0, again.stderr
    assert ANNOUNCEMENT not in again.stderr
    assert again.stdout.startswith(GREETING + "\n") and "Passerelle trouve qui appeler" in again.stdout


@pytest.fixture(scope="module")
def ask_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of an SQLite file shared by the ``ask`` tests (the first one loads the sample)."""
    return f"sqlite:///{tmp_path_factory.mktemp('ask')}/passerelle.db"


@pytest.fixture
def ask(ask_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """``passerelle ask ARGS`` run in this process, with optional standard input."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    env = {
        "PASSERELLE_DATABASE_URL": ask_database, "PASSERELLE_LANGUAGE": "fr",
        "PASSERELLE_TIMEZONE": "America/Toronto",
    }

    def invoke(*args: str, stdin: str | None = None) -> Result:
        result = runner.invoke(app, ["ask", *args], input=stdin, env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result

    return invoke


def answers(result: Result) -> list[dict[str, Any]]:
    """The JSON objects printed by ``ask --json``, one a line, each checked against the schema."""
    assert result.exit_code == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    for answer in objects:
        jsonschema.validate(answer, ANSWER_SCHEMA, format_checker=jsonschema.FormatChecker())
    return objects


def stored_ids(database_url: str, table: str, ids: set[str]) -> set[str]:
    """Which of ``ids`` are rows of ``table``."""
    engine = sqlalchemy.create_engine(to_sync_url(database_url))
    column = metadata.tables[table].c.id
    try:
        with engine.connect() as connection:
            wanted = [uuid.UUID(i) for i in ids]
            found = connection.scalars(sqlalchemy.select(column).where(column.in_(wanted)))
            return {str(value) for value in found}
    finally:
        engine.dispose()


def test_ask_json_answers_with_hsds_ids(ask: Callable[..., Result], ask_database: str) -> None:
    (answer,) = answers(ask("--json", "banque alimentaire jonquiere"))
    assert answer["query"] == "banque alimentaire jonquiere"
    assert answer["places"] == ["Jonquière"] and answer["abstained"] is False
    results = answer["results"]
    assert 1 <= len(results) <= 5
    assert any("alimentaire" in r["service"].lower() for r in results)
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert all(r["why"] for r in results)
    services = {r["service_id"] for r in results}
    organizations = {r["organization_id"] for r in results}
    assert all(str(uuid.UUID(i)) == i for i in services | organizations)
    assert stored_ids(ask_database, "service", services) == services
    assert stored_ids(ask_database, "organization", organizations) == organizations


def test_ask_json_abstains_honestly(ask: Callable[..., Result]) -> None:
    (answer,) = answers(ask("--json", "zorglubix"))
    assert answer == {"query": "zorglubix", "results": [], "places": [], "abstained": True}


def test_ask_reads_one_question_a_line_from_stdin(ask: Callable[..., Result]) -> None:
    result = ask("--json", stdin="banque alimentaire jonquiere\n\n   \nzorglubix\ngarderie\n")
    objects = answers(result)
    assert [a["query"] for a in objects] == ["banque alimentaire jonquiere", "zorglubix", "garderie"]
    assert [a["abstained"] for a in objects] == [False, True, False]
    assert answers(ask("--json", stdin="")) == []


def test_ask_limit(ask: Callable[..., Result]) -> None:
    (everything,) = answers(ask("--json", "--limit", "50", "garderie"))
    (two,) = answers(ask("--json", "--limit", "2", "garderie"))
    assert len(everything["results"]) > 2
    assert two["results"] == everything["results"][:2]
    (default,) = answers(ask("--json", "garderie"))
    assert default["results"] == everything["results"][:5]
    for bad in ("0", "51", "deux"):
        refused = ask("--json", "--limit", bad, "garderie")
        assert refused.exit_code == 2 and refused.stdout == ""


def test_ask_place_replaces_the_place_of_the_question(ask: Callable[..., Result]) -> None:
    (anywhere,) = answers(ask("--json", "dépannage alimentaire"))
    assert anywhere["places"] == []
    (there,) = answers(ask("--json", "--place", "Saint-Ambroise", "dépannage alimentaire"))
    assert there["places"] == ["Saint-Ambroise"] and there["results"]
    assert all("Saint-Ambroise" in " ".join(r["why"]) for r in there["results"])
    (instead,) = answers(ask("--json", "--place", "saint ambroise", "banque alimentaire jonquiere"))
    assert instead["places"] == ["Saint-Ambroise"]


def test_ask_prints_answers_as_people_read_them(ask: Callable[..., Result]) -> None:
    result = ask("banque alimentaire jonquiere")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Résultats 1 à ")
    assert lines[0].endswith(" pour « banque alimentaire jonquiere » à Jonquière :")
    cards = result.stdout.split("\n▸ ")[1:]
    assert 1 <= len(cards) <= 5
    for card in cards:
        assert "  [exemple]" in card.splitlines()[0]
        assert "\n  Pourquoi : " in card and "\n  Téléphone : " in card and "\n  Comment référer : " in card
    nothing = ask("zorglubix")
    assert nothing.stdout.startswith("Je n'ai rien trouvé de sûr pour « zorglubix ».\nEssayez le 211 ")
    placed = ask("--limit", "1", "--place", "Saint-Ambroise", "dépannage alimentaire")
    expected = r"Résultats 1 à 1 sur \d+ pour « dépannage alimentaire » à Saint-Ambroise :"
    assert re.fullmatch(expected, placed.stdout.splitlines()[0])


def test_ask_prints_no_buttons_it_cannot_press(ask: Callable[..., Result]) -> None:
    more = ask("--limit", "2", "garderie")
    total = re.match(r"Résultats 1 à 2 sur (\d+) ", more.stdout)
    assert total and int(total[1]) > 2, "precondition: there is a next page"
    nothing = ask("zorglubix")
    assert "Catégories proches : " in nothing.stdout
    for result in (more, nothing):
        assert result.exit_code == 0, result.stderr
        assert "[1]" not in result.stdout and "Plus de résultats" not in result.stdout


@pytest.mark.parametrize(("place", "suggested"), [("Atlantide", "Laurentides"), ("Jonkière", "Jonquière")])
@pytest.mark.parametrize("as_json", [False, True])
def test_ask_refuses_an_unknown_place_and_names_close_ones(
    ask: Callable[..., Result], place: str, suggested: str, as_json: bool
) -> None:
    result = ask(*(["--json"] if as_json else []), "--place", place, "garderie")
    assert result.exit_code == 2 and result.stdout == ""
    first, _, names = result.stderr.strip().partition(". Lieux aux noms proches : ")
    assert first == f"Lieu inconnu : « {place} »"
    assert suggested in names.removesuffix(".").split(", ")


def test_ask_refuses_a_place_like_none_other(ask: Callable[..., Result]) -> None:
    result = ask("--place", "Zqxwvb", "garderie")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "Lieu inconnu : « Zqxwvb ». Donnez une municipalité, un arrondissement, une MRC "
        "ou une région du Québec.\n"
    )


def test_ask_accepts_a_place_with_a_typo_the_gazetteer_forgives(ask: Callable[..., Result]) -> None:
    (answer,) = answers(ask("--json", "--place", "Saint-Ambrose", "dépannage alimentaire"))
    assert answer["places"] == ["Saint-Ambroise"]


def test_ask_in_english_writes_english(
    ask_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"PASSERELLE_DATABASE_URL": ask_database, "PASSERELLE_LANGUAGE": "en"}
    result = CliRunner().invoke(app, ["ask", "banque alimentaire jonquiere"], env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Results 1 to ")
    assert "\n  Phone: " in result.stdout and "\n  Why: " in result.stdout and "\n  Hours: " in result.stdout
    assert not re.search(r"\n  (Phone|How to refer|Hours|Area served|Address|Email|Why) :", result.stdout)
    unknown = CliRunner().invoke(app, ["ask", "--place", "Atlantide", "garderie"], env=env)
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith('Unknown place: "Atlantide". Places with close names: ')


def test_invalid_configuration_is_reported_in_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"PASSERELLE_DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "PASSERELLE_TIMEZONE": "Mars/Olympus"}
    result = CliRunner().invoke(app, ["ask", "--json", "garderie"], env=env)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Configuration invalide : PASSERELLE_TIMEZONE : ")
    assert "fuseau horaire inconnu : 'Mars/Olympus'" in result.stderr
    assert not (tmp_path / "x.db").exists()
