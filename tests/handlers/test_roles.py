"""``/role`` through the router on the console, Telegram and Slack Incomings: one's roles, the list,
admins giving and taking roles (by reply, mention or reference), members refused, the last admin
kept, and roles scoped to the network of the chat."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.channels import choose
from directory.networks import DEFAULT_NETWORK, create_network
from directory.people import NAME, PersonDetail
from directory.roles import ADMIN, COORDINATOR, grant, holders, people_networks, roles_of
from handlers.context import Context
from handlers.messages import ChatRef, Incoming
from handlers.roles import to_person, to_role
from handlers.router import dispatch, split_command
from handlers.snapshot import Snapshot

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
_numbers = itertools.count(1)


def said(text: str, platform: str = "telegram", user: str = "1", *, chat: str = "-100", private: bool = False,
         people: tuple[str, ...] = (), mentions: tuple[str, ...] = ()) -> Incoming:
    command, args = split_command(text)
    return Incoming(ChatRef(platform, chat), user, text, command, args, private=private,  # type: ignore[arg-type]
                    people=people, mentions=mentions)


async def network_with_group(context: Context, platform: str = "telegram") -> tuple[str, str]:
    """A new network and a group of ``platform`` attached to it: (network id, chat id)."""
    number = next(_numbers)
    network, chat = f"reseau-{number}", (f"-100{number}" if platform == "telegram" else f"C0NET{number}")
    await create_network(context.sessions, network, f"Réseau {number}", NOW)
    context.choices.keep(platform, chat, await choose(context.sessions, platform, chat, NOW, network_id=network))
    return network, chat


def read_roles_again(context: Context) -> None:
    """Roles granted here by ``grant`` are another process's change, which the bot's copy of who holds
    roles where sees once it is read again (``handlers.snapshot``): read it again now."""
    context.role_networks = Snapshot(people_networks)


async def text_of(incoming: Incoming, context: Context) -> str:
    replies = await dispatch(incoming, context)
    assert len(replies) == 1
    return replies[0].text


def test_role_words_and_references() -> None:
    assert to_role("Coordonnatrice") == to_role("coordo") == to_role("COORDINATOR") == COORDINATOR
    assert to_role("administrateur") == to_role("Admin") == ADMIN
    assert to_role("membre") is None
    assert to_person("Slack:u0123abc") == ("slack", "U0123ABC")
    assert to_person("telegram:123") == ("telegram", "123")
    assert to_person("telegram:abc") is None and to_person("discord:1") is None


@pytest.mark.asyncio(loop_scope="module")
async def test_own_roles_and_what_they_allow(context: Context) -> None:
    network, chat = await network_with_group(context)
    assert "tous les droits" in await text_of(said("/role", "console", "local", chat="console", private=True), context)
    member = await text_of(said("/role", user="7001", chat=chat), context)
    assert "vous êtes **membre**" in member and "**telegram:7001**" in member
    assert "**administrateur** : tient l'annuaire à jour" in member
    await grant(context.sessions, "telegram", "7001", COORDINATOR, granted_by="test", now=NOW, network=network)
    assert "vous êtes : **coordonnateur**" in await text_of(said("/role", user="7001", chat=chat), context)
    privately = await text_of(said("/role", user="7001", chat="7001", private=True), context)
    assert "Dans **Réseau" in privately and "**coordonnateur**" in privately


@pytest.mark.asyncio(loop_scope="module")
async def test_admin_gives_by_reply_and_a_member_is_refused(context: Context) -> None:
    network, chat = await network_with_group(context)
    await grant(context.sessions, "telegram", "7101", ADMIN, granted_by="test", now=NOW, network=network)
    refused = await text_of(said("/role donner admin", user="7102", chat=chat, people=("7102",)), context)
    assert "Seuls les **administrateurs**" in refused and "/role donner admin telegram:7102" in refused
    assert await roles_of(context.sessions, "telegram", "7102") == set()

    given = await text_of(said("/role donner coordonnatrice", user="7101", chat=chat, people=("7103",)), context)
    assert given.startswith("C'est fait : **telegram:7103** est maintenant **coordonnateur**")
    assert await roles_of(context.sessions, "telegram", "7103", network) == {COORDINATOR}
    again = await text_of(said("/role donner coordo", user="7101", chat=chat, people=("7103",)), context)
    assert "est déjà **coordonnateur**" in again
    taken = await text_of(said("/role retirer coordonnateur telegram:7103", user="7101", chat=chat), context)
    assert "n'est plus **coordonnateur**" in taken
    assert await roles_of(context.sessions, "telegram", "7103") == set()
    nothing = await text_of(said("/role retirer coordonnateur telegram:7103", user="7101", chat=chat), context)
    assert "rien à retirer" in nothing


@pytest.mark.asyncio(loop_scope="module")
async def test_slack_mention_and_typed_reference(context: Context) -> None:
    network, channel = await network_with_group(context, "slack")
    await grant(context.sessions, "slack", "U0ADMIN1", ADMIN, granted_by="test", now=NOW, network=network)
    by_mention = said("/role donner Administrateur @marie", "slack", "U0ADMIN1", chat=channel, people=("U0MARIE",))
    assert "**slack:U0MARIE** est maintenant **administrateur**" in await text_of(by_mention, context)
    typed = said("/role donner coordonnateur slack:u0paul", "slack", "U0ADMIN1", chat=channel)
    assert "**slack:U0PAUL** est maintenant **coordonnateur**" in await text_of(typed, context)
    assert await roles_of(context.sessions, "slack", "U0MARIE", network) == {ADMIN}
    assert await roles_of(context.sessions, "slack", "U0PAUL", network) == {COORDINATOR}


@pytest.mark.asyncio(loop_scope="module")
async def test_who_is_meant_must_be_one_valid_person(context: Context) -> None:
    network, chat = await network_with_group(context)
    await grant(context.sessions, "telegram", "7201", ADMIN, granted_by="test", now=NOW, network=network)
    both = said("/role donner admin telegram:7203", user="7201", chat=chat, people=("7202",))
    assert "Plusieurs personnes sont désignées (telegram:7202, telegram:7203)" in await text_of(both, context)
    assert "À qui ?" in await text_of(said("/role donner admin", user="7201", chat=chat), context)
    by_username = said("/role donner admin @marie", user="7201", chat=chat, mentions=("@marie",))
    assert "par son nom d'utilisateur" in await text_of(by_username, context)
    assert "Référence invalide : « telegram:abc »" in await text_of(
        said("/role donner admin telegram:abc", user="7201", chat=chat), context)
    assert "Quel rôle ?" in await text_of(said("/role donner chef telegram:7204", user="7201", chat=chat), context)
    assert "Je ne connais pas « /role promouvoir »" in await text_of(
        said("/role promouvoir", user="7201", chat=chat), context)
    assert await roles_of(context.sessions, "telegram", "7202") == set()
    assert await roles_of(context.sessions, "telegram", "7203") == set()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_last_admin_is_kept(context: Context) -> None:
    network, chat = await network_with_group(context)
    await grant(context.sessions, "telegram", "7301", ADMIN, granted_by="test", now=NOW, network=network)
    own = await text_of(said("/role retirer admin", user="7301", chat=chat, people=("7301",)), context)
    assert "Vous êtes le dernier administrateur" in own
    assert await roles_of(context.sessions, "telegram", "7301", network) == {ADMIN}
    await dispatch(said("/role donner admin", user="7301", chat=chat, people=("7302",)), context)
    removed = await text_of(said("/role retirer admin telegram:7301", user="7301", chat=chat), context)
    assert "n'est plus **administrateur**" in removed
    other = await text_of(said("/role retirer admin telegram:7302", "console", "local", chat="console"), context)
    assert "rien à retirer" in other  # the console works in its own network, the default one
    last = await text_of(said("/role retirer admin telegram:7302", user="7302", chat=chat), context)
    assert "Vous êtes le dernier administrateur" in last


@pytest.mark.asyncio(loop_scope="module")
async def test_roles_belong_to_the_network_of_the_chat(context: Context) -> None:
    network_a, _chat_a = await network_with_group(context)
    network_b, chat_b = await network_with_group(context)
    await grant(context.sessions, "telegram", "7401", ADMIN, granted_by="test", now=NOW, network=network_a)
    read_roles_again(context)
    refused = await text_of(said("/role donner admin telegram:7402", user="7401", chat=chat_b), context)
    assert "Seuls les **administrateurs**" in refused
    assert await roles_of(context.sessions, "telegram", "7402") == set()

    privately = said("/role donner coordonnateur telegram:7402", user="7401", chat="7401", private=True)
    assert "maintenant **coordonnateur**" in await text_of(privately, context)
    assert await roles_of(context.sessions, "telegram", "7402", network_a) == {COORDINATOR}
    await grant(context.sessions, "telegram", "7401", ADMIN, granted_by="test", now=NOW, network=network_b)
    read_roles_again(context)
    several = await text_of(said("/role donner admin telegram:7403", user="7401", chat="7401", private=True), context)
    assert "Vous avez des rôles dans plusieurs réseaux" in several and network_a in several and network_b in several
    in_b = await text_of(said("/role donner admin telegram:7403", user="7401", chat=chat_b), context)
    assert "maintenant **administrateur** dans **Réseau" in in_b
    assert await roles_of(context.sessions, "telegram", "7403", network_b) == {ADMIN}
    assert await roles_of(context.sessions, "telegram", "7403", network_a) == set()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_list_shows_shared_names_only(context: Context) -> None:
    network, chat = await network_with_group(context)
    await grant(context.sessions, "telegram", "7501", ADMIN, granted_by="test", now=NOW, network=network)
    await grant(context.sessions, "telegram", "7502", COORDINATOR, granted_by="test", now=NOW, network=network)
    async with context.sessions.begin() as session:
        session.add(PersonDetail(platform="telegram", user_id="7501", item=NAME, value="Marie Tremblay",
                                 shared=True, updated_at=NOW))
        session.add(PersonDetail(platform="telegram", user_id="7502", item=NAME, value="Paul Secret",
                                 shared=False, updated_at=NOW))
    listed = await text_of(said("/role liste", user="7599", chat=chat), context)
    assert "- **administrateur** : Marie Tremblay (telegram:7501)" in listed
    assert "- **coordonnateur** : telegram:7502" in listed and "Paul Secret" not in listed
    assert "je ne sais pas de quel réseau" in await text_of(
        said("/role liste", user="7599", chat="7599", private=True), context)
    mine = await text_of(said("/role liste", user="7502", chat="7502", private=True), context)
    assert "Marie Tremblay (telegram:7501)" in mine
    console = await text_of(said("/role liste", "console", "local", chat="console"), context)
    assert "Marie Tremblay (telegram:7501)" in console and f"**{DEFAULT_NETWORK}**" not in console


@pytest.mark.asyncio(loop_scope="module")
async def test_an_empty_network_says_how_to_name_its_first_admin(context: Context) -> None:
    _network, chat = await network_with_group(context)
    listed = await text_of(said("/role liste", user="7601", chat=chat), context)
    assert "Personne n'a encore de rôle" in listed and "passerelle admin add" in listed


@pytest.mark.asyncio(loop_scope="module")
async def test_english(context: Context) -> None:
    replies = await dispatch(Incoming(ChatRef("console", "console"), "local", "/role", "role", "", locale="en"), context)
    assert "every right" in replies[0].text and "**admin**: keeps the directory up to date" in replies[0].text


async def all_roles(context: Context) -> set[tuple[str, str, str, str]]:
    return {(h.network_id, h.platform, h.user_id, h.role) for h in await holders(context.sessions)}


@pytest.mark.asyncio(loop_scope="module")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["", "liste ", "donner ", "retirer ", "donner admin ", "retirer coordo ", "rattacher "]),
       st.text(max_size=40), st.sampled_from(["/role", "/reseau"]), st.booleans())
async def test_any_input_gets_an_answer_and_changes_one_role_at_most(
    context: Context, head: str, rest: str, command: str, admin: bool
) -> None:
    user = "7701" if admin else "7702"
    await grant(context.sessions, "telegram", "7701", ADMIN, granted_by="test", now=NOW)
    before = await all_roles(context)
    replies = await dispatch(said(f"{command} {head}{rest}", user=user, chat="-1007700"), context)
    assert replies and all(r.text or r.cards for r in replies)
    assert not any("Désolé, une erreur" in r.text for r in replies)
    changed = before ^ await all_roles(context)
    assert len(changed) <= (1 if admin else 0)
