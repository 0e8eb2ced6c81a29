"""``/suivi [table] [csv]`` — what has reached which team: per decision of a table, the organizations
that relayed it, those pending, those late and those not concerned; as a CSV file with ``csv``
(or ``--csv``, or the button "Exporter en CSV").

Without a table, the tables the person coordinates or represents an organization at (every table
for admins). Only the people at a table (and admins) see its follow-up.
"""

from __future__ import annotations

import datetime as dt
import uuid

from directory.concertation import ConcertationTable
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import is_admin
from handlers.suivi_access import may_see, see_refusal
from handlers.suivi_export import to_csv
from handlers.suivi_views import EXPORT_PREFIX, to_follow_up
from handlers.table_access import one_table
from handlers.texts import Texts, texts_for
from scheduler.followup_status import all_tables, decision_statuses, tables_of_person

CSV_WORDS = frozenset({"csv", "--csv", "-csv", "—csv", "–csv"})  # phones turn "--" into a dash


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/suivi``: the follow-up of one table, of the person's tables, or a table's CSV export."""
    t = texts_for(incoming.locale)
    words = incoming.args.split()
    as_csv = bool(words) and words[-1].lower() in CSV_WORDS
    name = " ".join(words[:-1] if as_csv else words)
    if not name:
        if as_csv:
            return [Reply(t("Nommez la table à exporter, par exemple : /suivi Table petite enfance csv"))]
        return await _own_tables(incoming, context, t)
    async with context.sessions() as session:
        found = await one_table(session, name, t)
    if isinstance(found, Reply):
        return [found]
    if not await may_see(context, incoming, found):
        return [see_refusal(t, found)]
    return [await (_export(context, found, t) if as_csv else _view(context, found, t))]


async def export(incoming: Incoming, context: Context) -> list[Reply]:
    """The button "Exporter en CSV" under a follow-up."""
    t = texts_for(incoming.locale)
    try:
        table_id = uuid.UUID(hex=(incoming.button_data or "").removeprefix(EXPORT_PREFIX))
    except ValueError:
        return [Reply(t("Ce bouton n'est plus actif."), notice=True)]
    async with context.sessions() as session:
        table = await session.get(ConcertationTable, table_id)
    if table is None:
        return [Reply(t("Cette table n'existe plus."), notice=True)]
    if not await may_see(context, incoming, table):
        return [see_refusal(t, table)]
    return [await _export(context, table, t)]


def _today(context: Context) -> dt.date:
    return context.clock().astimezone(context.timezone).date()


async def _view(context: Context, table: ConcertationTable, t: Texts) -> Reply:
    today = _today(context)
    async with context.sessions() as session:
        decisions = await decision_statuses(session, table.id, today)
    return to_follow_up(t, table, decisions, today)


async def _export(context: Context, table: ConcertationTable, t: Texts) -> Reply:
    today = _today(context)
    async with context.sessions() as session:
        decisions = await decision_statuses(session, table.id, today)
    return Reply(
        t("Le suivi des décisions de la table « {table} », en CSV.", table=escape(table.name)),
        attachments=(to_csv(t, table, decisions, context.timezone, today),),
    )


async def _own_tables(incoming: Incoming, context: Context, t: Texts) -> list[Reply]:
    admin = await is_admin(context, incoming)
    async with context.sessions() as session:
        if admin:
            tables = await all_tables(session)
        else:
            tables = await tables_of_person(session, incoming.chat.platform, incoming.user_id)
    if not tables:
        if admin:
            return [Reply(t("Aucune table de concertation pour l'instant. Pour en créer une : "
                             "**/table creer** <nom> ; <niveau> ; <territoire>"))]
        return [Reply(t("Vous ne coordonnez aucune table et n'y représentez aucun organisme. "
                        "Tapez **/suivi** <table> pour une table où vous siégez, ou **/table liste** pour voir les tables."))]
    return [await _view(context, table, t) for table in tables]
