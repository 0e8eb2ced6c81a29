"""``/synonyme``: admins add the network's words for a need, searches use them at once and after a
restart, bad input is explained, members are refused."""

from __future__ import annotations

from bot.settings import Settings
from bot.wiring import build
from handlers.context import Context
from tests.handlers.audit_chat import CONSOLE, MEMBER_TELEGRAM
from tests.handlers.editing_chat import say

QUESTION = "/qui grelot"  # a word no service uses


async def titles(context: Context, line: str) -> list[str]:
    (reply,) = await say(context, CONSOLE, line)
    return [card.title for card in reply.cards]


async def test_an_added_synonym_finds_services_at_once_and_after_a_restart(editor: Context, tmp_path) -> None:
    assert await titles(editor, QUESTION) == []
    (added,) = await say(editor, CONSOLE, "/synonyme ajouter grelot = halte-répit")
    assert "C'est ajouté" in added.text and "« halte-répit »" in added.text
    assert "Halte-répit" in await titles(editor, QUESTION)
    (listing,) = await say(editor, CONSOLE, "/synonyme")
    assert "1. grelot = halte-répit" in listing.text
    (history,) = await say(editor, CONSOLE, "/synonyme acronyme APP = Aide-Parents Plus")
    assert "C'est ajouté" in history.text

    restarted = await build(Settings(database_url=f"sqlite:///{tmp_path}/passerelle.db", language="fr",
                                     timezone="America/Toronto"), say=lambda _m: None)
    try:
        assert "Halte-répit" in await titles(restarted.context, QUESTION)
    finally:
        await restarted.close()

    (removed,) = await say(editor, CONSOLE, "/synonyme retirer GRELOT")  # by one of its terms
    assert "C'est retiré : grelot = halte-répit" in removed.text
    assert await titles(editor, QUESTION) == []


async def test_bad_input_is_explained_and_members_are_refused(editor: Context) -> None:
    for line, expected in (
        ("/synonyme ajouter grelot", "au moins deux termes"),
        ("/synonyme ajouter le = la", "aucun mot qui compte"),
        ("/synonyme ajouter Aide = aide", "reviennent au même"),
        ("/synonyme retirer 4", "rien à retirer"),
        ("/synonyme cuire", "Pour ajouter"),
    ):
        (reply,) = await say(editor, CONSOLE, line)
        assert expected in reply.text, line
    (refused,) = await say(editor, MEMBER_TELEGRAM, "/synonyme ajouter grelot = halte-répit")
    assert "Seuls les **administrateurs**" in refused.text
    (listing,) = await say(editor, MEMBER_TELEGRAM, "/synonyme")
    assert "Aucun synonyme ajouté" in listing.text
