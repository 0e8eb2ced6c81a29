"""The words of the follow-up loop: the reminder to bring a decision back to the team (with its
three buttons), the same message once answered, and what the coordinator is told.

Button data is :data:`FOLLOWUP_PREFIX`, the follow-up's id in hex and a one-letter code, well
under Telegram's 64 bytes ("fu:<32 hex>:d").
"""

from __future__ import annotations

import datetime as dt
import uuid

from babel.dates import format_date

from directory.concertation import ConcertationTable, TableMember
from handlers.markup import escape
from handlers.messages import Button, Reply
from handlers.texts import Texts
from scheduler.datewords import to_french_date
from scheduler.followups import DONE, REMINDER_DAYS, Decision, Followup

FOLLOWUP_PREFIX = "fu:"
DONE_CODE, SNOOZE_CODE, NOT_CONCERNED_CODE, NO_NOTE_CODE = "d", "s", "n", "0"


def followup_topic(followup_id: uuid.UUID) -> str:
    """The outbox topic of a follow-up's reminders, to edit them all once it is answered."""
    return f"followup:{followup_id}"


def to_button_data(followup_id: uuid.UUID, code: str) -> str:
    """"fu:<id hex>:<code>"."""
    return f"{FOLLOWUP_PREFIX}{followup_id.hex}:{code}"


def to_day(t: Texts, day: dt.date, today: dt.date) -> str:
    """A day as the reader's language writes it ("jeudi 5 décembre"), the year when not this one."""
    with_year = day.year != today.year
    if t.language == "fr":
        return to_french_date(day, with_year)
    return format_date(day, "EEEE, MMMM d" + (", y" if with_year else ""), locale=t.locale)


def to_decision_lines(t: Texts, decision: Decision, table: ConcertationTable, today: dt.date) -> list[str]:
    """The decision quoted, with its table, its meeting and its deadline."""
    return [
        t("« {text} »", text=escape(decision.text)),
        t("Table : {table} · réunion du {meeting} · à rapporter d'ici le {deadline}",
          table=escape(table.name), meeting=to_day(t, decision.meeting_date, today),
          deadline=to_day(t, decision.deadline, today)),
    ]


def to_reminder_text(
    t: Texts, decision: Decision, table: ConcertationTable, member: TableMember, stage: int, today: dt.date
) -> str:
    """The reminder number ``stage + 1`` to bring ``decision`` back to ``member``'s team, without buttons."""
    if stage == 0:
        title = t("**Décision à rapporter à l'équipe de {organization}**", organization=escape(member.organization_name))
    else:
        title = t("**Rappel n° {number} : décision à rapporter à l'équipe de {organization}**",
                  number=stage + 1, organization=escape(member.organization_name))
    return "\n".join([title, *to_decision_lines(t, decision, table, today)])


def to_reminder(
    t: Texts, decision: Decision, table: ConcertationTable, member: TableMember, followup: Followup, today: dt.date
) -> Reply:
    """The reminder for ``followup``, with "C'est fait", "Rappelle-moi dans 3 jours" and "Pas concerné"."""
    text = to_reminder_text(t, decision, table, member, followup.stage, today)
    text += "\n" + t("Quand c'est présenté à votre équipe, touchez « C'est fait ».")
    return Reply(text, buttons=to_answer_buttons(t, followup.id))


def to_answer_buttons(t: Texts, followup_id: uuid.UUID, *, snooze: bool = True) -> tuple[Button, ...]:
    """The buttons under a reminder (without the snooze one when it was just used)."""
    buttons = [Button(t("C'est fait"), to_button_data(followup_id, DONE_CODE))]
    if snooze:
        buttons.append(Button(t("Rappelle-moi dans 3 jours"), to_button_data(followup_id, SNOOZE_CODE)))
    buttons.append(Button(t("Pas concerné"), to_button_data(followup_id, NOT_CONCERNED_CODE)))
    return tuple(buttons)


def to_answered(
    t: Texts, decision: Decision, table: ConcertationTable, member: TableMember, followup: Followup,
    by: str, today: dt.date,
) -> Reply:
    """A reminder answered ``today`` by ``by``: the decision, then the answer (and the note), no buttons."""
    text = to_reminder_text(t, decision, table, member, 0, today)
    when = to_day(t, today, today)
    if followup.status == DONE:
        line = t("✅ Rapportée à l'équipe ({when}, {by}).", when=when, by=escape(by))
        if followup.note:
            line += " " + t("Note : {note}", note=escape(followup.note))
    else:
        line = t("➖ Pas concerné ({when}, {by}).", when=when, by=escape(by))
    return Reply(f"{text}\n{line}")


def to_snoozed(
    t: Texts, decision: Decision, table: ConcertationTable, member: TableMember, followup: Followup,
    due: dt.date, today: dt.date,
) -> Reply:
    """A reminder put off: the decision, the day of the next reminder, and the buttons to answer now."""
    text = to_reminder_text(t, decision, table, member, 0, today)
    line = t("⏰ Prochain rappel : {day}.", day=to_day(t, due, today))
    return Reply(f"{text}\n{line}", buttons=to_answer_buttons(t, followup.id, snooze=False))


def to_escalation(t: Texts, decision: Decision, table: ConcertationTable, late: list[TableMember], today: dt.date) -> Reply:
    """What the coordinator is told: the organizations that have not said they relayed ``decision``."""
    lines = [
        t("**Décision pas encore rapportée aux équipes** ({count} organisme(s), après {reminders} rappels)",
          count=len(late), reminders=len(REMINDER_DAYS)),
        *to_decision_lines(t, decision, table, today),
    ]
    for member in late:
        organization = escape(member.organization_name)
        if member.representative_user_id is None:
            lines.append(t("- {organization} (aucun·e représentant·e)", organization=organization))
        else:
            who = escape(member.representative_name or member.representative_user_id)
            lines.append(t("- {organization} (représentant·e : {who})", organization=organization, who=who))
    lines.append(t("Je ne leur envoie plus de rappel : le bilan de la semaine les garde en vue."))
    return Reply("\n".join(lines))


def to_unreachable(t: Texts, table: ConcertationTable, member: TableMember) -> Reply:
    """What the coordinator is told when neither the representative nor the team of ``member`` can be reached."""
    organization, name = escape(member.organization_name), escape(table.name)
    if member.representative_user_id is None:
        text = t("**{organization}** n'a pas de représentant·e à la table « {table} » ni de canal d'équipe lié : "
                 "je ne peux pas lui rappeler les décisions. Invitez quelqu'un avec /table remplacer {table} ; "
                 "{organization}, ou liez le canal de l'équipe avec /equipe lier {organization}.",
                 organization=organization, table=name)
    else:
        text = t("Je ne peux pas écrire à {person}, représentant·e de **{organization}** à la table « {table} » : "
                 "il faut m'avoir écrit une fois en privé. Demandez-lui de le faire, ou liez le canal de l'équipe "
                 "avec /equipe lier {organization}.",
                 person=escape(member.representative_name or member.representative_user_id),
                 organization=organization, table=name)
    return Reply(text)
