"""``/annonce`` — one-shot and recurring messages to channels, for coordinators and admins.

``/annonce <quand> | <texte>`` prepares one (``handlers.announcement_input`` reads it) and shows
it back for its author to confirm with a button; ``liste``, ``modifier <id> [<quand>] [| <texte>]``,
``pause <id>``, ``reprendre <id>`` and ``annuler <id>`` manage them. The announcement goes to the
group where it is typed and to the chats the message names; from a private chat, it must name some.
"""

from __future__ import annotations

import base64
import uuid

from handlers.announcement_input import InputProblem, Proposal, checked_text, read_creation, read_when
from handlers.announcement_posting import enqueue_due_announcements
from handlers.announcement_views import to_confirmation, to_french_moment, to_line, to_places, to_rhythm
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.permissions import may_organize, refusal, to_person_ref
from handlers.texts import Texts, texts_for
from scheduler import announcements as store
from scheduler.addresses import Channel
from scheduler.announcements import Summary

__all__ = ["BUTTON_PREFIX", "command", "enqueue_due_announcements", "pressed"]

BUTTON_PREFIX = "ann:"  # "ann:ok:<draft>", "ann:ok:<draft>:<announcement changed>", "ann:no:<draft>"
LIST_WORDS = {"liste", "list", "lister"}
EDIT_WORDS = {"modifier", "modifie", "edit", "changer"}
PAUSE_WORDS = {"pause", "suspendre", "arreter", "arrêter"}
RESUME_WORDS = {"reprendre", "reprise", "resume", "relancer"}
CANCEL_WORDS = {"annuler", "supprimer", "cancel", "delete"}
TEXT_WORDS = {"texte", "text", "message"}
WHEN_WORDS = {"quand", "date", "rythme", "horaire"}


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/annonce``: prepare an announcement, or list, change, pause, resume or cancel one."""
    t = texts_for(incoming.locale)
    if not await may_organize(context, incoming):
        return [refusal(t, incoming)]
    head, _, rest = incoming.args.strip().partition(" ")
    word = head.lower()
    if not word:
        return [Reply(_usage(t))]
    if word in LIST_WORDS:
        return [await _listing(incoming, context, t)]
    managing = {**dict.fromkeys(PAUSE_WORDS, _pause), **dict.fromkeys(RESUME_WORDS, _resume),
                **dict.fromkeys(CANCEL_WORDS, _cancel), **dict.fromkeys(EDIT_WORDS, _edit)}
    if word in managing:
        short_id, _, rest = rest.strip().partition(" ")
        found = await _one(short_id, word, context, t)
        if isinstance(found, Reply):
            return [found]
        return [await managing[word](found, rest.strip(), incoming, context, t)]
    return [await _prepare(incoming, context, t)]


async def pressed(incoming: Incoming, context: Context) -> list[Reply]:
    """The Confirmer / Annuler buttons under a prepared announcement or change."""
    t = texts_for(incoming.locale)
    parts = (incoming.button_data or "").removeprefix(BUTTON_PREFIX).split(":")
    ids = [_from_data(part) for part in parts[1:]]
    if parts[0] not in ("ok", "no") or not 1 <= len(ids) <= 2 or None in ids:
        return [Reply(t("Ce bouton n'est plus actif."), notice=True)]
    now = context.clock()
    draft = await store.draft(context.sessions, ids[0], now)
    if draft is None:
        return [Reply(t("Cette annonce n'attend plus de confirmation : elle a déjà été confirmée, annulée, "
                        "ou préparée il y a trop longtemps. Au besoin, retapez **/annonce**."), notice=True)]
    if draft.created_by != to_person_ref(incoming):
        return [Reply(t("Seule la personne qui a préparé cette annonce peut la confirmer ou l'annuler."), notice=True)]
    if not await may_organize(context, incoming):
        return [refusal(t, incoming)]
    if parts[0] == "no":
        await store.discard(context.sessions, draft.id)
        return [Reply(t("D'accord, rien n'est changé."))]
    if len(ids) == 2:
        return [await _apply_change(draft, ids[1], incoming, context, t)]
    return [await _confirm(draft, incoming, context, t)]


async def _prepare(incoming: Incoming, context: Context, t: Texts) -> Reply:
    """Read a new announcement and show it back with Confirmer / Annuler."""
    now = context.clock()
    channels = _channels(incoming)
    if not channels:
        return Reply(t("Dans une conversation privée, nommez le ou les canaux où publier, par exemple : "
                       "**/annonce #general chaque lundi à 9 h | Votre message** (ou tapez la commande "
                       "dans le groupe même)."))
    try:
        proposal, text = read_creation(incoming.args, now, context.timezone, t)
    except InputProblem as problem:
        return Reply(str(problem))
    draft_id = await store.save_draft(context.sessions, text, proposal.schedule, channels, to_person_ref(incoming), now)
    return _to_ask(t("**Annonce à confirmer**"), text, proposal, channels, incoming, context, t,
                   f"{BUTTON_PREFIX}ok:{_to_data(draft_id)}", f"{BUTTON_PREFIX}no:{_to_data(draft_id)}")


async def _edit(found: Summary, rest: str, incoming: Incoming, context: Context, t: Texts) -> Reply:
    """Read a new text or schedule for ``found`` and show the result back for confirmation."""
    now = context.clock()
    word, _, after = rest.partition(" ")
    when, text = _edit_parts(rest, word.lower(), after)
    if not when and text is None:
        return Reply(_edit_usage(found, t))
    try:
        proposal = read_when(when, now, context.timezone, t) if when else None
        new_text = checked_text(text, t) if text is not None else found.text
    except InputProblem as problem:
        return Reply(str(problem))
    if proposal is None:
        proposal = Proposal(found.schedule, to_rhythm(found.schedule, context.timezone, now))
    draft_id = await store.save_draft(context.sessions, new_text, proposal.schedule, (), to_person_ref(incoming), now)
    title = t("**Modification de l'annonce {id} à confirmer**", id=found.short_id)
    return _to_ask(title, new_text, proposal, found.channels, incoming, context, t,
                   f"{BUTTON_PREFIX}ok:{_to_data(draft_id)}:{_to_data(found.id)}",
                   f"{BUTTON_PREFIX}no:{_to_data(draft_id)}", first=False)


def _edit_parts(rest: str, word: str, after: str) -> tuple[str, str | None]:
    """(when, new text or None) of ``modifier <id> …``: "texte …", "quand …", or "<quand> | <texte>"."""
    if word.rstrip(":") in TEXT_WORDS:
        return "", after.lstrip(": ")
    if word.rstrip(":") in WHEN_WORDS:
        return after.lstrip(": "), None
    if "|" in rest or "\n" in rest:
        when, _, text = rest.replace("\n", "|", 1).partition("|")
        return when.strip(), text
    return rest, None


def _to_ask(
    title: str, text: str, proposal: Proposal, channels: tuple[Channel, ...] | list[Channel],
    incoming: Incoming, context: Context, t: Texts, confirm: str, cancel: str, *, first: bool = True,
) -> Reply:
    """The prepared announcement shown back with its Confirmer / Annuler buttons."""
    now = context.clock()
    next_due = proposal.schedule.next_after(now)
    if next_due is None:
        return Reply(t("Cette date est déjà passée : choisissez un moment à venir."))
    body = to_confirmation(title, text, proposal.said, next_due, to_places(channels, incoming.chat, t),
                           proposal.notes, context.timezone, now, t, first=first)
    return Reply(body, buttons=(Button(t("Confirmer"), confirm), Button(t("Annuler"), cancel)))


async def _confirm(draft: Summary, incoming: Incoming, context: Context, t: Texts) -> Reply:
    now = context.clock()
    due = draft.schedule.next_after(now)
    if due is None:
        await store.discard(context.sessions, draft.id)
        return Reply(t("L'heure prévue est passée pendant la confirmation : retapez **/annonce** avec un moment à venir."))
    if not await store.confirm(context.sessions, draft.id, due, now):
        return Reply(t("Cette annonce est déjà confirmée."), notice=True)
    return Reply(t("C'est enregistré : annonce **{id}**, première publication le {moment}. "
                   "Pour la gérer : **/annonce liste**.",
                   id=draft.short_id, moment=to_french_moment(due, context.timezone, now)))


async def _apply_change(draft: Summary, target_id: uuid.UUID, incoming: Incoming, context: Context, t: Texts) -> Reply:
    now = context.clock()
    changed = await store.apply_change(context.sessions, draft.id, target_id, now)
    if changed is None:
        return Reply(t("Cette annonce n'existe plus ou est terminée : rien n'est changé."))
    if changed.status == store.PAUSED or changed.due_at is None:
        return Reply(t("C'est modifié : annonce **{id}** (toujours en pause).", id=changed.short_id))
    return Reply(t("C'est modifié : annonce **{id}**, prochaine publication le {moment}.",
                   id=changed.short_id, moment=to_french_moment(changed.due_at, context.timezone, now)))


async def _listing(incoming: Incoming, context: Context, t: Texts) -> Reply:
    found = await store.live(context.sessions)
    if not found:
        return Reply(t("Aucune annonce prévue. Pour en créer une : **/annonce chaque lundi à 9 h | Votre message**"))
    now = context.clock()
    lines = [t("**Annonces prévues** ({count}) :", count=len(found))]
    lines += [to_line(summary, incoming.chat, context.timezone, now, t) for summary in found]
    lines.append(t("Gérer : **/annonce modifier|pause|reprendre|annuler <id>**"))
    return Reply("\n".join(lines))


async def _pause(found: Summary, _rest: str, incoming: Incoming, context: Context, t: Texts) -> Reply:
    if found.status == store.PAUSED:
        return Reply(t("L'annonce **{id}** est déjà en pause. Pour la reprendre : **/annonce reprendre {id}**",
                       id=found.short_id))
    if not await store.pause(context.sessions, found.id, context.clock()):
        return Reply(t("L'annonce **{id}** vient de changer : regardez **/annonce liste**.", id=found.short_id))
    return Reply(t("L'annonce **{id}** est en pause. Pour la reprendre : **/annonce reprendre {id}**",
                   id=found.short_id))


async def _resume(found: Summary, _rest: str, incoming: Incoming, context: Context, t: Texts) -> Reply:
    if found.status != store.PAUSED:
        return Reply(t("L'annonce **{id}** n'est pas en pause.", id=found.short_id))
    now = context.clock()
    due = await store.resume(context.sessions, found.id, now)
    if due is None:
        return Reply(t("L'annonce **{id}** n'a plus de date à venir : donnez-lui-en une avec "
                       "**/annonce modifier {id} demain 9 h**.", id=found.short_id))
    return Reply(t("L'annonce **{id}** reprend : prochaine publication le {moment}.",
                   id=found.short_id, moment=to_french_moment(due, context.timezone, now)))


async def _cancel(found: Summary, _rest: str, incoming: Incoming, context: Context, t: Texts) -> Reply:
    if not await store.cancel(context.sessions, found.id, context.clock()):
        return Reply(t("L'annonce **{id}** vient de changer : regardez **/annonce liste**.", id=found.short_id))
    return Reply(t("L'annonce **{id}** est annulée : elle ne sera plus publiée.", id=found.short_id))


async def _one(short_id: str, word: str, context: Context, t: Texts) -> Summary | Reply:
    """The one live announcement ``short_id`` names, or a reply saying why there is none."""
    if not short_id:
        return Reply(t("Quelle annonce ? Donnez son identifiant, par exemple **/annonce {word} 3f2a9c1e** "
                       "(voir **/annonce liste**).", word=escape(word)))
    found = await store.find(context.sessions, short_id)
    if not found:
        return Reply(t("Aucune annonce en cours n'a l'identifiant « {id} » : voyez **/annonce liste**.",
                       id=escape(short_id)))
    if len(found) > 1:
        return Reply(t("Plusieurs annonces commencent par « {id} » : donnez l'identifiant en entier "
                       "(voir **/annonce liste**).", id=escape(short_id)))
    return found[0]


def _channels(incoming: Incoming) -> list[Channel]:
    """The group where the command is typed (the console's own chat too), then the chats it names."""
    here = incoming.chat
    channels = [] if incoming.private and here.platform != "console" else [
        Channel(here.platform, here.chat_id, here.thread_id)
    ]
    channels += [Channel(here.platform, mention) for mention in incoming.mentions if mention != here.chat_id]
    return list(dict.fromkeys(channels))


def _usage(t: Texts) -> str:
    return "\n".join([
        t("**/annonce** publie un message une fois ou à un rythme, ici ou dans les canaux nommés :"),
        t("- **/annonce demain 8 h | Rappel : la table se réunit jeudi**"),
        t("- **/annonce chaque lundi à 9 h sauf jours fériés | Bonne semaine à toutes et à tous !**"),
        t("- **/annonce #general chaque premier jeudi du mois à 17 h | 5 à 7 du réseau ce soir**"),
        t("Puis : **/annonce liste**, **/annonce modifier <id> …**, **/annonce pause <id>**, "
          "**/annonce reprendre <id>**, **/annonce annuler <id>**."),
    ])


def _edit_usage(found: Summary, t: Texts) -> str:
    return t("Que changer ? Par exemple : **/annonce modifier {id} chaque mardi à 10 h** (le rythme), "
             "**/annonce modifier {id} | Nouveau texte** (le texte), ou les deux : "
             "**/annonce modifier {id} demain 8 h | Nouveau texte**", id=found.short_id)


def _to_data(announcement_id: uuid.UUID) -> str:
    """22 URL-safe characters for an id, to fit two in a button's data."""
    return base64.urlsafe_b64encode(announcement_id.bytes).decode().rstrip("=")


def _from_data(data: str) -> uuid.UUID | None:
    try:
        raw = base64.urlsafe_b64decode(data + "==")
        return uuid.UUID(bytes=raw) if len(raw) == 16 else None
    except ValueError:
        return None
