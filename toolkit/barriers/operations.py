"""What happens to barriers: storing one once however many times its form is sent, the author's changes,
"this happens to me too", moderation (keep, hide, join duplicates, recategorise) and the room's board.
Views call these and commit; nothing here commits."""

from __future__ import annotations

import functools

from blinker import Namespace
from sqlalchemy import BindParameter, bindparam, func, inspect, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit
from ..extensions import db
from ..services.models import BarrierCategory, Service
from ..workshops.models import Participant, Workshop
from ..workshops.room import Refused, already_sent, bump, bump_workshop, now
from .models import (
    Barrier,
    BarrierStatus,
    BarrierSupport,
    EvidenceKind,
    Testimony,
    barrier_category_links,
)

signals = Namespace()
#: Sent as ``barrier_merged.send(duplicate, survivor=survivor)`` when a duplicate is joined into another barrier:
#: what answered the duplicate (co-design's proposals) follows the barrier kept.
barrier_merged = signals.signal("barrier-merged")

#: How many of the latest barriers phones show: enough to read, light for 200 phones (fewer under the form).
BOARD_SIZE = 10
BOARD_SIZE_UNDER_FORM = 5


def create_barrier(
    *,
    process,
    workshop: Workshop | None = None,
    submission_key: str | None = None,
    participant: Participant | None = None,
    organisation_id: int | None = None,
    facilitator: bool = False,
    **fields,
) -> Barrier:
    """Store a new barrier of ``process`` from a phone, a facilitator typing it in, or an association, with
    :func:`save_barrier`'s ``fields``; a form sent again (double tap, resend after a timeout) is stored once."""
    existing = already_sent(Barrier, submission_key)
    if existing is not None:
        return existing
    barrier = Barrier(
        territory_id=process.territory_id,
        process_id=process.id,
        workshop_id=workshop.id if workshop is not None else None,
        participant_id=participant.id if participant is not None else None,
        organisation_id=organisation_id,
        entered_by_facilitator=facilitator,
        submission_key=submission_key,
    )
    return save_barrier(barrier, workshop=workshop, **fields)


def _visible(process_id: int | BindParameter):
    return select(Barrier).where(
        Barrier.process_id == process_id, Barrier.status.in_(BarrierStatus.visible())
    )


def board_barriers(process_id: int, limit: int | None = BOARD_SIZE) -> list[Barrier]:
    """The latest barriers of a process that the room can see, newest first."""
    return list(
        db.session.scalars(
            _newest_first(process_id, limit).options(
                selectinload(Barrier.service),
                selectinload(Barrier.categories),
                selectinload(Barrier.supports),
            )
        )
    )


def board(process_id: int, limit: int = BOARD_SIZE) -> tuple[list[Barrier], int]:
    """The latest barriers of a process that the room can see, newest first, with their services and
    categories, and how many it can see in all, in one query (their "me too"s in one more): a room of phones
    asks at once."""
    rows = db.session.execute(_board_query(), {"process_id": process_id, "size": limit}).unique().all()
    barriers = [barrier for barrier, _total in rows]
    _load_supports(barriers)
    return barriers, rows[0][1] if rows else 0


def _load_supports(barriers: list[Barrier]) -> None:
    """Load the "me too"s of these barriers in one query built once (what ``selectinload`` does, without building
    its query again for every page)."""
    pending = {barrier.id: [] for barrier in barriers if "supports" not in inspect(barrier).dict}
    if not pending:
        return
    for support in db.session.scalars(_supports_query(), {"barrier_ids": list(pending)}):
        pending[support.barrier_id].append(support)
    for barrier in barriers:
        if barrier.id in pending:
            set_committed_value(barrier, "supports", pending[barrier.id])


@functools.cache
def _supports_query():
    return select(BarrierSupport).where(
        BarrierSupport.barrier_id.in_(bindparam("barrier_ids", expanding=True))
    )


@functools.cache
def _board_query():
    """:func:`board`'s query, built once: building it costs more than running it. The latest are chosen first,
    then joined to their services and categories (sorting every barrier with them would cost more)."""
    process_id = bindparam("process_id")
    newest = _newest_first(process_id, bindparam("size")).subquery()
    latest = aliased(Barrier, newest)
    category = aliased(BarrierCategory)
    total = select(func.count()).select_from(_visible(process_id).subquery()).scalar_subquery()
    return (
        select(latest, total)
        .outerjoin(barrier_category_links, barrier_category_links.c.barrier_id == latest.id)
        .outerjoin(category, category.id == barrier_category_links.c.category_id)
        .options(
            joinedload(latest.service),
            contains_eager(latest.categories.of_type(category)),
        )
        .order_by(newest.c.created_at.desc(), newest.c.id.desc(), category.position)
    )


