"""Database engine set-up: SQLite pragmas and the one place where a busy database is recognised."""

import enum
import sqlite3

from sqlalchemy import Enum, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

#: How long SQLite waits for a lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 5000
#: The same for PostgreSQL (its ``lock_timeout``; without one a statement would wait for a lock for ever).
POSTGRESQL_LOCK_TIMEOUT_MS = 5000
#: PostgreSQL's codes for a lock not granted in time, a serialisation failure and a deadlock.
BUSY_SQLSTATES = {"55P03", "40001", "40P01"}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Foreign keys on, wait when locked, and write-ahead logging so readers never block the writer."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_busy_error(error: Exception) -> bool:
    """True when the database refused a write for a moment (lock or serialisation), so a retry can work."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    message = str(error.orig).lower()
    return any(
        words in message
        for words in ("database is locked", "could not serialize", "deadlock", "lock timeout")
    )


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    """A portable enum column stored as its values (a VARCHAR that behaves the same on SQLite and PostgreSQL)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=40,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )


def next_position(session, model, territory_id: int) -> int:
    """The position after the last one of ``model`` (an ordered, territory-scoped list) in the territory."""
    last = session.scalar(select(func.max(model.position)).where(model.territory_id == territory_id))
    return (last or 0) + 1


def move_in_order(items: list, item, offset: int) -> bool:
    """Move ``item`` ``offset`` places in the ordered ``items`` and number their ``position`` anew from 1;
    False when it is already at that end."""
    index = items.index(item)
    other = index + offset
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position
    return True
