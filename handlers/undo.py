"""``/annuler_modif <organisme|service>`` and the "Défaire" button: the record's last change undone
(a creation removes the record), logged as a change of its own, the search index refreshed."""

from __future__ import annotations

import uuid

from directory.editable import ORGANIZATION, SERVICE
from directory.editing import lock_record, services_of, undo_last
from handlers.context import Context
from handlers.edit_targets import UNDO, Target, find_target, target_button
from handlers.editing import describe_changes, env_of, gone, record_title
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.permissions import admin_refusal, is_admin, to_author
from handlers.texts import Texts, texts_for


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/annuler_modif <nom>``: the service or organization named, its last change undone."""
    t = texts_for(incoming.locale)
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    name = incoming.args.strip()
    if not name:
        return [Reply(t("Donnez le service ou l'organisme dont défaire la dernière modification : "
                        "**/annuler_modif Halte-garderie** ou **/annuler_modif Maison de la famille**."))]
    service = await find_target(context, SERVICE, name, UNDO, t)
    organization = await find_target(context, ORGANIZATION, name, UNDO, t)
    if isinstance(service, Target) and not isinstance(organization, Target):
        return [await undo(incoming, context, service, t)]
    if isinstance(organization, Target) and not isinstance(service, Target):
        return [await undo(incoming, context, organization, t)]
    buttons = tuple(_buttons(service, t)) + tuple(_buttons(organization, t))
    if buttons:
        return [Reply(t("Lequel ?"), buttons=buttons)]
    return [Reply(t("Aucun service ni organisme ne ressemble à « {name} ». Vérifiez le nom.", name=escape(name)))]


def _buttons(found: Target | Reply, t: Texts) -> tuple[Button, ...]:
    """The choice buttons of a lookup: its close names, or its one sure record."""
    if isinstance(found, Reply):
        return found.buttons
    label = t("Service") if found.kind == SERVICE else t("Organisme")
    return (target_button(label, UNDO, found),)


async def undo(
    incoming: Incoming, context: Context, target: Target, t: Texts, expected: uuid.UUID | None = None
) -> Reply:
    """Undo ``target``'s last change (only if it is the change ``expected``, when given: an undo button
    undoes its own change), and say what it did."""
    now, by = context.clock(), to_author(incoming)
    async with context.sessions.begin() as session:
        record = await lock_record(session, target.kind, target.record_id)
        if record is None:
            return gone(target.kind, t)
        title = await record_title(session, record)
        services = await services_of(session, record)
        outcome = await undo_last(session, record, env_of(context, session, t), by=by, now=now, expected=expected)
    if outcome.problem:
        return _problem(outcome.problem, outcome.fields, title, target.kind, t)
    await context.search.refresh(context.sessions, services)
    if outcome.deleted:
        return Reply(t("**{title}** est retiré de l'annuaire : son ajout est défait.", title=title))
    text = t("C'est défait pour **{title}** :", title=title) + "\n" + describe_changes(outcome.edit.changes, t)
    return Reply(text, buttons=(target_button(t("Refaire"), UNDO, target, outcome.edit.change_id),))


def _problem(problem: str, fields: tuple[str, ...], title: str, kind: str, t: Texts) -> Reply:
    command = "/service modifier" if kind == SERVICE else "/org modifier"
    if problem == "none":
        return Reply(t("Aucune modification à défaire pour **{title}**.", title=title))
    if problem == "newer":
        return Reply(t("Rien n'a été défait : **{title}** a été modifié depuis. **/historique** montre les "
                       "modifications ; **/annuler_modif** défait la dernière.", title=title))
    if problem == "has_services":
        return Reply(t("Rien n'a été défait : **{title}** a maintenant des services. Retirez-les d'abord, ou "
                       "changez l'organisme avec **/org modifier**.", title=title))
    if problem == "import":
        return Reply(t("La dernière modification de **{title}** vient d'un import : elle ne se défait pas ici. "
                       "Changez les champs voulus avec **{command}**.", title=title, command=command))
    if problem == "changed_since":
        return Reply(t("Rien n'a été défait : {fields} de **{title}** a changé depuis cette modification. "
                       "Changez-le directement avec **{command}**.",
                       fields=escape(", ".join(fields)), title=title, command=command))
    return Reply(t("Rien n'a été défait : l'ancienne valeur de {fields} ne se relit pas. "
                   "Changez-la directement avec **{command}**.", fields=escape(", ".join(fields)), command=command))
