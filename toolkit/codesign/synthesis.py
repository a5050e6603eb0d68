"""The synthesis of a phase: per service, the barriers people described and the proposals that answer them, with
their feasibility and where the room's latest votes placed them. Nothing here writes."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..barriers.models import Barrier, BarrierStatus
from ..barriers.operations import evidence_count
from ..extensions import db
from ..processes.models import Process, StepKind
from ..services.models import BarrierCategory, Service
from ..workshops.models import Workshop, WorkshopStep
from .models import FeasibilityAssessment, Proposal, ProposalStatus
from .prioritisation import Priority, results


@dataclass
class ProposalLine:
    proposal: Proposal
    #: The latest assessment for this service, if any.
    assessment: FeasibilityAssessment | None
    #: Where it stands in the latest dot vote and grid of the process.
    dots: Priority | None
    grid: Priority | None


@dataclass
class BarrierLine:
    barrier: Barrier
    people: int
    proposals: list[Proposal]


@dataclass
class ServiceSynthesis:
    service: Service
    barriers: list[BarrierLine] = field(default_factory=list)
    categories: list[tuple[BarrierCategory, int]] = field(default_factory=list)
    proposals: list[ProposalLine] = field(default_factory=list)

    @property
    def unaddressed(self) -> list[BarrierLine]:
        return [line for line in self.barriers if not line.proposals]

    @property
    def people(self) -> int:
        return sum(line.people for line in self.barriers)


@dataclass
class LatestVote:
    step: WorkshopStep
    by_proposal: dict[int, Priority]

    @property
    def final(self) -> bool:
        return self.step.frozen_at is not None

    def of(self, proposal: Proposal) -> Priority | None:
        return self.by_proposal.get(proposal.id)


def latest_votes(process: Process, proposals: list[Proposal]) -> dict[StepKind, LatestVote]:
    """For each method, the latest step of the process where the room prioritised (frozen or still open)."""
    latest = {}
    for kind in (StepKind.PROPOSAL_VOTING, StepKind.PROPOSAL_GRID):
        steps = (
            select(WorkshopStep)
            .join(Workshop, Workshop.id == WorkshopStep.workshop_id)
            .where(Workshop.process_id == process.id, WorkshopStep.kind == kind)
            .limit(1)
        )
        # The vote closed last; while none has closed, the one open now.
        step = db.session.scalar(
            steps.where(WorkshopStep.frozen_at.is_not(None)).order_by(
                WorkshopStep.frozen_at.desc(), WorkshopStep.id.desc()
            )
        ) or db.session.scalar(
            steps.where(WorkshopStep.started_at.is_not(None)).order_by(
                WorkshopStep.started_at.desc(), WorkshopStep.id.desc()
            )
        )
        if step is not None:
            latest[kind] = LatestVote(step, {item.proposal.id: item for item in results(step, proposals)})
    return latest


def _barriers(process: Process) -> list[Barrier]:
    """The barriers of the process that count as evidence, oldest first."""
    return list(
        db.session.scalars(
            select(Barrier)
            .where(Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible()))
            .options(selectinload(Barrier.categories), selectinload(Barrier.supports))
            .order_by(Barrier.created_at, Barrier.id)
        )
    )


def _proposals(process: Process) -> list[Proposal]:
    """The proposals of the process the room sees, oldest first, with their feasibility history."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.process_id == process.id, Proposal.status == ProposalStatus.NEW)
            .options(
                selectinload(Proposal.barriers),
                selectinload(Proposal.assessments).selectinload(FeasibilityAssessment.competent_service),
                selectinload(Proposal.assessments).selectinload(FeasibilityAssessment.organisation),
            )
            .order_by(Proposal.created_at, Proposal.id)
        )
    )


def _sections(process: Process, barriers: list[Barrier]) -> dict[int, ServiceSynthesis]:
    """One section per service: the services of the process first, then those its barriers are about."""
    service_ids = [s.id for s in process.services] + sorted({b.service_id for b in barriers})
    services = {s.id: s for s in db.session.scalars(select(Service).where(Service.id.in_(service_ids)))}
    return {sid: ServiceSynthesis(services[sid]) for sid in dict.fromkeys(service_ids) if sid in services}


def _add_barriers(
    sections: dict[int, ServiceSynthesis], barriers: list[Barrier], proposals: list[Proposal]
) -> None:
    """Each barrier in its service's section, with the proposals that answer it; the section's categories by
    how many barriers have them (most first)."""
    addressing: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        for barrier in proposal.barriers:
            addressing[barrier.id].append(proposal)
    categories: dict[int, Counter] = defaultdict(Counter)
    category_rows: dict[int, BarrierCategory] = {}
    for barrier in barriers:
        sections[barrier.service_id].barriers.append(
            BarrierLine(barrier, evidence_count(barrier), addressing.get(barrier.id, []))
        )
        for category in barrier.categories:
            categories[barrier.service_id][category.id] += 1
            category_rows[category.id] = category
    for service_id, counter in categories.items():
        sections[service_id].categories = [
            (category_rows[cid], count)
            for cid, count in sorted(
                counter.items(), key=lambda pair: (-pair[1], category_rows[pair[0]].position)
            )
        ]


def _add_proposals(
    sections: dict[int, ServiceSynthesis], proposals: list[Proposal], votes: dict[StepKind, LatestVote]
) -> None:
    """Each proposal in the section of every service it is about, with that service's latest assessment."""
    dots, grid = votes.get(StepKind.PROPOSAL_VOTING), votes.get(StepKind.PROPOSAL_GRID)
    for proposal in proposals:
        latest = {a.service_id: a for a in proposal.latest_assessments()}
        for service_id in proposal.service_ids:
            if service_id in sections:
                sections[service_id].proposals.append(
                    ProposalLine(
                        proposal,
                        latest.get(service_id),
                        dots.of(proposal) if dots else None,
                        grid.of(proposal) if grid else None,
                    )
                )


def synthesis(process: Process) -> tuple[list[ServiceSynthesis], dict[StepKind, LatestVote]]:
    """Per service: its barriers with counts and categories, the proposals that address them with feasibility
    and priority, and the barriers no proposal addresses."""
    barriers = _barriers(process)
    proposals = _proposals(process)
    votes = latest_votes(process, proposals)
    sections = _sections(process, barriers)
    _add_barriers(sections, barriers, proposals)
    _add_proposals(sections, proposals, votes)
    return list(sections.values()), votes
