"""What the retention modules share: the time, translations of erased words, what issued versions hold, and
the stories and quotes that go with a contribution.

Issued versions are never touched: their frozen content and PDFs stay exactly as issued. Views and commands
call these and commit; nothing here commits. Every change is audited, never naming a participant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, inspect, select

from .. import audit
from ..barriers.models import Barrier, BarrierStatus, Testimony
from ..codesign.models import Proposal
from ..extensions import db
from ..recommendations.models import DocumentIssue, Quote, recommendation_proposals
from ..translating.models import MachineRequest, SourceKind, TextTranslation


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they are UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def owned_by(model, column, owner_id: int, *loaded) -> list:
    """The records of ``model`` whose ``column`` is ``owner_id``, oldest first, with the relationships
    ``loaded`` loaded."""
    return list(
        db.session.scalars(
            select(model)
            .where(column == owner_id)
            .options(*(db.selectinload(relationship) for relationship in loaded))
            .order_by(model.id)
        )
    )


# --- translations of erased words ------------------------------------------------------------------------------


def drop_translations(kinds: tuple[SourceKind, ...], ids) -> int:
    """Delete the translations and machine requests of records ``ids`` of ``kinds``; how many translations."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    dropped = 0
    for model in (TextTranslation, MachineRequest):
        result = db.session.execute(
            delete(model).where(model.source_kind.in_(kinds), model.source_id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
        if model is TextTranslation:
            dropped = result.rowcount or 0
    return dropped


# --- what issued versions hold ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedVersion:
    """An issued version of a process: its number and when it was issued."""

    number: int
    issued_at: datetime


def process_issues(process_id: int) -> list[tuple[IssuedVersion, dict]]:
    rows = db.session.execute(
        select(DocumentIssue.number, DocumentIssue.issued_at, DocumentIssue.content)
        .where(DocumentIssue.process_id == process_id)
        .order_by(DocumentIssue.number)
    ).all()
    return [(IssuedVersion(number, aware(issued_at)), content or {}) for number, issued_at, content in rows]


def _recommendations_in(content: dict) -> dict[int, dict]:
    return {r.get("id"): r for r in content.get("recommendations", [])}


def _barrier_in(barrier: Barrier, version: IssuedVersion, content: dict) -> bool:
    sources = content.get("sources")
    if sources is not None:
        return barrier.id in sources.get("barriers", [])
    # Versions issued before their sources were recorded: the report printed every barrier that counted then.
    if any(barrier.id in r.get("evidence", []) for r in content.get("recommendations", [])):
        return True
    created = aware(barrier.created_at)
    return created is not None and created <= version.issued_at and barrier.status is not BarrierStatus.MERGED


def _testimony_in(testimony: Testimony, content: dict, quotes: list[Quote]) -> bool:
    sources = content.get("sources")
    if sources is not None:
        return testimony.id in sources.get("testimonies", [])
    recommendations = _recommendations_in(content)
    return any(
        quote.text in [q.get("text") for q in recommendations[quote.recommendation_id].get("quotes", [])]
        for quote in quotes
        if quote.recommendation_id in recommendations
    )


def _proposal_in(
    proposal: Proposal, version: IssuedVersion, content: dict, recommendation_ids: set[int]
) -> bool:
    sources = content.get("sources")
    if sources is not None:
        return proposal.id in sources.get("proposals", [])
    created = aware(proposal.created_at)
    return bool(recommendation_ids & set(_recommendations_in(content))) and (
        created is None or created <= version.issued_at
    )


def first_issue_holding(record, issues: list | None = None) -> IssuedVersion | None:
    """The first issued version whose documents print or stand on ``record`` (a barrier with its author's
    testimonies, a testimony, or a proposal), or None."""
    issues = process_issues(record.process_id) if issues is None else issues
    if not issues:
        return None
    if isinstance(record, Barrier):
        testimonies = own_testimonies(record)
        quotes = quotes_of([t.id for t in testimonies])
        for version, content in issues:
            if _barrier_in(record, version, content) or any(
                _testimony_in(t, content, [q for q in quotes if q.testimony_id == t.id]) for t in testimonies
            ):
                return version
        return None
    if isinstance(record, Testimony):
        quotes = quotes_of([record.id])
        return next((v for v, content in issues if _testimony_in(record, content, quotes)), None)
    if isinstance(record, Proposal):
        recommendation_ids = set(
            db.session.scalars(
                select(recommendation_proposals.c.recommendation_id).where(
                    recommendation_proposals.c.proposal_id == record.id
                )
            )
        )
        return next(
            (v for v, content in issues if _proposal_in(record, v, content, recommendation_ids)), None
        )
    return None


def quotes_of(testimony_ids: list[int]) -> list[Quote]:
    if not testimony_ids:
        return []
    return list(db.session.scalars(select(Quote).where(Quote.testimony_id.in_(testimony_ids))))


# --- erasing the words of one contribution ---------------------------------------------------------------------


def own_testimonies(barrier: Barrier) -> list[Testimony]:
    """The stories written with the barrier by its own author: a participant's wherever a merge took them, an
    organisation's or the room's only when no other barrier holds them (not those that followed a duplicate
    into it)."""
    return [
        testimony
        for testimony in barrier.testimonies
        if testimony.participant_id == barrier.participant_id
        and (barrier.participant_id is not None or {b.id for b in testimony.barriers} <= {barrier.id})
    ]


def gone(record) -> bool:
    """Whether ``record`` is deleted in this transaction (flushed or not)."""
    state = inspect(record)
    return state.deleted or state.was_deleted or record in db.session.deleted


def delete_testimonies(testimonies: list[Testimony], reason: str) -> int:
    """Delete testimonies and the quotes drawn from them in the recommendations (issued versions keep theirs);
    their translations go with them. Returns how many quotes were removed."""
    quotes = quotes_of([t.id for t in testimonies])
    for quote in quotes:
        audit.record("recommendation.quote_removed", quote.recommendation, quote=quote.id, reason=reason)
        db.session.delete(quote)
    testimonies = [t for t in testimonies if not gone(t)]
    for testimony in testimonies:
        for barrier in list(testimony.barriers):
            if testimony in barrier.testimonies:
                barrier.testimonies.remove(testimony)
        db.session.delete(testimony)
    return len(quotes)
