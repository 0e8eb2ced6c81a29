"""The follow-up of a table as a CSV file: one row per decision and organization, in UTF-8 with a
byte order mark so that Excel reads the accents right. A typed text that a spreadsheet would take
for a formula (starting with ``=``, ``+``, ``-`` or ``@``) is written with a leading apostrophe."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from directory.concertation import ConcertationTable
from directory.text import words
from handlers.messages import Attachment
from handlers.texts import Texts
from scheduler.followup_status import CLOSED, DONE, LATE, NOT_CONCERNED, PENDING, DecisionStatus

MIME_TYPE = "text/csv"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def status_labels(t: Texts) -> dict[str, str]:
    """The words of the export for each status."""
    return {
        DONE: t("relayée"),
        PENDING: t("en attente"),
        LATE: t("en retard"),
        NOT_CONCERNED: t("pas concerné"),
        CLOSED: t("a quitté la table"),
    }


def to_csv(
    t: Texts, table: ConcertationTable, decisions: list[DecisionStatus], zone: ZoneInfo, today: dt.date
) -> Attachment:
    """The file ``suivi-<table>-<date>.csv`` of every decision of ``table`` and every organization concerned."""
    labels = status_labels(t)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([t("décision"), t("date de la réunion"), t("échéance"), t("organisme"), t("représentant"),
                     t("statut"), t("répondu le"), t("remarque")])
    for decision in decisions:
        for organization in decision.organizations:
            answered = organization.answered_at
            writer.writerow([
                _inert(decision.text), decision.meeting_date.isoformat(), decision.deadline.isoformat(),
                _inert(organization.organization_name), _inert(organization.representative_name),
                labels.get(organization.status, organization.status),
                answered.astimezone(zone).strftime("%Y-%m-%d %H:%M") if answered is not None else "",
                _inert(organization.note or ""),
            ])
    name = "-".join(words(table.name)) or "table"
    filename = f"suivi-{name}-{today.isoformat()}.csv"
    return Attachment(filename, buffer.getvalue().encode("utf-8-sig"), MIME_TYPE)


def _inert(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
