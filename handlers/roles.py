"""``/role`` — one's roles and what they allow, who holds which role in the network, and admins
giving and taking roles from the chat.

Roles are held per network: those of the chat's network count (a private chat belongs to the one
network where the person holds roles: ``handlers.channels.with_choices``); ``/role`` alone, in private,
shows them all. A network always keeps one admin: the chat never removes the last one.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.db import lock_row
from directory.networks import Network
from directory.people import shared_names
from directory.roles import (
    ADMIN,
    COORDINATOR,
    MEMBER,
    PersonRole,
    RoleHolder,
    grant,
    holders,
    networks_of,
    roles_of,
)
from directory.text import fold
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import admin_refusal, is_admin, to_person_ref
from handlers.texts import Texts, texts_for

# how people name the roles, folded (accents and case do not count)
ROLE_WORDS = {
    **dict.fromkeys(("admin", "admins", "administrateur", "administratrice", "administrator"), ADMIN),
    **dict.fromkeys(("coordonnateur", "coordonnatrice", "coordonateur", "coordonatrice", "coordinateur",
                     "coordinatrice", "coordo", "coordinator"), COORDINATOR),
}
LIST, GIVE, TAKE = "liste", "donner", "retirer"
ACTIONS = {
    **dict.fromkeys(("liste", "list", "lister"), LIST),
    **dict.fromkeys(("donner", "give", "ajouter", "add"), GIVE),
    **dict.fromkeys(("retirer", "remove", "enlever", "take"), TAKE),
}
# "telegram:123456", "slack:U0123ABC": how a person is named where no mention can designate them
PERSON_IDS = {"telegram": re.compile(r"\d{1,20}"), "slack": re.compile(r"[UW][A-Z0-9]{2,}")}
_REFERENCE = re.compile(r"(?i)^(telegram|slack):(\S*)$")
DONE, ABSENT, LAST = "done", "absent", "last"


def to_role(word: str) -> str | None:
    """The role a word names ("Coordonnatrice" → coordinator), None when it names none."""
    return ROLE_WORDS.get(fold(word.strip()))


def to_person(text: str) -> tuple[str, str] | None:
    """("slack", "U0123ABC") from "slack:u0123abc"; None when ``text`` is no valid reference."""
    found = _REFERENCE.match(text.strip())
    if found is None:
        return None
    platform, user_id = found.group(1).lower(), found.group(2)
    if platform == "slack":
        user_id = user_id.upper()
    return (platform, user_id) if PERSON_IDS[platform].fullmatch(user_id) else None


def role_label(t: Texts, role: str) -> str:
    """A role's name as people read it."""
    labels = {ADMIN: t("administrateur"), COORDINATOR: t("coordonnateur"), MEMBER: t("membre")}
    return labels[role]


async def network_name(session: AsyncSession, network_id: str) -> str:
    """The display name of the network ``network_id`` (its id when it has no row)."""
    network = await session.get(Network, network_id)
    return network.name if network is not None else network_id


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/role``, ``/role liste``, ``/role donner <rôle> [personne]``, ``/role retirer <rôle> [personne]``."""
    t = texts_for(incoming.locale)
    word, _, rest = incoming.args.strip().partition(" ")
    if not word:
        return [await _mine(incoming, context, t)]
    action = ACTIONS.get(fold(word))
    if action == LIST:
        return [await _listing(incoming, context, t)]
    if action is None:
        return [Reply(t("Je ne connais pas « /role {word} ». Écrivez **/role** (vos rôles), **/role liste**, "
                        "**/role donner admin** ou **/role donner coordonnateur** en répondant à un message de "
                        "la personne, ou **/role retirer coordonnateur** de la même façon.", word=escape(word)))]
    if incoming.private and incoming.chat.platform != "console":
        held = await networks_of(context.sessions, incoming.chat.platform, incoming.user_id)
        if len(held) > 1:  # a private chat then belongs to none of them (``handlers.channels.with_choices``)
            return [Reply(t("Vous avez des rôles dans plusieurs réseaux ({networks}) : tapez la commande dans un "
                            "groupe du réseau voulu.", networks=escape(", ".join(sorted(held)))))]
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    return [await _change(incoming, context, t, action, rest.strip())]


def _what_roles_allow(t: Texts) -> list[str]:
    return [
        t("- **administrateur** : tient l'annuaire à jour, donne et retire les rôles, modifie le kit d'accueil"),
        t("- **coordonnateur** : crée les événements, les annonces et les tables de concertation"),
        t("- **membre** (tout le monde) : pose des questions, répond aux invitations, rapporte les décisions"),
    ]


async def _mine(incoming: Incoming, context: Context, t: Texts) -> Reply:
    """The sender's roles where they write, and what each role allows."""
    if incoming.chat.platform == "console":
        lines = [t("Sur la console, vous avez tous les droits.")]
    else:
        held = await _held(context, incoming)
        async with context.sessions() as session:
            if incoming.private:
                lines = [await _roles_line(session, t, network, roles) for network, roles in sorted(held.items())]
                lines = lines or [t("Vous êtes **membre** : vous n'avez de rôle dans aucun réseau.")]
            else:
                lines = [await _roles_line(session, t, incoming.network, held.get(incoming.network, set()))]
        lines.append(t("Votre référence : **{person}** (pour recevoir un rôle).",
                       person=escape(to_person_ref(incoming))))
    return Reply("\n".join([*lines, *_what_roles_allow(t)]))


