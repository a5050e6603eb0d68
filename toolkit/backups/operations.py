"""Taking a backup of the configured database and restoring one into it.

SQLite is copied with its online backup API, in one step: the copy is the database as one moment saw it, while
the application goes on writing. PostgreSQL is copied by ``pg_dump`` (custom format; one snapshot too) and
restored by ``pg_restore``. The database password never appears on a command line: it goes to the tools in their
environment.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select, table
from sqlalchemy.engine import URL, make_url

#: The first bytes of each kind of backup file.
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"

#: Tables that hold no data of the application (the schema version).
BOOKKEEPING_TABLES = frozenset({"alembic_version"})

#: How long SQLite waits for a lock while copying, in seconds (a long write of the application).
SQLITE_LOCK_WAIT = 60


class BackupError(Exception):
    """A backup or a restore that could not be done; the message says why, for the person at the console."""


@dataclass
class Summary:
    """What a backup holds, or what a restore wrote: rows per table."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def tables(self) -> int:
        return len(self.rows)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def describe(url: URL | str) -> str:
    """The database address without its password, to show."""
    return make_url(url).render_as_string(hide_password=True)


def rows_per_table(engine: Engine) -> dict[str, int]:
    """How many rows each table of the database holds (bookkeeping tables aside)."""
    names = sorted(set(inspect(engine).get_table_names()) - BOOKKEEPING_TABLES)
    with engine.connect() as connection:
        return {name: connection.scalar(select(func.count()).select_from(table(name))) for name in names}


def has_data(engine: Engine) -> bool:
    """True when any table of the database holds a row (a fresh schema without rows counts as empty)."""
    return any(rows_per_table(engine).values())


# --- backup ------------------------------------------------------------------------------------------------------


def backup(url: URL | str, out: Path) -> Summary:
    """Write a backup of the database at ``url`` into ``out`` (replaced only once the backup is whole)."""
    url = make_url(url)
    out = Path(out)
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if url.get_backend_name() == "sqlite":
            summary = _backup_sqlite(_sqlite_path(url), partial)
        elif url.get_backend_name() == "postgresql":
            summary = _backup_postgresql(url, partial)
        else:
            raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")
        partial.chmod(0o600)  # it holds everything the database holds
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("the database is not an SQLite file")
    return Path(url.database)


def _backup_sqlite(path: Path, target: Path) -> Summary:
    if not path.is_file():
        raise BackupError(f"there is no database at {path}")
    source = sqlite3.connect(path, timeout=SQLITE_LOCK_WAIT)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the whole database as a single read transaction saw it, writers going on meanwhile.
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _check_sqlite(copy, target)
        return Summary(_sqlite_rows(copy))
    finally:
        copy.close()
        source.close()


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA integrity_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {result[0] if result else 'no answer'}")


def _sqlite_rows(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        if name not in BOOKKEEPING_TABLES
    ]
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
    return {
        name: connection.execute(f"SELECT count(*) FROM {quoted[name]}").fetchone()[0]  # noqa: S608 (quoted names)
        for name in names
    }


def _backup_postgresql(url: URL, target: Path) -> Summary:
    _run(url, "pg_dump", "--format=custom", "--no-password", f"--file={target}")
    listing = _run(url, "pg_restore", "--list", str(target), database=False).stdout
    tables = [line.split()[-2] for line in listing.splitlines() if " TABLE DATA " in line]
    return Summary(dict.fromkeys(sorted(set(tables) - BOOKKEEPING_TABLES), 0))


# --- restore -----------------------------------------------------------------------------------------------------


def kind_of(path: Path) -> str:
    """``sqlite`` or ``postgresql``: which database ``path`` is a backup of."""
    try:
        with Path(path).open("rb") as file:
            start = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}") from error
    if start.startswith(SQLITE_HEADER):
        return "sqlite"
    if start.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise BackupError(
        f"{path} is not a backup made by this command (neither SQLite nor pg_dump's custom format)"
    )


def restore(url: URL | str, source: Path, engine: Engine, force: bool = False) -> Summary:
    """Replace the database at ``url`` (reached through ``engine``) by the backup ``source``; refused when the
    database holds data, unless ``force``."""
    url = make_url(url)
    kind = kind_of(source)
    if kind != url.get_backend_name():
        raise BackupError(
            f"{source} is a backup of a {kind} database; the configured database is {url.get_backend_name()}"
        )
    if not force and has_data(engine):
        raise BackupError(
            f"the database {describe(url)} is not empty: nothing was restored. "
            "Restore into an empty database, or add --force to replace what it holds."
        )
    engine.dispose()  # no connection of ours holds a lock while the database is replaced
    if kind == "sqlite":
        _restore_sqlite(Path(source), _sqlite_path(url))
    else:
        _run(
            url,
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            str(source),
        )
    return Summary(rows_per_table(engine))


def _restore_sqlite(source: Path, path: Path) -> None:
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check_sqlite(backup_file, source)
        path.parent.mkdir(parents=True, exist_ok=True)
        database = sqlite3.connect(path, timeout=SQLITE_LOCK_WAIT)
        try:
            backup_file.backup(database)
            database.execute("PRAGMA journal_mode=WAL")  # as the application keeps it
        finally:
            database.close()
    finally:
        backup_file.close()


# --- PostgreSQL's tools ------------------------------------------------------------------------------------------


def _run(url: URL, tool: str, *arguments: str, database: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool on the database at ``url``: the address (without password) as ``--dbname``, the
    password in the tool's environment."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client tools of the server's version "
            "(Debian: postgresql-client)"
        )
    environment = dict(os.environ)
    command = [program, *arguments]
    if database:
        if url.password is not None:
            environment["PGPASSWORD"] = str(url.password)
        address = URL.create(
            "postgresql",
            username=url.username,
            host=url.host,
            port=url.port,
            database=url.database,
            query=url.query,
        )
        command.append(f"--dbname={address.render_as_string(hide_password=False)}")
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")
    return result
