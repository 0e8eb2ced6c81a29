"""The ``passerelle`` command: run the bot, ask the directory, manage the database and directory."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Awaitable, Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from pydantic import ValidationError

from bot import eventloop
from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from handlers.context import Context

T = TypeVar("T")

app = typer.Typer(help="Passerelle : « qui appeler ? » pour les réseaux communautaires du Québec.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Base de données.", no_args_is_help=True)
directory_app = typer.Typer(help="Annuaire : import, export, exemple.", no_args_is_help=True)
role_app = typer.Typer(help="Rôles : coordonnateurs et administrateurs du réseau.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(directory_app, name="directory")
app.add_typer(role_app, name="role")


class Platform(str, Enum):
    telegram = "telegram"
    slack = "slack"
    console = "console"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "_".join(str(p) for p in problem["loc"]).upper()
            if name not in Settings.unprefixed():
                name = "PASSERELLE_" + name
            message = str(problem["msg"]).removeprefix("Value error, ")
            typer.echo(f"Configuration invalide : {name} : {message}", err=True)
        raise typer.Exit(2) from error


def _err(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def run(platform: Annotated[Platform | None, typer.Option(help="Forcer une plateforme.")] = None) -> None:
    """Start every platform whose credentials are set (the console chat when none is)."""
    from bot.platforms import ConfigurationError, StartError, choose, serve, serve_console, to_adapters
    from bot.wiring import build

    settings = _settings()
    try:
        names = choose(settings, platform.value if platform else None)
    except ConfigurationError as error:
        _err(f"Configuration incomplète : {error}")
        raise typer.Exit(2) from error

    async def main() -> None:
        running = await build(settings, say=_err)
        try:
            if names == ["console"]:
                await serve_console(running.context, running.producers)
            else:
                adapters = to_adapters(names, settings, running.context, running.keep)
                await serve(adapters, running.context, settings.http_port, _err, producers=running.producers)
        finally:
            await running.close()

    try:
        eventloop.run(main())
    except StartError as error:
        _err(f"Démarrage impossible : {error}")
        raise typer.Exit(2) from error


@app.command()
def ask(
    query: Annotated[str | None, typer.Argument(help="La question ; sans question, une par ligne sur l'entrée.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Un objet JSON par question.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=50, help="Nombre de réponses.")] = 5,
    place: Annotated[str | None, typer.Option(help="Lieu, à la place de celui de la question.")] = None,
) -> None:
    """Ask the directory one question and print the answers."""
    from bot.wiring import build

    if query is None and sys.stdin.isatty():
        _err("Donnez une question, par exemple : passerelle ask \"banque alimentaire Jonquière\"")
        raise typer.Exit(2)
    questions = [query] if query is not None else [line.strip() for line in sys.stdin if line.strip()]

    async def main() -> None:
        running = await build(_settings(), say=_err)
        try:
            if place is not None:
                _check_place(running.context, place)
            for question in questions:
                typer.echo(await _answer(running.context, question, as_json, limit, place))
        finally:
            await running.close()

    asyncio.run(main())


def _check_place(context: Context, place: str) -> None:
    """Stop with exit code 2 when the gazetteer cannot resolve ``place``, naming close places if any."""
    from handlers.texts import texts_for

    gazetteer = context.search.gazetteer
    if gazetteer.resolve(place) is not None:
        return
    t = texts_for(context.language)
    close = [p.name for p in gazetteer.similar(place)]
    if close:
        _err(t("Lieu inconnu : « {place} ». Lieux aux noms proches : {names}.",
               place=place, names=", ".join(close)))
    else:
        _err(t("Lieu inconnu : « {place} ». Donnez une municipalité, un arrondissement, une MRC "
               "ou une région du Québec.", place=place))
    raise typer.Exit(2)


async def _answer(context: Context, question: str, as_json: bool, limit: int, place: str | None) -> str:
    from bot.plain import to_text
    from handlers.messages import ChatRef, Incoming
    from handlers.referral import answer
    from handlers.texts import texts_for

    if as_json:
        response = context.search.search(question, place=place, limit=limit)
        return json.dumps(to_json(response), ensure_ascii=False)
    incoming = Incoming(ChatRef("console", "ask"), "ask", question, "qui", question, locale=context.language)
    replies = await answer(question, 0, incoming, context, place=place, limit=limit)
    t = texts_for(context.language)
    return "\n\n".join(to_text(reply, t, buttons=False) for reply in replies)


def to_json(response) -> dict:
    """The JSON object ``passerelle ask --json`` prints for one search."""
    return {
        "query": response.query.text,
        "results": [
            {
                "service_id": str(r.doc.service_id),
                "service": r.doc.service_name,
                "organization_id": str(r.doc.organization_id) if r.doc.organization_id else None,
                "organization": r.doc.organization_name,
                "score": round(r.score, 4),
                "why": r.why,
            }
            for r in response.results
        ],
        "places": [p.name for p in ([response.place] if response.place else [])],
        "abstained": response.abstained,
    }


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations."""
    import migrations

    migrations.upgrade(_settings().database_url)
    typer.echo("Base de données à jour.")