async def _held(context: Context, incoming: Incoming) -> dict[str, set[str]]:
    """The sender's roles by network: in a group, only the group's network."""
    if not incoming.private:
        roles = await roles_of(context.sessions, incoming.chat.platform, incoming.user_id, incoming.network)
        return {incoming.network: roles} if roles else {}
    found: dict[str, set[str]] = {}
    for holder in await _holders_of(context.sessions, incoming.chat.platform, incoming.user_id):
        found.setdefault(holder.network_id, set()).add(holder.role)
    return found


async def _roles_line(session: AsyncSession, t: Texts, network: str, roles: set[str]) -> str:
    name = escape(await network_name(session, network))
    if not roles:
        return t("Dans **{network}**, vous êtes **membre** : pas de rôle particulier.", network=name)
    labels = ", ".join(role_label(t, role) for role in sorted(roles))
    return t("Dans **{network}**, vous êtes : **{roles}**.", network=name, roles=labels)


async def _listing(incoming: Incoming, context: Context, t: Texts) -> Reply:
    """Who holds which role in the networks the sender may see."""
    if incoming.chat.platform == "console":
        everyone = await holders(context.sessions)
        networks = sorted({h.network_id for h in everyone} | {incoming.network})
    elif incoming.private:
        networks = sorted({h.network_id for h in await _holders_of(context.sessions, incoming.chat.platform,
                                                                     incoming.user_id)})
        if not networks:
            return Reply(t("En privé, je ne sais pas de quel réseau vous êtes : tapez **/role liste** dans un "
                           "groupe du réseau."))
    else:
        networks = [incoming.network]
    blocks = []
    async with context.sessions() as session:
        for network in networks:
            blocks.append(await _network_listing(session, context, t, network))
    return Reply("\n\n".join(blocks))


async def _network_listing(session: AsyncSession, context: Context, t: Texts, network: str) -> str:
    name = escape(await network_name(session, network))
    found = await holders(context.sessions, network=network)
    if not found:
        return t("Personne n'a encore de rôle dans **{network}**. Le premier administrateur est nommé avec : "
                 "**passerelle admin add <plateforme>:<identifiant> --reseau {id}**",
                 network=name, id=escape(network))
    lines = [t("Rôles dans **{network}** :", network=name)]
    names = await shared_names(session, [(h.platform, h.user_id) for h in found])
    for role in (ADMIN, COORDINATOR):
        people = [_person_label(h.platform, h.user_id, names.get((h.platform, h.user_id)))
                  for h in found if h.role == role]
        if people:
            lines.append(t("- **{role}** : {people}", role=role_label(t, role), people=", ".join(people)))
    return "\n".join(lines)


def _person_label(platform: str, user_id: str, name: str | None) -> str:
    """"Marie Tremblay (telegram:123)" when the person shares their name, else the reference alone."""
    reference = escape(f"{platform}:{user_id}")
    return f"{escape(name)} ({reference})" if name else reference


