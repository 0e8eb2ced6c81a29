"""Chat choices kept in memory for a short while, then read again from the database."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from directory.channels import ChannelChoices, choose
from handlers.choices import ChoiceCache
from handlers.snapshot import TTL
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


async def test_chats_asking_together_share_one_read(context: Context) -> None:
    cache = ChoiceCache()
    await choose(context.sessions, "slack", "C0SHARED", T0, place_id="jonquiere")
    first, second = await asyncio.gather(
        cache.choices(context.sessions, "slack", "C0SHARED", T0), cache.choices(context.sessions, "slack", "C0NONE", T0)
    )
    assert first == ChannelChoices(place_id="jonquiere")
    assert second == ChannelChoices()


async def test_a_failed_read_is_tried_again_on_the_next_message(context: Context) -> None:
    cache = ChoiceCache()
    broken = async_sessionmaker(create_async_engine("sqlite+aiosqlite:///:memory:"))  # no tables
    with pytest.raises(OperationalError):
        await cache.choices(broken, "slack", "C0X", T0)
    assert await cache.choices(context.sessions, "slack", "C0X", T0) == ChannelChoices()
