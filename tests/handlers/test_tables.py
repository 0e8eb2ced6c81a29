"""``/table``: creating tables (good and bad input, who may), the nested list, one table's view, and
members added (by name, through buttons when ambiguous) and removed with their follow-ups closed;
on the console and as Telegram and Slack messages, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.console import ConsoleChat
from directory.concertation import ConcertationTable, TableMember
from handlers.context import Context
from handlers.table_access import to_short_id
from scheduler.followups import CLOSED, DONE, PENDING, Followup, FollowupLog
from tests.handlers import events_chat, tables_chat
from tests.handlers.events_chat import NOW, Clock
from tests.handlers.tables_chat import (
    ADMIN_SLACK,
    JULIE,
    LOCAL,
    LUC,
    MARIE,
    MARIE_IN_GROUP,
    PAUL,
    REGIONAL,
    add_followups,
    code_in,
    member_row,
    table_row,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
clock, context, fresh = events_chat.clock, tables_chat.context, tables_chat.fresh
TRANSIT = "Centre d'intervention familiale Le Transit"


async def test_a_coordinator_creates_nested_tables_on_the_console(context: Context, clock: Clock) -> None:
    console = ConsoleChat(context, user_name="Opératrice")
    answer = await console.handle(REGIONAL)
    assert answer.startswith("Table créée : Table régionale petite enfance (régional, Saguenay–Lac-Saint-Jean). "
                             "Vous en êtes le coordonnateur.")
    answer = await console.handle(LOCAL)
    assert "Elle fait partie de la table « Table régionale petite enfance »." in answer
    local, regional = await table_row(context, "Table petite enfance Jonquière"), await table_row(
        context, "Table régionale petite enfance")
    assert (local.level, local.parent_id, local.coordinator_platform, local.coordinator_name) == (
        "local", regional.id, "console", "Opératrice")
    assert local.name_key == "table petite enfance jonquiere" and local.created_at == NOW
    assert context.search.gazetteer.get(local.place_id).name == "Jonquière"


async def test_a_coordinator_creates_a_table_on_telegram_and_slack(context: Context, clock: Clock) -> None:
    reply = await MARIE.one(context, "/table creer Table jeunesse du Saguenay ; Régionale ; Saguenay")
    assert reply.text.startswith("Table créée : **Table jeunesse du Saguenay**")
    assert "/table ajouter Table jeunesse du Saguenay ; <organisme>" in reply.text
    reply = await JULIE.one(context, "/table creer Table provinciale des familles ; provincial ; Québec")
    assert reply.text.startswith("Table créée")
    table = await table_row(context, "Table provinciale des familles")
    assert (table.coordinator_platform, table.coordinator_user_id, table.coordinator_name) == (
        "slack", "U0JULIE", "Julie Bouchard")


@pytest.mark.parametrize(("line", "expected"), [
    ("/table creer", "Pour créer une table : **/table creer <nom> ; <niveau> ; <territoire> [; parent <table>]**"),
    ("/table creer Table X ; local", "Pour créer une table"),
    ("/table creer Table X ; ; Jonquière", "Pour créer une table"),
    ("/table creer Table X ; départemental ; Jonquière",
     "Niveau inconnu : « départemental ». Choisissez parmi : local, régional, provincial."),
    ("/table creer Table X ; local ; Xylophonville", "Territoire inconnu : « Xylophonville »."),
    ("/table creer Table X ; local ; Jonquière ; parent Table inexistante",
     "Table parente introuvable. Aucune table ne s'appelle « Table inexistante »."),
    (f"/table creer {'T' * 121} ; local ; Jonquière", "Ce nom est trop long (121 caractères) : 120 au plus."),
])
async def test_bad_input_is_explained_and_nothing_is_created(context: Context, clock: Clock, line: str,
                                                             expected: str) -> None:
    reply = await MARIE.one(context, line)
    assert reply.text.startswith(expected), reply.text
    async with context.sessions() as session:
        assert (await session.scalars(select(ConcertationTable))).all() == []


async def test_an_unknown_place_is_answered_with_close_names(context: Context, clock: Clock) -> None:
    reply = await MARIE.one(context, "/table creer Table X ; local ; Chicoutimiii-Nord")
    assert reply.text.startswith("Territoire inconnu : « Chicoutimiii-Nord ». Lieux aux noms proches :")
    assert "Chicoutimi" in reply.text


async def test_a_duplicate_name_or_a_parent_of_lower_level_is_refused(context: Context, clock: Clock) -> None:
    await MARIE.one(context, REGIONAL)
    await MARIE.one(context, "/table creer Table locale A ; local ; Jonquière")
    reply = await MARIE.one(context, "/table creer TABLE REGIONALE  petite enfance ; local ; Jonquière")
    assert reply.text.startswith("Une table s'appelle déjà « TABLE REGIONALE  petite enfance ».")
    reply = await MARIE.one(context, "/table creer Table B ; régional ; Saguenay ; parent Table locale A")
    assert reply.text.startswith("Une table régional ne peut pas être sous la table local « Table locale A »")
    reply = await MARIE.one(context, "/table creer Table C ; local ; Jonquière ; Table")
    assert reply.text.startswith("Table parente introuvable. Plusieurs tables correspondent à « Table »")


async def test_only_coordinators_and_admins_create_tables(context: Context, clock: Clock) -> None:
    reply = await PAUL.one(context, REGIONAL)
    assert reply.text.startswith("Seuls les **coordonnateurs** et les **administrateurs**")
    assert "passerelle role add telegram:4205 coordinator" in reply.text
    assert (await ADMIN_SLACK.one(context, REGIONAL)).text.startswith("Table créée")


async def test_the_list_nests_local_under_regional_under_provincial(context: Context, clock: Clock) -> None:
    assert (await PAUL.one(context, "/table")).text.startswith("Aucune table de concertation pour l'instant.")
    await MARIE.one(context, "/table creer Table nationale des familles ; provincial ; Québec")
    await MARIE.one(context, REGIONAL + " ; parent Table nationale des familles")
    await MARIE.one(context, LOCAL)
    await MARIE.one(context, "/table creer Comité Shipshaw ; local ; Jonquière ; parent Table régionale petite enfance")
    await MARIE.one(context, "/table creer Table aînés Jonquière ; local ; Jonquière")
    await MARIE.one(context, f"/table ajouter Table petite enfance Jonquière ; {TRANSIT}")
    for line in ("/table", "/table liste"):
        lines = (await PAUL.one(context, line)).text.splitlines()
        assert lines == [
            "**Tables de concertation**",
            "- **Table nationale des familles** (provincial, Québec) — 0 membres",
            "    › **Table régionale petite enfance** (régional, Saguenay–Lac-Saint-Jean) — 0 membres",
            "        › **Comité Shipshaw** (local, Jonquière) — 0 membres",
            "        › **Table petite enfance Jonquière** (local, Jonquière) — 1 membre",
            "- **Table aînés Jonquière** (local, Jonquière) — 0 membres",
            "Pour en voir une : **/table <nom>**",
        ]


async def test_one_table_shows_its_place_in_the_nest_and_its_members(context: Context, clock: Clock) -> None:
    await MARIE.one(context, REGIONAL)
    await MARIE.one(context, LOCAL)
    reply = await MARIE.one(context, f"/table ajouter table petite enfance jonquiere ; {TRANSIT} ; Animation")
    await LUC.one(context, f"/table representer {code_in(reply)}")
    await MARIE.one(context, "/table ajouter Table petite enfance Jonquière ; Centre Alpha de Jonquière")
    text = (await PAUL.one(context, "/table Table petite enfance Jonquiere")).text
    assert text.splitlines() == [
        "**Table petite enfance Jonquière**",
        "Niveau : local · Territoire : Jonquière",
        "Fait partie de : Table régionale petite enfance",
        "Coordination : Marie Tremblay",
        "**Membres (2)**",
        "- Centre Alpha de Jonquière — membre — représentant : à désigner — pas de canal d'équipe",
        f"- {TRANSIT} — animation — représentant : Luc Gagnon — pas de canal d'équipe",
    ]
    text = (await PAUL.one(context, "/table régionale petite enfance")).text
    assert "Tables rattachées : Table petite enfance Jonquière" in text
    assert "Aucun membre pour l'instant" in text


async def test_a_name_several_tables_share_offers_buttons(context: Context, clock: Clock) -> None:
    await MARIE.one(context, REGIONAL)
    await MARIE.one(context, LOCAL)
    reply = await PAUL.one(context, "/table petite enfance")
    assert reply.text == "Plusieurs tables correspondent à « petite enfance ». Laquelle ?"
    assert [b.label for b in reply.buttons] == ["Table petite enfance Jonquière", "Table régionale petite enfance"]
    (shown,) = await PAUL.press(context, reply.buttons[1])
    assert shown.text.startswith("**Table régionale petite enfance**")
    assert (await PAUL.one(context, "/table Table des sports")).text.startswith(
        "Aucune table ne s'appelle « Table des sports ».")
    (gone,) = await PAUL.press(context, "tbv:AAAAAAAAAAAAAAAAAAAAAA")
    assert gone.text.startswith("Cette table n'existe plus.")


async def test_adding_a_member_gives_an_invitation_for_its_representative(context: Context, clock: Clock) -> None:
    context.start_links["telegram"] = "https://t.me/PasserelleBot?start={payload}"
    await MARIE.one(context, LOCAL.split(" ; parent")[0])
    reply = await MARIE.one(context, "/table ajouter Table petite enfance Jonquière ; le transit ; porteur")
    code = code_in(reply)
    assert reply.text.splitlines() == [
        f"**{TRANSIT}** fait maintenant partie de « Table petite enfance Jonquière » (rôle : porteur de projet).",
        (f"Invitation pour la personne qui représentera **{TRANSIT}** à « Table petite enfance Jonquière » : "
        f"qu'elle m'écrive **/table representer {code}** (valide jusqu'au 4 décembre)."),
        f"Sur Telegram, elle peut aussi ouvrir ce lien : [accepter l'invitation](https://t.me/PasserelleBot?start=rep_{code})",
    ]
    member = await member_row(context, "Le Transit")
    assert (member.role, member.invite_code, member.invite_expires_at, member.representative_user_id) == (
        "porteur de projet", code, NOW + dt.timedelta(days=14), None)
    again = await MARIE.one(context, "/table ajouter Table petite enfance Jonquière ; Le Transit")
    assert again.text == f"{TRANSIT} fait déjà partie de « Table petite enfance Jonquière »."


async def test_an_ambiguous_organization_offers_buttons_on_the_console(context: Context, clock: Clock) -> None:
    console = ConsoleChat(context, user_name="Opératrice")
    await console.handle(LOCAL.split(" ; parent")[0])
    answer = await console.handle("/table ajouter Table petite enfance Jonquière ; CPE ; groupe d'action")
    assert answer.startswith("Plusieurs organismes ressemblent à « CPE ». Lequel ajouter à "
                             "« Table petite enfance Jonquière » ?")
    assert len(console.buttons) > 1 and all(len(b.data.encode()) <= 64 for b in console.buttons)
    label = console.buttons[1].label
    answer = await console.handle("2")
    assert answer.startswith(f"{label} fait maintenant partie de « Table petite enfance Jonquière » "
                             "(rôle : groupe d'action).")
    assert "/table representer" in answer


@pytest.mark.parametrize(("line", "expected"), [
    ("/table ajouter Table petite enfance Jonquière", ("Pour ajouter un membre : **/table ajouter <table> ; <organisme> "
                                                      "[; <rôle>]**. Rôles possibles : membre, groupe d'action,")),
    ("/table ajouter Table petite enfance Jonquière ; Le Transit ; trésorier", "Rôle inconnu : « trésorier ». Rôles"),
    ("/table ajouter Table petite enfance Jonquière ; Boulangerie Zzyzx",
     "Aucun organisme de l'annuaire ne ressemble à « Boulangerie Zzyzx »."),
    ("/table ajouter Table fantôme ; Le Transit", "Aucune table ne s'appelle « Table fantôme »."),
    ("/table retirer Table petite enfance Jonquière", "Pour retirer un membre : **/table retirer <table> ; <organisme>**"),
    ("/table retirer Table petite enfance Jonquière ; Le Transit",
     "Aucun membre de « Table petite enfance Jonquière » ne ressemble à « Le Transit »."),
])
async def test_bad_member_changes_are_explained(context: Context, clock: Clock, line: str, expected: str) -> None:
    await MARIE.one(context, LOCAL.split(" ; parent")[0])
    reply = await MARIE.one(context, line)
    assert reply.text.startswith(expected), reply.text
    assert await member_row(context, "") is None


async def test_only_the_table_coordinator_and_admins_change_its_members(context: Context, clock: Clock) -> None:
    await MARIE.one(context, LOCAL.split(" ; parent")[0])
    for person in (JULIE, PAUL):  # another table's coordinator, a member without a role
        reply = await person.one(context, f"/table ajouter Table petite enfance Jonquière ; {TRANSIT}")
        assert reply.text == ("Seuls le coordonnateur de la table « Table petite enfance Jonquière » (Marie Tremblay) "
                              "et les administrateurs peuvent changer ses membres.")
    assert await member_row(context, "") is None
    assert (await ADMIN_SLACK.one(context, f"/table ajouter Table petite enfance Jonquière ; {TRANSIT}")).text.startswith(
        f"**{TRANSIT}** fait maintenant partie")
    assert (await MARIE_IN_GROUP.one(context, "/table ajouter Table petite enfance Jonquière ; Centre Alpha")).text.startswith(
        "**Centre Alpha de Jonquière** fait maintenant partie")
    for line in ("/table retirer Table petite enfance Jonquière ; Le Transit",
                 "/table remplacer Table petite enfance Jonquière ; Le Transit"):
        assert (await JULIE.one(context, line)).text.startswith("Seuls le coordonnateur de la table")
    table = await table_row(context, "Table petite enfance Jonquière")
    (stale,) = await PAUL.press(context, f"tba:{to_short_id(table.id)}")
    assert stale.text == "Ce choix n'est plus valide : relancez /table ajouter."


async def test_a_member_leaves_and_its_pending_followups_are_closed(context: Context, clock: Clock) -> None:
    await MARIE.one(context, LOCAL.split(" ; parent")[0])
    await MARIE.one(context, f"/table ajouter Table petite enfance Jonquière ; {TRANSIT}")
    member = await member_row(context, "Le Transit")
    pending, claimed, done = await add_followups(context, member.id, (PENDING, "claimed", DONE))
    clock.now = NOW + dt.timedelta(days=1)
    reply = await MARIE.one(context, "/table retirer Table petite enfance Jonquière ; transit")
    assert reply.text.splitlines() == [
        f"**{TRANSIT}** ne fait plus partie de « Table petite enfance Jonquière ».",
        "Ses 2 suivis en attente sont fermés : personne ne sera plus relancé pour cet organisme.",
    ]
    async with context.sessions() as session:
        statuses = {f.id: (f.status, f.due_at) for f in await session.scalars(select(Followup))}
        logs = [(log.followup_id, log.kind, log.actor, log.at) for log in await session.scalars(select(FollowupLog))]
        left = await session.get(TableMember, member.id)
    assert statuses == {pending: (CLOSED, None), claimed: (CLOSED, None), done: (DONE, statuses[done][1])}
    assert sorted(logs) == sorted((f, "left", "telegram:4201", clock.now) for f in (pending, claimed))
    assert left.left_at == clock.now
    text = (await PAUL.one(context, "/table Table petite enfance Jonquière")).text
    assert TRANSIT not in text and "Aucun membre pour l'instant" in text
    again = await MARIE.one(context, f"/table ajouter Table petite enfance Jonquière ; {TRANSIT}")
    assert again.text.startswith(f"**{TRANSIT}** fait maintenant partie")  # it may come back; its history stays
