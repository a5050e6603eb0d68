"""What co-design does to the database: proposals and their edits, feasibility, prioritisation and its frozen
results, and the synthesis of a phase. Views call these and commit; nothing here commits."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from .. import audit
from ..access import Permission
from ..barriers.models import Barrier, BarrierStatus
from ..extensions import db
from ..processes.models import Process, StepKind
from ..services.models import BarrierCategory, Service
from ..territories.models import Organisation
from ..workshops.models import Participant, Workshop, WorkshopState, WorkshopStep
from ..workshops.operations import (
    Refused,
    already_sent,
    bump,
    checked_dots,
    evidence_count,
    lock_ballot,
    lock_room,
    now,
)
from .models import (
    Feasibility,
    FeasibilityAssessment,
    GridPlacement,
    Proposal,
    ProposalStatus,
    ProposalVote,
)

#: The grid's scales go from 1 (low) to 3 (high).
GRID_LEVELS = (1, 2, 3)


class EditConflict(Exception):
    """Someone saved the proposal since the editor opened it; ``current`` is what is stored now."""

    def __init__(self, current: Proposal):
        super().__init__("conflict")
        self.current = current


# --- proposals -----------------------------------------------------------------------------------------------


def visible_proposals(process: Process) -> list[Proposal]:
    """The proposals of a process the room sees, oldest first, with the barriers they address."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.process_id == process.id, Proposal.status == ProposalStatus.NEW)
            .options(selectinload(Proposal.barriers).selectinload(Barrier.service))
            .order_by(Proposal.created_at, Proposal.id)
        )
    )


def addressable_barriers(process: Process) -> list[Barrier]:
    """The barriers a proposal can answer: those of the process that count as evidence, by service."""
    return list(
        db.session.scalars(
            select(Barrier)
            .where(Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible()))
            .options(selectinload(Barrier.service), selectinload(Barrier.supports))
            .order_by(Barrier.service_id, Barrier.created_at, Barrier.id)
        )
    )


def bump_process(process_id: int) -> None:
    """Tell the live views of every open workshop of the process that the proposals changed."""
    db.session.execute(
        update(Workshop)
        .where(Workshop.process_id == process_id, Workshop.state == WorkshopState.OPEN)
        .values(revision=Workshop.revision + 1),
        execution_options={"synchronize_session": False},
    )


def save_proposal(
    proposal: Proposal,
    *,
    barriers: list[Barrier],
    change: str,
    who_acts: str,
    resources: str,
    timeline: str,
    expected_effect: str,
    language: str,
    editor_id: int | None = None,
    expected_version: int | None = None,
) -> Proposal:
    """Store a new proposal, or changes to one made on ``expected_version``.

    When someone else saved it in between, nothing is changed and :class:`EditConflict` tells what is stored.
    """
    if proposal.id is not None:
        if expected_version is not None and proposal.version != expected_version:
            raise EditConflict(proposal)
        proposal.updated_at = now()
        proposal.updated_by_id = editor_id
    else:
        proposal.author_id = proposal.author_id or editor_id
    if not barriers:
        raise Refused("no-barrier")
    # Barriers hidden or withdrawn since are not offered in the form: their links stay, as evidence history.
    kept = [barrier for barrier in proposal.barriers if not barrier.is_visible and barrier not in barriers]
    proposal.barriers = [*barriers, *kept]
    proposal.change = change
    proposal.who_acts = who_acts
    proposal.resources = resources
    proposal.timeline = timeline
    proposal.expected_effect = expected_effect
    proposal.language = language
    db.session.add(proposal)
    db.session.flush()
    if editor_id is not None:
        audit.record("proposal.saved", proposal, version=proposal.version)
    bump_process(proposal.process_id)
    return proposal


def proposal_sent_before(submission_key: str | None) -> Proposal | None:
    return already_sent(Proposal, submission_key)


def set_proposal_status(proposal: Proposal, status: ProposalStatus, reason: str = "") -> None:
    """Hide (with the reason shown to its author), show again, or withdraw a proposal."""
    proposal.status = status
    proposal.hidden_reason = reason if status is ProposalStatus.HIDDEN else ""
    proposal.updated_at = now()
    if status is not ProposalStatus.WITHDRAWN:
        audit.record(f"proposal.{status.value}", proposal)
    bump_process(proposal.process_id)


