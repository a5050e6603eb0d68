"""What of barriers translators translate: a barrier's description, a testimony, and the reason a facilitator
gave for hiding a barrier."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..translating.models import SourceKind
from ..translating.sources import Source, TextField, hidden_reason, register
from .models import Barrier, BarrierStatus, Testimony, testimony_barriers


def _visible_barriers(process_id: int) -> Select:
    return select(Barrier).where(
        Barrier.process_id == process_id, Barrier.status.in_(BarrierStatus.visible())
    )


def _visible_testimonies(process_id: int) -> Select:
    counted = (
        select(testimony_barriers.c.testimony_id)
        .join(Barrier, Barrier.id == testimony_barriers.c.barrier_id)
        .where(Barrier.status.in_(BarrierStatus.visible()))
    )
    return (
        select(Testimony)
        .where(Testimony.process_id == process_id, Testimony.id.in_(counted))
        .options(selectinload(Testimony.barriers))
    )


def _testimony_workshop(testimony: Testimony) -> int | None:
    return next((b.workshop_id for b in testimony.barriers if b.workshop_id), None)


register(
    Source(
        SourceKind.BARRIER,
        Barrier,
        (TextField("text", _l("Description")), TextField("groups_affected", _l("Who is affected"), 500)),
        _l("Barrier"),
        _visible_barriers,
        lambda barrier: barrier.workshop_id,
    ),
    Source(
        SourceKind.TESTIMONY,
        Testimony,
        (TextField("text", _l("Testimony")),),
        _l("Testimony"),
        _visible_testimonies,
        _testimony_workshop,
    ),
    hidden_reason(
        SourceKind.BARRIER_HIDDEN, Barrier, BarrierStatus.HIDDEN, _l("Reason for hiding a barrier")
    ),
)
