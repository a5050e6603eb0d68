"""What changes a process. Views call these and commit; nothing here commits."""

from __future__ import annotations

from datetime import date

from .. import audit
from ..extensions import db
from .models import Phase, Process


def save_process(
    process: Process,
    *,
    title: str,
    description: str,
    phase: Phase,
    starts_on: date | None,
    ends_on: date | None,
) -> Process:
    """Store a new process or the changes to one, with its audit entry."""
    is_new = process.id is None
    process.title = title
    process.description = description
    process.phase = phase
    process.starts_on = starts_on
    process.ends_on = ends_on
    db.session.add(process)
    db.session.flush()
    audit.record("process.created" if is_new else "process.updated", process)
    return process
