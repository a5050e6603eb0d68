"""Publishing a process's results, and withdrawing them: the coordinator makes the latest issued version public
with the answers to it, and the figures counted at that moment.

What a publication's ``figures`` hold (plain data, read by the public page and the open data):

- ``method``: a key of :data:`toolkit.answers.public.METHODS` (the page says it in the reader's language);
- ``participation``: ``workshops`` (held: opened at least once), ``participants``, ``by_role`` (role value ->
  count), ``organisations`` (organisation kind -> how many sent barriers), ``languages`` (a list of ``code``,
  ``participants`` speaking it first and ``barriers`` written in it, the most used first). Never a name, a
  pseudonym or an e-mail address;
- ``barriers``: ``total``, ``by_service`` (a list of ``id``, ``name`` as the catalogue's texts by language,
  ``barriers`` and ``categories``: a list of ``id`` and ``barriers``), ``by_category`` (a list of ``id``,
  ``name``, ``barriers``) and ``uncategorised``. Only the barriers that count (see
  :meth:`~toolkit.barriers.models.BarrierStatus.visible`): none hidden by moderation, merged or withdrawn.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..access import Permission, access
from ..accounts.models import User
from ..barriers.models import Barrier, BarrierStatus
from ..extensions import db
from ..processes.models import Process
from ..workshops.models import Participant, Workshop, WorkshopState
from .models import Publication
from .published import current_publication
from .threads import latest_issue

#: How the results came about, as a key the public page says in the reader's language.
METHOD = "codesign_workshops"


class NothingIssued(Exception):
    """The process has no issued version to publish."""


def count_figures(process: Process) -> dict:
    """What the public page shows of ``process`` besides its version, counted now (see the module's text)."""
    workshops = db.session.scalars(select(Workshop).where(Workshop.process_id == process.id)).all()
    participants = db.session.scalars(
        select(Participant)
        .join(Workshop, Workshop.id == Participant.workshop_id)
        .where(Workshop.process_id == process.id)
    ).all()
    barriers = db.session.scalars(
        select(Barrier)
        .where(Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible()))
        .options(
            selectinload(Barrier.categories),
            selectinload(Barrier.service),
            selectinload(Barrier.organisation),
        )
        .order_by(Barrier.service_id, Barrier.id)
    ).all()
    return {
        "method": METHOD,
        "participation": _participation(workshops, participants, barriers),
        "barriers": _barrier_counts(barriers),
    }


def _participation(workshops, participants, barriers) -> dict:
    speakers = Counter(p.language for p in participants if p.language)
    written = Counter(b.language for b in barriers if b.language)
    codes = sorted(set(speakers) | set(written), key=lambda code: (-speakers[code] - written[code], code))
    senders = {b.organisation.id: b.organisation.kind.value for b in barriers if b.organisation is not None}
    return {
        "workshops": sum(1 for w in workshops if w.state is not WorkshopState.PLANNED or w.opened_at),
        "participants": len(participants),
        "by_role": dict(Counter(p.role.value for p in participants).most_common()),
        "organisations": dict(Counter(senders.values()).most_common()),
        "languages": [
            {"code": code, "participants": speakers[code], "barriers": written[code]} for code in codes
        ],
    }


def _barrier_counts(barriers) -> dict:
    services: dict[int, dict] = {}
    categories: dict[int, dict] = {}
    for barrier in barriers:
        service = services.setdefault(
            barrier.service_id,
            {
                "id": barrier.service_id,
                "name": dict(barrier.service.name or {}),
                "barriers": 0,
                "by": Counter(),
            },
        )
        service["barriers"] += 1
        for category in barrier.categories:
            service["by"][category.id] += 1
            entry = categories.setdefault(
                category.id, {"id": category.id, "name": dict(category.name or {}), "barriers": 0}
            )
            entry["barriers"] += 1
    by_service = []
    for service in sorted(services.values(), key=lambda s: (-s["barriers"], s["id"])):
        counted = service.pop("by")
        service["categories"] = [{"id": key, "barriers": n} for key, n in counted.most_common()]
        by_service.append(service)
    return {
        "total": len(barriers),
        "by_service": by_service,
        "by_category": sorted(categories.values(), key=lambda c: (-c["barriers"], c["id"])),
        "uncategorised": sum(1 for b in barriers if not b.categories),
    }


def publish(process: Process, user: User | None) -> Publication:
    """Make the latest issued version of ``process`` public, with the figures counted now; a publication in
    force is withdrawn (the caller commits). Raises :class:`NothingIssued` when nothing was issued."""
    issue = latest_issue(process)
    if issue is None:
        raise NothingIssued(process.id)
    now = datetime.now(UTC)
    _withdraw(process, user, now)
    publication = Publication(
        territory_id=process.territory_id,
        process_id=process.id,
        issue_id=issue.id,
        published_at=now,
        published_by_id=user.id if user is not None else None,
        figures=count_figures(process),
    )
    db.session.add(publication)
    db.session.flush()
    audit.record("answers.published", publication, process=process.id, version=issue.number)
    return publication


def unpublish(process: Process, user: User | None) -> Publication | None:
    """Withdraw the publication in force of ``process``, if any (the caller commits): its public pages answer
    "not found" from now on."""
    withdrawn = _withdraw(process, user, datetime.now(UTC))
    if withdrawn is not None:
        audit.record("answers.unpublished", withdrawn, process=process.id, version=withdrawn.issue.number)
    return withdrawn


def _withdraw(process: Process, user: User | None, when: datetime) -> Publication | None:
    current = current_publication(process)
    if current is not None:
        current.withdrawn_at = when
        current.withdrawn_by_id = user.id if user is not None else None
        db.session.flush()
    return current


# --- the coordinator's two buttons ------------------------------------------------------------------------

bp = Blueprint("publishing", __name__, url_prefix="/t/<territory_slug>/processes/<int:process_id>")


@bp.app_template_global("publication_of")
def publication_of(process: Process) -> Publication | None:
    """The publication in force of ``process``, for the pages of the process (its public page's link)."""
    return current_publication(process)


def _back(process: Process):
    return redirect(url_for("versions.versions", process_id=process.id) + "#public-results")


@bp.post("/publish")
@access(Permission.PUBLISH_RESULTS)
def publish_results(process_id: int):
    """Publish the latest issued version, once the coordinator ticked that anyone may read it."""
    process = db.get_or_404(Process, process_id)
    if not request.form.get("confirm"):
        flash(
            _("Nothing was published: tick the box to confirm that anyone may read these results."), "error"
        )
        return _back(process)
    try:
        publication = publish(process, current_user)
    except NothingIssued:
        flash(_("Nothing was published: no version has been issued yet. Issue a version first."), "error")
        return _back(process)
    db.session.commit()
    flash(
        _("Version %(number)s and its answers are public.", number=publication.issue.number),
        "success",
    )
    return _back(process)


@bp.post("/unpublish")
@access(Permission.PUBLISH_RESULTS)
def unpublish_results(process_id: int):
    """Withdraw the public results, once the coordinator ticked that the public page will be gone."""
    process = db.get_or_404(Process, process_id)
    if not request.form.get("confirm"):
        flash(_("Nothing was withdrawn: tick the box to confirm that the public page will be gone."), "error")
        return _back(process)
    if unpublish(process, current_user) is None:
        flash(_("The results of this process are not public."), "info")
        return _back(process)
    db.session.commit()
    flash(_("The results are no longer public: their page and feed are gone."), "success")
    return _back(process)
