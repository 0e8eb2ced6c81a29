"""Routes what people send to the conversation that handles it."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable

from handlers import (
    agenda,
    announcements,
    channels,
    conversation,
    decision_commands,
    edit_commands,
    edit_flow,
    edit_forms,
    edit_targets,
    event_cards,
    event_changes,
    event_commands,
    event_flow,
    followup_buttons,
    forget_me,
    history,
    kit_commands,
    my_data,
    network_browse,
    organizations,
    profile,
    profile_views,
    referral,
    roles,
    rsvp_buttons,
    suivi,
    suivi_views,
    synonym_commands,
    table_members,
    table_views,
    tables,
    team_channels,
    undo,
    verify,
    welcome,
)
from handlers import help as help_
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.reachability import note_private_chat
from handlers.texts import texts_for

Handler = Callable[[Incoming, Context], Awaitable[list[Reply]]]
log = logging.getLogger(__name__)

COMMANDS: dict[str, Handler] = {
    "qui": referral.ask,
    "who": referral.ask,
    "org": edit_commands.org_command,
    "service": edit_commands.service_command,
    "annuler_modif": undo.command,
    "synonyme": synonym_commands.command,
    "synonym": synonym_commands.command,
    "undo_edit": undo.command,
    "aide": help_.show,
    "help": help_.show,
    "start": event_cards.start,
    "lieu": channels.set_place,
    "langue": channels.set_language,
    "evenement": event_commands.event,
    "event": event_commands.event,
    "evenements": event_commands.events,
    "events": event_commands.events,
    "calendrier": event_commands.calendar,
    "calendar": event_commands.calendar,
    "annuler": conversation.stop,
    "cancel": conversation.stop,
    "annonce": announcements.command,
    "table": tables.command,
    "equipe": team_channels.command,
    "suivi": suivi.command,
    "ordre_du_jour": agenda.command,
    "decision": decision_commands.command,
    "historique": history.command,
    "history": history.command,
    "verifier": verify.command,
    "verify": verify.command,
    "profil": profile.command,
    "profile": profile.command,
    "mes_donnees": my_data.command,
    "my_data": my_data.command,
    "oublier_moi": forget_me.command,
    "forget_me": forget_me.command,
    "kit": kit_commands.command,
    "role": roles.command,
    "reseau": network_browse.command,
    "network": network_browse.command,
}
BUTTONS: dict[str, Handler] = {
    referral.MORE_PREFIX: referral.more,
    organizations.ORG_PREFIX: organizations.pick,
    event_cards.RSVP_PREFIX: rsvp_buttons.press,
    event_cards.ICS_PREFIX: rsvp_buttons.calendar,
    event_changes.CONFIRM: event_changes.confirm,
    event_changes.DISCARD: event_changes.discard,
    announcements.BUTTON_PREFIX: announcements.pressed,
    table_views.VIEW_PREFIX: table_views.pick,
    table_members.ADD_PREFIX: table_members.pick,
    team_channels.LINK_PREFIX: team_channels.pick,
    suivi_views.EXPORT_PREFIX: suivi.export,
    decision_commands.CONFIRM: decision_commands.confirm,
    decision_commands.DISCARD: decision_commands.discard,
    followup_buttons.FOLLOWUP_PREFIX: followup_buttons.press,
    edit_targets.TARGET_PREFIX: edit_commands.pressed,
    edit_commands.SERVICE_EDIT_PREFIX: edit_commands.pressed,
    edit_forms.FORM_PREFIX: edit_forms.submitted,
    edit_flow.CONFIRM: edit_flow.confirm,
    edit_flow.DISCARD: edit_flow.discard,
    history.HISTORY_PREFIX: history.pick,
    verify.VERIFY_PREFIX: verify.pressed,
    profile_views.PROFILE_PREFIX: profile.press,
    forget_me.CONFIRM: forget_me.confirm,
    forget_me.DISCARD: forget_me.discard,
    network_browse.BROWSE_PREFIX: network_browse.pressed,
}
# guided conversations by name: free text from a person with one in progress goes to its flow
FLOWS: dict[str, conversation.Flow] = {
    event_changes.FLOW: event_flow.answer,
    decision_commands.FLOW: decision_commands.answer,
    edit_flow.FLOW: edit_flow.answer,
    followup_buttons.FLOW: followup_buttons.answer,
    forget_me.FLOW: forget_me.answer,
}


def split_command(text: str) -> tuple[str | None, str]:
    """("qui", "banque alimentaire") from "/qui banque alimentaire"; (None, text) for free text."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None, stripped
    head, *rest = stripped[1:].split(maxsplit=1) or [""]  # a newline may follow the command (pasted lists)
    return head.split("@")[0].lower(), rest[0].strip() if rest else ""


async def dispatch(incoming: Incoming, context: Context) -> list[Reply]:
    """The replies to ``incoming``; an unexpected error becomes an apology, never a crash."""
    t = texts_for(incoming.locale)
    try:
        incoming = await channels.with_choices(incoming, context)
        t = texts_for(incoming.locale)
    except Exception:  # without the chat's choices the bot still answers, with the defaults
        log.exception("could not read the choices of chat %s", incoming.chat)
    try:
        await note_private_chat(incoming, context)
    except Exception:  # the bot answers all the same; the person is recorded on a later message
        log.exception("could not record the private chat of %s", incoming.user_id)
    try:
        return await _route(incoming, context)
    except Exception:
        log.exception("handler failed for %r", incoming)
        return [Reply(t("Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."))]


async def _route(incoming: Incoming, context: Context) -> list[Reply]:
    t = texts_for(incoming.locale)
    if incoming.joined:
        return await welcome.joined(incoming, context)
    if incoming.button_data is not None:
        for prefix, handler in BUTTONS.items():
            if incoming.button_data.startswith(prefix):
                return await handler(incoming, context)
        return [Reply(t("Ce bouton n'est plus actif."))]
    if incoming.command is not None:
        handler = COMMANDS.get(incoming.command)
        if handler is None:
            return [Reply(t("Commande inconnue : /{command}. Tapez /aide pour la liste.", command=escape(incoming.command)))]
        return await handler(incoming, context)
    if incoming.text.strip() and (answered := await conversation.route(incoming, context, FLOWS)) is not None:
        return answered
    if incoming.private and incoming.text.strip():
        return await referral.ask(_as_question(incoming), context)
    return []


def _as_question(incoming: Incoming) -> Incoming:
    return dataclasses.replace(incoming, command="qui", args=incoming.text)
