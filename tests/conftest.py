"""Test set-up: an application on a temporary database (SQLite, or PostgreSQL with TEST_DATABASE_URL),
a test client that carries the CSRF token like a browser does, factories, a logged-in client helper, and a
counter of the SQL statements a block sends."""

from __future__ import annotations

import contextvars
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from toolkit import create_app
from toolkit.answers.models import APPEND_ONLY, append_only_statements
from toolkit.background import wait_for_jobs
from toolkit.extensions import db

from . import factories

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_report_header(config):
    return f"database: {_database_label()}"


def _database_label() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return "postgresql" if url.startswith("postgres") else "sqlite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """One database per test run; its schema is created once and its rows are removed after each test."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = worker_database(url.replace("postgresql://", "postgresql+psycopg://", 1), "")
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    app = create_app(_config(url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


def worker_database(url: str, name: str, fresh: bool = False) -> str:
    """The address of a PostgreSQL database of its own for this test process (``name`` or the server's test
    database, suffixed with the pytest-xdist worker), created when missing; ``fresh`` creates it anew."""
    base, database = url.rsplit("/", 1)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    target = "_".join(part for part in (name or database, worker) if part)
    if target == database and not fresh:
        return url
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if fresh:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target}"'))
    server.dispose()
    return f"{base}/{target}"


def _config(url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SERVER_NAME": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "WTF_CSRF_SSL_STRICT": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # On in production; the tests of the second factor turn it on themselves.
        "REQUIRE_TWO_FACTOR_FOR_ADMINS": False,
    }


class CsrfClient(FlaskClient):
    """A test client that sends the form's CSRF token on every POST, as a browser does; ``csrf=False`` omits it.

    Each request runs outside the test's application context, as in production: its own ``g``, its own
    database session, its own language.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # the test's own session sees what the request committed
        return response

    def csrf_token(self) -> str:
        page = self.get("/").get_data(as_text=True)
        return TOKEN.search(page).group(1)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)) and "json" not in kwargs:
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)

    def login(self, user, password: str = factories.PASSWORD):
        response = self.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


@pytest.fixture
def app(database_url):
    app = create_app(_config(database_url))
    app.test_client_class = CsrfClient
    with app.app_context():
        yield app
        assert wait_for_jobs(app, timeout=60), "background jobs still running after the test"
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables() -> None:
    """Remove every row, the append-only answers included (their triggers are set aside for it)."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in APPEND_ONLY:
                for verb in ("update", "delete"):
                    connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_never_{verb}"))
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            for table in APPEND_ONLY:
                for statement in append_only_statements(table, "sqlite"):
                    connection.execute(text(statement))


@pytest.fixture
def client(app) -> CsrfClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """The factories, bound to the test's application."""
    return factories


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counted: ...`` then ``counted()`` is the number of statements sent meanwhile."""

    @contextmanager
    def counting():
        statements = []

        def seen(_connection, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)

    return counting


@pytest.fixture
def login(app):
    """``login(user)`` gives a fresh client logged in as ``user``."""

    def log_in(user, password: str = factories.PASSWORD) -> CsrfClient:
        client = app.test_client()
        client.login(user, password)
        return client

    return log_in


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