def _newest_first(process_id: int | BindParameter, limit: int | BindParameter | None):
    return _visible(process_id).order_by(Barrier.created_at.desc(), Barrier.id.desc()).limit(limit)


def barrier_count(process_id: int) -> int:
    """How many barriers of a process the room can see."""
    return db.session.scalar(select(func.count()).select_from(_visible(process_id).subquery()))


def save_barrier(
    barrier: Barrier,
    *,
    service: Service,
    categories: list[BarrierCategory],
    text: str,
    language: str,
    frequency,
    severity,
    groups_affected: str,
    testimony: str,
    may_quote: bool = True,
    workshop: Workshop | None = None,
) -> Barrier:
    """Store a new barrier or the author's changes to it, with its optional testimony."""
    barrier.service_id = service.id
    barrier.categories = categories
    barrier.text = text
    barrier.language = language
    barrier.frequency = frequency
    barrier.severity = severity
    barrier.groups_affected = groups_affected
    if barrier.id is not None:
        barrier.updated_at = now()
    db.session.add(barrier)
    own = [t for t in barrier.testimonies if t.participant_id == barrier.participant_id]
    if testimony:
        if own:
            own[0].text, own[0].language, own[0].may_quote = testimony, language, may_quote
        else:
            barrier.testimonies.append(
                Testimony(
                    territory_id=barrier.territory_id,
                    process_id=barrier.process_id,
                    kind=EvidenceKind.TESTIMONY,
                    text=testimony,
                    language=language,
                    participant_id=barrier.participant_id,
                    may_quote=may_quote,
                )
            )
    else:
        for item in own:
            barrier.testimonies.remove(item)
            db.session.delete(item)
    if workshop is not None:
        bump(workshop)
    return barrier


def support_barrier(barrier: Barrier, participant: Participant, workshop: Workshop) -> None:
    """ "This happens to me too": once per participant and barrier; a second time takes it back."""
    existing = db.session.scalar(
        select(BarrierSupport).where(
            BarrierSupport.barrier_id == barrier.id, BarrierSupport.participant_id == participant.id
        )
    )
    if existing is not None:
        db.session.delete(existing)
    else:
        db.session.add(
            BarrierSupport(
                territory_id=barrier.territory_id, barrier_id=barrier.id, participant_id=participant.id
            )
        )
    bump(workshop)


def moderate_barrier(barrier: Barrier, status: BarrierStatus, reason: str = "") -> None:
    barrier.status = status
    barrier.hidden_reason = reason if status is BarrierStatus.HIDDEN else ""
    if status is not BarrierStatus.MERGED:
        barrier.merged_into_id = None
    audit.record(f"barrier.{status.value}", barrier)
    bump_workshop(barrier.workshop_id)


def merge_barriers(duplicate: Barrier, survivor: Barrier) -> None:
    """Fold a duplicate into another barrier of the same service: supports and evidence follow the survivor."""
    if duplicate.id == survivor.id or survivor.service_id != duplicate.service_id or not survivor.is_visible:
        raise Refused("merge")
    supporters = {support.participant_id for support in survivor.supports}
    if duplicate.participant_id and duplicate.participant_id not in supporters:
        supporters.add(duplicate.participant_id)
        survivor.supports.append(
            BarrierSupport(territory_id=survivor.territory_id, participant_id=duplicate.participant_id)
        )
    for support in list(duplicate.supports):
        if support.participant_id not in supporters and support.participant_id != survivor.participant_id:
            supporters.add(support.participant_id)
            survivor.supports.append(
                BarrierSupport(territory_id=survivor.territory_id, participant_id=support.participant_id)
            )
    duplicate.supports.clear()
    for testimony in list(duplicate.testimonies):
        if testimony not in survivor.testimonies:
            survivor.testimonies.append(testimony)
    for category in duplicate.categories:
        if category not in survivor.categories:
            survivor.categories.append(category)
    barrier_merged.send(duplicate, survivor=survivor)
    duplicate.status = BarrierStatus.MERGED
    duplicate.merged_into_id = survivor.id
    audit.record("barrier.merged", duplicate, into=survivor.id)
    bump_workshop(survivor.workshop_id)


def recategorise(barrier: Barrier, categories: list[BarrierCategory]) -> None:
    barrier.categories = categories
    audit.record("barrier.recategorised", barrier, categories=[c.id for c in categories])
    bump_workshop(barrier.workshop_id)


def evidence_count(barrier: Barrier) -> int:
    """How many people the barrier speaks for: its author and everyone who said "me too"."""
    return 1 + len(barrier.supports)