def may_edit(user, permissions: frozenset[Permission], proposal: Proposal) -> bool:
    """Facilitators edit every proposal of their territory; operators those about the services their organisation
    runs (they co-design for their services); everyone who writes proposals, their own and their organisation's."""
    if Permission.RUN_WORKSHOPS in permissions:
        return True
    if Permission.WRITE_PROPOSALS not in permissions:
        return False
    organisation = user.organisation_in(proposal.territory_id)
    if proposal.author_id == user.id or (
        organisation is not None and proposal.organisation_id == organisation.id
    ):
        return True
    return bool(assessable_services(proposal, user, permissions))


# --- feasibility ---------------------------------------------------------------------------------------------


def services_of(proposal: Proposal) -> list[Service]:
    """The services whose barriers the proposal addresses."""
    services = {barrier.service_id: barrier.service for barrier in proposal.barriers}
    return [services[service_id] for service_id in sorted(services)]


def assessable_services(proposal: Proposal, user, permissions: frozenset[Permission]) -> list[Service]:
    """The services for which this person may record feasibility: facilitators for any of the proposal's
    services (naming the operator's organisation), operators only for those their organisation runs."""
    services = services_of(proposal)
    if Permission.RUN_WORKSHOPS in permissions:
        return services
    organisation = user.organisation_in(proposal.territory_id)
    if Permission.ASSESS_FEASIBILITY in permissions and organisation is not None:
        return [service for service in services if service.owner_id == organisation.id]
    return []


def record_feasibility(
    proposal: Proposal,
    *,
    service: Service,
    verdict: Feasibility,
    resources_needed: str,
    competent_service: Service | None,
    competent_body: str,
    comment: str,
    organisation: Organisation | None,
    recorded_by_id: int | None,
    on_behalf: bool,
) -> FeasibilityAssessment:
    """Add an assessment; earlier ones stay in the history."""
    assessment = FeasibilityAssessment(
        territory_id=proposal.territory_id,
        proposal=proposal,
        service_id=service.id,
        verdict=verdict,
        resources_needed=resources_needed if verdict is Feasibility.NEEDS_RESOURCES else "",
        competent_service_id=(
            competent_service.id
            if competent_service is not None and verdict is Feasibility.NOT_OUR_COMPETENCE
            else None
        ),
        competent_body=competent_body if verdict is Feasibility.NOT_OUR_COMPETENCE else "",
        comment=comment,
        organisation_id=organisation.id if organisation is not None else None,
        recorded_by_id=recorded_by_id,
        on_behalf=on_behalf,
    )
    db.session.add(assessment)
    audit.record("proposal.feasibility", proposal, service=service.id, verdict=verdict.value)
    bump_process(proposal.process_id)
    return assessment


# --- prioritisation ----------------------------------------------------------------------------------------


def _open_step(workshop: Workshop, kind: StepKind) -> WorkshopStep:
    """The step votes go to: the room's current step as it is now, of the right kind, while it is not frozen."""
    lock_room(workshop)
    if workshop.state is not WorkshopState.OPEN:
        raise Refused("closed")
    step = workshop.current_step
    if step is None or step.kind is not kind or step.frozen_at:
        raise Refused("step-closed")
    return step


def votes_in(step: WorkshopStep, participant: Participant) -> dict[int, int]:
    rows = db.session.execute(
        select(ProposalVote.proposal_id, ProposalVote.dots).where(
            ProposalVote.step_id == step.id, ProposalVote.participant_id == participant.id
        )
    ).all()
    return dict(rows)


def placements_in(step: WorkshopStep, participant: Participant) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(GridPlacement.proposal_id, GridPlacement.impact, GridPlacement.effort).where(
            GridPlacement.step_id == step.id, GridPlacement.participant_id == participant.id
        )
    ).all()
    return {proposal_id: (impact, effort) for proposal_id, impact, effort in rows}


def cast_proposal_votes(workshop: Workshop, participant: Participant, allocation: dict[int, int]) -> None:
    """Replace the participant's dots in the room's current vote with ``allocation`` (proposal id -> dots),
    within the workshop's limits."""
    step = _open_step(workshop, StepKind.PROPOSAL_VOTING)
    lock_ballot(participant)
    allowed = {proposal.id for proposal in visible_proposals(workshop.process)}
    allocation = checked_dots(workshop, allocation, allowed, per_item="per-proposal")
    db.session.execute(
        ProposalVote.__table__.delete().where(
            ProposalVote.step_id == step.id, ProposalVote.participant_id == participant.id
        )
    )
    for proposal_id, dots in allocation.items():
        db.session.add(
            ProposalVote(
                territory_id=workshop.territory_id,
                step_id=step.id,
                participant_id=participant.id,
                proposal_id=proposal_id,
                dots=dots,
            )
        )
    bump(workshop)


