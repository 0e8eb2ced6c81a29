"""``/decision`` on SQLite and PostgreSQL: one decision saved at once, several pasted then confirmed in
one transaction, the organizations concerned and the deadline, every bad input refused with what to
write instead, and nobody but the table's coordinator and admins allowed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from directory.concertation import ConcertationTable, fold_name
from handlers.context import Context
from scheduler.followups import PENDING, Decision, Followup
from tests.handlers import decisions_chat
from tests.handlers.decisions_chat import (
    ADMIN_SLACK,
    ANNE,
    CONSOLE,
    JULIE,
    JULIE_IN_GROUP,
    MARIE,
    NOW,
    SAM,
    TABLE,
    Seated,
    decide,
    followups_of,
)
from tests.handlers.events_chat import button

pytestmark = pytest.mark.asyncio(loop_scope="module")
context, clock, seated = decisions_chat.context, decisions_chat.clock, decisions_chat.seated
PASTED = (
    f"/decision {TABLE} ; réunion 18/11\n"
    "1. Présenter le corridor de services\n"
    "2) Recruter des bénévoles pour la fête ; pour Le Transit, Maison de la famille\n"
    "\n"
    "- Diffuser le calendrier ; d'ici le 18 décembre"
)


async def counts(context: Context) -> tuple[int, int]:
    """How many decisions and follow-ups are stored."""
    async with context.sessions() as session:
        decisions = await session.scalar(select(func.count()).select_from(Decision))
        followups = await session.scalar(select(func.count()).select_from(Followup))
    return decisions or 0, followups or 0


async def test_one_decision_concerns_every_member_for_two_weeks(context: Context, seated: Seated) -> None:
    reply = await ADMIN_SLACK.one(context, f"/decision {TABLE.lower()} ; Adopter le plan d'action 2027")
    number = reply.text.split("(n° ")[1][:8]
    assert reply.text == (
        f"C'est enregistré (n° {number}) : « Adopter le plan d'action 2027 », pour tous les membres (3), à rapporter "
        f"d'ici le vendredi 4 décembre. Les rappels partent maintenant ; suivez-les avec /suivi {TABLE}."
    )
    async with context.sessions() as session:
        (decision,) = await session.scalars(select(Decision))
    assert (decision.meeting_date, decision.deadline, decision.created_by) == (
        dt.date(2026, 11, 20), dt.date(2026, 12, 4), "slack:U0ADMIN")
    followups = await followups_of(context, decision.id)
    assert sorted(followups) == ["CPE Les Lutins", "Le Transit", "Maison de la famille"]
    assert {(f.status, f.due_at, f.stage) for f in followups.values()} == {(PENDING, NOW, 0)}


async def test_meeting_organizations_and_deadline_as_typed(context: Context, seated: Seated) -> None:
    decision_id = await decide(context, JULIE_IN_GROUP,
                               f"/decision {TABLE} ; Tenir un kiosque ; réunion jeudi ; pour transit ; d'ici 10 jours")
    async with context.sessions() as session:
        decision = await session.get(Decision, decision_id)
    assert decision is not None
    assert (decision.meeting_date, decision.deadline) == (dt.date(2026, 11, 19), dt.date(2026, 11, 29))
    assert list(await followups_of(context, decision_id)) == ["Le Transit"]


async def test_pasted_decisions_are_shown_then_saved_together(context: Context, seated: Seated) -> None:
    shown = await JULIE.one(context, PASTED)
    assert shown.text.splitlines() == [
        f"**3 décisions pour la table « {TABLE} »** :",
        ("1. Présenter le corridor de services — réunion du mercredi 18 novembre · pour : tous les membres (3) · "
        "d'ici le mercredi 2 décembre"),
        ("2. Recruter des bénévoles pour la fête — réunion du mercredi 18 novembre · pour : Le Transit, Maison de la "
        "famille · d'ici le mercredi 2 décembre"),
        ("3. Diffuser le calendrier — réunion du mercredi 18 novembre · pour : tous les membres (3) · "
        "d'ici le vendredi 18 décembre"),
        "Touchez « Confirmer » pour les enregistrer : les rappels partiront aux représentant·es.",
    ]
    assert await counts(context) == (0, 0)
    (saved,) = await JULIE.press(context, button(shown, "Confirmer"))
    assert saved.text.startswith(f"C'est enregistré : 3 décisions de la table « {TABLE} » (n° ")
    assert "8 rappels aux organismes" in saved.text
    assert await counts(context) == (3, 8)
    (again,) = await JULIE.press(context, button(shown, "Confirmer"))
    assert again.text.startswith("Il n'y a rien à confirmer")
    assert await counts(context) == (3, 8)


async def test_pasted_decisions_on_the_console_and_cancelled_with_non(context: Context, seated: Seated) -> None:
    shown = await CONSOLE.one(context, f"/decision\n{TABLE}\nPremière décision\nDeuxième décision ; pour Le Transit")
    assert shown.text.startswith(f"**2 décisions pour la table « {TABLE} »**")
    assert (await CONSOLE.one(context, "peut-être")).text.startswith("Répondez « oui » pour enregistrer")
    assert (await CONSOLE.one(context, "non")).text == "D'accord : aucune décision n'a été enregistrée."
    assert await counts(context) == (0, 0)
    await CONSOLE.one(context, f"/decision {TABLE}\nUne\nDeux")
    assert (await CONSOLE.one(context, "oui")).text.startswith("C'est enregistré : 2 décisions")
    assert await counts(context) == (2, 6)


@pytest.mark.parametrize(("line", "expected"), [
    ("/decision", "Pour une décision : **/decision table ; texte**"),
    (f"/decision {TABLE}", "Il manque le texte de la décision."),
    ("/decision Table petite enfanse ; Un texte",
     f"Aucune table ne s'appelle « Table petite enfanse ». Vouliez-vous dire : « {TABLE} » ?"),
    ("/decision Table des aînés ; Un texte",
     "Aucune table ne s'appelle « Table des aînés ». Tapez **/table liste** pour voir les tables."),
    (f"/decision {TABLE} ; Un texte ; pour Moisson Saguenay",
     ("Rien n'a été enregistré :\n- « Moisson Saguenay » n'est pas membre de la table (membres : CPE Les Lutins, "
     "Le Transit, Maison de la famille).")),
    (f"/decision {TABLE} ; Un texte ; d'ici le 12 novembre",
     "Rien n'a été enregistré :\n- Échéance : C'est déjà passé : jeudi 12 novembre."),
    (f"/decision {TABLE} ; Un texte ; réunion demain",
     "Rien n'a été enregistré :\n- La réunion du samedi 21 novembre n'a pas encore eu lieu"),
    (f"/decision {TABLE} ; Un texte ; réunion 1/10",
     ("Rien n'a été enregistré :\n- L'échéance tomberait le jeudi 15 octobre, déjà passé (réunion du jeudi 1er "
     "octobre) : donnez une date à venir, par exemple « d'ici le vendredi 4 décembre ».")),
    (f"/decision {TABLE} ; " + "x" * 1001, "Rien n'a été enregistré :\n- le texte est trop long (1001 caractères"),
    (f"/decision {TABLE}\nUne bonne ligne\n ; pour Le Transit\nUne autre ; pour Moisson",
     ("Rien n'a été enregistré :\n- Ligne 3 : le texte de la décision est vide.\n- Ligne 4 : « Moisson » n'est pas "
     "membre de la table")),
])
async def test_bad_input_says_what_to_write(context: Context, seated: Seated, line: str, expected: str) -> None:
    reply = await JULIE.one(context, line)
    assert reply.text.startswith(expected), reply.text
    assert await counts(context) == (0, 0)


async def test_only_the_coordinator_of_the_table_and_admins(context: Context, seated: Seated) -> None:
    refusal = (f"Seuls le coordonnateur de la table « {TABLE} » (Julie Tremblay) et les administrateurs peuvent y "
               "enregistrer des décisions.")
    for person in (SAM, MARIE, ANNE):  # no role, the coordinator of other tables, a representative
        assert (await person.one(context, f"/decision {TABLE} ; Un texte")).text == refusal
        assert (await person.one(context, f"/decision {TABLE}\nUn\nDeux")).text == refusal
    assert await counts(context) == (0, 0)


async def test_a_table_without_members_and_several_tables_matching(context: Context, seated: Seated) -> None:
    async with context.sessions.begin() as session:
        for name in ("Table petite enfance Chicoutimi", "Table petite enfance La Baie"):
            session.add(ConcertationTable(
                id=uuid.uuid4(), name=name, name_key=fold_name(name), level="local", coordinator_platform="telegram",
                coordinator_user_id=JULIE.user_id, coordinator_name=JULIE.name, summer_break=False, created_at=NOW,
            ))
    reply = await JULIE.one(context, "/decision Table petite enfance Chicoutimi ; Un texte")
    assert reply.text.startswith("La table « Table petite enfance Chicoutimi » n'a encore aucun membre")
    reply = await JULIE.one(context, "/decision petite enfance ; Un texte")
    assert reply.text.startswith("Plusieurs tables correspondent à « petite enfance »")


async def test_propagation_is_a_sub_command(context: Context, seated: Seated) -> None:
    reply = await JULIE.one(context, "/decision propager")
    assert reply.text.startswith("Donnez le numéro de la décision à propager")
