"""A coordinator exports (:func:`export_organisation`) or erases (:func:`erase_organisation`) an organisation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select

from .. import audit
from ..accounts.models import User
from ..barriers.models import Barrier, BarrierStatus
from ..codesign.models import FeasibilityAssessment, Proposal, ProposalStatus
from ..extensions import db
from ..recommendations.models import Comment, Endorsement, IssuedDocument, Recommendation
from ..services.models import Service
from ..territories.models import Membership, Organisation, Territory
from ..workshops.models import ServiceProposal
from .common import aware, now, own_testimonies, owned_by
from .withdrawal import PROPOSAL_TEXTS, erase_barrier_words, erase_proposal_words, erase_service_reasons

#: Version of the organisation export's JSON structure (README, "Data protection"); raised on any change.
EXPORT_FORMAT = "toolkit-organisation-export"
EXPORT_VERSION = 1


class StillNeeded(Exception):
    """An organisation other records stand on (its answers...) cannot be erased; the message says why."""


#: Why an organisation may not be erased, as the features that keep records of it say (retention imports none of
#: them): each takes the organisation and gives the reason, translated, or None.
erasure_blockers: list[Callable[[Organisation], str | None]] = []


def erasure_refused(organisation: Organisation) -> str | None:
    """Why ``organisation`` cannot be erased, or None when it can."""
    for blocker in erasure_blockers:
        reason = blocker(organisation)
        if reason:
            return reason
    return None


def members_of(organisation: Organisation) -> list[User]:
    """The people with an account who work for ``organisation`` in its territory."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation.id)
            .order_by(User.name, User.id)
        )
    )


def _organisation_records(organisation: Organisation) -> dict[str, list]:
    barriers = owned_by(
        Barrier, Barrier.organisation_id, organisation.id, Barrier.categories, Barrier.testimonies
    )
    return {
        "barriers": barriers,
        "testimonies": [t for b in barriers for t in own_testimonies(b)],
        "proposals": owned_by(Proposal, Proposal.organisation_id, organisation.id, Proposal.barriers),
        "service_reasons": owned_by(ServiceProposal, ServiceProposal.organisation_id, organisation.id),
        "endorsements": owned_by(Endorsement, Endorsement.organisation_id, organisation.id),
        "comments": owned_by(Comment, Comment.organisation_id, organisation.id),
        "feasibility_assessments": owned_by(
            FeasibilityAssessment, FeasibilityAssessment.organisation_id, organisation.id
        ),
        "services": owned_by(Service, Service.owner_id, organisation.id),
        "recommendations": owned_by(Recommendation, Recommendation.addressee_id, organisation.id),
        "members": members_of(organisation),
    }


def organisation_counts(organisation: Organisation) -> dict[str, int]:
    """How many records of each kind the organisation has (what its erasure page lists)."""
    records = _organisation_records(organisation)
    counts = {name: len(items) for name, items in records.items()}
    # Letters already issued to it: they never change (only their link to it is emptied).
    counts["letters"] = db.session.scalar(
        select(func.count()).select_from(IssuedDocument).where(IssuedDocument.addressee_id == organisation.id)
    )
    return counts