def place_on_grid(
    workshop: Workshop, participant: Participant, placements: dict[int, tuple[int, int]]
) -> None:
    """Replace where the participant placed proposals on the room's current grid (proposal id -> (impact,
    effort))."""
    step = _open_step(workshop, StepKind.PROPOSAL_GRID)
    lock_ballot(participant)
    allowed = {proposal.id for proposal in visible_proposals(workshop.process)}
    if any(pid not in allowed for pid in placements):
        raise Refused("unknown")
    if any(impact not in GRID_LEVELS or effort not in GRID_LEVELS for impact, effort in placements.values()):
        raise Refused("unknown")
    db.session.execute(
        GridPlacement.__table__.delete().where(
            GridPlacement.step_id == step.id, GridPlacement.participant_id == participant.id
        )
    )
    for proposal_id, (impact, effort) in placements.items():
        db.session.add(
            GridPlacement(
                territory_id=workshop.territory_id,
                step_id=step.id,
                participant_id=participant.id,
                proposal_id=proposal_id,
                impact=impact,
                effort=effort,
            )
        )
    bump(workshop)


@dataclass
class Priority:
    """Where one proposal stands in a prioritisation step."""

    rank: int
    proposal: Proposal
    tied: bool = False
    #: Dot voting: dots received and from how many people.
    dots: int = 0
    voters: int = 0
    #: The grid: mean impact and effort (1 to 3), and how many people placed it.
    impact: float | None = None
    effort: float | None = None
    placements: int = 0
    #: The value as a part of the scale (0 to 1), for drawing the chart.
    share: float = 0.0


def _ranked(items: list[tuple[Proposal, object]], make, nothing=(None,)) -> list[Priority]:
    """Rank by ``key`` (highest first; ``None`` last); equal keys share a rank and are marked as tied, except
    keys that mean nothing was received (``nothing``)."""
    items.sort(key=lambda pair: (pair[1] is None, -(pair[1] or 0), pair[0].id))
    counts = Counter(key for _, key in items)
    ranked, rank, previous = [], 0, object()
    for position, (proposal, key) in enumerate(items, start=1):
        if key != previous:
            rank, previous = position, key
        ranked.append(make(rank, proposal, key not in nothing and counts[key] > 1))
    return ranked


def live_results(step: WorkshopStep, proposals: list[Proposal]) -> list[Priority]:
    """The ranking a step's votes imply now."""
    ids = [proposal.id for proposal in proposals]
    if step.kind is StepKind.PROPOSAL_VOTING:
        rows = db.session.execute(
            select(ProposalVote.proposal_id, func.sum(ProposalVote.dots), func.count(ProposalVote.id))
            .where(ProposalVote.step_id == step.id, ProposalVote.proposal_id.in_(ids))
            .group_by(ProposalVote.proposal_id)
        ).all()
        totals = {pid: (int(dots or 0), voters) for pid, dots, voters in rows}
        highest = max((dots for dots, _ in totals.values()), default=0)

        def make(rank, proposal, tied):
            dots, voters = totals.get(proposal.id, (0, 0))
            item = Priority(rank, proposal, tied, dots=dots, voters=voters)
            item.share = dots / highest if highest else 0.0
            return item

        return _ranked([(p, totals.get(p.id, (0, 0))[0]) for p in proposals], make, nothing=(None, 0))
    rows = db.session.execute(
        select(
            GridPlacement.proposal_id,
            func.sum(GridPlacement.impact),
            func.sum(GridPlacement.effort),
            func.count(GridPlacement.id),
        )
        .where(GridPlacement.step_id == step.id, GridPlacement.proposal_id.in_(ids))
        .group_by(GridPlacement.proposal_id)
    ).all()
    sums = {pid: (int(impact), int(effort), count) for pid, impact, effort, count in rows}

    def score(proposal):
        # More impact and less effort first: exact arithmetic, so equal means are ties, not rounding noise.
        if proposal.id not in sums:
            return None
        impact, effort, count = sums[proposal.id]
        return Fraction(impact - effort, count)

    def make_grid(rank, proposal, tied):
        impact, effort, count = sums.get(proposal.id, (0, 0, 0))
        item = Priority(rank, proposal, tied, placements=count)
        if count:
            item.impact, item.effort = round(impact / count, 2), round(effort / count, 2)
        item.share = (float(score(proposal)) + 2) / 4 if count else 0.0
        return item

    return _ranked([(p, score(p)) for p in proposals], make_grid)


