"""``/annuler_modif <organisme|service>`` and the "Défaire" button: the record's last change undone
(a creation removes the record), logged as a change of its own, the search index refreshed."""

from __future__ import annotations

from directory.editable import ORGANIZATION, SERVICE
from directory.editing import record_of, services_of, undo_last
from handlers.context import Context
from handlers.edit_targets import UNDO, Target, find_target, target_button
from handlers.editing import describe_changes, env_of, gone, record_title
from handlers.markup import escape
from handlers.messages import Incoming, Reply
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
    found = await find_target(context, SERVICE, name, UNDO, t)
    if isinstance(found, Reply):
        organization = await find_target(context, ORGANIZATION, name, UNDO, t)
        if isinstance(organization, Target):
            found = organization
        elif found.buttons or organization.buttons:
            return [Reply(t("Lequel ?"), buttons=found.buttons + organization.buttons)]
        else:
            return [Reply(t("Aucun service ni organisme ne ressemble à « {name} ». Vérifiez le nom.",
                            name=escape(name)))]
    return [await undo(incoming, context, found, t)]


async def undo(incoming: Incoming, context: Context, target: Target, t: Texts) -> Reply:
    """Undo ``target``'s last change, and say what it did."""
    now, by = context.clock(), to_author(incoming)
    async with context.sessions.begin() as session:
        record = await record_of(session, target.kind, target.record_id)
        if record is None:
            return gone(target.kind, t)
        title = await record_title(session, record)
        services = await services_of(session, record)
        outcome = await undo_last(session, record, env_of(context, session, t), by=by, now=now)
    if outcome.problem:
        return _problem(outcome.problem, outcome.fields, title, target.kind, t)
    await context.search.refresh(context.sessions, services)
    if outcome.deleted:
        return Reply(t("**{title}** est retiré de l'annuaire : son ajout est défait.", title=title))
    text = t("C'est défait pour **{title}** :", title=title) + "\n" + describe_changes(outcome.changes, target.kind, t)
    return Reply(text, buttons=(target_button(t("Refaire"), UNDO, target),))


def _problem(problem: str, fields: tuple[str, ...], title: str, kind: str, t: Texts) -> Reply:
    command = "/service modifier" if kind == SERVICE else "/org modifier"
    if problem == "none":
        return Reply(t("Aucune modification à défaire pour **{title}**.", title=title))
    if problem == "import":
        return Reply(t("La dernière modification de **{title}** vient d'un import : elle ne se défait pas ici. "
                       "Changez les champs voulus avec **{command}**.", title=title, command=command))
    if problem == "changed_since":
        return Reply(t("Rien n'a été défait : {fields} de **{title}** a changé depuis cette modification. "
                       "Changez-le directement avec **{command}**.",
                       fields=escape(", ".join(fields)), title=title, command=command))
    return Reply(t("Rien n'a été défait : l'ancienne valeur de {fields} ne se relit pas. "
                   "Changez-la directement avec **{command}**.", fields=escape(", ".join(fields)), command=command))
