"""Running the ``passerelle`` command line in tests, on a given database."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from bot.cli import app


def passerelle(url: str, *args: str) -> Result:
    """``passerelle <args>`` on the database at ``url`` (French, Québec's zone); exits allowed, crashes not."""
    env = {"PASSERELLE_DATABASE_URL": url, "PASSERELLE_LANGUAGE": "fr", "PASSERELLE_TIMEZONE": "America/Toronto"}
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result
