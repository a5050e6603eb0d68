"""``count_queries``: how many SQL statements a block sends to the database."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from toolkit.extensions import db


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
