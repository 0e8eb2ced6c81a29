"""Pytest plugin: a throwaway PostgreSQL server started from the installed binaries.

Register it with ``pytest_plugins = ["tests.postgres"]``. It provides:

- ``postgres_server`` (session): base SQLAlchemy URL of a fresh cluster on 127.0.0.1;
- ``postgres_url`` (function): URL of a new, empty database dropped after the test;
- ``database_url`` (function, parametrized ``sqlite`` / ``postgresql``): tests that
  take it run on both back ends;
- ``migrated_database`` (module, parametrized the same way): one database migrated to
  the newest revision per back end and test module, for tests that empty what they use.

Without ``initdb`` / ``pg_ctl`` the PostgreSQL tests are skipped, except when the
``CI`` environment variable is set: there they fail, they never skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

import migrations

MISSING = "PostgreSQL binaries (initdb, pg_ctl) not found: install postgresql to run these tests"
_database_numbers = itertools.count(1)


def find_binaries() -> tuple[str, str] | None:
    """Return the paths of ``initdb`` and ``pg_ctl``: ``PATH`` first, then the newest Debian install."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return os.path.realpath(initdb), os.path.realpath(pg_ctl)

    def version(bin_dir: str) -> tuple[int, ...]:
        name = Path(bin_dir).parent.name
        return tuple(int(part) for part in name.split(".") if part.isdigit())

    for bin_dir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        initdb, pg_ctl = os.path.join(bin_dir, "initdb"), os.path.join(bin_dir, "pg_ctl")
        if os.access(initdb, os.X_OK) and os.access(pg_ctl, os.X_OK):
            return initdb, pg_ctl
    return None


def free_port() -> int:
    """Pick a free TCP port on 127.0.0.1 by binding to port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def locale_options() -> list[str]:
    """``--locale=C.UTF-8`` when the system has it, ``--no-locale`` otherwise."""
    try:
        listed = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ["--encoding=UTF8", "--no-locale"]
    names = {line.strip().lower().replace("-", "") for line in listed.splitlines()}
    return ["--encoding=UTF8", "--locale=C.UTF-8"] if "c.utf8" in names else ["--encoding=UTF8", "--no-locale"]


def tail(path: Path, lines: int = 30) -> str:
    """The last lines of a text file, or a note that it is missing."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


class Cluster:
    """One temporary PostgreSQL cluster: its directory, port and commands."""

    def __init__(self, initdb: str, pg_ctl: str) -> None:
        self.initdb, self.pg_ctl = initdb, pg_ctl
        self.root = Path(tempfile.mkdtemp(prefix="passerelle-pg-"))
        self.data, self.sockets, self.log = self.root / "data", self.root / "sockets", self.root / "server.log"
        self.prefix: list[str] = []
        self.port = 0
        self.started = False
        self.root.chmod(0o700)
        self.sockets.mkdir(mode=0o700)
        if os.geteuid() == 0:  # initdb refuses to run as root: hand the directory to postgres
            runuser = shutil.which("runuser")
            if runuser is None:
                raise RuntimeError("running as root but `runuser` is missing: cannot start PostgreSQL")
            user = pwd.getpwnam("postgres")
            for path in (self.root, self.sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
            self.prefix = [runuser, "-u", "postgres", "--"]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL command (as ``postgres`` when we are root), capturing its output."""
        return subprocess.run(
            [*self.prefix, *args], cwd=self.root, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )

    def start(self) -> None:
        """Create the cluster and start the server; raise with the log tail if either fails."""
        init = self.run(
            self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", *locale_options()
        )
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed ({init.returncode}):\n{init.stdout}\n{init.stderr}")
        self.port = free_port()
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1"
            f" -c unix_socket_directories={shlex.quote(str(self.sockets))}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.started = True  # even a failed start may leave a postmaster behind
        ctl = self.run(
            self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start"
        )
        if ctl.returncode != 0:
            raise RuntimeError(
                f"pg_ctl start failed ({ctl.returncode}):\n{ctl.stdout}\n{ctl.stderr}\n"
                f"--- tail of {self.log} ---\n{tail(self.log)}"
            )

    def stop(self) -> None:
        """Stop the server at once and remove every file of the cluster."""
        try:
            if self.started and (self.data / "postmaster.pid").exists():
                self.run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the ``postgres`` database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL for the session and yield its base SQLAlchemy URL."""
    binaries = find_binaries()
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail(f"{MISSING} (CI is set: PostgreSQL tests never skip in CI)", pytrace=False)
        pytest.skip(MISSING)
    cluster = Cluster(*binaries)
    try:
        cluster.start()
        yield cluster.url
    finally:
        cluster.stop()


def to_libpq(url: str) -> str:
    """Turn a ``postgresql+psycopg://`` SQLAlchemy URL into a libpq connection URI."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """Create an empty database for one test, yield its URL, then drop it."""
    name = f"test_{next(_database_numbers)}"
    with psycopg.connect(to_libpq(postgres_server), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(to_libpq(postgres_server), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLAlchemy URL of an empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/passerelle.db"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def migrated_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """URL of a database migrated to the newest revision, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('migrated')}/passerelle.db"
        migrations.upgrade(url)
        yield url
        return
    server = str(request.getfixturevalue("postgres_server"))
    name = f"migrated_{next(_database_numbers)}"
    with psycopg.connect(to_libpq(server), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = server.rsplit("/", 1)[0] + f"/{name}"
        migrations.upgrade(url)
        yield url
    finally:
        with psycopg.connect(to_libpq(server), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
