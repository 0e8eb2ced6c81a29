"""The welcome kit (kit d'accueil) of a network, and when it is given: ``/start`` in a private chat
(or ``/start kit`` from the link of a group's welcome), and when someone joins a group or channel
where the bot is.

The kit says what the network is, how to ask Passerelle, the next events, the tables the person's
organization sits on, and the key resources. On joining, it goes privately through the outbox, once
per person and network; on Telegram, where the bot may not write first to someone who never started
it, the group gets instead one short welcome with the link to the private chat (once per chat).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember, fold_name
from directory.networks import DEFAULT_NAME, DEFAULT_NETWORK, is_network_id, network_named
from directory.people import ORGANIZATION, shared_details
from handlers.context import Context
from handlers.event_form import to_french_moment
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.payloads import to_payload
from handlers.reachability import is_reachable
from handlers.texts import Texts, texts_for
from handlers.welcome_kit import current_kit
from scheduler.event_store import upcoming
from scheduler.events import Event
from scheduler.outbox import OutboxMessage, enqueue

START_PAYLOAD = "kit"  # /start kit, or /start kit_<network> for another network than the default one
PAYLOAD_LIMIT = 64  # characters of a Telegram start payload
EVENTS_SHOWN = 3


def kit_key(network: str, platform: str, user_id: str) -> str:
    """The outbox key of the kit sent to a person of ``network``: at most one each."""
    return f"accueil:{network}:{platform}:{user_id}"


def to_start_payload(network: str) -> str:
    """What the start link of the private chat carries to open ``network``'s kit."""
    payload = START_PAYLOAD if network == DEFAULT_NETWORK else f"{START_PAYLOAD}_{network}"
    return payload if len(payload) <= PAYLOAD_LIMIT else START_PAYLOAD


def is_kit_payload(payload: str) -> bool:
    """Whether a ``/start`` payload asks for the welcome kit."""
    return payload == START_PAYLOAD or payload.startswith(f"{START_PAYLOAD}_")


async def start(incoming: Incoming, context: Context) -> list[Reply]:
    """``/start`` (privately) or ``/start kit[_<network>]``: the kit, then where to find the rest."""
    t = texts_for(incoming.locale)
    named = incoming.args.strip().removeprefix(START_PAYLOAD).removeprefix("_")
    async with context.sessions() as session:
        network = incoming.network
        if is_network_id(named) and await network_named(session, named) is not None:
            network = named
        kit = await kit_reply(session, context, t, network, incoming.chat.platform, incoming.user_id)
    return [Reply("\n".join([kit.text, "", t("Tapez /aide pour tout ce que je sais faire.")]))]


async def joined(incoming: Incoming, context: Context) -> list[Reply]:
    """Someone joined the group or channel of ``incoming``: the kit privately, once per person and
    network; or, when the bot may not write to them first, a short welcome in the group with the link
    to the private chat, once per chat. Everything goes through the outbox, nothing is answered here."""
    t = texts_for(incoming.locale)
    platform, user_id, network = incoming.chat.platform, incoming.user_id, incoming.network
    key = kit_key(network, platform, user_id)
    now = context.clock()
    reachable = await is_reachable(context, platform, user_id)
    async with context.sessions.begin() as session:
        if await session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None:
            return []  # the kit already went out
        if reachable:
            kit = await kit_reply(session, context, t, network, platform, user_id)
            await enqueue(session, platform, user_id, None, to_payload(kit), now, dedupe_key=key)
        else:
            chat = incoming.chat
            await enqueue(session, platform, chat.chat_id, chat.thread_id, to_payload(greeting(t, incoming, context)),
                          now, dedupe_key=f"{key}:{chat.chat_id}")
    return []


def greeting(t: Texts, incoming: Incoming, context: Context) -> Reply:
    """The short welcome of a newcomer in the group, pointing to the kit in the private chat."""
    hello = t("Bienvenue, {name} !", name=escape(incoming.user_name)) if incoming.user_name else t("Bienvenue !")
    link = context.start_links.get(incoming.chat.platform)
    if link is None:
        where = t("Écrivez-moi en privé (/start) pour recevoir le kit d'accueil du réseau.")
    else:
        url = link.format(payload=to_start_payload(incoming.network))
        where = t("Le kit d'accueil du réseau vous attend en privé : [ouvrir le kit d'accueil]({url})", url=url)
    return Reply(f"{hello} {where}")


