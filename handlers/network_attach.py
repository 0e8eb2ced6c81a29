"""``/reseau rattacher <id>`` — an admin attaches the group where they write to a network they
administer; the network's roles, texts and welcome kit then apply there, at once.

A group still in the default network may be attached by an admin of the target network; a group
already attached elsewhere needs an admin of both networks.
"""

from __future__ import annotations

from directory.channels import choose
from directory.networks import DEFAULT_NETWORK, is_network_id, network_named
from directory.roles import ADMIN, roles_of
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import to_person_ref
from handlers.roles import network_name
from handlers.texts import texts_for

WORDS = frozenset({"rattacher", "attacher", "attach"})


async def attach(incoming: Incoming, context: Context, wanted: str) -> Reply:
    """Attach the sender's group to the network ``wanted`` (the sender administers it)."""
    t = texts_for(incoming.locale)
    if incoming.private:
        return Reply(t("Tapez **/reseau rattacher <identifiant du réseau>** dans le groupe ou le canal à "
                       "rattacher, pas en privé."))
    network_id = wanted.strip().lower()
    if not network_id:
        return Reply(t("Quel réseau ? Écrivez par exemple **/reseau rattacher rls-jonquiere** (l'identifiant "
                       "que donne **passerelle reseau list**)."))
    platform, user_id = incoming.chat.platform, incoming.user_id
    async with context.sessions() as session:
        network = await network_named(session, network_id) if is_network_id(network_id) else None
        current = await network_name(session, incoming.network)
    if network is None:
        return Reply(t("Aucun réseau n'a l'identifiant « {network} ». Les identifiants sont donnés par "
                       "**passerelle reseau list**.", network=escape(network_id)))
    values = {"network": escape(network.name), "current": escape(current), "person": escape(to_person_ref(incoming))}
    if ADMIN not in await roles_of(context.sessions, platform, user_id, network.id):
        return Reply(t("Seuls les **administrateurs** de **{network}** peuvent y rattacher un groupe. Pour le "
                       "devenir : **passerelle admin add {person} --reseau {id}**, ou **/role donner admin** par "
                       "un administrateur du réseau.", id=escape(network.id), **values))
    if incoming.network == network.id:
        return Reply(t("Ce groupe fait déjà partie de **{network}**.", **values))
    if incoming.network != DEFAULT_NETWORK and ADMIN not in await roles_of(
        context.sessions, platform, user_id, incoming.network
    ):
        return Reply(t("Ce groupe fait partie de **{current}** : seul un administrateur de **{current}** "
                       "peut le rattacher ailleurs.", **values))
    chat = incoming.chat
    choices = await choose(context.sessions, chat.platform, chat.chat_id, context.clock(), network_id=network.id)
    context.choices.keep(chat.platform, chat.chat_id, choices)
    return Reply(t("C'est fait : ce groupe fait maintenant partie de **{network}**. Les rôles et le kit "
                   "d'accueil de ce réseau s'y appliquent dès maintenant.", **values))