@directory_app.command("import")
def directory_import(path: Annotated[Path, typer.Argument(help="Dossier, datapackage.json ou .zip HSDS.")]) -> None:
    """Import an HSDS tabular data package (validated whole before anything is written)."""
    from directory.importing import import_package
    from directory.package import PackageError, read_package

    try:
        package = read_package(path)
    except PackageError as error:
        _report_errors(error)
        raise typer.Exit(1) from error

    async def main() -> None:
        from rich.progress import Progress

        async with _sessions() as sessions:
            with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
                tasks: dict[str, int] = {}

                def advance(table: str, done: int, total: int) -> None:
                    if table not in tasks:
                        tasks[table] = progress.add_task(table, total=total)
                    progress.update(tasks[table], completed=done)

                report = await import_package(sessions, package, progress=advance)
        typer.echo(f"Import terminé : {report.summary()}")
        if report.warnings:
            _err(f"{len(report.warnings)} avertissement(s) :")
            for warning in report.warnings:
                _err(f"- {warning}")

    try:
        asyncio.run(main())
    except PackageError as error:
        _report_errors(error)
        raise typer.Exit(1) from error


def _report_errors(error: Exception) -> None:
    messages = getattr(error, "messages", [str(error)])
    _err(f"Paquet refusé, rien n'a été écrit ({len(messages)} problème(s)) :")
    for message in messages:
        _err(f"- {message}")


@directory_app.command("export")
def directory_export(
    path: Annotated[Path, typer.Argument(help="Dossier (CSV) ou fichier (JSON) à écrire.")],
    format: Annotated[ExportFormat, typer.Option("--format", help="csv (paquet tabulaire) ou json (HSDS imbriqué).")] = ExportFormat.csv,
) -> None:
    """Export the directory as an HSDS tabular package or nested JSON."""
    from directory.exporting import export_json, export_package

    export = export_json if format is ExportFormat.json else export_package
    _in_database(lambda sessions: export(sessions, path))
    typer.echo(f"Annuaire exporté dans {path}.")


@directory_app.command("sample")
def directory_sample() -> None:
    """Load the sample directory (Commun'Enfant Jonquière 0-8 ans, fictional contact details)."""
    from directory.sample import load_sample

    report = _in_database(load_sample)
    typer.echo(f"Annuaire d'exemple chargé : {report.summary()}")


PERSON_HELP = "La personne : telegram:<identifiant numérique> ou slack:<identifiant Slack> (U0123ABC)."
ROLE_HELP = "coordinator (crée événements et annonces) ou admin."
PERSON_IDS = {"telegram": re.compile(r"\d{1,20}"), "slack": re.compile(r"[UW][A-Z0-9]{2,}")}


