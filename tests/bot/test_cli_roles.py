"""``passerelle role add | remove | list`` on a real SQLite database, with French errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.cli_runner import passerelle


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite database, the command run away from any ``.env`` file."""
    monkeypatch.chdir(tmp_path)
    return f"sqlite:///{tmp_path}/passerelle.db"


def test_add_list_remove(url: str) -> None:
    added = passerelle(url, "role", "add", "telegram:123456", "coordinator")
    assert added.exit_code == 0 and added.stdout == "Rôle coordinator donné à telegram:123456.\n"
    again = passerelle(url, "role", "add", "telegram:123456", "coordinator")
    assert again.exit_code == 0 and "a déjà le rôle coordinator" in again.stdout
    assert passerelle(url, "role", "add", "Slack:u0123abc", "ADMIN").exit_code == 0

    listed = passerelle(url, "role", "list").stdout.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [["slack:U0123ABC", "admin"], ["telegram:123456", "coordinator"]]
    assert "donné par cli le " in listed[0]
    only = passerelle(url, "role", "list", "admin").stdout.splitlines()
    assert [line.split("\t")[0] for line in only] == ["slack:U0123ABC"]

    removed = passerelle(url, "role", "remove", "telegram:123456", "coordinator")
    assert removed.exit_code == 0 and removed.stdout == "Rôle coordinator retiré à telegram:123456.\n"
    missing = passerelle(url, "role", "remove", "telegram:123456", "coordinator")
    assert missing.exit_code == 1 and "n'a pas le rôle coordinator : rien à retirer" in missing.stderr
    assert passerelle(url, "role", "list", "coordinator").stdout == "Personne n'a ce rôle.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "123456", "coordinator"), "Plateforme inconnue dans « 123456 »"),
        (("add", "discord:1", "admin"), "Plateforme inconnue dans « discord:1 »"),
        (("add", "telegram:abc", "admin"), "Identifiant invalide dans « telegram:abc »"),
        (("add", "slack:", "admin"), "Identifiant invalide dans « slack: » : écrivez par exemple slack:U0123ABC"),
        (("add", "telegram:1", "membre"), "Rôle inconnu : « membre ». Rôles possibles : admin, coordinator."),
        (("remove", "telegram:1", "chef"), "Rôle inconnu : « chef »."),
        (("list", "chef"), "Rôle inconnu : « chef »."),
    ],
)
def test_bad_input_exits_2_with_a_french_message(url: str, args: tuple[str, ...], message: str) -> None:
    result = passerelle(url, "role", *args)
    assert result.exit_code == 2
    assert message in result.stderr
