"""Backups: ``flask --app toolkit backup`` and ``restore`` on real databases (an SQLite file, and PostgreSQL when
TEST_DATABASE_URL is set). A backup restored into a fresh database holds the same rows in every table and the same
issued documents, byte for byte; a database with data is never replaced without ``--force``; an SQLite backup taken
while another connection writes is one consistent moment."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from toolkit import create_app
from toolkit.access import Role
from toolkit.background import wait_for_jobs
from toolkit.backups import operations
from toolkit.extensions import db

from ..conftest import CsrfClient, _config, worker_database
from ..factories import PASSWORD, recommendation


@pytest.fixture
def world(app, make):
    """A territory with a live workshop and its contributions, a recommendation and two issued documents."""
    territory = make.territory(slug="borgo-backup", name="Comune di Borgo")
    coordinator = make.coordinator(territory, email="coordinatrice.backup@example.org")
    make.user(Role.FACILITATOR, territory, email="facilitatore.backup@example.org")
    workshop = make.live_workshop(territory)
    make.contributions(workshop)
    recommendation(workshop.process)
    first = make.issued_document(workshop.process)
    other = make.process(territory, title="Un altro percorso")
    second = make.issued_document(other)
    return territory, coordinator, [first, second]


@pytest.fixture
def fresh_database(database_url, tmp_path):
    """The address of a new, empty database of the same kind as the test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    name = f"{make_url(database_url).database}_restored"
    url = worker_database(database_url, name, fresh=True)
    yield url
    server = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    server.dispose()