async def kit_reply(
    session: AsyncSession, context: Context, t: Texts, network: str, platform: str, user_id: str
) -> Reply:
    """The welcome kit of ``network`` for the person ``user_id`` of ``platform``."""
    content = await current_kit(session, t, network)
    now = context.clock()
    coming = await upcoming(session, now, EVENTS_SHOWN)
    seats = await tables_of(session, platform, user_id)
    lines = [await _title(session, t, network), content.presentation, "", t("**Demander à Passerelle**"),
             t("Écrivez le besoin comme vous le diriez à une collègue, sans accents si vous voulez :"),
             t("- /qui depannage alimentaire jonquiere"),
             t("- /qui orthophonie 4 ans"),
             t("- /qui repit parent bebe"),
             t("- /org <nom> : la fiche d'un organisme et ses services, par exemple /org Le Transit"),
             t("- /aide : tout ce que je sais faire"),
             "", t("**Événements à venir**")]
    lines += [_event_line(t, event, start, now) for event, start in coming] or [t("Aucun événement prévu pour l'instant.")]
    lines += [t("Tous les événements et comment y répondre : /evenements"), "", t("**Tables de concertation**")]
    if seats:
        lines.append(t("Votre organisme siège à :"))
        lines += [t("- **{table}**, pour {organization}", table=escape(table), organization=escape(organization))
                  for table, organization in seats]
    else:
        lines.append(t("Les tables où les partenaires se concertent : /table liste ; une table et ses membres : "
                       "/table <nom>."))
    lines += ["", t("**Ressources clés**"), *(f"- {resource}" for resource in content.resources)]
    return Reply("\n".join(lines))


async def tables_of(session: AsyncSession, platform: str, user_id: str) -> list[tuple[str, str]]:
    """(table, organization) for every table where the person's organization sits, by table: the
    organizations they represent at a table, and the one of their profile when they share it."""
    profile = (await shared_details(session, platform, user_id)).get(ORGANIZATION)
    key = fold_name(profile) if profile else None
    rows = (await session.execute(
        select(ConcertationTable.name, TableMember)
        .join(ConcertationTable, ConcertationTable.id == TableMember.table_id)
        .where(TableMember.left_at.is_(None))
        .order_by(ConcertationTable.name_key, TableMember.organization_name)
    )).all()
    represented = {member.organization_id for _, member in rows
                   if (member.representative_platform, member.representative_user_id) == (platform, user_id)}
    return list(dict.fromkeys(
        (table, member.organization_name) for table, member in rows
        if member.organization_id in represented or fold_name(member.organization_name) == key
    ))


async def _title(session: AsyncSession, t: Texts, network: str) -> str:
    found = await network_named(session, network)
    if found is None or (network == DEFAULT_NETWORK and found.name == DEFAULT_NAME):
        return t("**Bienvenue !** Voici le kit d'accueil du réseau.")
    return t("**Bienvenue !** Voici le kit d'accueil de **{network}**.", network=escape(found.name))


def _event_line(t: Texts, event: Event, start: dt.datetime, now: dt.datetime) -> str:
    local = start.astimezone(ZoneInfo(event.zone))
    this_year = now.astimezone(ZoneInfo(event.zone)).year
    if t.language == "fr":
        when = to_french_moment(local, this_year)
    else:
        day = format_date(local, "EEEE, MMMM d" + (", y" if local.year != this_year else ""), locale=t.locale)
        when = f"{day}, {format_time(local, 'short', locale=t.locale)}"
    if event.place:
        return t("- {when} : **{title}**, {place}", when=escape(when), title=escape(event.title),
                 place=escape(event.place))
    return t("- {when} : **{title}**", when=escape(when), title=escape(event.title))
