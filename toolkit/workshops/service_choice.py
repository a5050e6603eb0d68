"""Choosing the services a process works on: people propose services with their reasons, place dots on them,
and the facilitator tidies the list and confirms the services in scope. Views call these and commit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..processes.models import Process
from ..services.models import GovernmentLevel, Sector, Service
from ..territories.models import Territory
from .models import DotVote, Participant, ServiceCandidate, ServiceProposal, Workshop
from .room import Refused, already_sent, bump, checked_dots, replace_ballot


def propose_service(
    process: Process,
    *,
    service: Service | None,
    name: str,
    reason: str,
    language: str,
    submission_key: str | None,
    workshop: Workshop | None = None,
    participant: Participant | None = None,
    organisation_id: int | None = None,
) -> ServiceProposal:
    """Add a reason for a service to be worked on; the same catalogue service always gathers on one candidate."""
    existing = already_sent(ServiceProposal, submission_key)
    if existing is not None:
        return existing
    candidate = None
    if service is not None:
        candidate = db.session.scalar(
            select(ServiceCandidate).where(
                ServiceCandidate.process_id == process.id, ServiceCandidate.service_id == service.id
            )
        )
        while candidate is not None and candidate.merged_into_id is not None:
            candidate = candidate.merged_into
    if candidate is None:
        candidate = ServiceCandidate(
            territory_id=process.territory_id,
            process_id=process.id,
            service_id=service.id if service else None,
            name="" if service else name,
            language="" if service else language,
        )
        db.session.add(candidate)
    proposal = ServiceProposal(
        territory_id=process.territory_id,
        candidate=candidate,
        workshop_id=workshop.id if workshop else None,
        participant_id=participant.id if participant else None,
        organisation_id=organisation_id,
        reason=reason,
        language=language,
        submission_key=submission_key,
    )
    db.session.add(proposal)
    if workshop is not None:
        bump(workshop)
    return proposal


def candidates(process: Process) -> list[ServiceCandidate]:
    """The visible candidates of a process (neither hidden nor merged)."""
    return list(db.session.scalars(_visible_candidates(process)))


def _visible_candidates(process: Process):
    return (
        select(ServiceCandidate)
        .where(
            ServiceCandidate.process_id == process.id,
            ServiceCandidate.hidden.is_(False),
            ServiceCandidate.merged_into_id.is_(None),
        )
        .options(db.joinedload(ServiceCandidate.service), db.selectinload(ServiceCandidate.reasons))
        .order_by(ServiceCandidate.id)
    )


def votes_of(participant: Participant) -> dict[int, int]:
    rows = db.session.execute(
        select(DotVote.candidate_id, DotVote.dots).where(DotVote.participant_id == participant.id)
    ).all()
    return {candidate_id: dots for candidate_id, dots in rows}


def cast_votes(workshop: Workshop, participant: Participant, allocation: dict[int, int]) -> None:
    """Replace the participant's dots with ``allocation`` (candidate id -> dots), within the workshop's limits."""

    def ballot():
        allowed = {candidate.id for candidate in candidates(workshop.process)}
        dots = checked_dots(workshop, allocation, allowed, per_item="per-service")
        rows = [{"workshop_id": workshop.id, "candidate_id": cid, "dots": n} for cid, n in dots.items()]
        return [], rows

    replace_ballot(workshop, participant, DotVote, ballot)


@dataclass
class Ranked:
    rank: int
    candidate: ServiceCandidate
    dots: int
    voters: int
    tied: bool


def ranking(process: Process) -> list[Ranked]:
    """Visible candidates by dots received, most first; equal dots share a rank and are marked as tied."""
    # The dots and voters of each candidate come in the same query: a room of phones asks at once.
    dots_received, voters_count = (
        select(total).where(DotVote.candidate_id == ServiceCandidate.id).scalar_subquery()
        for total in (func.sum(DotVote.dots), func.count(DotVote.participant_id.distinct()))
    )
    rows = db.session.execute(_visible_candidates(process).add_columns(dots_received, voters_count)).all()
    items = [candidate for candidate, _dots, _voters in rows]
    totals = {candidate.id: int(dots or 0) for candidate, dots, _ in rows}
    voters = {candidate.id: count for candidate, _, count in rows}
    items.sort(key=lambda c: (-(totals.get(c.id) or 0), c.id))
    counts: dict[int, int] = defaultdict(int)
    for candidate in items:
        counts[totals.get(candidate.id) or 0] += 1
    ranked, rank, previous = [], 0, None
    for position, candidate in enumerate(items, start=1):
        dots = int(totals.get(candidate.id) or 0)
        if dots != previous:
            rank, previous = position, dots
        ranked.append(Ranked(rank, candidate, dots, voters.get(candidate.id, 0), counts[dots] > 1))
    return ranked


def merge_candidates(duplicate: ServiceCandidate, survivor: ServiceCandidate) -> None:
    """Fold a duplicate candidate into another: its reasons and dots move to the survivor."""
    if duplicate.id == survivor.id or survivor.merged_into_id is not None:
        raise Refused("merge")
    for reason in list(duplicate.reasons):
        reason.candidate = survivor
    survivor_votes = {vote.participant_id: vote for vote in survivor.votes}
    for vote in list(duplicate.votes):
        if vote.participant_id in survivor_votes:
            survivor_votes[vote.participant_id].dots += vote.dots
            db.session.delete(vote)
        else:
            vote.candidate = survivor
    duplicate.merged_into_id = survivor.id
    audit.record("service_candidate.merged", duplicate, into=survivor.id)


def confirm_services(process: Process, services: list[Service]) -> None:
    """The facilitator confirms which services the process works on."""
    process.services = services
    audit.record("process.services_confirmed", process, services=[s.id for s in services])


def add_candidate_to_catalogue(candidate: ServiceCandidate, territory: Territory) -> Service:
    """A service people named that the catalogue lacks becomes a catalogue service (name in its language)."""
    service = Service(
        territory_id=candidate.territory_id,
        name={candidate.language or territory.default_locale: candidate.name},
        sector=Sector.OTHER,
        level=GovernmentLevel.OTHER,
    )
    db.session.add(service)
    db.session.flush()
    candidate.service_id = service.id
    audit.record("service.created", service, from_candidate=candidate.id)
    return service
