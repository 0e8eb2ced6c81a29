"""The welcome kit: its default content, the events and tables shown, per network and in English; its
editing by admins only (kept over several lines, limits, back to the defaults); ``/start``; and the
joins of a group or channel: the kit privately once per person and network, or on Telegram, to someone
the bot may not write to first, one short welcome in the group with the link to the private chat."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import delete, select

from directory.channels import ChannelSetting, choose
from directory.networks import DEFAULT_NETWORK, Network, create_network, rename_network
from directory.people import PersonDetail
from directory.private_chats import PrivateChat
from directory.roles import ADMIN, grant
from handlers.context import Context
from handlers.messages import ChatRef, Incoming, Reply
from handlers.payloads import to_reply
from handlers.router import dispatch, split_command
from handlers.texts import texts_for
from handlers.welcome_kit import PRESENTATION_LIMIT, RESOURCES_LIMIT, default_presentation
from scheduler.events import CANCELLED, Event
from scheduler.outbox import OutboxMessage
from tests.handlers import concertation_rows
from tests.handlers.concertation_rows import NOW, add, member, table

pytestmark = pytest.mark.asyncio(loop_scope="module")
emptied = concertation_rows.emptied
PRIVATE = ChatRef("telegram", "901")
GROUP = ChatRef("telegram", "-100777")
NORTH_GROUP = ChatRef("telegram", "-100888")
START_LINK = "https://t.me/passerelle_bot?start={payload}"
DEFAULT_RESOURCES = [
    "- **811** — Info-Santé (option 1) et Info-Social (option 2), jour et nuit",
    "- **1 866 APPELLE** (1 866 277-3553) — prévention du suicide, jour et nuit",
    "- **SOS violence conjugale** — 1 800 363-9010, jour et nuit",
    "- **Tel-jeunes** — 1 800 263-2266, pour les jeunes de 5 à 20 ans",
    "- **911** — en cas de danger immédiat",
]


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def cleaned(emptied: Context) -> AsyncIterator[Context]:
    """No events, people's details, other networks, chat settings or private chats; an admin (slack U0ADMIN)."""
    async with emptied.sessions.begin() as session:
        for model in (Event, PersonDetail, ChannelSetting, PrivateChat):
            await session.execute(delete(model))
        await session.execute(delete(Network).where(Network.id != DEFAULT_NETWORK))
    await rename_network(emptied.sessions, DEFAULT_NETWORK, "Réseau")
    emptied.choices = type(emptied.choices)()
    emptied.private_chats.clear()
    emptied.pending_private_chats.clear()
    await grant(emptied.sessions, "slack", "U0ADMIN", ADMIN, granted_by="test", now=NOW)
    yield emptied
    emptied.start_links.clear()


async def say(context: Context, text: str, chat: ChatRef = PRIVATE, *, user: str | None = None,
              locale: str = "fr") -> Reply:
    """The one reply to ``text`` written by ``user`` (by default the person of the private ``chat``)."""
    command, args = split_command(text)
    incoming = Incoming(chat, user or chat.chat_id, text, command, args, locale=locale,
                        private=not chat.chat_id.startswith(("-", "C")))
    (reply,) = await dispatch(incoming, context)
    return reply


async def join(context: Context, chat: ChatRef, user: str, name: str = "Luc Gagnon") -> list[Reply]:
    """What the bot answers at once when ``user`` joins the group ``chat``."""
    return await dispatch(Incoming(chat, user, private=False, user_name=name, joined=True), context)


async def outbox(context: Context) -> list[OutboxMessage]:
    async with context.sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at)))


def section(text: str, title: str) -> list[str]:
    """The lines of the kit under the bold ``title``, up to the next blank line."""
    lines = text.splitlines()
    start = lines.index(f"**{title}**") + 1
    return lines[start:lines.index("", start) if "" in lines[start:] else None]


def event(title: str, starts_at: dt.datetime, place: str = "", *, status: str = "scheduled") -> Event:
    return Event(id=uuid.uuid4(), title=title, starts_at=starts_at, zone="America/Toronto", place=place,
                 status=status, created_by="telegram:900", created_at=NOW)