def _person(text: str) -> tuple[str, str]:
    """("telegram", "123456") from "telegram:123456"; stops with exit code 2 on anything else."""
    platform, _, user_id = text.strip().partition(":")
    platform, user_id = platform.lower(), user_id.strip()
    pattern = PERSON_IDS.get(platform)
    if pattern is None:
        _err(f"Plateforme inconnue dans « {text} » : écrivez telegram:<identifiant> ou slack:<identifiant>, "
             "par exemple telegram:123456789 ou slack:U0123ABC.")
        raise typer.Exit(2)
    if platform == "slack":
        user_id = user_id.upper()
    if not pattern.fullmatch(user_id):
        example = "telegram:123456789 (des chiffres)" if platform == "telegram" else "slack:U0123ABC"
        _err(f"Identifiant invalide dans « {text} » : écrivez par exemple {example}. "
             "La personne voit son identifiant quand le robot lui refuse une commande.")
        raise typer.Exit(2)
    return platform, user_id


def _role(text: str) -> str:
    """The role named ``text``; stops with exit code 2 when it is not one."""
    from directory.roles import ROLES

    role = text.strip().lower()
    if role not in ROLES:
        _err(f"Rôle inconnu : « {text} ». Rôles possibles : {', '.join(ROLES)}.")
        raise typer.Exit(2)
    return role


@role_app.command("add")
def role_add(
    person: Annotated[str, typer.Argument(help=PERSON_HELP)],
    role: Annotated[str, typer.Argument(help=ROLE_HELP)],
) -> None:
    """Give a role to a person of a platform."""
    import datetime as dt

    from directory.roles import grant

    platform, user_id = _person(person)
    wanted = _role(role)
    now = dt.datetime.now(dt.UTC)
    if _in_database(lambda sessions: grant(sessions, platform, user_id, wanted, granted_by="cli", now=now)):
        typer.echo(f"Rôle {wanted} donné à {platform}:{user_id}.")
    else:
        typer.echo(f"{platform}:{user_id} a déjà le rôle {wanted}.")


@role_app.command("remove")
def role_remove(
    person: Annotated[str, typer.Argument(help=PERSON_HELP)],
    role: Annotated[str, typer.Argument(help=ROLE_HELP)],
) -> None:
    """Take a role back from a person of a platform."""
    from directory.roles import revoke

    platform, user_id = _person(person)
    wanted = _role(role)
    if not _in_database(lambda sessions: revoke(sessions, platform, user_id, wanted)):
        _err(f"{platform}:{user_id} n'a pas le rôle {wanted} : rien à retirer.")
        raise typer.Exit(1)
    typer.echo(f"Rôle {wanted} retiré à {platform}:{user_id}.")


@role_app.command("list")
def role_list(
    role: Annotated[str | None, typer.Argument(help="Seulement ce rôle (coordinator ou admin).")] = None,
) -> None:
    """List who holds which role."""
    from directory.roles import holders

    wanted = _role(role) if role is not None else None
    found = _in_database(lambda sessions: holders(sessions, wanted))
    if not found:
        typer.echo("Personne n'a ce rôle." if wanted else "Personne n'a encore de rôle : "
                   "passerelle role add telegram:<identifiant> admin")
        return
    for holder in found:
        typer.echo(f"{holder.platform}:{holder.user_id}\t{holder.role}\t"
                   f"donné par {holder.granted_by} le {holder.granted_at:%Y-%m-%d}")


def _in_database(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    """Run ``work`` with the migrated database's sessions; its result."""

    async def main() -> T:
        async with _sessions() as sessions:
            return await work(sessions)

    return asyncio.run(main())


class _sessions:
    """A migrated database's session factory, disposed of on exit."""

    async def __aenter__(self):
        import migrations
        from directory.db import create_engine, session_factory

        url = _settings().database_url
        await asyncio.to_thread(migrations.upgrade, url)
        self.engine = create_engine(url)
        return session_factory(self.engine)

    async def __aexit__(self, *exc: object) -> None:
        await self.engine.dispose()
