"""``/decision propager <n°>`` — a decision carried down nested tables: a regional decision copied to
every local table under it (and the tables under those), each copy pointing to the decision it
carries (``parent_decision_id``) and followed up with every active member of its table, reminded
at the next sweep.

A table that already received the decision is not given it twice, not even by two propagations at
the same instant (one waits for the other, then skips), but the tables under it still are (a table
added since the last propagation gets its copy). The deadline is the original one, or two weeks
from today when it has already passed. Everything is written in one transaction. Only the
coordinator of the decision's table and admins may propagate it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, active_members, children
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import to_person_ref
from handlers.table_access import may_manage
from handlers.texts import Texts, texts_for
from scheduler.followups import Decision, carry_decision
from scheduler.short_ids import select_by_short_id

LATE_DEADLINE = dt.timedelta(weeks=2)  # given to copies of a decision whose deadline has passed


@dataclass(frozen=True, slots=True)
class Carried:
    """What one table under the source got: a new copy with its follow-ups, or nothing (it had one)."""

    table_name: str
    followups: int
    new: bool


async def propagate(incoming: Incoming, context: Context, args: str) -> list[Reply]:
    """Copy the decision whose short id is ``args`` to every table under its own, recursively."""
    t = texts_for(incoming.locale)
    typed = args.strip()
    found = await _decision(context, typed, t)
    if isinstance(found, Reply):
        return [found]
    decision, table = found
    if not await may_manage(context, incoming, table):
        return [Reply(t("Seuls le coordonnateur de la table « {table} » ({coordinator}) et les administrateurs "
                        "peuvent propager ses décisions.",
                        table=escape(table.name),
                        coordinator=escape(table.coordinator_name or table.coordinator_user_id)))]
    now = context.clock()
    today = now.astimezone(context.timezone).date()
    async with context.sessions.begin() as session:
        source = await session.get(Decision, decision.id)
        if source is None:
            return [Reply(t("Cette décision vient d'être supprimée."))]
        carried = await carry_down(session, source, now, today, to_person_ref(incoming))
    return [to_report(t, source, table, carried)]


async def carry_down(
    session: AsyncSession, decision: Decision, now: dt.datetime, today: dt.date, author: str
) -> list[Carried]:
    """Copy ``decision`` to every table under its table, breadth first, in the caller's transaction."""
    carried: list[Carried] = []
    seen = {decision.table_id}
    sources = [decision]
    while sources:
        source = sources.pop(0)
        deadline = source.deadline if source.deadline >= today else today + LATE_DEADLINE
        for child in await children(session, source.table_id):
            if child.id in seen:
                continue
            seen.add(child.id)
            members = [member.id for member in await active_members(session, child.id)]
            copy = await carry_decision(session, source, child.id, deadline, members, author, now)
            if copy is not None:
                carried.append(Carried(child.name, len(members), new=True))
            else:  # the table already carries it: its own copy goes on down
                carried.append(Carried(child.name, 0, new=False))
                copy = await session.scalar(
                    select(Decision).where(Decision.table_id == child.id, Decision.parent_decision_id == source.id)
                )
            if copy is not None:
                sources.append(copy)
    return carried


async def _decision(context: Context, typed: str, t: Texts) -> tuple[Decision, ConcertationTable] | Reply:
    """The decision whose short id is ``typed`` and its table, or the reply saying what is wrong."""
    if not typed:
        return Reply(t("Donnez le numéro de la décision à propager, par exemple : /decision propager 3f2a9c1e "
                       "(le numéro de chaque décision est affiché par /suivi)."))
    query = select_by_short_id(Decision, typed)
    if query is None:
        return Reply(t("« {typed} » n'est pas un numéro de décision : ce sont les 8 chiffres et lettres "
                       "affichés par /suivi, par exemple 3f2a9c1e.", typed=escape(typed)))
    async with context.sessions() as session:
        found = list(await session.scalars(query))
        if not found:
            return Reply(t("Aucune décision ne porte le numéro « {typed} ». Les numéros sont affichés par /suivi.",
                           typed=escape(typed)))
        if len(found) > 1:
            return Reply(t("Plusieurs décisions commencent par « {typed} » : tapez les 8 chiffres et lettres "
                           "du numéro.", typed=escape(typed)))
        table = await session.get(ConcertationTable, found[0].table_id)
    if table is None:
        return Reply(t("La table de cette décision n'existe plus."))
    return found[0], table


def to_report(t: Texts, decision: Decision, table: ConcertationTable, carried: list[Carried]) -> Reply:
    """What the propagation did, table by table."""
    if not carried:
        return Reply(t("La table « {table} » n'a aucune table sous elle : la décision n'a nulle part où descendre.",
                       table=escape(table.name)))
    lines = [t("Décision « {decision} » de la table « {table} » propagée :",
               decision=escape(decision.text), table=escape(table.name))]
    for one in carried:
        if not one.new:
            lines.append(t("- {table} : l'avait déjà reçue", table=escape(one.table_name)))
        elif one.followups == 0:
            lines.append(t("- {table} : reçue, mais la table n'a encore aucun organisme membre",
                           table=escape(one.table_name)))
        else:
            lines.append(t("- {table} : reçue, {count} organisme(s) à relancer",
                           table=escape(one.table_name), count=one.followups))
    return Reply("\n".join(lines))
