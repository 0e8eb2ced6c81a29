"""Everything a conversation needs, built once by ``bot`` and passed down explicitly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.roles import people_networks
from directory.search import Search
from handlers.choices import ChoiceCache
from handlers.follower import Follower
from handlers.names import NameCache
from handlers.questions import QuestionStore
from handlers.records import RecordCache
from handlers.snapshot import Snapshot


def system_clock() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass(slots=True)
class Context:
    """The services of one running bot: database, search, zone, language and clock,
    with the questions behind recent buttons, the indexed organization names, recent records and chat choices."""

    sessions: async_sessionmaker[AsyncSession]
    search: Search
    timezone: ZoneInfo
    language: str = "fr"
    clock: Callable[[], dt.datetime] = system_clock
    questions: QuestionStore = field(default_factory=QuestionStore)
    names: NameCache = field(default_factory=NameCache)
    records: RecordCache = field(default_factory=RecordCache)
    choices: ChoiceCache = field(default_factory=ChoiceCache)
    # per platform, a link that opens a private conversation with the bot, "{payload}" passed to /start
    # (Telegram: "https://t.me/<bot>?start={payload}"); set by the adapters once they know the bot
    start_links: dict[str, str] = field(default_factory=dict)
    # (platform, user id) of the people known to write to the bot privately (``handlers.reachability``)
    private_chats: set[tuple[str, str]] = field(default_factory=set)
    # those of them not written to the database yet (the sweep writes them), with when each was noted
    pending_private_chats: dict[tuple[str, str], dt.datetime] = field(default_factory=dict)
    # a guided conversation is forgotten after this long without an answer
    conversation_ttl: dt.timedelta = dt.timedelta(minutes=15)
    # the ISO week ("2026-W48") whose weekly digests this process has written (``handlers.digest``)
    digest_week: str | None = None
    # a service not verified for this many months is flagged "à vérifier" (PASSERELLE_FRESHNESS_MONTHS)
    freshness_months: int = 12
    # the month ("2026-03") whose freshness digests this process has written (``handlers.freshness_digest``)
    freshness_month: str | None = None
    # the indexed service names, for commands that name a service (``handlers.service_names``)
    service_names: NameCache = field(default_factory=NameCache)
    # where this process is in the directory's change log (``handlers.directory_sync``)
    follower: Follower = field(default_factory=Follower)
    # the networks where each person holds a role, kept in memory (``handlers.channels.with_choices``)
    role_networks: Snapshot[tuple[str, str], frozenset[str]] = field(
        default_factory=lambda: Snapshot(people_networks)
    )
