"""The follow-up loop through the chat, on SQLite and PostgreSQL, with a fixed clock: a decision, the
sweep's reminders (private messages and team channels), "C'est fait" with a note, "Pas concerné",
"Rappelle-moi dans 3 jours", the cadence with holidays and the summer break, the coordinator told,
who may answer, and a representative replaced mid-loop."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select, update

from bot.settings import Settings
from bot.wiring import build
from directory.concertation import TableMember
from handlers.context import Context
from handlers.followup_due import enqueue_due_followups
from handlers.messages import Reply
from handlers.router import dispatch
from scheduler.followups import DONE, NOT_CONCERNED, PENDING, Followup, FollowupLog
from tests.handlers import decisions_chat
from tests.handlers.decisions_chat import (
    ANNE,
    CONSOLE,
    JULIE,
    LUC,
    LUC_IN_TEAM,
    MARC,
    NOW,
    PAUL,
    SAM,
    TABLE,
    Seated,
    decide,
    followups_of,
    log_of,
    messages,
    reply_of,
    set_summer_break,
    sweep,
    to_chats,
)
from tests.handlers.events_chat import Clock, button

pytestmark = pytest.mark.asyncio(loop_scope="module")
context, clock, seated = decisions_chat.context, decisions_chat.clock, decisions_chat.seated
TORONTO_9H = dt.time(14, 0)  # 9 h in Québec in winter, in UTC
DECISION = f"/decision {TABLE} ; Présenter le corridor de services aux équipes ; réunion hier"


def at(day: dt.date, time: dt.time = TORONTO_9H) -> dt.datetime:
    """``day`` at ``time`` UTC."""
    return dt.datetime.combine(day, time, dt.UTC)


def notice(replies: list[Reply]) -> str:
    """The text of the single notice among ``replies``."""
    (reply,) = replies
    assert reply.notice, reply
    return reply.text


async def test_decision_reminders_then_answers_on_every_platform(context: Context, seated: Seated) -> None:
    decision_id = await decide(context, JULIE, DECISION)
    assert await messages(context) == []
    assert await sweep(context, NOW) == 4
    rows = await messages(context)
    assert to_chats(rows) == [("slack", "C0TRANSIT"), ("slack", "U0LUC"), ("telegram", "7001"), ("telegram", "7101")]
    followups = await followups_of(context, decision_id)
    transit, maison = followups["Le Transit"], followups["Maison de la famille"]
    first = "2026-11-20T14:00:00+00:00"  # the step: when the reminder fell due
    assert {row.dedupe_key for row in rows if row.chat_id != "7001"} == {
        f"followup:{transit.id}:{first}:slack:C0TRANSIT", f"followup:{transit.id}:{first}:slack:U0LUC",
        f"followup:{maison.id}:{first}:telegram:7101",
    }
    to_anne = reply_of(rows[3])
    assert to_anne.text.splitlines() == [
        "**Décision à rapporter à l'équipe de Maison de la famille**",
        "« Présenter le corridor de services aux équipes »",
        f"Table : {TABLE} · réunion du jeudi 19 novembre · à rapporter d'ici le jeudi 3 décembre",
        "Quand c'est présenté à votre équipe, touchez « C'est fait ».",
    ]
    assert [b.label for b in to_anne.buttons] == ["C'est fait", "Rappelle-moi dans 3 jours", "Pas concerné"]
    assert all(len(b.data.encode()) <= 64 for b in to_anne.buttons)
    assert "CPE Les Lutins" in reply_of(rows[2]).text and "m'avoir écrit une fois en privé" in reply_of(rows[2]).text
    assert all(f.stage == 1 and f.status == PENDING for f in followups.values())

    # Telegram: "C'est fait", then a note
    (question,) = await ANNE.press(context, button(to_anne, "C'est fait"))
    assert question.asks and [b.label for b in question.buttons] == ["Sans note"]
    (done,) = await ANNE.say(context, "présenté à la réunion d'équipe du 12")
    assert done.text == "Merci ! C'est noté : décision rapportée à l'équipe de Maison de la famille."
    # Slack, from the team channel: "C'est fait", then "Sans note"
    to_team = reply_of(rows[0])
    (question,) = await LUC_IN_TEAM.press(context, button(to_team, "C'est fait"))
    assert "Le Transit" in notice(await LUC_IN_TEAM.press(context, button(question, "Sans note")))
    # the console (the local operator) answers for the unreachable representative
    lutins = followups["CPE Les Lutins"]
    said = notice(await CONSOLE.press(context, f"fu:{lutins.id.hex}:n"))
    assert said == "C'est noté : CPE Les Lutins n'est pas concerné par cette décision."

    followups = await followups_of(context, decision_id)
    assert (followups["Maison de la famille"].status, followups["Maison de la famille"].note) == (
        DONE, "présenté à la réunion d'équipe du 12")
    assert followups["Maison de la famille"].answered_by == "telegram:7101"
    assert (followups["Le Transit"].status, followups["Le Transit"].note) == (DONE, None)
    assert followups["CPE Les Lutins"].status == NOT_CONCERNED
    assert all(f.due_at is None for f in followups.values())
    answered = {row.chat_id: reply_of(row) for row in await messages(context)}
    assert answered["7101"].buttons == () and answered["C0TRANSIT"].buttons == ()
    assert answered["7101"].text.splitlines()[-1] == (
        "✅ Rapportée à l'équipe (vendredi 20 novembre, Anne Roy). Note : présenté à la réunion d'équipe du 12")
    assert await log_of(context, maison.id) == ["reminded", "done"]
    assert await sweep(context, NOW + dt.timedelta(days=30)) == 0


async def test_answering_again_or_for_someone_else(context: Context, seated: Seated) -> None:
    decision_id = await decide(context, JULIE, DECISION)
    await sweep(context, NOW)
    maison = (await followups_of(context, decision_id))["Maison de la famille"]
    done = f"fu:{maison.id.hex}:d"
    assert notice(await SAM.press(context, done)) == (
        f"Seul·e Anne Roy, représentant·e de Maison de la famille, ou la coordination de la table « {TABLE} » "
        "(Julie Tremblay) peut répondre à ce rappel.")
    assert "Anne Roy" in notice(await LUC.press(context, f"fu:{maison.id.hex}:n"))
    assert (await followups_of(context, decision_id))["Maison de la famille"].status == PENDING
    # the coordinator answers for the representative
    assert "Maison de la famille" in notice(await JULIE.press(context, f"fu:{maison.id.hex}:0"))
    assert notice(await ANNE.press(context, f"fu:{maison.id.hex}:n")) == (
        "C'est déjà noté : décision rapportée à l'équipe (vendredi 20 novembre).")
    assert notice(await ANNE.press(context, f"fu:{maison.id.hex}:x")) == "Ce bouton n'est plus actif."


async def test_a_note_too_long_is_asked_again_and_non_skips_it(context: Context, seated: Seated) -> None:
    decision_id = await decide(context, JULIE, DECISION)
    await sweep(context, NOW)
    maison = (await followups_of(context, decision_id))["Maison de la famille"]
    await ANNE.press(context, f"fu:{maison.id.hex}:d")
    (again,) = await ANNE.say(context, "x" * 301)
    assert again.text.startswith("Cette note est trop longue (301 caractères ; 300 au plus)")
    await ANNE.say(context, "non")
    followup = (await followups_of(context, decision_id))["Maison de la famille"]
    assert (followup.status, followup.note) == (DONE, None)


async def test_snooze_puts_the_reminder_three_working_days_later(context: Context, seated: Seated) -> None:
    decision_id = await decide(context, JULIE, f"{DECISION} ; pour Maison de la famille")
    await sweep(context, NOW)
    maison = (await followups_of(context, decision_id))["Maison de la famille"]
    said = notice(await ANNE.press(context, f"fu:{maison.id.hex}:s"))
    assert said == "D'accord : je vous le rappelle mercredi 25 novembre."  # Friday → Monday, Tuesday, Wednesday
    followup = (await followups_of(context, decision_id))["Maison de la famille"]
    assert followup.due_at == at(dt.date(2026, 11, 25))
    (edited,) = [reply_of(row) for row in await messages(context) if row.chat_id == "7101"]
    assert [b.label for b in edited.buttons] == ["C'est fait", "Pas concerné"]
    assert edited.text.splitlines()[-1] == "⏰ Prochain rappel : mercredi 25 novembre."
    assert await sweep(context, at(dt.date(2026, 11, 25)) - dt.timedelta(seconds=1)) == 0
    before = at(dt.date(2026, 11, 25))
    assert await sweep(context, before) == 1
    rows = await messages(context, since=before)
    assert to_chats(rows) == [("telegram", "7101")]
    assert reply_of(rows[0]).text.startswith("**Rappel n° 2 : décision à rapporter à l'équipe de Maison de la famille**")
    assert await log_of(context, maison.id) == ["reminded", "snoozed", "reminded"]


async def test_the_cadence_skips_christmas_and_new_year_then_tells_the_coordinator(
    context: Context, seated: Seated, clock: Clock
) -> None:
    clock.now = start = at(dt.date(2026, 12, 22))  # a Tuesday; J+3 is Christmas, J+10 New Year's Day
    decision_id = await decide(context, JULIE, f"/decision {TABLE} ; Adopter le plan d'action ; pour Maison de la famille, Le Transit")
    await sweep(context, start)
    transit = (await followups_of(context, decision_id))["Le Transit"]
    assert transit.due_at == at(dt.date(2026, 12, 28))  # Friday the 25th is Christmas: Monday the 28th
    assert await sweep(context, at(dt.date(2026, 12, 25))) == 0
    assert await sweep(context, at(dt.date(2026, 12, 28))) == 3  # Anne, Luc and Le Transit's channel
    maison = (await followups_of(context, decision_id))["Maison de la famille"]
    assert (maison.stage, maison.due_at) == (2, at(dt.date(2026, 12, 29)))  # J+7
    (question,) = await ANNE.press(context, f"fu:{maison.id.hex}:d")
    await ANNE.press(context, button(question, "Sans note"))
    assert await sweep(context, at(dt.date(2026, 12, 29))) == 2
    transit = (await followups_of(context, decision_id))["Le Transit"]
    assert (transit.stage, transit.due_at) == (3, at(dt.date(2027, 1, 4)))  # J+10 is New Year's Day, a Friday
    escalation = at(dt.date(2027, 1, 4))
    assert await sweep(context, escalation) == 1
    (told,) = await messages(context, since=escalation)
    assert (told.platform, told.chat_id) == ("telegram", JULIE.user_id)
    assert reply_of(told).text.splitlines()[0] == (
        "**Décision pas encore rapportée aux équipes** (1 organisme(s), après 3 rappels)")
    assert "- Le Transit (représentant·e : Luc Gagnon)" in reply_of(told).text.splitlines()
    transit = (await followups_of(context, decision_id))["Le Transit"]
    assert (transit.status, transit.escalated_at, transit.due_at) == (PENDING, escalation, None)
    assert await log_of(context, transit.id) == ["reminded", "reminded", "reminded", "escalated"]
    assert await sweep(context, escalation + dt.timedelta(days=30)) == 0
    # the representative may still answer
    assert "Le Transit" in notice(await LUC.press(context, f"fu:{transit.id.hex}:n"))


async def test_no_reminder_falls_in_the_summer_break(context: Context, seated: Seated, clock: Clock) -> None:
    await set_summer_break(context, seated.table)
    clock.now = start = dt.datetime(2026, 6, 30, 13, 0, tzinfo=dt.UTC)  # Tuesday June 30th, 9 h (summer time)
    decision_id = await decide(context, JULIE, f"/decision {TABLE} ; Bilan de l'année ; pour Le Transit")
    await sweep(context, start)
    transit = (await followups_of(context, decision_id))["Le Transit"]
    assert transit.due_at == dt.datetime(2026, 9, 1, 13, 0, tzinfo=dt.UTC)  # not Friday July 3rd
    assert await sweep(context, dt.datetime(2026, 8, 31, 13, 0, tzinfo=dt.UTC)) == 0


async def test_a_new_representative_gets_the_next_reminder(context: Context, seated: Seated) -> None:
    decision_id = await decide(context, JULIE, f"/decision {TABLE} ; Nommer une personne-ressource ; pour Maison de la famille")
    await sweep(context, NOW)
    async with context.sessions.begin() as session:
        await session.execute(
            update(TableMember).where(TableMember.id == seated.members["Maison de la famille"].id)
            .values(representative_user_id=MARC.user_id, representative_name=MARC.name)
        )
    then = at(dt.date(2026, 11, 23))  # J+3 is Monday the 23rd
    assert await sweep(context, then) == 1
    (row,) = await messages(context, since=then)
    assert (row.platform, row.chat_id) == ("telegram", MARC.user_id)
    followup = (await followups_of(context, decision_id))["Maison de la famille"]
    assert "Marc Leblanc" in notice(await ANNE.press(context, f"fu:{followup.id.hex}:d"))
    await MARC.press(context, f"fu:{followup.id.hex}:0")
    assert (await followups_of(context, decision_id))["Maison de la famille"].answered_by == "telegram:7104"


async def test_the_coordinator_is_told_once_about_an_unreachable_representative(
    context: Context, seated: Seated
) -> None:
    await decide(context, JULIE, f"/decision {TABLE} ; Première ; pour CPE Les Lutins")
    await decide(context, JULIE, f"/decision {TABLE} ; Deuxième ; pour CPE Les Lutins")
    assert await sweep(context, NOW) == 1
    (told,) = await messages(context)
    assert told.chat_id == JULIE.user_id and "Paul Côté" in reply_of(told).text
    await dataclasses.replace(PAUL, private=True).say(context, "/start")  # now the reminders reach him
    then = at(dt.date(2026, 11, 23))
    assert await sweep(context, then) == 2
    assert {row.chat_id for row in await messages(context, since=then)} == {PAUL.user_id}


async def test_two_sweepers_at_once_write_each_reminder_once(
    context: Context, seated: Seated, migrated_database: str
) -> None:
    for number in range(6):
        await decide(context, JULIE, f"/decision {TABLE} ; Décision {number} ; pour Maison de la famille, Le Transit")
    other = await build(Settings(database_url=migrated_database, language="fr", timezone="America/Toronto"),
                        say=lambda _m: None)
    try:
        other.context.clock = context.clock
        written = await asyncio.gather(enqueue_due_followups(context, NOW, batch=2),
                                       enqueue_due_followups(other.context, NOW, batch=2))
    finally:
        await other.close()
    assert sum(written) == 6 * 3  # Anne, Luc and Le Transit's channel for each decision
    rows = await messages(context)
    assert len(rows) == len({row.dedupe_key for row in rows}) == 18
    async with context.sessions() as session:
        stages = list(await session.scalars(select(Followup.stage)))
        statuses = set(await session.scalars(select(Followup.status)))
        reminded = list(await session.scalars(select(FollowupLog.followup_id).where(FollowupLog.kind == "reminded")))
    assert stages == [1] * 12 and statuses == {PENDING}
    assert len(reminded) == len(set(reminded)) == 12


async def test_reminders_in_the_network_language_and_notices_in_the_presser_s(
    context: Context, seated: Seated
) -> None:
    decision_id = await decide(context, JULIE, f"{DECISION} ; pour Maison de la famille")
    context.language = "en"
    try:
        assert await sweep(context, NOW) == 1
    finally:
        context.language = "fr"
    (row,) = await messages(context)
    reminder = reply_of(row)
    assert reminder.text.splitlines()[0] == "**Decision to bring back to the team of Maison de la famille**"
    assert [b.label for b in reminder.buttons] == ["Done", "Remind me in 3 days", "Not concerned"]
    maison = (await followups_of(context, decision_id))["Maison de la famille"]
    pressed = dataclasses.replace(ANNE.incoming(""), button_data=f"fu:{maison.id.hex}:s", locale="en")
    replies = await dispatch(pressed, context)
    assert notice(replies) == "All right: I will remind you on Wednesday, November 25."


async def test_an_organization_that_left_is_not_reminded(context: Context, seated: Seated) -> None:
    decision_id = await decide(context, JULIE, f"{DECISION} ; pour Le Transit")
    async with context.sessions.begin() as session:
        await session.execute(update(TableMember).where(TableMember.id == seated.members["Le Transit"].id)
                              .values(left_at=NOW))
    assert await sweep(context, NOW) == 0
    transit = (await followups_of(context, decision_id))["Le Transit"]
    assert (transit.status, transit.due_at) == ("closed", None)
    assert await log_of(context, transit.id) == ["left"]
    assert notice(await LUC.press(context, f"fu:{transit.id.hex}:d")) == (
        "Le Transit a quitté la table : plus besoin de répondre.")
