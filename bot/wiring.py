"""The composition root: database, migrations, sample directory, search and context."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

import migrations
from bot.delivery import Keep
from bot.scheduling import Producer
from bot.sending import to_keep
from bot.settings import Settings
from directory.db import create_engine, session_factory
from directory.places import Gazetteer
from directory.sample import is_empty, load_sample
from directory.search import Search
from directory.synonyms import Thesaurus, added_clusters
from handlers.announcements import enqueue_due_announcements
from handlers.context import Context
from handlers.digest import enqueue_weekly_digests
from handlers.directory_sync import log_position
from handlers.followup_due import enqueue_due_followups
from handlers.freshness_digest import enqueue_freshness_digests
from handlers.reachability import flush_private_chats

# what the sweep turns into outbox messages each second, after the reminders of events
PRODUCERS: tuple[Producer, ...] = (
    enqueue_due_announcements, enqueue_due_followups, enqueue_weekly_digests, enqueue_freshness_digests,
)


log = logging.getLogger(__name__)


@dataclass(slots=True)
class Running:
    """A built bot: its context and the engine to dispose of when done."""

    context: Context
    engine: AsyncEngine

    @property
    def keep(self) -> Keep:
        """Where platforms keep the messages they could not deliver: the outbox, for a later try."""
        return to_keep(self.context.sessions, self.context.clock)

    @property
    def producers(self) -> tuple[Producer, ...]:
        """The due producers the sweep runs after the reminders: announcements, decision follow-ups, weekly
        digests, monthly freshness digests."""
        return PRODUCERS

    async def close(self) -> None:
        """Write the people who just wrote first, then release the database connections."""
        try:
            await flush_private_chats(self.context)
        except Exception:  # the database is away: they will be noted again at their next message
            log.exception("could not record the private chats noted last")
        await self.engine.dispose()


async def build(settings: Settings, *, say: Callable[[str], None] = print, sample_if_empty: bool = True) -> Running:
    """Migrate the database, load the sample directory into an empty one, and build the search."""
    await asyncio.to_thread(migrations.upgrade, settings.database_url)
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    if sample_if_empty and await is_empty(sessions):
        report = await load_sample(sessions)
        say(
            f"Annuaire vide : l'annuaire d'exemple de Commun'Enfant Jonquière a été chargé "
            f"({report.created.get('organization', 0)} organismes, {report.created.get('service', 0)} services; "
            "coordonnées fictives)."
        )
    gazetteer, thesaurus = Gazetteer.load(), Thesaurus.load(added=await added_clusters(sessions))
    position = await log_position(sessions)  # changes after it, by other processes, are followed
    search = await Search.from_database(sessions, gazetteer, thesaurus)
    context = Context(sessions, search, ZoneInfo(settings.timezone), settings.language,
                      freshness_months=settings.freshness_months)
    context.follower.seen = context.follower.floor = position
    return Running(context, engine)
