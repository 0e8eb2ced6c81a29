"""``/table creer <nom> ; <niveau> ; <territoire> [; parent <table>]``: a new table de concertation,
its creator as coordinator, its territory from the gazetteer, nested under a parent table if given."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from directory.concertation import LEVELS, LOCAL, PROVINCIAL, REGIONAL, ConcertationTable, fold_name
from directory.places import Place
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import may_organize, refusal
from handlers.table_access import one_table, split_parts
from handlers.texts import Texts, texts_for

NAME_LIMIT = 120
LEVEL_WORDS = {
    **dict.fromkeys(("local", "locale", "locaux", "locales"), LOCAL),
    **dict.fromkeys(("regional", "regionale", "regionaux", "regionales", "region"), REGIONAL),
    **dict.fromkeys(("provincial", "provinciale", "provinciaux", "provinciales", "province", "national",
                     "nationale"), PROVINCIAL),
}
PARENT_WORD = "parent"


def parse_level(text: str) -> str | None:
    """The level ``text`` names ("Régionale" → "régional"), none when it names none."""
    return LEVEL_WORDS.get(fold_name(text))


def usage(t: Texts) -> str:
    """How to create a table, with an example."""
    return t("Pour créer une table : **/table creer <nom> ; <niveau> ; <territoire> [; parent <table>]**, "
             "par exemple /table creer Table jeunesse Jonquière ; local ; Jonquière ; parent Table régionale jeunesse")


async def create(incoming: Incoming, context: Context, args: str) -> list[Reply]:
    """Create the table described in ``args``; every bad part gets its own explanation."""
    t = texts_for(incoming.locale)
    if not await may_organize(context, incoming):
        return [refusal(t, incoming)]
    parts = split_parts(args)
    if len(parts) not in (3, 4) or not all(parts):
        return [Reply(usage(t))]
    name, level_text, territory = parts[:3]
    if len(name) > NAME_LIMIT:
        return [Reply(t("Ce nom est trop long ({length} caractères) : {limit} au plus.",
                        length=len(name), limit=NAME_LIMIT))]
    level = parse_level(level_text)
    if level is None:
        return [Reply(t("Niveau inconnu : « {level} ». Choisissez parmi : {levels}.",
                        level=escape(level_text), levels=", ".join(LEVELS)))]
    place = context.search.gazetteer.resolve(territory)
    if place is None:
        return [_unknown_place(context, territory, t)]
    try:
        async with context.sessions.begin() as session:
            parent = None
            if len(parts) == 4:
                parent_name = _without_parent_word(parts[3])
                found = await one_table(session, parent_name, t)
                if isinstance(found, Reply):
                    return [Reply(t("Table parente introuvable. {reason}", reason=found.text))]
                parent = found
                if LEVELS.index(parent.level) < LEVELS.index(level):
                    return [Reply(t("Une table {level} ne peut pas être sous la table {parent_level} « {parent} » : "
                                    "les tables s'emboîtent du local au régional puis au provincial.",
                                    level=level, parent_level=parent.level, parent=escape(parent.name)))]
            taken = select(ConcertationTable.id).where(ConcertationTable.name_key == fold_name(name))
            if await session.scalar(taken) is not None:
                return [_duplicate(name, t)]
            table = ConcertationTable(
                name=" ".join(name.split()), name_key=fold_name(name), level=level, place_id=place.id,
                parent_id=parent.id if parent else None, coordinator_platform=incoming.chat.platform,
                coordinator_user_id=incoming.user_id, coordinator_name=incoming.user_name or incoming.user_id,
                created_at=context.clock(),
            )
            session.add(table)
    except IntegrityError:  # created at the same moment by someone else
        return [_duplicate(name, t)]
    return [Reply(_created(table, place, parent, t))]


def _created(table: ConcertationTable, place: Place, parent: ConcertationTable | None, t: Texts) -> str:
    lines = [t("Table créée : **{name}** ({level}, {place}). Vous en êtes le coordonnateur.",
               name=escape(table.name), level=table.level, place=escape(place.name))]
    if parent is not None:
        lines.append(t("Elle fait partie de la table « {parent} ».", parent=escape(parent.name)))
    lines.append(t("Ajoutez les organismes membres : **/table ajouter {name} ; <organisme> [; <rôle>]**",
                   name=escape(table.name)))
    return "\n".join(lines)


def _without_parent_word(text: str) -> str:
    head, _, rest = text.partition(" ")
    return rest.strip() if fold_name(head) == PARENT_WORD and rest.strip() else text


def _duplicate(name: str, t: Texts) -> Reply:
    return Reply(t("Une table s'appelle déjà « {name} ». Choisissez un autre nom, ou tapez **/table {name}** pour la voir.",
                   name=escape(name)))


def _unknown_place(context: Context, territory: str, t: Texts) -> Reply:
    close = [p.name for p in context.search.gazetteer.similar(territory)]
    if close:
        return Reply(t("Territoire inconnu : « {place} ». Lieux aux noms proches : {names}.",
                       place=escape(territory), names=escape(", ".join(close))))
    return Reply(t("Territoire inconnu : « {place} ». Donnez une municipalité, une MRC ou une région du Québec.",
                   place=escape(territory)))
