"""``passerelle admin | reseau`` and ``role … --reseau`` on a real SQLite database, with French errors
(exit code 2) for bad input."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from directory.channels import choices_of
from directory.db import create_engine, session_factory
from directory.roles import roles_of
from tests.bot.cli_runner import passerelle


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite database, the command run away from any ``.env`` file."""
    monkeypatch.chdir(tmp_path)
    return f"sqlite:///{tmp_path}/passerelle.db"


def read(url: str, work):
    async def main():
        engine = create_engine(url)
        try:
            return await work(session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_networks_their_admins_and_chats(url: str) -> None:
    created = passerelle(url, "reseau", "add", "rls-jonquiere", "RLS de Jonquière")
    assert created.exit_code == 0 and created.stdout.startswith("Réseau rls-jonquiere créé : RLS de Jonquière.")
    assert passerelle(url, "reseau", "add", "rls-jonquiere", "Autre").exit_code == 1

    first = passerelle(url, "admin", "add", "telegram:111", "--reseau", "rls-jonquiere")
    assert first.stdout == "Rôle admin donné à telegram:111 dans le réseau rls-jonquiere.\n"
    assert read(url, lambda s: roles_of(s, "telegram", "111", "rls-jonquiere")) == {"admin"}
    assert read(url, lambda s: roles_of(s, "telegram", "111", "reseau")) == set()
    assert passerelle(url, "admin", "add", "slack:U0ADMIN").stdout == "Rôle admin donné à slack:U0ADMIN.\n"
    french = passerelle(url, "role", "add", "telegram:222", "coordonnatrice", "--reseau", "rls-jonquiere")
    assert french.stdout == "Rôle coordinator donné à telegram:222 dans le réseau rls-jonquiere.\n"

    admins = passerelle(url, "admin", "list", "--reseau", "rls-jonquiere").stdout.splitlines()
    assert [line.split("\t")[:2] for line in admins] == [["telegram:111", "admin"]]
    everyone = passerelle(url, "role", "list", "--reseau", "rls-jonquiere").stdout.splitlines()
    assert [line.split("\t")[0] for line in everyone] == ["telegram:111", "telegram:222"]
    assert [line.split("\t")[0] for line in passerelle(url, "role", "list").stdout.splitlines()] == ["slack:U0ADMIN"]

    attached = passerelle(url, "reseau", "attach", "telegram:-1001234567890", "rls-jonquiere")
    assert attached.exit_code == 0 and "telegram:-1001234567890 fait maintenant partie du réseau rls-jonquiere" in attached.stdout
    workspace = passerelle(url, "reseau", "attach", "slack:*", "rls-jonquiere")
    assert "Les conversations slack qui n'ont pas choisi de réseau font maintenant partie" in workspace.stdout
    assert read(url, lambda s: choices_of(s, "slack", "*")).network_id == "rls-jonquiere"

    renamed = passerelle(url, "reseau", "rename", "rls-jonquiere", "RLS Jonquière")
    assert renamed.stdout == "Réseau rls-jonquiere renommé : RLS Jonquière.\n"
    listed = passerelle(url, "reseau", "list").stdout.splitlines()
    assert listed[0].split("\t") == ["reseau", "Réseau", "administrateurs : slack:U0ADMIN", "conversations : les autres"]
    assert listed[1].split("\t") == ["rls-jonquiere", "RLS Jonquière", "administrateurs : telegram:111",
                                     "conversations : slack:*, telegram:-1001234567890"]

    detached = passerelle(url, "reseau", "detach", "telegram:-1001234567890")
    assert detached.stdout == "telegram:-1001234567890 n'est plus rattaché au réseau rls-jonquiere.\n"
    assert read(url, lambda s: choices_of(s, "telegram", "-1001234567890")).network_id is None
    again = passerelle(url, "reseau", "detach", "telegram:-1001234567890")
    assert again.exit_code == 1 and "n'est rattaché à aucun réseau" in again.stderr

    removed = passerelle(url, "admin", "remove", "telegram:111", "--reseau", "rls-jonquiere")
    assert removed.stdout == "Rôle admin retiré à telegram:111 dans le réseau rls-jonquiere.\n"
    empty = passerelle(url, "role", "list", "--reseau", "rls-jonquiere")
    assert empty.stdout.startswith("telegram:222\tcoordinator")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("reseau", "add", "RLS Jonquière", "Nom"), "Identifiant de réseau invalide : « RLS Jonquière »"),
        (("reseau", "add", "rls", "  "), "Donnez un nom au réseau"),
        (("reseau", "rename", "inconnu", "Nom"), "Réseau inconnu : « inconnu ». Réseaux : reseau."),
        (("reseau", "rename", "reseau", ""), "Donnez le nouveau nom"),
        (("reseau", "attach", "telegram:groupe", "reseau"), "Conversation invalide dans « telegram:groupe »"),
        (("reseau", "attach", "discord:1", "reseau"), "Plateforme inconnue dans « discord:1 »"),
        (("reseau", "attach", "slack:C0123", "inconnu"), "Réseau inconnu : « inconnu »"),
        (("reseau", "detach", "slack:#general"), "Conversation invalide dans « slack:#general »"),
        (("admin", "add", "telegram:1", "--reseau", "inconnu"), "Réseau inconnu : « inconnu »"),
        (("admin", "add", "telegram:x"), "Identifiant invalide dans « telegram:x »"),
        (("role", "list", "--reseau", "inconnu"), "passerelle reseau add inconnu"),
        (("role", "add", "telegram:1", "chef", "--reseau", "reseau"), "Rôle inconnu : « chef »"),
    ],
)
def test_bad_input_exits_2_with_a_french_message(url: str, args: tuple[str, ...], message: str) -> None:
    result = passerelle(url, *args)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
