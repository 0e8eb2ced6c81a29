"""``passerelle role | admin | reseau``: roles per network and the networks themselves, from the command
line (the first admin of a network is named here; admins then manage roles from the chat)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli_database import in_database, say_error
from directory.networks import DEFAULT_NETWORK, EVERY_CHAT

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

role_app = typer.Typer(help="Rôles : coordonnateurs et administrateurs d'un réseau.", no_args_is_help=True)
admin_app = typer.Typer(help="Administrateurs d'un réseau (raccourci de « role … admin »).", no_args_is_help=True)
network_app = typer.Typer(help="Réseaux : un espace Slack ou un ensemble de groupes Telegram.", no_args_is_help=True)

PERSON_HELP = "La personne : telegram:<identifiant numérique> ou slack:<identifiant Slack> (U0123ABC)."
ROLE_HELP = "coordinator (crée événements et annonces) ou admin."
NETWORK_HELP = "L'identifiant du réseau (passerelle reseau list)."
CHAT_HELP = ("La conversation : telegram:<identifiant du groupe> (-100…), slack:<identifiant du canal> (C0123ABC), "
             "ou telegram:* / slack:* pour toutes celles de la plateforme.")
CHAT_IDS = {"telegram": re.compile(r"-?\d{1,20}"), "slack": re.compile(r"[CDG][A-Z0-9]{2,}")}
NetworkOption = Annotated[str, typer.Option("--reseau", help=NETWORK_HELP)]


def _person(text: str) -> tuple[str, str]:
    """("telegram", "123456") from "telegram:123456"; stops with exit code 2 on anything else."""
    from handlers.roles import PERSON_IDS, to_person

    platform = text.strip().partition(":")[0].lower()
    if platform not in PERSON_IDS:
        say_error(f"Plateforme inconnue dans « {text} » : écrivez telegram:<identifiant> ou slack:<identifiant>, "
                  "par exemple telegram:123456789 ou slack:U0123ABC.")
        raise typer.Exit(2)
    person = to_person(text)
    if person is None:
        example = "telegram:123456789 (des chiffres)" if platform == "telegram" else "slack:U0123ABC"
        say_error(f"Identifiant invalide dans « {text} » : écrivez par exemple {example}. "
                  "La personne voit son identifiant en tapant /role dans le chat.")
        raise typer.Exit(2)
    return person


def _role(text: str) -> str:
    """The role named ``text`` (French names accepted); stops with exit code 2 when it is not one."""
    from directory.roles import ROLES
    from handlers.roles import to_role

    role = to_role(text)
    if role is None:
        say_error(f"Rôle inconnu : « {text} ». Rôles possibles : {', '.join(ROLES)}.")
        raise typer.Exit(2)
    return role


def _chat(text: str) -> tuple[str, str]:
    """("telegram", "-100123") from "telegram:-100123", or (platform, "*"); exit code 2 on anything else."""
    platform, _, chat_id = text.strip().partition(":")
    platform, chat_id = platform.lower(), chat_id.strip()
    pattern = CHAT_IDS.get(platform)
    if pattern is None:
        say_error(f"Plateforme inconnue dans « {text} » : écrivez telegram:<identifiant du groupe> ou "
                  "slack:<identifiant du canal>, par exemple telegram:-1001234567890 ou slack:C0123ABC.")
        raise typer.Exit(2)
    if platform == "slack":
        chat_id = chat_id.upper()
    if chat_id != EVERY_CHAT and not pattern.fullmatch(chat_id):
        example = "telegram:-1001234567890" if platform == "telegram" else "slack:C0123ABC"
        say_error(f"Conversation invalide dans « {text} » : écrivez par exemple {example}, ou {platform}:* "
                  "pour toutes les conversations de la plateforme.")
        raise typer.Exit(2)
    return platform, chat_id


def _network_id(text: str) -> str:
    """A well-formed network id; exit code 2 otherwise."""
    from directory.networks import is_network_id

    if not is_network_id(text):
        say_error(f"Identifiant de réseau invalide : « {text} ». Utilisez des lettres minuscules, des chiffres "
                  "et des tirets (63 au plus), par exemple rls-jonquiere.")
        raise typer.Exit(2)
    return text


async def _known_network(sessions: async_sessionmaker[AsyncSession], network_id: str) -> None:
    """Stops with exit code 2 when there is no network ``network_id``, naming those there are."""
    from directory.networks import network_named, networks

    async with sessions() as session:
        if await network_named(session, network_id) is not None:
            return
    known = ", ".join(n.id for n in await networks(sessions))
    say_error(f"Réseau inconnu : « {network_id} ». Réseaux : {known}. Pour le créer : "
              f"passerelle reseau add {network_id} \"Nom du réseau\"")
    raise typer.Exit(2)


def _in(network: str) -> str:
    """" dans le réseau x" for another network than the default one (which most deployments never name)."""
    return "" if network == DEFAULT_NETWORK else f" dans le réseau {network}"


@role_app.command("add")
def role_add(
    person: Annotated[str, typer.Argument(help=PERSON_HELP)],
    role: Annotated[str, typer.Argument(help=ROLE_HELP)],
    network: NetworkOption = DEFAULT_NETWORK,
) -> None:
    """Give a role in a network to a person of a platform."""
    from directory.roles import grant

    platform, user_id = _person(person)
    wanted = _role(role)
    now = dt.datetime.now(dt.UTC)

    async def give(sessions: async_sessionmaker[AsyncSession]) -> bool:
        await _known_network(sessions, network)
        return await grant(sessions, platform, user_id, wanted, granted_by="cli", now=now, network=network)

    if in_database(give):
        typer.echo(f"Rôle {wanted} donné à {platform}:{user_id}{_in(network)}.")
    else:
        typer.echo(f"{platform}:{user_id} a déjà le rôle {wanted}{_in(network)}.")


@role_app.command("remove")
def role_remove(
    person: Annotated[str, typer.Argument(help=PERSON_HELP)],
    role: Annotated[str, typer.Argument(help=ROLE_HELP)],
    network: NetworkOption = DEFAULT_NETWORK,
) -> None:
    """Take a role in a network back from a person of a platform."""
    from directory.roles import revoke

    platform, user_id = _person(person)
    wanted = _role(role)
    if not in_database(lambda sessions: revoke(sessions, platform, user_id, wanted, network)):
        say_error(f"{platform}:{user_id} n'a pas le rôle {wanted}{_in(network)} : rien à retirer.")
        raise typer.Exit(1)
    typer.echo(f"Rôle {wanted} retiré à {platform}:{user_id}{_in(network)}.")


@role_app.command("list")
def role_list(
    role: Annotated[str | None, typer.Argument(help="Seulement ce rôle (coordinator ou admin).")] = None,
    network: NetworkOption = DEFAULT_NETWORK,
) -> None:
    """List who holds which role in a network."""
    from directory.roles import holders

    wanted = _role(role) if role is not None else None

    async def find(sessions: async_sessionmaker[AsyncSession]):
        await _known_network(sessions, network)
        return await holders(sessions, wanted, network)

    found = in_database(find)
    if not found:
        option = "" if network == DEFAULT_NETWORK else f" --reseau {network}"
        typer.echo(f"Personne n'a ce rôle{_in(network)}." if wanted else
                   f"Personne n'a encore de rôle{_in(network)} : passerelle admin add telegram:<identifiant>{option}")
        return
    for holder in found:
        typer.echo(f"{holder.platform}:{holder.user_id}\t{holder.role}\t"
                   f"donné par {holder.granted_by} le {holder.granted_at:%Y-%m-%d}")


@admin_app.command("add")
def admin_add(person: Annotated[str, typer.Argument(help=PERSON_HELP)], network: NetworkOption = DEFAULT_NETWORK) -> None:
    """Make a person an admin of a network (the first admin is named this way)."""
    role_add(person, "admin", network)


@admin_app.command("remove")
def admin_remove(person: Annotated[str, typer.Argument(help=PERSON_HELP)], network: NetworkOption = DEFAULT_NETWORK) -> None:
    """Take the admin role in a network back from a person."""
    role_remove(person, "admin", network)


@admin_app.command("list")
def admin_list(network: NetworkOption = DEFAULT_NETWORK) -> None:
    """List the admins of a network."""
    role_list("admin", network)


@network_app.command("add")
def network_add(
    network: Annotated[str, typer.Argument(help="Un identifiant court : minuscules, chiffres, tirets (rls-jonquiere).")],
    name: Annotated[str, typer.Argument(help="Le nom affiché, par exemple « RLS de Jonquière ».")],
) -> None:
    """Create a network."""
    from directory.networks import create_network

    network = _network_id(network)
    if not name.strip():
        say_error("Donnez un nom au réseau, par exemple : passerelle reseau add rls-jonquiere \"RLS de Jonquière\"")
        raise typer.Exit(2)
    now = dt.datetime.now(dt.UTC)
    if not in_database(lambda sessions: create_network(sessions, network, name, now)):
        say_error(f"Le réseau {network} existe déjà. Pour changer son nom : passerelle reseau rename {network} \"Nom\"")
        raise typer.Exit(1)
    typer.echo(f"Réseau {network} créé : {name.strip()}. Premier administrateur : "
               f"passerelle admin add telegram:<identifiant> --reseau {network}")


@network_app.command("list")
def network_list() -> None:
    """List the networks with their admins and the chats attached to them."""
    from sqlalchemy import select

    from directory.channels import ChannelSetting
    from directory.networks import networks
    from directory.roles import ADMIN, holders

    async def read(sessions: async_sessionmaker[AsyncSession]):
        async with sessions() as session:
            rows = await session.execute(
                select(ChannelSetting.network_id, ChannelSetting.platform, ChannelSetting.chat_id)
                .where(ChannelSetting.network_id.is_not(None))
                .order_by(ChannelSetting.platform, ChannelSetting.chat_id)
            )
            chats = [tuple(row) for row in rows]
        return await networks(sessions), await holders(sessions, ADMIN), chats

    found, admins, chats = in_database(read)
    for network in found:
        attached = [f"{platform}:{chat}" for net, platform, chat in chats if net == network.id]
        named = [f"{a.platform}:{a.user_id}" for a in admins if a.network_id == network.id]
        typer.echo(f"{network.id}\t{network.name}\tadministrateurs : {', '.join(named) or 'aucun'}\t"
                   f"conversations : {', '.join(attached) or ('les autres' if network.id == DEFAULT_NETWORK else 'aucune')}")


@network_app.command("rename")
def network_rename(
    network: Annotated[str, typer.Argument(help=NETWORK_HELP)],
    name: Annotated[str, typer.Argument(help="Le nouveau nom affiché.")],
) -> None:
    """Give a network a new display name."""
    from directory.networks import rename_network

    if not name.strip():
        say_error(f"Donnez le nouveau nom, par exemple : passerelle reseau rename {network} \"RLS de Jonquière\"")
        raise typer.Exit(2)

    async def rename(sessions: async_sessionmaker[AsyncSession]) -> None:
        await _known_network(sessions, network)
        await rename_network(sessions, network, name)

    in_database(rename)
    typer.echo(f"Réseau {network} renommé : {name.strip()}.")


@network_app.command("attach")
def network_attach(
    chat: Annotated[str, typer.Argument(help=CHAT_HELP)],
    network: Annotated[str, typer.Argument(help=NETWORK_HELP)],
) -> None:
    """Attach a chat (or every chat of a platform) to a network."""
    from directory.channels import choose

    platform, chat_id = _chat(chat)
    now = dt.datetime.now(dt.UTC)

    async def attach(sessions: async_sessionmaker[AsyncSession]) -> None:
        await _known_network(sessions, network)
        await choose(sessions, platform, chat_id, now, network_id=network)

    in_database(attach)
    what = (f"Les conversations {platform} qui n'ont pas choisi de réseau font" if chat_id == EVERY_CHAT
            else f"La conversation {platform}:{chat_id} fait")
    typer.echo(f"{what} maintenant partie du réseau {network} (le robot en marche le voit d'ici une minute).")


@network_app.command("detach")
def network_detach(chat: Annotated[str, typer.Argument(help=CHAT_HELP)]) -> None:
    """Detach a chat from its network: it goes back to its platform's network, or the default one."""
    from directory.channels import choices_of, choose

    platform, chat_id = _chat(chat)
    now = dt.datetime.now(dt.UTC)

    async def detach(sessions: async_sessionmaker[AsyncSession]) -> str | None:
        before = (await choices_of(sessions, platform, chat_id)).network_id
        if before is not None:
            await choose(sessions, platform, chat_id, now, network_id=None)
        return before

    before = in_database(detach)
    if before is None:
        say_error(f"{platform}:{chat_id} n'est rattaché à aucun réseau : rien à détacher.")
        raise typer.Exit(1)
    typer.echo(f"{platform}:{chat_id} n'est plus rattaché au réseau {before}.")
