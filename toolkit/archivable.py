"""What the lists a territory keeps share (services, barrier categories, organisations, agenda step templates),
whose entries are archived rather than deleted: the entry an edit page works on, saving it, and the button that
takes it out of use or brings it back.

Each list's own operations record its audit entries, with the actions written out, so that every action the
audit log can show is found in the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import flash, g, redirect
from flask_babel.speaklater import LazyString
from werkzeug.wrappers import Response

from .database import next_position
from .extensions import db

Entry = TypeVar("Entry")


def entry_or_new(model: type[Entry], entry_id: int | None, **defaults: Any) -> Entry:
    """What a list's edit page works on: entry ``entry_id`` (not found when there is none), or, on the page that
    adds one, a new entry of the request's territory with ``defaults``."""
    if entry_id is None:
        return model(territory_id=g.territory.id, **defaults)
    return db.get_or_404(model, entry_id)


def save(entry: Any, fields: dict[str, Any]) -> bool:
    """Give ``entry`` its ``fields`` and add it to the session; a new entry of an ordered list whose position is
    not set yet goes to the end of the list. True when the entry is new."""
    is_new = entry.id is None
    if is_new and getattr(entry, "position", 0) is None:
        entry.position = next_position(db.session, type(entry), entry.territory_id)
    for key, value in fields.items():
        setattr(entry, key, value)
    db.session.add(entry)
    return is_new


def set_archived(entry: Any, archived: bool) -> None:
    """Take ``entry`` out of use (what refers to it keeps it), or bring it back."""
    entry.archived_at = datetime.now(UTC) if archived else None


@dataclass(frozen=True)
class ArchiveButton:
    """The button of a list that takes an entry out of use, or brings it back when it already is."""

    #: The list's operation that archives (True) or brings back (False) an entry, and records it.
    operation: Callable[[Any, bool], None]
    #: What the page says once an entry is out of use.
    archived: LazyString
    #: What the page says once an entry is back.
    restored: LazyString

    def press(self, entry: Any, then: str) -> Response:
        """Archive ``entry`` or bring it back, commit, say which, and go to ``then``."""
        archive = entry.archived_at is None
        self.operation(entry, archive)
        db.session.commit()
        flash(str(self.archived if archive else self.restored), "success")
        return redirect(then)
