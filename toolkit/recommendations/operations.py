"""What drafting recommendations does to the database. Views commit; nothing here commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..barriers.models import Barrier, Testimony, testimony_barriers
from ..codesign.models import Proposal
from ..database import move_in_order
from ..extensions import db
from ..processes.models import Process
from ..territories.models import Organisation
from .models import COMMON_BASIC_PRINCIPLES, Comment, Endorsement, Priority, Quote, Recommendation


class EditConflict(Exception):
    """Someone saved the recommendation since the editor opened it."""


class StillNeeded(Exception):
    """A record something else stands on (an answer...) cannot be deleted; the message says why, translated."""


#: Why a recommendation may not be deleted, as the features that keep records of it say (the recommendations
#: import none of them): each takes the recommendation and gives the reason, translated, or None.
deletion_blockers: list[Callable[[Recommendation], str | None]] = []


def recommendations_of(process: Process) -> list[Recommendation]:
    """The recommendations of a process in their order, with what the list shows of them."""
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.process_id == process.id)
            .options(
                selectinload(Recommendation.addressee),
                selectinload(Recommendation.proposals),
                selectinload(Recommendation.barriers).selectinload(Barrier.service),
                selectinload(Recommendation.quotes),
                selectinload(Recommendation.organisations),
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


def move(recommendation: Recommendation, offset: int) -> None:
    """Move a recommendation up (-1) or down (+1) in the order of its process's documents."""
    items = list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.process_id == recommendation.process_id)
            .order_by(Recommendation.position, Recommendation.id)
        )
    )
    move_in_order(items, recommendation, offset)


def delete(recommendation: Recommendation) -> None:
    """Delete a draft with its quotes, supports and comments; :class:`StillNeeded` when another feature keeps
    records of it (an answered recommendation keeps its answers)."""
    for blocker in deletion_blockers:
        reason = blocker(recommendation)
        if reason:
            raise StillNeeded(reason)
    audit.record("recommendation.deleted", recommendation, title=recommendation.title)
    db.session.delete(recommendation)


def _answered(proposals: list[Proposal]) -> list[Barrier]:
    seen = {}
    for proposal in proposals:
        for barrier in proposal.barriers:
            if barrier.is_visible:
                seen[barrier.id] = barrier
    return list(seen.values())


def evidence(recommendation: Recommendation) -> list[Barrier]:
    """The recommendation's barriers that still count as evidence (not hidden, merged or withdrawn since)."""
    return [barrier for barrier in recommendation.barriers if barrier.is_visible]


def proposals_shown(recommendation: Recommendation) -> list[Proposal]:
    """Its proposals that are still visible (not hidden or withdrawn since)."""
    return [proposal for proposal in recommendation.proposals if proposal.is_visible]


def _may_be_quoted(recommendation: Recommendation) -> list[Testimony]:
    barrier_ids = [barrier.id for barrier in evidence(recommendation)]
    if not barrier_ids:
        return []
    return list(
        db.session.scalars(
            select(Testimony)
            .join(testimony_barriers, testimony_barriers.c.testimony_id == Testimony.id)
            .where(testimony_barriers.c.barrier_id.in_(barrier_ids), Testimony.may_quote.is_(True))
            .order_by(Testimony.id)
            .distinct()
        )
    )


def quotable(recommendation: Recommendation) -> list[Testimony]:
    """Testimonies behind the recommendation's evidence whose authors allow quoting, not quoted yet."""
    quoted = {quote.testimony_id for quote in recommendation.quotes}
    return [testimony for testimony in _may_be_quoted(recommendation) if testimony.id not in quoted]


def quotes_shown(recommendation: Recommendation) -> list[Quote]:
    """Its quotes whose testimony may still be quoted and still stands behind its evidence: a quote whose author
    took the permission back, or whose barrier left the recommendation, is never shown or printed."""
    return quotes_shown_of([recommendation])[recommendation.id]


def quotes_shown_of(recommendations: list[Recommendation]) -> dict[int, list[Quote]]:
    """:func:`quotes_shown` of many recommendations, with one query."""
    barrier_ids = {barrier.id for r in recommendations for barrier in evidence(r)}
    allowed: dict[int, set[int]] = {}
    if barrier_ids:
        for barrier_id, testimony_id in db.session.execute(
            select(testimony_barriers.c.barrier_id, Testimony.id)
            .join(testimony_barriers, testimony_barriers.c.testimony_id == Testimony.id)
            .where(testimony_barriers.c.barrier_id.in_(barrier_ids), Testimony.may_quote.is_(True))
        ):
            allowed.setdefault(barrier_id, set()).add(testimony_id)
    shown = {}
    for recommendation in recommendations:
        may = set().union(*(allowed.get(barrier.id, set()) for barrier in evidence(recommendation)))
        shown[recommendation.id] = [quote for quote in recommendation.quotes if quote.testimony_id in may]
    return shown


