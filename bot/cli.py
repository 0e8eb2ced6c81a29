"""The ``passerelle`` command: run the bot, ask the directory, manage the database and directory."""

from __future__ import annotations

import asyncio
import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot import eventloop
from bot.cli_database import Sessions, in_database, read_settings, say_error
from bot.cli_roles import admin_app, network_app, role_app

if TYPE_CHECKING:
    from handlers.context import Context

app = typer.Typer(help="Passerelle : « qui appeler ? » pour les réseaux communautaires du Québec.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Base de données.", no_args_is_help=True)
directory_app = typer.Typer(help="Annuaire : import, export, exemple.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(directory_app, name="directory")
app.add_typer(role_app, name="role")
app.add_typer(admin_app, name="admin")
app.add_typer(network_app, name="reseau")


class Platform(str, Enum):
    telegram = "telegram"
    slack = "slack"
    console = "console"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"


@app.command()
def run(platform: Annotated[Platform | None, typer.Option(help="Forcer une plateforme.")] = None) -> None:
    """Start every platform whose credentials are set (the console chat when none is)."""
    from bot.platforms import ConfigurationError, StartError, choose, serve, serve_console, to_adapters
    from bot.wiring import build

    settings = read_settings()
    try:
        names = choose(settings, platform.value if platform else None)
    except ConfigurationError as error:
        say_error(f"Configuration incomplète : {error}")
        raise typer.Exit(2) from error

    async def main() -> None:
        running = await build(settings, say=say_error)
        try:
            if names == ["console"]:
                await serve_console(running.context, running.producers)
            else:
                adapters = to_adapters(names, settings, running.context, running.keep)
                await serve(adapters, running.context, settings.http_port, say_error, producers=running.producers)
        finally:
            await running.close()

    try:
        eventloop.run(main())
    except StartError as error:
        say_error(f"Démarrage impossible : {error}")
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
        say_error("Donnez une question, par exemple : passerelle ask \"banque alimentaire Jonquière\"")
        raise typer.Exit(2)
    questions = [query] if query is not None else [line.strip() for line in sys.stdin if line.strip()]

    async def main() -> None:
        running = await build(read_settings(), say=say_error)
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
        say_error(t("Lieu inconnu : « {place} ». Lieux aux noms proches : {names}.",
               place=place, names=", ".join(close)))
    else:
        say_error(t("Lieu inconnu : « {place} ». Donnez une municipalité, un arrondissement, une MRC "
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

    migrations.upgrade(read_settings().database_url)
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

        async with Sessions() as sessions:
            with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
                tasks: dict[str, int] = {}

                def advance(table: str, done: int, total: int) -> None:
                    if table not in tasks:
                        tasks[table] = progress.add_task(table, total=total)
                    progress.update(tasks[table], completed=done)

                report = await import_package(sessions, package, progress=advance)
        typer.echo(f"Import terminé : {report.summary()}")
        if report.warnings:
            say_error(f"{len(report.warnings)} avertissement(s) :")
            for warning in report.warnings:
                say_error(f"- {warning}")

    try:
        asyncio.run(main())
    except PackageError as error:
        _report_errors(error)
        raise typer.Exit(1) from error


def _report_errors(error: Exception) -> None:
    messages = getattr(error, "messages", [str(error)])
    say_error(f"Paquet refusé, rien n'a été écrit ({len(messages)} problème(s)) :")
    for message in messages:
        say_error(f"- {message}")


@directory_app.command("export")
def directory_export(
    path: Annotated[Path, typer.Argument(help="Dossier (CSV) ou fichier (JSON) à écrire.")],
    format: Annotated[ExportFormat, typer.Option("--format", help="csv (paquet tabulaire) ou json (HSDS imbriqué).")] = ExportFormat.csv,
) -> None:
    """Export the directory as an HSDS tabular package or nested JSON."""
    from directory.exporting import export_json, export_package

    export = export_json if format is ExportFormat.json else export_package
    in_database(lambda sessions: export(sessions, path))
    typer.echo(f"Annuaire exporté dans {path}.")


@directory_app.command("sample")
def directory_sample() -> None:
    """Load the sample directory (Commun'Enfant Jonquière 0-8 ans, fictional contact details)."""
    from directory.sample import load_sample

    report = in_database(load_sample)
    typer.echo(f"Annuaire d'exemple chargé : {report.summary()}")
