"""The processes of a territory, their workshops and the barriers mapped so far."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, render_template
from sqlalchemy.orm import selectinload

from ..access import Permission, access
from ..barriers.models import Barrier, BarrierStatus
from ..extensions import db
from ..recommendations import issuing
from ..translating import operations as translating
from .models import Process

bp = Blueprint("processes", __name__, url_prefix="/t/<territory_slug>/processes")


@bp.get("/")
@access(Permission.VIEW_PROCESSES)
def processes():
    items = db.session.scalars(
        db.select(Process).options(selectinload(Process.workshops)).order_by(Process.starts_on.desc())
    ).all()
    return render_template("processes/list.html", processes=items)


@bp.get("/<int:process_id>")
@access(Permission.VIEW_PROCESSES)
def process(process_id: int):
    """A process: its workshops, its services, and the evidence gathered per service."""
    item = db.get_or_404(
        Process, process_id, options=[selectinload(Process.workshops), selectinload(Process.services)]
    )
    barriers = db.session.scalars(
        db.select(Barrier)
        .where(Barrier.process_id == item.id, Barrier.status.in_(BarrierStatus.visible()))
        .options(selectinload(Barrier.categories), selectinload(Barrier.testimonies))
        .order_by(Barrier.created_at, Barrier.id)
    ).all()
    by_service = defaultdict(list)
    for barrier in barriers:
        by_service[barrier.service_id].append(barrier)
    return render_template(
        "processes/detail.html",
        process=item,
        barriers_by_service=by_service,
        translation_counts=translating.counts(item),
        latest_issue=issuing.latest(item),
    )
