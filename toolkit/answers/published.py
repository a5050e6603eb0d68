"""What publishing made public: a process's current publication, found only when its coordinator published it."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from ..extensions import db
from ..processes.models import Process
from ..territories.models import Territory
from .models import Publication


def current_publication(process: Process) -> Publication | None:
    """The publication in force for ``process`` (the latest one not withdrawn), if any."""
    return db.session.scalars(
        select(Publication)
        .where(Publication.process_id == process.id, Publication.withdrawn_at.is_(None))
        .order_by(Publication.id.desc())
        .limit(1)
    ).first()


def publication_or_404(territory_slug: str, process_id: int) -> Publication:
    """The publication in force of the process ``process_id`` of the territory ``territory_slug``; 404 for an
    unknown territory or process, and for a process that is not published (the same answer for all three, so
    that an unpublished process cannot be told from one that does not exist)."""
    publication = db.session.scalars(
        select(Publication)
        .join(Process, Process.id == Publication.process_id)
        .join(Territory, Territory.id == Process.territory_id)
        .where(
            Territory.slug == territory_slug,
            Process.id == process_id,
            Publication.withdrawn_at.is_(None),
        )
        .order_by(Publication.id.desc())
        .limit(1)
        .execution_options(all_territories=True)
    ).first()
    if publication is None:
        abort(404)
    return publication