async def test_start_in_private_gives_the_default_kit(context: Context) -> None:
    text = (await say(context, "/start")).text
    lines = text.splitlines()
    assert lines[0] == "**Bienvenue !** Voici le kit d'accueil du réseau."
    assert lines[1].startswith("Ce réseau relie les organismes communautaires et les services publics du territoire")
    assert section(text, "Demander à Passerelle")[1:] == [
        "- /qui depannage alimentaire jonquiere", "- /qui orthophonie 4 ans", "- /qui repit parent bebe",
        "- /org <nom> : la fiche d'un organisme et ses services, par exemple /org Le Transit",
        "- /aide : tout ce que je sais faire",
    ]
    assert section(text, "Événements à venir") == [
        "Aucun événement prévu pour l'instant.", "Tous les événements et comment y répondre : /evenements"]
    assert section(text, "Tables de concertation") == [
        "Les tables où les partenaires se concertent : /table liste ; une table et ses membres : /table <nom>."]
    assert section(text, "Ressources clés") == DEFAULT_RESOURCES
    assert lines[-1] == "Tapez /aide pour tout ce que je sais faire."


async def test_the_examples_of_the_kit_find_answers(context: Context) -> None:
    examples = re.findall(r"^- (/qui .+)$", (await say(context, "/kit")).text, flags=re.MULTILINE)
    assert len(examples) == 3
    for example in examples:
        reply = await say(context, example)
        assert reply.text.startswith("Résultats 1 à") and reply.cards, example


async def test_start_in_a_group_and_with_another_payload_still_gives_the_help(context: Context) -> None:
    for text, chat in (("/start", GROUP), ("/start depuis-le-site", PRIVATE)):
        assert (await say(context, text, chat, user="901")).text.startswith("**Passerelle** trouve qui appeler")


async def test_the_next_three_events_with_the_date_as_quebec_writes_it(context: Context) -> None:
    await add(context.sessions,
              event("Portes ouvertes du CPE", dt.datetime(2026, 12, 8, 18, 0, tzinfo=dt.UTC), "CPE La Sagamie"),
              event("5 à 7 du réseau", dt.datetime(2026, 12, 3, 22, 0, tzinfo=dt.UTC), "Café du Quai"),
              event("Dîner d'apprentissage", dt.datetime(2027, 1, 14, 17, 0, tzinfo=dt.UTC)),
              event("Je connais mon réseau", dt.datetime(2027, 2, 1, 14, 0, tzinfo=dt.UTC)),
              event("Déjà passé", dt.datetime(2026, 11, 1, 14, 0, tzinfo=dt.UTC)),
              event("Annulé", dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC), status=CANCELLED))
    assert section((await say(context, "/kit")).text, "Événements à venir") == [
        "- jeudi 3 décembre, 17 h : **5 à 7 du réseau**, Café du Quai",
        "- mardi 8 décembre, 13 h : **Portes ouvertes du CPE**, CPE La Sagamie",
        "- jeudi 14 janvier 2027, 12 h : **Dîner d'apprentissage**",
        "Tous les événements et comment y répondre : /evenements",
    ]
    english = section((await say(context, "/kit", locale="en")).text, "Upcoming events")
    assert english[0] == "- Thursday, December 3, 5:00\u202fp.m.: **5 à 7 du réseau**, Café du Quai"


async def test_the_tables_of_the_organizations_the_person_represents(context: Context) -> None:
    petite, securite, jeunesse = table("Table petite enfance"), table("Table sécurité alimentaire"), table("Jeunesse")
    await add(context.sessions, petite, securite, jeunesse,
              seat := member(petite, "Maison de la famille", ("telegram", "901")),
              member(petite, "CPE La Sagamie", ("telegram", "902")),
              member(jeunesse, "Le Transit", ("telegram", "902")),
              member(jeunesse, "Ancien organisme", ("telegram", "901"), left=True))
    other_seat = member(securite, "Maison de la famille", ("telegram", "905"))
    other_seat.organization_id = seat.organization_id  # the same organization, represented by a colleague
    await add(context.sessions, other_seat)
    assert section((await say(context, "/kit")).text, "Tables de concertation") == [
        "Votre organisme siège à :",
        "- **Table petite enfance**, pour Maison de la famille",
        "- **Table sécurité alimentaire**, pour Maison de la famille",
    ]


async def test_the_organization_of_a_profile_counts_only_when_shared(context: Context) -> None:
    jeunesse = table("Table jeunesse")
    await add(context.sessions, jeunesse, member(jeunesse, "Centre d'intervention familiale Le Transit"),
              PersonDetail(platform="telegram", user_id="903", item="organisme", shared=False, updated_at=NOW,
                           value="Centre d'intervention familiale Le Transit"))
    private = ChatRef("telegram", "903")
    assert section((await say(context, "/kit", private)).text, "Tables de concertation")[0].startswith("Les tables où")
    async with context.sessions.begin() as session:
        (await session.get(PersonDetail, ("telegram", "903", "organisme"))).shared = True
    assert section((await say(context, "/kit", private)).text, "Tables de concertation") == [
        "Votre organisme siège à :", "- **Table jeunesse**, pour Centre d'intervention familiale Le Transit"]


