"""The room prioritises its proposals: dots placed on them, or places on the impact/effort grid, and the ranking
they imply, frozen when the room leaves the vote. Views call these and commit; nothing here commits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..barriers.models import Barrier
from ..extensions import db
from ..processes.models import StepKind
from ..workshops.models import Participant, Workshop, WorkshopStep
from ..workshops.room import Refused, checked_dots, now, replace_ballot
from .models import GridPlacement, Proposal, ProposalStatus, ProposalVote
from .operations import visible_proposals

#: The grid's scales go from 1 (low) to 3 (high).
GRID_LEVELS = (1, 2, 3)


# --- ballots -----------------------------------------------------------------------------------------------


def _open_step(workshop: Workshop, kind: StepKind) -> WorkshopStep:
    """The step a ballot goes to, once the room is locked: its current step, of the right kind, while it is not
    frozen."""
    step = workshop.current_step
    if step is None or step.kind is not kind or step.frozen_at:
        raise Refused("step-closed")
    return step


def votes_in(step: WorkshopStep, participant: Participant) -> dict[int, int]:
    """The dots the participant placed in this step (proposal id -> dots)."""
    rows = db.session.execute(
        select(ProposalVote.proposal_id, ProposalVote.dots).where(
            ProposalVote.step_id == step.id, ProposalVote.participant_id == participant.id
        )
    ).all()
    return dict(rows)


def placements_in(step: WorkshopStep, participant: Participant) -> dict[int, tuple[int, int]]:
    """Where the participant placed proposals on this step's grid (proposal id -> (impact, effort))."""
    rows = db.session.execute(
        select(GridPlacement.proposal_id, GridPlacement.impact, GridPlacement.effort).where(
            GridPlacement.step_id == step.id, GridPlacement.participant_id == participant.id
        )
    ).all()
    return {proposal_id: (impact, effort) for proposal_id, impact, effort in rows}


def cast_proposal_votes(workshop: Workshop, participant: Participant, allocation: dict[int, int]) -> None:
    """Replace the participant's dots in the room's current vote with ``allocation`` (proposal id -> dots),
    within the workshop's limits."""

    def ballot():
        step = _open_step(workshop, StepKind.PROPOSAL_VOTING)
        allowed = {proposal.id for proposal in visible_proposals(workshop.process)}
        dots = checked_dots(workshop, allocation, allowed, per_item="per-proposal")
        rows = [{"step_id": step.id, "proposal_id": pid, "dots": count} for pid, count in dots.items()]
        return [ProposalVote.step_id == step.id], rows

    replace_ballot(workshop, participant, ProposalVote, ballot)


def place_on_grid(
    workshop: Workshop, participant: Participant, placements: dict[int, tuple[int, int]]
) -> None:
    """Replace where the participant placed proposals on the room's current grid (proposal id -> (impact,
    effort))."""

    def ballot():
        step = _open_step(workshop, StepKind.PROPOSAL_GRID)
        allowed = {proposal.id for proposal in visible_proposals(workshop.process)}
        if any(pid not in allowed for pid in placements):
            raise Refused("unknown")
        if any(
            impact not in GRID_LEVELS or effort not in GRID_LEVELS for impact, effort in placements.values()
        ):
            raise Refused("unknown")
        rows = [
            {"step_id": step.id, "proposal_id": pid, "impact": impact, "effort": effort}
            for pid, (impact, effort) in placements.items()
        ]
        return [GridPlacement.step_id == step.id], rows

    replace_ballot(workshop, participant, GridPlacement, ballot)


# --- the ranking -------------------------------------------------------------------------------------------


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


def _dots_ranking(step: WorkshopStep, proposals: list[Proposal]) -> list[Priority]:
    """Proposals by dots received, most first."""
    rows = db.session.execute(
        select(ProposalVote.proposal_id, func.sum(ProposalVote.dots), func.count(ProposalVote.id))
        .where(ProposalVote.step_id == step.id, ProposalVote.proposal_id.in_([p.id for p in proposals]))
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


def _grid_ranking(step: WorkshopStep, proposals: list[Proposal]) -> list[Priority]:
    """Proposals by mean impact less mean effort, highest first; those nobody placed last."""
    rows = db.session.execute(
        select(
            GridPlacement.proposal_id,
            func.sum(GridPlacement.impact),
            func.sum(GridPlacement.effort),
            func.count(GridPlacement.id),
        )
        .where(GridPlacement.step_id == step.id, GridPlacement.proposal_id.in_([p.id for p in proposals]))
        .group_by(GridPlacement.proposal_id)
    ).all()
    sums = {pid: (int(impact), int(effort), count) for pid, impact, effort, count in rows}

    def score(proposal):
        # More impact and less effort first: exact arithmetic, so equal means are ties, not rounding noise.
        if proposal.id not in sums:
            return None
        impact, effort, count = sums[proposal.id]
        return Fraction(impact - effort, count)

    def make(rank, proposal, tied):
        impact, effort, count = sums.get(proposal.id, (0, 0, 0))
        item = Priority(rank, proposal, tied, placements=count)
        if count:
            item.impact, item.effort = round(impact / count, 2), round(effort / count, 2)
        item.share = (float(score(proposal)) + 2) / 4 if count else 0.0
        return item

    return _ranked([(p, score(p)) for p in proposals], make)


def live_results(step: WorkshopStep, proposals: list[Proposal]) -> list[Priority]:
    """The ranking a step's votes imply now."""
    if step.kind is StepKind.PROPOSAL_VOTING:
        return _dots_ranking(step, proposals)
    return _grid_ranking(step, proposals)


def _frozen_results(step: WorkshopStep) -> list[Priority]:
    """The ranking kept when the step closed, without the proposals hidden or withdrawn since."""
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


def results(step: WorkshopStep, proposals: list[Proposal] | None = None) -> list[Priority]:
    """The step's ranking: as frozen when the step closed, or live while it is open."""
    if step.frozen_at is not None and step.results is not None:
        return _frozen_results(step)
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
