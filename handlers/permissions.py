"""Who may organize: creating events and announcements is for the network's coordinators and
admins (roles held per platform, ``directory.roles``); the console is the local operator's own."""

from __future__ import annotations

from directory.roles import ADMIN, COORDINATOR, roles_of
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.texts import Texts

ORGANIZER_ROLES = frozenset({COORDINATOR, ADMIN})


async def may_organize(context: Context, incoming: Incoming) -> bool:
    """True for a coordinator or admin of the sender's platform, and always on the console."""
    if incoming.chat.platform == "console":
        return True
    held = await roles_of(context.sessions, incoming.chat.platform, incoming.user_id)
    return not held.isdisjoint(ORGANIZER_ROLES)


def to_person_ref(incoming: Incoming) -> str:
    """How the command line names the sender: "telegram:123456", "slack:U0123"."""
    return f"{incoming.chat.platform}:{incoming.user_id}"


def refusal(t: Texts, incoming: Incoming | None = None) -> Reply:
    """Who may do this and how a person gets the role; with ``incoming``, the command for its sender."""
    person = to_person_ref(incoming) if incoming is not None else t("<plateforme>:<identifiant>")
    return Reply(t(
        "Seuls les **coordonnateurs** et les **administrateurs** du réseau peuvent faire ceci. "
        "Pour obtenir le rôle, demandez à un administrateur de lancer : "
        "**passerelle role add {person} coordinator**",
        person=escape(person),
    ))
