"""What drafting recommendations does to the database. Views commit; nothing here commits."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..barriers.models import Barrier, Testimony, testimony_barriers
from ..codesign.models import Proposal
from ..extensions import db
from ..processes.models import Process
from ..territories.models import Organisation
from .models import COMMON_BASIC_PRINCIPLES, Priority, Quote, Recommendation


class EditConflict(Exception):
    """Someone saved the recommendation since the editor opened it."""


def recommendations_of(process: Process) -> list[Recommendation]:
    """The recommendations of a process in their order, with what the list shows of them."""
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.process_id == process.id)
            .options(
                selectinload(Recommendation.addressee),
                selectinload(Recommendation.proposals),
                selectinload(Recommendation.barriers),
                selectinload(Recommendation.quotes),
            )
            .order_by(Recommendation.position, Recommendation.id)
        )
    )


def default_addressee(proposals: list[Proposal]) -> Organisation | None:
    """The body that owns most of the services whose barriers the proposals answer."""
    owners = Counter(
        barrier.service.owner_id
        for proposal in proposals
        for barrier in proposal.barriers
        if barrier.service.owner_id
    )
    if not owners:
        return None
    return db.session.get(Organisation, owners.most_common(1)[0][0])


def save_recommendation(
    recommendation: Recommendation,
    *,
    title: str,
    problem: str,
    proposed_change: str,
    addressee: Organisation | None,
    proposals: list[Proposal],
    barriers: list[Barrier],
    organisations: list[Organisation],
    priority: Priority,
    feasibility: str,
    principles: list[int],
    respond_by: date | None,
    editor_id: int | None,
    expected_version: int | None = None,
) -> Recommendation:
    """Store a recommendation. Without barriers chosen, its evidence is the barriers its proposals answer; the
    organisations that wrote the proposals are among those it was co-designed by."""
    if (
        expected_version is not None
        and recommendation.id is not None
        and expected_version != recommendation.version
    ):
        raise EditConflict
    if recommendation.id is None:
        last = db.session.scalar(
            select(func.max(Recommendation.position)).where(
                Recommendation.process_id == recommendation.process_id
            )
        )
        recommendation.position = (last or 0) + 1
        db.session.add(recommendation)
    recommendation.title = title
    recommendation.problem = problem
    recommendation.proposed_change = proposed_change
    recommendation.addressee = addressee if addressee is not None else default_addressee(proposals)
    recommendation.proposals = proposals
    recommendation.barriers = barriers or _answered(proposals)
    authors = {p.organisation for p in proposals if p.organisation is not None}
    recommendation.organisations = sorted(set(organisations) | authors, key=lambda o: o.name)
    recommendation.priority = priority
    recommendation.feasibility = feasibility
    recommendation.principles = sorted(p for p in set(principles) if p in COMMON_BASIC_PRINCIPLES)
    recommendation.respond_by = respond_by
    recommendation.updated_at = datetime.now(UTC)
    recommendation.updated_by_id = editor_id
    db.session.flush()
    audit.record("recommendation.saved", recommendation, title=title)
    return recommendation


def _answered(proposals: list[Proposal]) -> list[Barrier]:
    seen = {}
    for proposal in proposals:
        for barrier in proposal.barriers:
            if barrier.is_visible:
                seen[barrier.id] = barrier
    return list(seen.values())


def quotable(recommendation: Recommendation) -> list[Testimony]:
    """Testimonies behind the recommendation's barriers whose authors allowed quoting, not quoted yet."""
    quoted = {quote.testimony_id for quote in recommendation.quotes}
    barrier_ids = [barrier.id for barrier in recommendation.barriers]
    if not barrier_ids:
        return []
    testimonies = db.session.scalars(
        select(Testimony)
        .join(testimony_barriers, testimony_barriers.c.testimony_id == Testimony.id)
        .where(testimony_barriers.c.barrier_id.in_(barrier_ids), Testimony.may_quote.is_(True))
        .order_by(Testimony.id)
        .distinct()
    )
    return [testimony for testimony in testimonies if testimony.id not in quoted]


def add_quote(recommendation: Recommendation, testimony: Testimony, text: str) -> Quote:
    """Quote ``testimony`` in the recommendation, as redacted in ``text`` (the testimony stays as it was)."""
    if not testimony.may_quote:
        raise ValueError("its author did not allow quoting it")
    quote = Quote(
        territory_id=recommendation.territory_id,
        testimony_id=testimony.id,
        text=text,
        language=testimony.language,
        position=len(recommendation.quotes) + 1,
    )
    recommendation.quotes.append(quote)
    db.session.flush()
    audit.record("recommendation.quoted", recommendation, testimony=testimony.id)
    return quote


def remove_quote(quote: Quote) -> None:
    db.session.delete(quote)