def _when(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    return aware(moment).isoformat() if isinstance(moment, datetime) else moment.isoformat()


def export_organisation(organisation: Organisation) -> dict:
    """Everything the toolkit holds of ``organisation``, as the JSON structure of version ``EXPORT_VERSION``."""
    records = _organisation_records(organisation)
    territory = db.session.get(Territory, organisation.territory_id)
    audit.record("organisation.exported", organisation, **{k: len(v) for k, v in records.items()})
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _when(now()),
        "territory": {"slug": territory.slug, "name": territory.name},
        "organisation": {
            "id": organisation.id,
            "name": organisation.name,
            "kind": organisation.kind.value,
            "contact_email": organisation.contact_email,
            "contact_phone": organisation.contact_phone,
            "description": dict(organisation.description or {}),
            "archived_at": _when(organisation.archived_at),
        },
        "members": [{"name": user.name, "email": user.email} for user in records["members"]],
        "barriers": [
            {
                "id": b.id,
                "process_id": b.process_id,
                "service_id": b.service_id,
                "categories": [c.id for c in b.categories],
                "text": b.text,
                "language": b.language,
                "frequency": b.frequency.value,
                "severity": b.severity.value,
                "groups_affected": b.groups_affected,
                "status": b.status.value,
                "created_at": _when(b.created_at),
                "testimonies": [
                    {"id": t.id, "text": t.text, "language": t.language, "may_quote": t.may_quote}
                    for t in own_testimonies(b)
                ],
            }
            for b in records["barriers"]
        ],
        "proposals": [
            {
                "id": p.id,
                "process_id": p.process_id,
                "barriers": [b.id for b in p.barriers],
                **{name: getattr(p, name) for name in PROPOSAL_TEXTS},
                "language": p.language,
                "status": p.status.value,
                "created_at": _when(p.created_at),
            }
            for p in records["proposals"]
        ],
        "service_proposals": [
            {
                "id": r.id,
                "process_id": r.candidate.process_id,
                "service_id": r.candidate.service_id,
                "name": r.candidate.name,
                "reason": r.reason,
                "language": r.language,
                "created_at": _when(r.created_at),
            }
            for r in records["service_reasons"]
        ],
        "endorsements": [
            {"recommendation_id": e.recommendation_id, "created_at": _when(e.created_at)}
            for e in records["endorsements"]
        ],
        "comments": [
            {
                "id": c.id,
                "recommendation_id": c.recommendation_id,
                "text": c.text,
                "language": c.language,
                "created_at": _when(c.created_at),
            }
            for c in records["comments"]
        ],
        "feasibility_assessments": [
            {
                "id": a.id,
                "proposal_id": a.proposal_id,
                "service_id": a.service_id,
                "verdict": a.verdict.value,
                "resources_needed": a.resources_needed,
                "competent_service_id": a.competent_service_id,
                "competent_body": a.competent_body,
                "comment": a.comment,
                "on_behalf": a.on_behalf,
                "created_at": _when(a.created_at),
            }
            for a in records["feasibility_assessments"]
        ],
        "services_owned": [{"id": s.id, "name": dict(s.name or {})} for s in records["services"]],
        "recommendations_addressed": [{"id": r.id, "title": r.title} for r in records["recommendations"]],
    }


def erase_organisation(organisation: Organisation) -> dict[str, int]:
    """Erase ``organisation`` and the words it sent: its barriers and proposals are withdrawn and erased, its
    stories, comments and endorsements deleted, its reasons for services and the words of its feasibility
    assessments erased (the verdicts stay, unsigned). Its services stay in the catalogue without an owner, its
    members keep their accounts without it, recommendations addressed to it lose their addressee. Issued
    versions never change: they keep its name as printed. :class:`StillNeeded` when another feature keeps
    records of it (an organisation that answered recommendations keeps its answers)."""
    refusal = erasure_refused(organisation)
    if refusal:
        raise StillNeeded(refusal)
    records = _organisation_records(organisation)
    counts = organisation_counts(organisation)
    for barrier in records["barriers"]:
        if barrier.status is not BarrierStatus.MERGED:
            barrier.status = BarrierStatus.WITHDRAWN
        erase_barrier_words(barrier)
        barrier.organisation_id = None
    for proposal in records["proposals"]:
        proposal.status = ProposalStatus.WITHDRAWN
        erase_proposal_words(proposal)
        proposal.organisation_id = None
    erase_service_reasons(records["service_reasons"])
    for reason in records["service_reasons"]:
        reason.organisation_id = None
    for item in [*records["comments"], *records["endorsements"]]:
        db.session.delete(item)
    for assessment in records["feasibility_assessments"]:
        assessment.resources_needed = assessment.competent_body = assessment.comment = ""
        assessment.organisation_id = None
    for service in records["services"]:
        service.owner_id = None
    for recommendation in records["recommendations"]:
        recommendation.addressee_id = None
    for user in records["members"]:
        user.memberships = [m for m in user.memberships if m.organisation_id != organisation.id]
    audit.record("organisation.erased", organisation, **counts)
    db.session.flush()
    db.session.delete(organisation)
    return counts
