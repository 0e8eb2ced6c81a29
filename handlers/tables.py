"""``/table``: the tables de concertation. ``/table`` or ``/table liste`` shows them all, ``/table <nom>``
one of them; ``creer``, ``ajouter``, ``retirer``, ``remplacer`` change them (coordination) and
``representer <code>`` lets a person take the seat they were invited to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from directory.concertation import fold_name
from handlers import table_commands, table_invites, table_members, table_views
from handlers.context import Context
from handlers.messages import Incoming, Reply

Action = Callable[[Incoming, Context, str], Awaitable[list[Reply]]]
ACTIONS: dict[str, Action] = {
    "creer": table_commands.create,
    "ajouter": table_members.add,
    "retirer": table_members.remove,
    "remplacer": table_invites.replace,
    "representer": table_invites.claim,
}
LIST_WORDS = frozenset({"", "liste", "list"})


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """Route ``/table`` by its first word; anything else is the name of a table to show."""
    args = incoming.args.strip()
    head, _, rest = args.partition(" ")
    word = fold_name(head)
    if word in LIST_WORDS:
        return await table_views.list_tables(incoming, context)
    action = ACTIONS.get(word)
    if action is not None:
        return await action(incoming, context, rest.strip())
    return await table_views.show_named(incoming, context, args)
