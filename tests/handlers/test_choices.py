"""Chat choices kept in memory for a short while, then read again from the database."""

from __future__ import annotations

import dataclasses
import datetime as dt

from directory.channels import ChannelChoices, choose
from handlers.choices import TTL, ChoiceCache
from handlers.context import Context
from handlers.messages import ChatRef, Incoming
from handlers.router import dispatch

T0 = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)


async def test_choices_are_kept_until_they_age_out(context: Context) -> None:
    cache = ChoiceCache()
    sessions = context.sessions
    assert await cache.choices(sessions, "slack", "C0CACHE", T0) == ChannelChoices()
    await choose(sessions, "slack", "C0CACHE", T0, language="en")  # another process's change
    assert await cache.choices(sessions, "slack", "C0CACHE", T0 + TTL / 2) == ChannelChoices()
    assert await cache.choices(sessions, "slack", "C0CACHE", T0 + TTL) == ChannelChoices(language="en")


async def test_a_change_made_here_shows_at_once(context: Context) -> None:
    here = dataclasses.replace(context, choices=ChoiceCache(), clock=lambda: T0)
    cache = here.choices
    assert await cache.choices(here.sessions, "telegram", "-42", T0) == ChannelChoices()
    await dispatch(Incoming(ChatRef("telegram", "-42"), "7", "/langue en", "langue", "en", private=False), here)
    assert await cache.choices(here.sessions, "telegram", "-42", T0) == ChannelChoices(language="en")


async def test_the_least_recently_used_chat_is_forgotten_first(context: Context) -> None:
    cache = ChoiceCache(capacity=2)
    for chat in ("a", "b", "c"):
        cache.keep("slack", chat, ChannelChoices(language="fr"), T0)
    await choose(context.sessions, "slack", "a", T0, language="en")
    assert await cache.choices(context.sessions, "slack", "a", T0) == ChannelChoices(language="en")
