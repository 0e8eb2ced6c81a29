"""The follow-up of a table in one message readable on a phone: per decision, the counts
("✅ 5 · ⏳ 2 · ⚠️ 1 en retard") then who is late, who is pending, who relayed it (with their note)
and who is not concerned."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from directory.concertation import ConcertationTable
from handlers.markup import escape
from handlers.messages import Button, Reply
from handlers.texts import Texts
from scheduler.followup_status import DONE, LATE, NOT_CONCERNED, PENDING, DecisionStatus, OrganizationStatus
from scheduler.short_ids import to_short_id

EXPORT_PREFIX = "suivi:csv:"  # + the table's id in hex
MAX_DECISIONS = 8  # shown in one message; the export holds them all
MAX_TEXT = 140  # characters of a decision's text shown


def to_day(t: Texts, day: dt.date, today: dt.date) -> str:
    """"12 novembre", "1er décembre 2027" (the year when it is not this one); "November 12" in English."""
    with_year = day.year != today.year
    if t.language == "fr":
        shown = f"{day.day}{'er' if day.day == 1 else ''} {format_date(day, 'MMMM', locale=t.locale)}"
        return f"{shown} {day.year}" if with_year else shown
    return format_date(day, "MMMM d, y" if with_year else "MMMM d", locale=t.locale)


def to_counts(t: Texts, decision: DecisionStatus) -> str:
    """"✅ 5 · ⏳ 2 · ⚠️ 1 en retard · 🚫 1 pas concerné" (late and not concerned only when some are)."""
    parts = [f"✅ {len(decision.having(DONE))}", f"⏳ {len(decision.having(PENDING))}"]
    if late := len(decision.having(LATE)):
        parts.append(t("⚠️ {count} en retard", count=late))
    if aside := len(decision.having(NOT_CONCERNED)):
        parts.append(t("🚫 {count} pas concerné", count=aside))
    return " · ".join(parts)


def _names(organizations: list[OrganizationStatus], with_notes: bool = False) -> str:
    shown = []
    for organization in organizations:
        name = escape(organization.organization_name)
        shown.append(f"{name} (« {escape(organization.note)} »)" if with_notes and organization.note else name)
    return ", ".join(shown)


def _shortened(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_TEXT else line[: MAX_TEXT - 1].rstrip() + "…"


def to_decision_lines(t: Texts, number: int, decision: DecisionStatus, today: dt.date) -> list[str]:
    """One decision: its text and short id, its dates, its counts and the organizations by status."""
    lines = [
        f"**{number}. {escape(_shortened(decision.text))}** · {to_short_id(decision.id)}",
        t("Réunion du {meeting} · à relayer d'ici le {deadline}",
          meeting=to_day(t, decision.meeting_date, today), deadline=to_day(t, decision.deadline, today)),
    ]
    if not decision.organizations:
        lines.append(t("Aucun organisme à relayer."))
        return lines
    lines.append(to_counts(t, decision))
    groups = (
        (LATE, t("⚠️ En retard : {names}"), False),
        (PENDING, t("⏳ En attente : {names}"), False),
        (DONE, t("✅ Relayée : {names}"), True),
        (NOT_CONCERNED, t("🚫 Pas concernés : {names}"), False),
    )
    for status, label, with_notes in groups:
        if found := decision.having(status):
            lines.append("- " + label.format(names=_names(found, with_notes)))
    return lines


def to_table_view(t: Texts, decisions: list[DecisionStatus], today: dt.date, *, title: str) -> str:
    """The follow-up of a table's ``decisions`` under ``title`` (which names the table), as given
    (most recent first)."""
    if not decisions:
        return "\n".join([title, t("Aucune décision à suivre pour cette table.")])
    blocks = [title]
    for number, decision in enumerate(decisions[:MAX_DECISIONS], start=1):
        blocks.append("\n".join(to_decision_lines(t, number, decision, today)))
    if (hidden := len(decisions) - MAX_DECISIONS) > 0:
        blocks.append(t("… et {count} décisions plus anciennes, toutes dans l'export CSV.", count=hidden))
    return "\n\n".join(blocks)


def to_follow_up(t: Texts, table: ConcertationTable, decisions: list[DecisionStatus], today: dt.date) -> Reply:
    """The reply to ``/suivi <table>``: every decision, with the export button."""
    title = t("**Suivi des décisions — {table}**", table=escape(table.name))
    return Reply(to_table_view(t, decisions, today, title=title), buttons=(export_button(t, table),))


def export_button(t: Texts, table: ConcertationTable) -> Button:
    """The button that sends the table's follow-up as a CSV file."""
    return Button(t("Exporter en CSV"), f"{EXPORT_PREFIX}{table.id.hex}")
