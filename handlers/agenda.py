"""``/ordre_du_jour <table> [; <date>]`` — the draft agenda of a table's next meeting: its name, the
date of the meeting when given (else "à déterminer"), its members for the tour de table and the
decisions still waiting to be relayed, with their status, laid out by the network's template.

``/ordre_du_jour modele`` shows the template; admins replace it with ``/ordre_du_jour modele
<texte>`` and bring the default back with ``/ordre_du_jour modele defaut``.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_time

from directory.concertation import ConcertationTable, active_members
from directory.text import fold
from handlers.agenda_template import (
    PLACEHOLDERS,
    current_template,
    restore_default,
    save_template,
    template_problem,
)
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import is_admin, to_person_ref
from handlers.suivi_access import may_see, see_refusal
from handlers.suivi_views import to_counts, to_day
from handlers.table_access import one_table
from handlers.texts import Texts, texts_for
from scheduler.dates import DateProblem, When, parse_when
from scheduler.datewords import to_french_date, to_french_time
from scheduler.followup_status import LATE, PENDING, DecisionStatus, decision_statuses

TEMPLATE_WORDS = frozenset({"modele", "template"})
DEFAULT_WORDS = frozenset({"defaut", "default"})


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/ordre_du_jour``: draft a table's agenda, or show or change the template."""
    t = texts_for(incoming.locale)
    head, _, rest = incoming.args.strip().partition(" ")
    if fold(head) in TEMPLATE_WORDS:
        return [await _template(incoming, context, rest.strip(), t)]
    name, _, when = incoming.args.partition(";")
    if not name.strip():
        return [Reply(t("Nommez la table, par exemple : /ordre_du_jour Table petite enfance ; jeudi 10 décembre 13 h. "
                        "Sans date, la prochaine rencontre est « à déterminer ». "
                        "Le modèle : /ordre_du_jour modele"))]
    async with context.sessions() as session:
        found = await one_table(session, name.strip(), t)
    if isinstance(found, Reply):
        return [found]
    if not await may_see(context, incoming, found):
        return [see_refusal(t, found)]
    date = await _meeting_date(context, when.strip(), t)
    if isinstance(date, Reply):
        return [date]
    return [await draft(context, found, date, t, incoming.network)]


async def draft(context: Context, table: ConcertationTable, date: str, t: Texts, network: str) -> Reply:
    """The agenda of ``table``'s next meeting on ``date`` (already written out), from ``network``'s template."""
    today = context.clock().astimezone(context.timezone).date()
    async with context.sessions() as session:
        template = await current_template(session, t, network)
        members = await active_members(session, table.id)
        decisions = await decision_statuses(session, table.id, today, open_only=True)
    values = {
        "table": escape(table.name),
        "date": date,
        "coordination": escape(table.coordinator_name or table.coordinator_user_id),
        "membres": escape(", ".join(m.organization_name for m in members)) or t("aucun organisme membre pour l'instant"),
        "decisions": to_open_decisions(t, decisions, today),
    }
    return Reply(template.text.format(**values))


def to_open_decisions(t: Texts, decisions: list[DecisionStatus], today: dt.date) -> str:
    """The agenda's follow-up item: each open decision with where its relay stands."""
    if not decisions:
        return t("- Aucune décision en attente de relais.")
    lines = []
    for decision in decisions:
        waiting = [o.organization_name for o in decision.organizations if o.status in (PENDING, LATE)]
        lines.append(t("- {decision} (réunion du {meeting}) : {counts} ; à relayer par {names}",
                       decision=escape(" ".join(decision.text.split())), meeting=to_day(t, decision.meeting_date, today),
                       counts=to_counts(t, decision), names=escape(", ".join(waiting))))
    return "\n".join(lines)


async def _meeting_date(context: Context, typed: str, t: Texts) -> str | Reply:
    if not typed:
        return t("à déterminer")
    now = context.clock()
    when = parse_when(typed, now, context.timezone)
    if isinstance(when, DateProblem):
        return Reply(t("Date de la rencontre : {problem}", problem=escape(when.message)))
    return to_meeting_text(t, when, now.astimezone(context.timezone).year)


def to_meeting_text(t: Texts, when: When, this_year: int) -> str:
    """"jeudi 10 décembre, 13 h" (without the time when none was given; with the year when not ``this_year``)."""
    local = when.local
    with_year = local.year != this_year
    if t.language == "fr":
        day = to_french_date(local.date(), with_year)
        return day if when.time_missing or when.all_day else f"{day}, {to_french_time(local.time())}"
    day = format_date(local, "EEEE, MMMM d" + (", y" if with_year else ""), locale=t.locale)
    return day if when.time_missing or when.all_day else f"{day}, {format_time(local, 'short', locale=t.locale)}"


async def _template(incoming: Incoming, context: Context, text: str, t: Texts) -> Reply:
    fields = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    if not text:
        async with context.sessions() as session:
            template = await current_template(session, t, incoming.network)
        origin = (t("Modèle modifié par {person}.", person=escape(template.updated_by)) if template.updated_by
                  else t("Modèle par défaut."))
        return Reply("\n".join([
            t("**Modèle de l'ordre du jour**"), origin, "", escape(template.text), "",
            t("Champs : {fields}. Pour le changer (administrateurs) : /ordre_du_jour modele suivi du texte ; "
              "pour revenir au modèle par défaut : /ordre_du_jour modele defaut", fields=fields),
        ]))
    if not await is_admin(context, incoming):
        return Reply(t("Seuls les **administrateurs** du réseau peuvent changer le modèle de l'ordre du jour."))
    if fold(text) in DEFAULT_WORDS:
        async with context.sessions.begin() as session:
            restored = await restore_default(session, incoming.network)
        return Reply(t("Le modèle par défaut de l'ordre du jour est rétabli.") if restored
                     else t("Le modèle de l'ordre du jour était déjà celui par défaut."))
    if problem := template_problem(t, text):
        return Reply(problem)
    async with context.sessions.begin() as session:
        await save_template(session, incoming.network, text, to_person_ref(incoming), context.clock())
    return Reply(t("Nouveau modèle de l'ordre du jour enregistré. Essayez-le : /ordre_du_jour <table>"))
