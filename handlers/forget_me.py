"""``/oublier_moi``: the sender asks to be forgotten; after their confirmation ("Confirmer" or "oui"
typed), everything held about them is deleted or pseudonymized in one transaction
(``handlers.erasure``), and they are told what was done. A private chat only."""

from __future__ import annotations

from directory.networks import network_named
from directory.text import fold
from handlers import conversation
from handlers.context import Context
from handlers.conversation import State
from handlers.erasure import Erased, erase, sole_admin_of
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.profile_views import private_only
from handlers.texts import Texts, texts_for

FLOW = "forget"
CONFIRM, DISCARD = "oubli:ok", "oubli:non"
YES_WORDS = frozenset({"oui", "confirmer", "confirme", "ok", "yes"})
NO_WORDS = frozenset({"non", "no"})


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """Say what will be deleted and kept, warn a network's last admin, and ask for confirmation."""
    t = texts_for(incoming.locale)
    if not incoming.private:
        return [private_only(incoming, context, t)]
    async with context.sessions() as session:
        networks = await sole_admin_of(session, incoming.chat.platform, incoming.user_id)
        names = [found.name if (found := await network_named(session, n)) else n for n in networks]
    await conversation.start(context, incoming, FLOW, "confirm", {})
    lines = [t(
        "Je vais effacer tout ce que je garde sur vous : votre profil et vos consentements, vos rôles, vos "
        "réponses aux événements, vos questions en cours, le fait que vous m'écrivez en privé et les messages "
        "qui vous attendent. Les sièges que vous occupez aux tables restent à votre organisme, sans votre nom. "
        "L'historique du réseau (événements, annonces et décisions créés, modifications de l'annuaire) garde "
        "un pseudonyme à la place de votre nom. C'est définitif."
    )]
    for name in names:
        lines.append(t("**Attention** : vous êtes le seul administrateur du réseau « {network} » ; il n'en aura "
                       "plus. Donnez d'abord le rôle à quelqu'un d'autre (**/role donner admin**) si possible.",
                       network=escape(name)))
    lines.append(t("Confirmez-vous ? Répondez **oui** ou **non**."))
    return [Reply("\n\n".join(lines), buttons=_buttons(t), asks=True)]


def _buttons(t: Texts) -> tuple[Button, ...]:
    return Button(t("Confirmer"), CONFIRM), Button(t("Annuler"), DISCARD)


async def confirm(incoming: Incoming, context: Context) -> list[Reply]:
    """"Confirmer" (or "oui" typed): forget the sender, in one transaction."""
    t = texts_for(incoming.locale)
    state = await conversation.current(context, incoming)
    if state is None or state.flow != FLOW:
        return [Reply(t("Il n'y a rien à confirmer (la question a peut-être expiré) : recommencez avec /oublier_moi."))]
    platform, user_id = incoming.chat.platform, incoming.user_id
    async with context.sessions.begin() as session:
        erased = await erase(session, platform, user_id, context.clock(), texts_for(context.language),
                             context.private_chats)
    context.private_chats.discard((platform, user_id))
    context.pending_private_chats.pop((platform, user_id), None)
    return [Reply(to_summary(erased, t))]


async def discard(incoming: Incoming, context: Context) -> list[Reply]:
    """"Annuler" (or "non" typed): nothing is deleted."""
    state = await conversation.current(context, incoming)
    if state is None or state.flow != FLOW:
        return await conversation.stop(incoming, context)
    await conversation.finish(context, incoming)
    t = texts_for(incoming.locale)
    return [Reply(t("D'accord : rien n'a été effacé."))]


async def answer(incoming: Incoming, context: Context, state: State) -> list[Reply]:
    """A word typed while the erasure waits for confirmation."""
    word = fold(incoming.text.strip()).rstrip(" !.")
    if word in YES_WORDS:
        return await confirm(incoming, context)
    if word in NO_WORDS:
        return await discard(incoming, context)
    t = texts_for(incoming.locale)
    return [Reply(t("Répondez **oui** pour tout effacer, ou **non** pour ne rien changer."), buttons=_buttons(t),
                  asks=True)]


def to_summary(erased: Erased, t: Texts) -> str:
    """What was deleted and what was kept under the pseudonym."""
    lines = [t("C'est fait : je vous ai oublié·e. Voici ce qui a été effacé :"),
             t("- éléments du profil : {count}", count=erased.details),
             t("- rôles : {count}", count=erased.roles),
             t("- réponses aux événements : {count}", count=erased.rsvps),
             t("- questions en cours : {count}", count=erased.conversations),
             t("- messages qui vous étaient adressés : {count}", count=erased.messages),
             t("- conversation privée enregistrée : {count}", count=erased.private_chat)]
    if erased.seats:
        lines.append(t("Sièges aux tables laissés à votre organisme, sans représentant : {count}", count=erased.seats))
    if erased.coordinated:
        lines.append(t("Tables que vous coordonniez, maintenant sans coordonnateur nommé : {count}",
                       count=erased.coordinated))
    lines.append(t("Entrées de l'historique du réseau gardées sous le pseudonyme **{alias}** : {count}",
                   alias=erased.alias, count=erased.pseudonymized))
    return "\n".join(lines)