async def test_admins_write_the_presentation_and_resources_others_are_refused(context: Context) -> None:
    admin = ChatRef("slack", "U0ADMIN")
    for text in ("/kit presentation Bonjour", "/kit ressources 811", "/kit defaut"):
        refused = await say(context, text, GROUP, user="901")
        assert refused.text.startswith("Seuls les **administrateurs** du réseau peuvent faire ceci.")
    presentation = "Le réseau **Commun'Enfant** relie les partenaires 0-8 ans de Jonquière.\n\nOn se voit aux 5 à 7 !"
    saved = await say(context, f"/kit presentation {presentation}", admin)
    assert saved.text == "Présentation du kit d'accueil enregistrée. Voyez le résultat : /kit"
    saved = await say(context, "/kit ressources\n- Info-Social — 811, option 2\n\n• Maison de la famille — 418 555-0101",
                      admin)
    assert saved.text == "Ressources clés du kit d'accueil enregistrées. Voyez le résultat : /kit"
    text = (await say(context, "/kit", GROUP, user="901")).text
    assert text.splitlines()[1:4] == presentation.splitlines()
    assert section(text, "Ressources clés") == ["- Info-Social — 811, option 2", "- Maison de la famille — 418 555-0101"]
    assert "Administrateurs :" not in text and "Administrateurs :" in (await say(context, "/kit", admin)).text
    shown = (await say(context, "/kit presentation", GROUP, user="901")).text.splitlines()
    assert shown[:2] == ["**Présentation du kit d'accueil**", "Texte écrit par les administrateurs du réseau."]
    assert shown[3] == r"Le réseau \*\*Commun'Enfant\*\* relie les partenaires 0-8 ans de Jonquière."
    shown = (await say(context, "/kit ressources")).text.splitlines()
    assert shown[1:5] == ["Texte écrit par les administrateurs du réseau.", "", "Info-Social — 811, option 2",
                          "Maison de la famille — 418 555-0101"]
    assert (await say(context, "/kit defaut", admin)).text.startswith("Le kit d'accueil reprend sa présentation")
    assert section((await say(context, "/kit")).text, "Ressources clés") == DEFAULT_RESOURCES
    assert (await say(context, "/kit defaut", admin)).text == "Le kit d'accueil était déjà celui par défaut."


@pytest.mark.parametrize(("text", "said"), [
    ("/kit bidule", "Je ne connais pas « /kit bidule ». Administrateurs : **/kit presentation** <texte>"),
    ("/kit presentation " + "x" * (PRESENTATION_LIMIT + 1),
     f"La présentation est trop longue ({PRESENTATION_LIMIT + 1} caractères) : {PRESENTATION_LIMIT} au plus."),
    ("/kit ressources\n" + "\n".join(f"Ligne {n} — 811" for n in range(RESOURCES_LIMIT + 1)),
     f"Trop de ressources ({RESOURCES_LIMIT + 1}) : {RESOURCES_LIMIT} au plus, les plus utiles d'abord."),
    ("/kit ressources 811\n" + "y" * 201,
     "La ligne 2 est trop longue (201 caractères) : 200 au plus. Écrivez une ressource par ligne"),
    ("/kit ressources\n - \n•", "La liste est vide : écrivez une ressource par ligne"),
])
async def test_bad_edits_say_what_is_wrong_and_change_nothing(context: Context, text: str, said: str) -> None:
    assert (await say(context, text, ChatRef("console", "console"))).text.startswith(said)
    assert (await say(context, "/kit presentation")).text.splitlines()[1] == "Texte par défaut."
    assert section((await say(context, "/kit")).text, "Ressources clés") == DEFAULT_RESOURCES


