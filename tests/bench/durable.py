"""The toolkit with ``PRAGMA synchronous=FULL`` (commits survive a power cut too), for
``python -m tests.bench.run --synchronous FULL``: the price of that setting, measured the same way."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

import toolkit.database  # noqa: F401  (its pragmas listener first; this one runs after it)
from toolkit import create_app as create_toolkit


@event.listens_for(Engine, "connect")
def _full_sync(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=FULL")


def create_app():
    return create_toolkit()