def add_quote(recommendation: Recommendation, testimony: Testimony, text: str) -> Quote:
    """Quote ``testimony`` in the recommendation, as redacted in ``text`` (the testimony stays as it was)."""
    if not testimony.may_quote:
        raise ValueError("its author did not allow quoting it")
    quote = Quote(
        territory_id=recommendation.territory_id,
        testimony_id=testimony.id,
        text=text,
        language=testimony.language,
        position=max((q.position for q in recommendation.quotes), default=0) + 1,
    )
    recommendation.quotes.append(quote)
    db.session.flush()
    audit.record("recommendation.quoted", recommendation, testimony=testimony.id)
    return quote


def edit_quote(quote: Quote, text: str) -> None:
    """Change the words quoted (more redacted, shortened); its translations become outdated by themselves."""
    quote.text = text
    db.session.flush()
    audit.record("recommendation.quote_edited", quote.recommendation, quote=quote.id)


def remove_quote(quote: Quote) -> None:
    db.session.delete(quote)


# --- the review round ------------------------------------------------------------------------------------------


def today() -> date:
    """Today where the toolkit is used (the review's last day is a whole day there)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def review_is_open(process: Process) -> bool:
    return process.review_until is not None and today() <= process.review_until


def open_review(process: Process, until: date | None) -> None:
    """Open the review of the drafts until ``until`` (a day), or close it (``None``)."""
    process.review_until = until
    audit.record("recommendations.review", process, until=until.isoformat() if until else None)


def endorse(recommendation: Recommendation, support: bool, *, participant=None, organisation=None) -> None:
    """Support a draft (``support``) or take the support back. One per participant and one per organisation;
    the form says which state is wanted, so pressing twice or sending again changes nothing more."""
    who = (
        Endorsement.participant_id == participant.id
        if participant is not None
        else Endorsement.organisation_id == organisation.id
    )
    existing = db.session.scalar(
        select(Endorsement).where(Endorsement.recommendation_id == recommendation.id, who)
    )
    if not support:
        if existing is not None:
            db.session.delete(existing)
        return
    if existing is not None:
        return
    db.session.add(
        Endorsement(
            territory_id=recommendation.territory_id,
            recommendation_id=recommendation.id,
            participant_id=participant.id if participant is not None else None,
            organisation_id=organisation.id if organisation is not None else None,
        )
    )


def add_comment(
    recommendation: Recommendation,
    text: str,
    language: str,
    submission_key: str | None,
    *,
    participant=None,
    organisation=None,
    author_id: int | None = None,
) -> Comment:
    comment = Comment(
        territory_id=recommendation.territory_id,
        recommendation_id=recommendation.id,
        text=text,
        language=language,
        participant_id=participant.id if participant is not None else None,
        organisation_id=organisation.id if organisation is not None else None,
        author_id=author_id,
        submission_key=submission_key,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def comment_sent_before(key: str | None, recommendation: Recommendation) -> Comment | None:
    """The comment a form with this key already stored on this recommendation, if any."""
    if not key:
        return None
    return db.session.scalar(
        select(Comment).where(Comment.submission_key == key, Comment.recommendation_id == recommendation.id)
    )


@dataclass
class Feedback:
    """What the review said of one recommendation."""

    endorsements: list[Endorsement] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    @property
    def organisations(self) -> list[Organisation]:
        return [e.organisation for e in self.endorsements if e.organisation is not None]

    @property
    def participants(self) -> int:
        return sum(1 for e in self.endorsements if e.participant_id is not None)


def feedback(recommendations: list[Recommendation]) -> dict[int, Feedback]:
    """Endorsements and comments of each recommendation, in two queries."""
    ids = [r.id for r in recommendations]
    found = {recommendation_id: Feedback() for recommendation_id in ids}
    if not ids:
        return found
    for endorsement in db.session.scalars(
        select(Endorsement)
        .where(Endorsement.recommendation_id.in_(ids))
        .options(selectinload(Endorsement.organisation))
        .order_by(Endorsement.id)
    ):
        found[endorsement.recommendation_id].endorsements.append(endorsement)
    for comment in db.session.scalars(
        select(Comment)
        .where(Comment.recommendation_id.in_(ids))
        .options(selectinload(Comment.organisation))
        .order_by(Comment.created_at, Comment.id)
    ):
        found[comment.recommendation_id].comments.append(comment)
    return found