async def test_each_network_has_its_own_kit(context: Context) -> None:
    await create_network(context.sessions, "rls-nord", "RLS du Nord", NOW)
    context.choices.keep("telegram", NORTH_GROUP.chat_id,
                         await choose(context.sessions, "telegram", NORTH_GROUP.chat_id, NOW, network_id="rls-nord"))
    await say(context, "/kit presentation Le réseau des partenaires du Nord.", ChatRef("console", "console"))
    north = (await say(context, "/kit", NORTH_GROUP, user="901")).text.splitlines()
    assert north[:2] == ["**Bienvenue !** Voici le kit d'accueil de **RLS du Nord**.", default_presentation(texts_for("fr"))]
    assert (await say(context, "/kit")).text.splitlines()[1] == "Le réseau des partenaires du Nord."
    assert (await say(context, "/start kit_rls-nord")).text.startswith("**Bienvenue !** Voici le kit d'accueil de **RLS")
    assert (await say(context, "/start kit_inconnu")).text.startswith("**Bienvenue !** Voici le kit d'accueil du réseau.")
    await rename_network(context.sessions, DEFAULT_NETWORK, "Commun'Enfant Jonquière")
    renamed = (await say(context, "/start kit", locale="en")).text.splitlines()
    assert renamed[0] == "**Welcome!** Here is the welcome kit of **Commun'Enfant Jonquière**."
    assert renamed[-1] == "Type /help for everything I can do."


async def test_a_join_sends_the_kit_privately_once_per_person_and_network(context: Context) -> None:
    context.private_chats.add(("telegram", "904"))  # Anne started the bot
    assert await join(context, GROUP, "904", "Anne Roy") == []
    assert await join(context, ChatRef("telegram", "-100999"), "904", "Anne Roy") == []  # another group, same network
    [sent] = await outbox(context)
    assert (sent.platform, sent.chat_id, sent.dedupe_key) == ("telegram", "904", "accueil:reseau:telegram:904")
    assert to_reply(sent.payload).text.startswith("**Bienvenue !** Voici le kit d'accueil du réseau.")
    await create_network(context.sessions, "rls-nord", "RLS du Nord", NOW)
    context.choices.keep("telegram", NORTH_GROUP.chat_id,
                         await choose(context.sessions, "telegram", NORTH_GROUP.chat_id, NOW, network_id="rls-nord"))
    await join(context, NORTH_GROUP, "904", "Anne Roy")
    assert [m.dedupe_key for m in await outbox(context)] == ["accueil:reseau:telegram:904",
                                                               "accueil:rls-nord:telegram:904"]


async def test_someone_telegram_cannot_reach_gets_one_welcome_in_the_group(context: Context) -> None:
    context.start_links["telegram"] = START_LINK
    await join(context, GROUP, "906", "Luc Gagnon")
    await join(context, GROUP, "906", "Luc Gagnon")  # left and came back
    [greeting] = await outbox(context)
    assert (greeting.chat_id, greeting.dedupe_key) == (GROUP.chat_id, "accueil:reseau:telegram:906:-100777")
    assert to_reply(greeting.payload).text == (
        "Bienvenue, Luc Gagnon ! Le kit d'accueil du réseau vous attend en privé : "
        "[ouvrir le kit d'accueil](https://t.me/passerelle_bot?start=kit)")
    context.private_chats.add(("telegram", "906"))  # he opened the link: later joins bring the kit privately
    await join(context, ChatRef("telegram", "-100999"), "906")
    assert [m.chat_id for m in await outbox(context)] == [GROUP.chat_id, "906"]
    await join(context, ChatRef("telegram", "-100555"), "906")
    assert len(await outbox(context)) == 2


async def test_the_welcome_in_the_group_without_a_link_and_for_another_network(context: Context) -> None:
    await join(context, GROUP, "907", "")
    [greeting] = await outbox(context)
    assert to_reply(greeting.payload).text == (
        "Bienvenue ! Écrivez-moi en privé (/start) pour recevoir le kit d'accueil du réseau.")
    context.start_links["telegram"] = START_LINK
    await create_network(context.sessions, "rls-nord", "RLS du Nord", NOW)
    context.choices.keep("telegram", NORTH_GROUP.chat_id,
                         await choose(context.sessions, "telegram", NORTH_GROUP.chat_id, NOW, network_id="rls-nord"))
    await join(context, NORTH_GROUP, "907", "Jo")
    assert to_reply((await outbox(context))[-1].payload).text.endswith("(https://t.me/passerelle_bot?start=kit_rls-nord)")


async def test_slack_sends_the_kit_to_anyone_who_joins_a_channel(context: Context) -> None:
    channel = ChatRef("slack", "C0ENTRAIDE")
    assert await join(context, channel, "U0LUC", "") == []
    assert await join(context, dataclasses.replace(channel, chat_id="C0AUTRE"), "U0LUC", "") == []
    [sent] = await outbox(context)
    assert (sent.platform, sent.chat_id, sent.thread_id) == ("slack", "U0LUC", None)
    assert "**Ressources clés**" in to_reply(sent.payload).text
