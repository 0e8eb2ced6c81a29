"""Who may do what. Roles are held per network (``directory.roles``): those of the network of the chat
count (a private chat belongs to the network where the person holds their roles, when there is
exactly one: ``handlers.channels.with_choices``). The console is the local operator's own and holds
every right.

Organizing (events, announcements, tables) is for coordinators and admins; changing the directory,
roles and the network's texts is for admins.
"""

from __future__ import annotations

from directory.roles import ADMIN, COORDINATOR, roles_of
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.texts import Texts

ORGANIZER_ROLES = frozenset({COORDINATOR, ADMIN})
EVERY_ROLE = frozenset({ADMIN, COORDINATOR})


async def roles_here(context: Context, incoming: Incoming) -> frozenset[str]:
    """The roles of the sender where they write (see the module's docstring)."""
    if incoming.chat.platform == "console":
        return EVERY_ROLE
    return frozenset(await roles_of(context.sessions, incoming.chat.platform, incoming.user_id, incoming.network))


async def may_organize(context: Context, incoming: Incoming) -> bool:
    """True for a coordinator or admin of the sender's network, and always on the console."""
    return not (await roles_here(context, incoming)).isdisjoint(ORGANIZER_ROLES)


async def is_admin(context: Context, incoming: Incoming) -> bool:
    """True for an admin of the sender's network, and always on the console."""
    return ADMIN in await roles_here(context, incoming)


def to_person_ref(incoming: Incoming) -> str:
    """How the command line names the sender: "telegram:123456", "slack:U0123"."""
    return f"{incoming.chat.platform}:{incoming.user_id}"


def to_author(incoming: Incoming) -> str:
    """Who made a change, as the directory's log records it: "telegram:123456 Marie Tremblay"
    (the person reference first, then the name shown at the time, when known)."""
    return f"{to_person_ref(incoming)} {incoming.user_name}".strip()


def refusal(t: Texts, incoming: Incoming | None = None) -> Reply:
    """Who may do this and how a person gets the role; with ``incoming``, the command for its sender."""
    person = to_person_ref(incoming) if incoming is not None else t("<plateforme>:<identifiant>")
    return Reply(t(
        "Seuls les **coordonnateurs** et les **administrateurs** du réseau peuvent faire ceci. "
        "Pour obtenir le rôle, demandez à un administrateur de lancer : "
        "**passerelle role add {person} coordinator**",
        person=escape(person),
    ))


def admin_refusal(t: Texts, incoming: Incoming) -> Reply:
    """Only admins may do this; how a person becomes one."""
    return Reply(t(
        "Seuls les **administrateurs** du réseau peuvent faire ceci. Un administrateur peut vous donner "
        "le rôle en répondant à l'un de vos messages par **/role donner admin**, ou avec "
        "**/role donner admin {person}**.",
        person=escape(to_person_ref(incoming)),
    ))