async def _change(incoming: Incoming, context: Context, t: Texts, action: str, rest: str) -> Reply:
    """Give or take a role (the sender is an admin)."""
    role_word, _, person_text = rest.partition(" ")
    role = to_role(role_word) if role_word else None
    if role is None:
        return Reply(t("Quel rôle ? Écrivez **/{action} admin** ou **/{action} coordonnateur**, en répondant à "
                       "un message de la personne, en la mentionnant, ou en ajoutant sa référence "
                       "(telegram:123456789 ou slack:U0123ABC).", action=f"role {action}"))
    person = _designated(incoming, person_text, t)
    if isinstance(person, Reply):
        return person
    network = incoming.network
    platform, user_id = person
    values = {"person": escape(f"{platform}:{user_id}"), "role": role_label(t, role)}
    async with context.sessions() as session:
        values["network"] = escape(await network_name(session, network))
    if action == GIVE:
        if await grant(context.sessions, platform, user_id, role, granted_by=to_person_ref(incoming),
                       now=context.clock(), network=network):
            await _note_networks(context, platform, user_id)
            return Reply(t("C'est fait : **{person}** est maintenant **{role}** dans **{network}**.", **values))
        return Reply(t("**{person}** est déjà **{role}** dans **{network}**.", **values))
    outcome = await revoke_keeping_an_admin(context.sessions, platform, user_id, role, network)
    if outcome == DONE:
        await _note_networks(context, platform, user_id)
        return Reply(t("C'est fait : **{person}** n'est plus **{role}** dans **{network}**.", **values))
    if outcome == ABSENT:
        return Reply(t("**{person}** n'est pas **{role}** dans **{network}** : rien à retirer.", **values))
    if (platform, user_id) == (incoming.chat.platform, incoming.user_id):
        return Reply(t("Vous êtes le dernier administrateur de **{network}** : donnez d'abord le rôle à "
                       "quelqu'un d'autre (**/role donner admin** en répondant à l'un de ses messages), puis "
                       "retirez le vôtre.", **values))
    return Reply(t("**{person}** est le dernier administrateur de **{network}** : donnez d'abord le rôle à "
                   "quelqu'un d'autre.", **values))


async def _note_networks(context: Context, platform: str, user_id: str) -> None:
    """Tell the copy of who holds roles where about a change made here, so that it counts at once."""
    held = await networks_of(context.sessions, platform, user_id)
    context.role_networks.keep((platform, user_id), frozenset(held) or None)


def _designated(incoming: Incoming, text: str, t: Texts) -> tuple[str, str] | Reply:
    """The one person the message designates: by reply or mention (``Incoming.people``) or by reference."""
    found = [(incoming.chat.platform, user_id) for user_id in incoming.people]
    for word in text.split():
        if _REFERENCE.match(word):
            person = to_person(word)
            if person is None:
                return Reply(t("Référence invalide : « {word} ». Écrivez par exemple telegram:123456789 "
                               "(des chiffres) ou slack:U0123ABC. La personne voit sa référence en tapant "
                               "**/role**.", word=escape(word)))
            found.append(person)
    people = list(dict.fromkeys(found))
    if len(people) > 1:
        return Reply(t("Plusieurs personnes sont désignées ({people}) : une seule à la fois, s'il vous plaît.",
                       people=escape(", ".join(f"{p}:{u}" for p, u in people))))
    if people:
        return people[0]
    if incoming.mentions or any(word.startswith("@") for word in text.split()):
        return Reply(t("Je ne peux pas trouver quelqu'un par son nom d'utilisateur. Répondez plutôt à l'un de "
                       "ses messages avec la commande, ou ajoutez sa référence (telegram:123456789) : la personne "
                       "la voit en tapant **/role**."))
    return Reply(t("À qui ? Répondez à l'un des messages de la personne avec la commande, mentionnez-la, ou "
                   "ajoutez sa référence (telegram:123456789 ou slack:U0123ABC) : la personne la voit en tapant "
                   "**/role**."))


async def _holders_of(sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str) -> list[RoleHolder]:
    """The roles one person holds, in every network."""
    query = select(PersonRole).where(PersonRole.platform == platform, PersonRole.user_id == user_id)
    async with sessions() as session:
        rows = await session.scalars(query.order_by(PersonRole.network_id, PersonRole.role))
        return [RoleHolder(r.network_id, r.platform, r.user_id, r.role, r.granted_by, r.granted_at) for r in rows]


async def revoke_keeping_an_admin(
    sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str, role: str, network: str
) -> str:
    """Take the person's role in ``network`` back unless it is the network's last admin: DONE, ABSENT
    or LAST. Role changes of one network are serialized, so two admins removing each other at the same
    moment cannot leave it without one."""
    async with sessions.begin() as session:
        await lock_row(session, Network, network, touch=Network.name)  # held to the end
        if await session.get(PersonRole, (platform, user_id, role, network)) is None:
            return ABSENT
        if role == ADMIN:
            admins = await session.scalar(select(func.count()).select_from(PersonRole).where(
                PersonRole.network_id == network, PersonRole.role == ADMIN))
            if (admins or 0) <= 1:
                return LAST
        await session.execute(delete(PersonRole).where(
            PersonRole.network_id == network, PersonRole.platform == platform,
            PersonRole.user_id == user_id, PersonRole.role == role,
        ))
        return DONE