def results(step: WorkshopStep, proposals: list[Proposal] | None = None) -> list[Priority]:
    """The step's ranking: as frozen when the step closed, or live while it is open."""
    if step.frozen_at is not None and step.results is not None:
        by_id = {
            p.id: p
            for p in db.session.scalars(
                select(Proposal)
                .where(
                    Proposal.id.in_([row["proposal"] for row in step.results]),
                    Proposal.status == ProposalStatus.NEW,
                )
                .options(selectinload(Proposal.barriers).selectinload(Barrier.service))
            )
        }
        frozen = []
        for row in step.results:
            if row["proposal"] in by_id:
                item = Priority(
                    row["rank"],
                    by_id[row["proposal"]],
                    row["tied"],
                    dots=row["dots"],
                    voters=row["voters"],
                    impact=row["impact"],
                    effort=row["effort"],
                    placements=row["placements"],
                )
                item.share = row["share"]
                frozen.append(item)
        return frozen
    if proposals is None:
        proposals = visible_proposals(step.workshop.process)
    return live_results(step, proposals)


def freeze(step: WorkshopStep) -> None:
    """Close the vote of a prioritisation step: its ranking is kept as it stands, and so are the votes."""
    if not step.kind.prioritises or step.frozen_at is not None:
        return
    ranking = live_results(step, visible_proposals(step.workshop.process))
    step.results = [
        {
            "proposal": item.proposal.id,
            "rank": item.rank,
            "tied": item.tied,
            "dots": item.dots,
            "voters": item.voters,
            "impact": item.impact,
            "effort": item.effort,
            "placements": item.placements,
            "share": round(item.share, 4),
        }
        for item in ranking
    ]
    step.frozen_at = now()
    audit.record("step.frozen", step)


def reopen(step: WorkshopStep) -> None:
    """Open a frozen vote again (for a step closed by mistake): the votes cast so far still count."""
    step.frozen_at = None
    step.results = None
    audit.record("step.reopened", step)


# --- the synthesis of the phase ------------------------------------------------------------------------------


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


def synthesis(process: Process) -> tuple[list[ServiceSynthesis], dict[StepKind, LatestVote]]:
    """Per service: its barriers with counts and categories, the proposals that address them with feasibility
    and priority, and the barriers no proposal addresses."""
    barriers = list(
        db.session.scalars(
            select(Barrier)
            .where(Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible()))
            .options(selectinload(Barrier.categories), selectinload(Barrier.supports))
            .order_by(Barrier.created_at, Barrier.id)
        )
    )
    proposals = list(
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
    votes = latest_votes(process, proposals)
    addressing: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        for barrier in proposal.barriers:
            addressing[barrier.id].append(proposal)
    service_ids = [s.id for s in process.services] + sorted({b.service_id for b in barriers})
    services = {s.id: s for s in db.session.scalars(select(Service).where(Service.id.in_(service_ids)))}
    sections = {sid: ServiceSynthesis(services[sid]) for sid in dict.fromkeys(service_ids) if sid in services}
    categories: dict[int, Counter] = defaultdict(Counter)
    category_rows: dict[int, BarrierCategory] = {}
    for barrier in barriers:
        sections[barrier.service_id].barriers.append(
            BarrierLine(barrier, evidence_count(barrier), addressing.get(barrier.id, []))
        )
        for category in barrier.categories:
            categories[barrier.service_id][category.id] += 1
            category_rows[category.id] = category
    for proposal in proposals:
        latest = {a.service_id: a for a in proposal.latest_assessments()}
        for service_id in proposal.service_ids:
            if service_id in sections:
                sections[service_id].proposals.append(
                    ProposalLine(
                        proposal,
                        latest.get(service_id),
                        votes[StepKind.PROPOSAL_VOTING].by_proposal.get(proposal.id)
                        if StepKind.PROPOSAL_VOTING in votes
                        else None,
                        votes[StepKind.PROPOSAL_GRID].by_proposal.get(proposal.id)
                        if StepKind.PROPOSAL_GRID in votes
                        else None,
                    )
                )
    for service_id, counter in categories.items():
        sections[service_id].categories = [
            (category_rows[cid], count)
            for cid, count in sorted(
                counter.items(), key=lambda pair: (-pair[1], category_rows[pair[0]].position)
            )
        ]
    return list(sections.values()), votes
