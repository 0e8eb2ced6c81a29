"""``/ordre_du_jour``: the draft agenda of a table with and without open decisions, with and without
a date; the template shown to anyone, changed by an admin only, a bad placeholder or a lone brace
refused, the default brought back."""

from __future__ import annotations

import datetime as dt

import pytest

from directory.roles import ADMIN, COORDINATOR, grant
from handlers.context import Context
from handlers.messages import ChatRef
from scheduler.followups import DONE, NOT_CONCERNED, PENDING
from tests.handlers import concertation_rows
from tests.handlers.concertation_rows import NOW, add, decision, followup, member, one, table

pytestmark = pytest.mark.asyncio(loop_scope="module")
emptied = concertation_rows.emptied
ADMIN_CHAT = ChatRef("slack", "U0ADMIN")
MEMBER_CHAT = ChatRef("telegram", "901")


@pytest.fixture(autouse=True)
async def admin(emptied: Context) -> None:
    await grant(emptied.sessions, "slack", "U0ADMIN", ADMIN, granted_by="test", now=NOW)


async def with_members(context: Context, *, open_decision: bool) -> None:
    at = table("Table petite enfance Jonquière")
    maison = member(at, "Maison de la famille", ("telegram", "901"))
    cpe, transit = member(at, "CPE Les Lutins"), member(at, "Le Transit")
    kiosque = decision(at, "Tenir un kiosque", dt.date(2026, 11, 19), dt.date(2026, 12, 3))
    await add(context.sessions, at, maison, cpe, transit, kiosque,
              followup(kiosque, maison, DONE, answered_at=NOW),
              followup(kiosque, cpe, PENDING if open_decision else DONE, answered_at=None if open_decision else NOW),
              followup(kiosque, transit, PENDING if open_decision else NOT_CONCERNED, answered_at=NOW))


AGENDA = (
    "**Ordre du jour — Table petite enfance Jonquière**\n"
    "Prochaine rencontre : {date}\n"
    "Coordination : Julie Tremblay\n"
    "\n"
    "1. Tour de table : chaque personne se présente brièvement (CPE Les Lutins, Le Transit, Maison de la famille).\n"
    "2. Présentation des objectifs de la rencontre\n"
    "3. Suivi des décisions précédentes et de leur relais dans les équipes :\n"
    "{decisions}\n"
    "4. Questions et échanges\n"
    "5. Prochaines étapes : date de la prochaine rencontre, responsables et suites à donner"
)


async def test_the_agenda_with_open_decisions_and_a_date(context: Context) -> None:
    await with_members(context, open_decision=True)
    reply = await one(context, "/ordre_du_jour petite enfance ; jeudi 10 décembre 13 h 30", MEMBER_CHAT)
    assert reply.text == AGENDA.format(
        date="jeudi 10 décembre, 13 h 30",
        decisions="- Tenir un kiosque (réunion du 19 novembre) : ✅ 1 · ⏳ 2 ; à relayer par CPE Les Lutins, Le Transit",
    )


async def test_the_agenda_without_open_decisions_nor_date(context: Context) -> None:
    await with_members(context, open_decision=False)
    reply = await one(context, "/ordre_du_jour Table petite enfance Jonquière")
    assert reply.text == AGENDA.format(date="à déterminer", decisions="- Aucune décision en attente de relais.")


async def test_the_agenda_in_english(context: Context) -> None:
    await with_members(context, open_decision=False)
    reply = await one(context, "/ordre_du_jour petite enfance ; 10/12", locale="en")
    assert reply.text.startswith("**Agenda — Table petite enfance Jonquière**\nNext meeting: Thursday, December 10\n")


async def test_bad_input_and_strangers(context: Context) -> None:
    await with_members(context, open_decision=True)
    assert (await one(context, "/ordre_du_jour")).text.startswith("Nommez la table, par exemple")
    assert (await one(context, "/ordre_du_jour petite enfance ; le 45 bidule")).text.startswith("Date de la rencontre : ")
    assert (await one(context, "/ordre_du_jour aînés")).text.startswith("Aucune table ne s'appelle « aînés ».")
    stranger = await one(context, "/ordre_du_jour petite enfance", ChatRef("telegram", "999"))
    assert stranger.text.startswith("Le suivi de la table « Table petite enfance Jonquière » est réservé")


