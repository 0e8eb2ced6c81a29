"""Who may organize: members refused with a message saying how to get the role, coordinators,
admins and the console accepted, a change of role showing at once."""

from __future__ import annotations

import datetime as dt

import pytest

from directory.roles import ADMIN, COORDINATOR, grant, revoke
from handlers.context import Context
from handlers.messages import ChatRef, Incoming
from handlers.permissions import may_organize, refusal
from handlers.texts import texts_for

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def incoming(platform: str, user_id: str) -> Incoming:
    return Incoming(ChatRef(platform, "-100200"), user_id, "/annonce", "annonce", private=False)  # type: ignore[arg-type]


@pytest.mark.asyncio(loop_scope="module")
async def test_member_refused_until_granted(context: Context) -> None:
    member = incoming("telegram", "5550001")
    assert not await may_organize(context, member)
    await grant(context.sessions, "telegram", "5550001", COORDINATOR, granted_by="cli", now=NOW)
    assert await may_organize(context, member)
    assert not await may_organize(context, incoming("slack", "5550001"))  # another platform's person
    await revoke(context.sessions, "telegram", "5550001", COORDINATOR)
    assert not await may_organize(context, member)


@pytest.mark.asyncio(loop_scope="module")
async def test_admin_and_console_accepted(context: Context) -> None:
    await grant(context.sessions, "slack", "U0ADMIN", ADMIN, granted_by="cli", now=NOW)
    assert await may_organize(context, incoming("slack", "U0ADMIN"))
    assert await may_organize(context, incoming("console", "local"))


def test_refusal_says_who_may_and_how_to_get_the_role() -> None:
    reply = refusal(texts_for("fr"), incoming("telegram", "5550001"))
    assert "**coordonnateurs**" in reply.text and "**administrateurs**" in reply.text
    assert "**passerelle role add telegram:5550001 coordinator**" in reply.text
    english = refusal(texts_for("en"), incoming("slack", "U0123")).text
    assert "passerelle role add slack:U0123 coordinator" in english and "coordinators" in english
    assert "<plateforme>:<identifiant>" in refusal(texts_for("fr")).text
