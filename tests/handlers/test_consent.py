"""No personal contact detail is shown without its owner's consent: a person with a private email and
phone, who represents an organization and coordinates a table, is looked at through every command
that can show people; neither detail ever appears in a reply."""

from __future__ import annotations

import pytest
import pytest_asyncio

from handlers.context import Context
from handlers.messages import Reply
from handlers.router import COMMANDS, dispatch
from tests.handlers.person_rows import EMAIL_VALUE, NOW, PHONE_VALUE, REF, USER_ID, clean, said, seed

APOLOGY = "Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."
LOOKS = (
    "/profil", f"/profil {REF}", "/table", "/table Table Zed", "/suivi", "/suivi Table Zed", "/suivi Table Zed csv",
    "/reseau", "/reseau communautaire", "/kit", "/start", "/org Maison Zed", "/evenements", "/ordre_du_jour Table Zed",
)
VIEWERS = (
    {"platform": "console", "user_id": "local"},  # every right
    {"platform": "telegram", "user_id": "4501"},  # a member, privately
    {"platform": "telegram", "user_id": "4501", "private": False, "people": (USER_ID,)},  # in a group, designating
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded(context: Context) -> Context:
    await clean(context.sessions)
    await seed(context.sessions)
    context.clock = lambda: NOW
    return context


def _shown(reply: Reply) -> str:
    return repr(reply) + "".join(a.content.decode("utf-8", "replace") for a in reply.attachments)


@pytest.mark.parametrize("viewer", VIEWERS, ids=("console", "member", "group"))
@pytest.mark.parametrize("line", LOOKS)
async def test_private_details_never_appear(seeded: Context, line: str, viewer: dict[str, object]) -> None:
    if line.split()[0].removeprefix("/") not in COMMANDS:
        pytest.skip(f"{line.split()[0]} is not a command here")
    replies = await dispatch(said(line, **viewer), seeded)  # type: ignore[arg-type]
    for reply in replies:
        assert reply.text != APOLOGY
        assert EMAIL_VALUE not in _shown(reply) and PHONE_VALUE not in _shown(reply), line