async def test_an_admin_changes_the_template_and_brings_the_default_back(context: Context) -> None:
    await with_members(context, open_decision=True)
    shown = await one(context, "/ordre_du_jour modèle", MEMBER_CHAT)
    assert shown.text.startswith("**Modèle de l'ordre du jour**\nModèle par défaut.\n\n\\*\\*Ordre du jour — {table}\\*\\*")
    saved = await one(context, "/ordre_du_jour modele **Rencontre de {table}** le {date}\nÀ suivre :\n{decisions}",
                      ADMIN_CHAT)
    assert saved.text == "Nouveau modèle de l'ordre du jour enregistré. Essayez-le : /ordre_du_jour <table>"
    drafted = await one(context, "/ordre_du_jour petite enfance", MEMBER_CHAT)
    assert drafted.text == ("**Rencontre de Table petite enfance Jonquière** le à déterminer\nÀ suivre :\n"
                            "- Tenir un kiosque (réunion du 19 novembre) : ✅ 1 · ⏳ 2 ; "
                            "à relayer par CPE Les Lutins, Le Transit")
    assert (await one(context, "/ordre_du_jour modele", MEMBER_CHAT)).text.startswith(
        "**Modèle de l'ordre du jour**\nModèle modifié par slack:U0ADMIN.")
    assert (await one(context, "/ordre_du_jour modele défaut", ADMIN_CHAT)).text == (
        "Le modèle par défaut de l'ordre du jour est rétabli.")
    assert (await one(context, "/ordre_du_jour modele defaut", ADMIN_CHAT)).text == (
        "Le modèle de l'ordre du jour était déjà celui par défaut.")
    assert (await one(context, "/ordre_du_jour petite enfance")).text.startswith("**Ordre du jour — ")


async def test_members_and_coordinators_may_not_change_the_template(context: Context) -> None:
    await grant(context.sessions, "telegram", "900", COORDINATOR, granted_by="test", now=NOW)
    for chat in (MEMBER_CHAT, ChatRef("telegram", "900")):
        refused = await one(context, "/ordre_du_jour modele Ordre du jour de {table}", chat)
        assert refused.text == "Seuls les **administrateurs** du réseau peuvent changer le modèle de l'ordre du jour."
    assert (await one(context, "/ordre_du_jour modele")).text.split("\n")[1] == "Modèle par défaut."


FIELDS = "{table}, {date}, {coordination}, {membres}, {decisions}"


@pytest.mark.parametrize(("template", "problem"), [
    ("Rencontre de {table} à {lieu}", f"Champ inconnu dans le modèle : {{lieu}}. Les champs possibles sont : {FIELDS}."),
    ("Rencontre {} et {table!r}", f"Champ inconnu dans le modèle : {{}}, {{table!r}}. Les champs possibles sont : {FIELDS}."),
    ("Rencontre de {table", (f"Le modèle contient une accolade seule. Les champs s'écrivent entre accolades, "
                             f"parmi : {FIELDS} ; pour une accolade dans le texte, doublez-la ({{{{ ou }}}}).")),
])
async def test_a_bad_template_is_refused_and_nothing_changes(context: Context, template: str, problem: str) -> None:
    refused = await one(context, f"/ordre_du_jour modele {template}", ADMIN_CHAT)
    assert refused.text == problem
    assert (await one(context, "/ordre_du_jour modele")).text.split("\n")[1] == "Modèle par défaut."


async def test_literal_braces_are_kept(context: Context) -> None:
    await with_members(context, open_decision=False)
    await one(context, "/ordre_du_jour modele {table} {{en ligne}}", ADMIN_CHAT)
    assert (await one(context, "/ordre_du_jour petite enfance")).text == "Table petite enfance Jonquière {en ligne}"
