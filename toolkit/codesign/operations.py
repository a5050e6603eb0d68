"""What co-design does to the database: proposals and their edits, and their feasibility. Prioritisation is in
:mod:`.prioritisation`, the synthesis of a phase in :mod:`.synthesis`. Views call these and commit; nothing here
commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import audit
from ..barriers.models import Barrier, BarrierStatus
from ..barriers.operations import barrier_merged
from ..extensions import db
from ..processes.models import Process
from ..services.models import Service
from ..territories.models import Organisation
from ..workshops.room import Refused, already_sent, bump_process, now
from .models import Feasibility, FeasibilityAssessment, Proposal, ProposalStatus, proposal_barriers


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
            .options(selectinload(Proposal.barriers).joinedload(Barrier.service))
            .order_by(Proposal.created_at, Proposal.id)
        )
    )


def addressable_barriers(process: Process) -> list[Barrier]:
    """The barriers a proposal can answer: those of the process that count as evidence, by service."""
    return list(
        db.session.scalars(
            select(Barrier)
            .where(Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible()))
            .options(joinedload(Barrier.service), selectinload(Barrier.supports))
            .order_by(Barrier.service_id, Barrier.created_at, Barrier.id)
        )
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


# --- feasibility ---------------------------------------------------------------------------------------------


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


# --- barriers joined in the room -------------------------------------------------------------------------------


@barrier_merged.connect
def move_proposal_links(duplicate: Barrier, *, survivor: Barrier) -> None:
    """When a duplicate barrier is joined into another, the proposals that answered it answer the one kept."""
    links = proposal_barriers.c
    answering = set(db.session.scalars(select(links.proposal_id).where(links.barrier_id == survivor.id)))
    moved = set(db.session.scalars(select(links.proposal_id).where(links.barrier_id == duplicate.id)))
    db.session.execute(proposal_barriers.delete().where(links.barrier_id == duplicate.id))
    if moved - answering:
        db.session.execute(
            proposal_barriers.insert(),
            [{"proposal_id": pid, "barrier_id": survivor.id} for pid in sorted(moved - answering)],
        )