def _documents(engine) -> dict[int, tuple[str, str]]:
    """Each issued document's stored SHA-256, and the SHA-256 of its stored bytes."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, sha256, pdf FROM issued_documents ORDER BY id")).all()
    return {row.id: (row.sha256, hashlib.sha256(bytes(row.pdf)).hexdigest()) for row in rows}


def test_a_backup_restored_into_a_fresh_database_holds_everything(
    app, runner, world, tmp_path, fresh_database
):
    territory, coordinator, documents = world
    backup_file = tmp_path / "toolkit.backup"
    result = runner.invoke(args=["backup", "--out", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert f"to {backup_file}" in result.output
    assert backup_file.stat().st_mode & 0o077 == 0  # readable by its owner only

    before = operations.rows_per_table(db.engine)
    assert set(before) >= {table.name for table in db.metadata.sorted_tables}
    for name in (
        "territories",
        "workshops",
        "barriers",
        "participants",
        "recommendations",
        "issued_documents",
    ):
        assert before[name] > 0, name
    sources = _documents(db.engine)
    assert len(sources) == 2 and all(stored == computed for stored, computed in sources.values())

    # What the test reads of the source database, read before another application is current.
    email, slug, document_id = coordinator.email, territory.slug, documents[0].id
    restored = create_app(_config(fresh_database))
    restored.test_client_class = CsrfClient
    try:
        with restored.app_context():
            result = restored.test_cli_runner().invoke(args=["restore", str(backup_file)])
            assert result.exit_code == 0, result.output
            assert "Restored" in result.output and f"{sum(before.values()):,} rows" in result.output
            assert operations.rows_per_table(db.engine) == before
            assert _documents(db.engine) == sources
            # The restored installation works: its coordinator logs in and downloads a document as issued.
            client = restored.test_client()
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302
            response = client.get(f"/t/{slug}/documents/{document_id}.pdf")
            assert response.status_code == 200
            assert hashlib.sha256(response.data).hexdigest() == sources[document_id][0]
    finally:
        assert wait_for_jobs(restored, timeout=60)
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(app, runner, make, world, tmp_path):
    backup_file = tmp_path / "toolkit.backup"
    assert runner.invoke(args=["backup", "--out", str(backup_file)]).exit_code == 0
    backed_up = operations.rows_per_table(db.engine)
    make.territory(slug="after-the-backup")  # written after the backup
    now = operations.rows_per_table(db.engine)

    refused = runner.invoke(args=["restore", str(backup_file)])
    assert refused.exit_code != 0
    assert "is not empty: nothing was restored" in refused.output and "--force" in refused.output
    assert operations.rows_per_table(db.engine) == now

    db.session.remove()
    forced = runner.invoke(args=["restore", str(backup_file), "--force"])
    assert forced.exit_code == 0, forced.output
    assert operations.rows_per_table(db.engine) == backed_up  # the territory made afterwards is gone


def test_restore_refuses_what_is_not_a_backup(app, runner, tmp_path, fresh_database):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    restored = create_app(_config(fresh_database))
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(not_a_backup)])
        assert result.exit_code != 0 and "is not a backup made by this command" in result.output
        db.engine.dispose()


def test_a_failed_backup_leaves_the_previous_file(app, runner, tmp_path, monkeypatch):
    backup_file = tmp_path / "toolkit.backup"
    backup_file.write_bytes(b"yesterday's backup")

    def broken(*_args):
        raise operations.BackupError("the disk is full")

    monkeypatch.setattr(operations, "_backup_sqlite", broken)
    monkeypatch.setattr(operations, "_backup_postgresql", broken)
    result = runner.invoke(args=["backup", "--out", str(backup_file)])
    assert result.exit_code != 0 and "the disk is full" in result.output
    assert backup_file.read_bytes() == b"yesterday's backup"
    assert [p.name for p in tmp_path.iterdir()] == ["toolkit.backup"]


def test_the_postgresql_password_never_appears_on_a_command_line(monkeypatch, tmp_path):
    calls = []

    def run(command, env, **_kwargs):
        calls.append((command, env))
        for argument in command:
            if argument.startswith("--file="):
                Path(argument.split("=", 1)[1]).write_bytes(b"PGDMP")
        return operations.subprocess.CompletedProcess(command, 0, stdout="", stderr="")

    monkeypatch.setattr(operations.subprocess, "run", run)
    monkeypatch.setattr(operations.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    url = "postgresql+psycopg://toolkit:s3cr%40t@db.example.org:5433/toolkit?sslmode=require"
    operations.backup(url, tmp_path / "toolkit.backup")
    (dump, dump_env), _listing = calls
    assert dump[0] == "/usr/bin/pg_dump" and "--format=custom" in dump
    assert "--dbname=postgresql://toolkit@db.example.org:5433/toolkit?sslmode=require" in dump
    assert not any("s3cr" in argument for argument in dump)
    assert dump_env["PGPASSWORD"] == "s3cr@t"


def test_without_pg_dump_the_backup_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(operations.shutil, "which", lambda _tool: None)
    with pytest.raises(operations.BackupError, match="postgresql-client"):
        operations.backup("postgresql://toolkit@localhost/toolkit", tmp_path / "toolkit.backup")


def test_an_sqlite_backup_taken_while_another_connection_writes_is_consistent(app, database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's online backup")
    path = make_url(database_url).database
    batch = 40  # rows written by each transaction of the writer
    stop = threading.Event()
    written = []

    def writer():
        connection = sqlite3.connect(path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        number = 0
        while not stop.is_set():
            with connection:  # one transaction: all of the batch or none of it
                connection.executemany(
                    "INSERT INTO audit_entries (action, target_type, target_id, details, at) "
                    "VALUES ('test.batch', 'Batch', ?, '{}', CURRENT_TIMESTAMP)",
                    [(number,)] * batch,
                )
            number += 1
            written.append(number)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        counts = []
        for attempt in range(5):
            copy = tmp_path / f"backup-{attempt}.sqlite"
            operations.backup(database_url, copy)
            with sqlite3.connect(copy) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                rows = connection.execute(
                    "SELECT target_id, count(*) FROM audit_entries WHERE action = 'test.batch' "
                    "GROUP BY target_id ORDER BY target_id"
                ).fetchall()
            connection.close()
            assert rows and all(count == batch for _number, count in rows)  # no half transaction
            assert [number for number, _count in rows] == list(
                range(len(rows))
            )  # none missing before the last
            counts.append(len(rows))
        during = len(written)
    finally:
        stop.set()
        thread.join()
    assert counts == sorted(counts) and counts[-1] > counts[0]  # the writer went on while the backups ran
    assert during > counts[0]
