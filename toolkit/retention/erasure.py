"""A participant erases everything they wrote with their return code (:func:`erase_participant`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from .. import audit
from ..barriers.models import Barrier, BarrierStatus, Testimony
from ..codesign.models import Proposal, ProposalStatus
from ..extensions import db
from ..recommendations.models import Comment
from ..workshops.models import Participant, ServiceProposal
from .common import IssuedVersion, delete_testimonies, first_issue_holding, now, process_issues
from .withdrawal import erase_barrier_words, erase_proposal_words, erase_service_reasons


@dataclass
class ParticipantData:
    """What a participant wrote, as the erasure page lists it."""

    barriers: list[Barrier]
    testimonies: list[Testimony]
    proposals: list[Proposal]
    service_reasons: list[ServiceProposal]
    comments: list[Comment]
    #: Contributions already in issued versions, with the first version that holds each.
    issued: list[tuple[object, IssuedVersion]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "barriers": sum(1 for b in self.barriers if b.text or b.groups_affected),
            "testimonies": len(self.testimonies),
            "proposals": sum(1 for p in self.proposals if p.change),
            "service_reasons": sum(1 for r in self.service_reasons if r.reason),
            "comments": len(self.comments),
        }

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


def participant_data(participant: Participant) -> ParticipantData:
    """Everything ``participant`` wrote that still has words, and what of it issued versions already hold."""
    barriers = list(db.session.scalars(select(Barrier).where(Barrier.participant_id == participant.id)))
    data = ParticipantData(
        barriers=barriers,
        testimonies=list(
            db.session.scalars(select(Testimony).where(Testimony.participant_id == participant.id))
        ),
        proposals=list(db.session.scalars(select(Proposal).where(Proposal.participant_id == participant.id))),
        service_reasons=list(
            db.session.scalars(
                select(ServiceProposal).where(ServiceProposal.participant_id == participant.id)
            )
        ),
        comments=list(db.session.scalars(select(Comment).where(Comment.participant_id == participant.id))),
    )
    issues = process_issues(participant.workshop.process_id)
    with_words = [b for b in data.barriers if b.text] + [p for p in data.proposals if p.change]
    for record in with_words:
        version = first_issue_holding(record, issues)
        if version is not None:
            data.issued.append((record, version))
    return data


def erase_participant(participant: Participant) -> dict[str, int]:
    """Erase every word ``participant`` wrote (barriers and proposals are withdrawn), their translations, their
    pseudonym and their return code. Their dots, supports and endorsements stay: they hold no words, and the
    rankings the room saw are kept."""
    data = participant_data(participant)
    counts = data.counts
    quotes = 0
    for barrier in data.barriers:
        if barrier.status in BarrierStatus.visible() or barrier.status is BarrierStatus.HIDDEN:
            barrier.status = BarrierStatus.WITHDRAWN
            barrier.updated_at = now()
        quotes += erase_barrier_words(barrier)["quotes"]
    quotes += delete_testimonies(data.testimonies, "erased")
    for proposal in data.proposals:
        if proposal.status is not ProposalStatus.WITHDRAWN:
            proposal.status = ProposalStatus.WITHDRAWN
            proposal.updated_at = now()
        erase_proposal_words(proposal)
    erase_service_reasons(data.service_reasons)
    for comment in data.comments:
        db.session.delete(comment)
    participant.pseudonym = ""
    participant.return_code_digest = None
    workshop = participant.workshop
    audit.record("participant.erased", workshop, **counts, quotes_removed=quotes)
    from ..workshops.room import bump_process

    bump_process(workshop.process_id)
