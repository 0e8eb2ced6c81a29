"""``/suivi`` through the router: per decision, who relayed it (with the note), who is pending, late
or not concerned, against a fixed clock; the person's own tables without a name; the CSV export by
command and by button; refusals for people not at the table."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from directory.concertation import ConcertationTable, TableMember
from directory.roles import ADMIN, grant
from handlers.context import Context
from handlers.messages import ChatRef, Incoming
from handlers.router import dispatch
from scheduler.followups import CLAIMED, CLOSED, DONE, NOT_CONCERNED, PENDING, Decision
from scheduler.short_ids import to_short_id
from tests.handlers import concertation_rows
from tests.handlers.concertation_rows import CONSOLE, NOW, add, decision, followup, member, one, say, table

pytestmark = pytest.mark.asyncio(loop_scope="module")
emptied = concertation_rows.emptied
PRIVATE = ChatRef("telegram", "901")
NOTE = "présenté à la réunion d'équipe du 12"




async def petite_enfance(context: Context) -> tuple[ConcertationTable, list[TableMember]]:
    """A table with four members and a fifth that left, two decisions: one past its deadline."""
    at = table("Table petite enfance Jonquière")
    members = [
        member(at, "Maison de la famille", ("telegram", "901"), representative_name="Marie Gagnon"),
        member(at, "CPE Les Lutins", ("telegram", "902"), representative_name="Luc Roy"),
        member(at, "Le Transit", ("slack", "U0TRANSIT")),
        member(at, "CLSC de Jonquière", None),
        member(at, "Bibliothèque", ("telegram", "905"), left=True),
    ]
    maison, cpe, transit, clsc, library = members
    older = decision(at, "Offrir une formation commune sur l'attachement", dt.date(2026, 11, 5), dt.date(2026, 11, 19))
    recent = decision(at, "Tenir un kiosque à la fête de quartier", dt.date(2026, 11, 19), dt.date(2026, 12, 3))
    await add(
        context.sessions, at, *members, older, recent,
        followup(older, maison, DONE, answered_at=NOW - dt.timedelta(days=10), note=NOTE),
        followup(older, cpe, PENDING), followup(older, transit, NOT_CONCERNED, answered_at=NOW),
        followup(older, clsc, CLAIMED), followup(older, library, CLOSED),
        followup(recent, maison, PENDING), followup(recent, cpe, DONE, answered_at=NOW),
        followup(recent, transit, PENDING),
    )
    return at, members


async def test_the_follow_up_shows_each_decision_most_recent_first(context: Context) -> None:
    at, _ = await petite_enfance(context)
    reply = await one(context, "/suivi petite enfance")
    older_id, recent_id = await _short_ids(context, at)
    assert reply.text == (
        "**Suivi des décisions — Table petite enfance Jonquière**\n"
        "\n"
        f"**1. Tenir un kiosque à la fête de quartier** · {recent_id}\n"
        "Réunion du 19 novembre · à relayer d'ici le 3 décembre\n"
        "✅ 1 · ⏳ 2\n"
        "- ⏳ En attente : Le Transit, Maison de la famille\n"
        "- ✅ Relayée : CPE Les Lutins\n"
        "\n"
        f"**2. Offrir une formation commune sur l'attachement** · {older_id}\n"
        "Réunion du 5 novembre · à relayer d'ici le 19 novembre\n"
        "✅ 1 · ⏳ 0 · ⚠️ 2 en retard · 🚫 1 pas concerné\n"
        "- ⚠️ En retard : CLSC de Jonquière, CPE Les Lutins\n"
        f"- ✅ Relayée : Maison de la famille (« {NOTE} »)\n"
        "- 🚫 Pas concernés : Le Transit"
    )
    assert [b.label for b in reply.buttons] == ["Exporter en CSV"]


async def test_on_the_deadline_day_nobody_is_late_yet(context: Context) -> None:
    await petite_enfance(context)
    context.clock = lambda: dt.datetime(2026, 11, 19, 23, 0, tzinfo=dt.UTC)  # 18 h on the deadline day
    reply = await one(context, "/suivi Table petite enfance Jonquière")
    assert "en retard" not in reply.text
    assert "- ⏳ En attente : CLSC de Jonquière, CPE Les Lutins" in reply.text


async def test_in_english(context: Context) -> None:
    await petite_enfance(context)
    (reply,) = await say(context, "/suivi petite enfance", locale="en")
    assert "Meeting of November 5 · to relay by November 19" in reply.text
    assert "✅ 1 · ⏳ 0 · ⚠️ 2 late · 🚫 1 not concerned" in reply.text
    assert reply.buttons[0].label == "Export as CSV"


async def test_a_representative_sees_their_table_and_only_it_without_a_name(context: Context) -> None:
    await petite_enfance(context)
    await add(context.sessions, table("Table aînés Kénogami", ("slack", "U0OTHER")))
    (reply,) = await say(context, "/suivi", PRIVATE)
    assert reply.text.startswith("**Suivi des décisions — Table petite enfance Jonquière**")
    coordinator = await say(context, "/suivi", PRIVATE, user="900")
    assert [r.text.split("\n")[0] for r in coordinator] == ["**Suivi des décisions — Table petite enfance Jonquière**"]


async def test_an_admin_sees_every_table(context: Context) -> None:
    await petite_enfance(context)
    await add(context.sessions, table("Table aînés Kénogami", ("slack", "U0OTHER")))
    await grant(context.sessions, "telegram", "777", ADMIN, granted_by="test", now=NOW)
    replies = await say(context, "/suivi", ChatRef("telegram", "777"))
    assert [r.text.split("\n")[0] for r in replies] == [
        "**Suivi des décisions — Table aînés Kénogami**", "**Suivi des décisions — Table petite enfance Jonquière**",
    ]
    assert replies[0].text.endswith("Aucune décision à suivre pour cette table.")


async def test_people_not_at_the_table_are_refused(context: Context) -> None:
    await petite_enfance(context)
    refused = await one(context, "/suivi petite enfance", ChatRef("telegram", "999"))
    assert refused.text == (
        "Le suivi de la table « Table petite enfance Jonquière » est réservé aux personnes qui y siègent : "
        "son coordonnateur (Julie Tremblay), les représentants de ses organismes et les administrateurs."
    )
    left = await one(context, "/suivi petite enfance", ChatRef("telegram", "905"))  # their organization left
    assert left.text == refused.text
    nothing = await one(context, "/suivi", ChatRef("telegram", "999"))
    assert nothing.text.startswith("Vous ne coordonnez aucune table et n'y représentez aucun organisme.")


async def test_unknown_and_ambiguous_tables_are_said(context: Context) -> None:
    await petite_enfance(context)
    await add(context.sessions, table("Table petite enfance Kénogami"))
    assert (await one(context, "/suivi jeunesse")).text.startswith("Aucune table ne s'appelle « jeunesse ».")
    assert (await one(context, "/suivi petite enfance")).text.startswith("Plusieurs tables correspondent")
    assert (await one(context, "/suivi csv")).text.startswith("Nommez la table à exporter")


@pytest.mark.parametrize("line", ["/suivi petite enfance csv", "/suivi petite enfance --csv", "/suivi petite enfance —csv"])
async def test_the_csv_export_by_command(context: Context, line: str) -> None:
    await petite_enfance(context)
    reply = await one(context, line)
    assert reply.text == "Le suivi des décisions de la table « Table petite enfance Jonquière », en CSV."
    (attachment,) = reply.attachments
    assert attachment.filename == "suivi-table-petite-enfance-jonquiere-2026-11-23.csv"
    assert attachment.mime_type == "text/csv"
    assert attachment.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(attachment.content.decode("utf-8-sig"))))
    assert rows[0] == ["décision", "date de la réunion", "échéance", "organisme", "représentant", "statut",
                       "répondu le", "remarque"]
    assert rows[1:4] == [
        ["Tenir un kiosque à la fête de quartier", "2026-11-19", "2026-12-03", "CPE Les Lutins", "Luc Roy",
         "relayée", "2026-11-23 09:00", ""],
        ["Tenir un kiosque à la fête de quartier", "2026-11-19", "2026-12-03", "Le Transit", "", "en attente", "", ""],
        ["Tenir un kiosque à la fête de quartier", "2026-11-19", "2026-12-03", "Maison de la famille",
         "Marie Gagnon", "en attente", "", ""],
    ]
    assert rows[4:] == [
        ["Offrir une formation commune sur l'attachement", "2026-11-05", "2026-11-19", organization, name, status,
         answered, note]
        for organization, name, status, answered, note in [
            ("Bibliothèque", "", "a quitté la table", "", ""),
            ("CLSC de Jonquière", "", "en retard", "", ""),
            ("CPE Les Lutins", "Luc Roy", "en retard", "", ""),
            ("Le Transit", "", "pas concerné", "2026-11-23 09:00", ""),
            ("Maison de la famille", "Marie Gagnon", "relayée", "2026-11-13 09:00", NOTE),
        ]
    ]


async def test_the_csv_export_by_button(context: Context) -> None:
    await petite_enfance(context)
    shown = await one(context, "/suivi petite enfance", ChatRef("telegram", "902"))
    (exported,) = await dispatch(Incoming(ChatRef("telegram", "902"), "902", button_data=shown.buttons[0].data), context)
    assert exported.attachments[0].filename.endswith(".csv")
    (refused,) = await dispatch(Incoming(ChatRef("telegram", "999"), "999", button_data=shown.buttons[0].data), context)
    assert refused.text.startswith("Le suivi de la table « Table petite enfance Jonquière » est réservé")
    (stale,) = await dispatch(Incoming(CONSOLE, "local", button_data="suivi:csv:nothex"), context)
    assert stale.text == "Ce bouton n'est plus actif."


async def test_many_decisions_point_to_the_export(context: Context) -> None:
    at = table("Table jeunesse")
    decisions = [decision(at, f"Décision {n}", dt.date(2026, 10, n), dt.date(2026, 12, n)) for n in range(1, 11)]
    await add(context.sessions, at, *decisions)
    reply = await one(context, "/suivi jeunesse")
    assert "**1. Décision 10**" in reply.text and "Décision 3" in reply.text and "Décision 2" not in reply.text
    assert reply.text.endswith("… et 2 décisions plus anciennes, toutes dans l'export CSV.")
    assert "Aucun organisme à relayer." in reply.text


async def _short_ids(context: Context, at: ConcertationTable) -> tuple[str, str]:
    async with context.sessions() as session:
        rows = (await session.scalars(select(Decision).where(Decision.table_id == at.id)
                                      .order_by(Decision.meeting_date))).all()
    return to_short_id(rows[0].id), to_short_id(rows[1].id)


async def test_the_export_keeps_typed_formulas_inert(context: Context) -> None:
    at = table("Table jeunesse")
    maison = member(at, "=HYPERLINK(\"http://exemple.test\")", ("telegram", "901"))
    voted = decision(at, "+1 place au comité", dt.date(2026, 11, 19), dt.date(2026, 12, 3))
    await add(context.sessions, at, maison, voted, followup(voted, maison, DONE, answered_at=NOW, note="@tous"))
    (attachment,) = (await one(context, "/suivi jeunesse csv")).attachments
    (row,) = list(csv.reader(io.StringIO(attachment.content.decode("utf-8-sig"))))[1:]
    assert (row[0], row[3], row[7]) == ("'+1 place au comité", "'=HYPERLINK(\"http://exemple.test\")", "'@tous")
