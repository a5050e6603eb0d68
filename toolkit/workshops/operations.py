"""What happens in a live workshop: running the agenda, joining, proposing and voting on services, describing
barriers, and moderating them. Views call these and commit; nothing here commits."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select, update

from .. import audit
from ..barriers.models import Barrier, BarrierStatus, BarrierSupport, EvidenceKind, Testimony
from ..database import move_in_order
from ..extensions import db
from ..processes.models import Process, StepTemplate
from ..services.models import BarrierCategory, Service
from ..territories.models import Territory
from ..workshops.models import Participant, ParticipantRole, Workshop, WorkshopState, WorkshopStep
from .models import DotVote, ServiceCandidate, ServiceProposal

#: Letters and digits that cannot be mistaken for one another on a projector or a poster (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
RETURN_CODE_LENGTH = 12


class Refused(Exception):
    """An action the rules do not allow; the message is shown to the person as it is."""


def now() -> datetime:
    return datetime.now(UTC)


def normalise_code(text: str) -> str:
    """What a person typed as a code, without spaces, dashes or case: ``" k7m-q3p "`` -> ``"K7MQ3P"``."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:40]


def _random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def format_code(code: str, group: int = 3) -> str:
    """A code in groups for reading aloud: ``"K7MQ3P"`` -> ``"K7M-Q3P"``."""
    return "-".join(code[i : i + group] for i in range(0, len(code), group))


# --- the agenda and the run ---------------------------------------------------------------------------------


def build_agenda(workshop: Workshop, templates: list[StepTemplate]) -> None:
    """Append copies of ``templates`` to the agenda: the workshop can then adapt them without touching the
    territory's templates."""
    start = len(workshop.steps)
    for offset, template in enumerate(templates, start=1):
        workshop.steps.append(
            WorkshopStep(
                territory_id=workshop.territory_id,
                position=start + offset,
                kind=template.kind,
                title=dict(template.title),
                instructions=dict(template.instructions),
                minutes=template.minutes,
            )
        )


def move_step(workshop: Workshop, step: WorkshopStep, offset: int) -> None:
    if move_in_order(list(workshop.steps), step, offset):
        bump(workshop, step=True)


def remove_step(workshop: Workshop, step: WorkshopStep) -> None:
    if workshop.current_step_id == step.id:
        raise Refused("current")
    workshop.steps.remove(step)
    bump(workshop, step=True)


def bump(workshop: Workshop, *, step: bool = False) -> None:
    """Tell the live views that something changed; an SQL increment, so concurrent changes all count."""
    values = {"revision": Workshop.revision + 1}
    if step:
        values["step_revision"] = Workshop.step_revision + 1
    db.session.execute(
        update(Workshop).where(Workshop.id == workshop.id).values(**values),
        execution_options={"synchronize_session": False},
    )


def new_join_code() -> str:
    while True:
        code = _random_code(JOIN_CODE_LENGTH)
        taken = db.session.scalar(
            select(Workshop.id).where(Workshop.join_code == code).execution_options(all_territories=True)
        )
        if taken is None:
            return code


def open_workshop(workshop: Workshop) -> None:
    """Start the workshop: people can join with its code; the room is on the first step."""
    if workshop.state is WorkshopState.OPEN:
        return
    if not workshop.join_code:
        workshop.join_code = new_join_code()
    workshop.state = WorkshopState.OPEN
    workshop.opened_at = workshop.opened_at or now()
    workshop.closed_at = None
    if workshop.current_step is None and workshop.steps:
        _arrive(workshop, workshop.steps[0])
    bump(workshop, step=True)
    audit.record("workshop.opened", workshop)


def _arrive(workshop: Workshop, step: WorkshopStep) -> None:
    _leave_step(workshop)
    workshop.current_step = step
    step.started_at = now()
    step.extra_minutes = 0


def lock_room(workshop: Workshop) -> None:
    """Hold the workshop's row until the commit, and read its step and state again as they are now.

    Everything that depends on the room's current step (a vote arriving, the room moving on and freezing the
    vote) goes through this first, so the two never interleave: a vote is either counted in the frozen ranking
    or refused, never stored and left out.
    """
    bump(workshop)  # an UPDATE: the row lock on PostgreSQL, the write lock on SQLite
    db.session.refresh(workshop, ["state", "current_step_id", "current_step"])
    if workshop.current_step is not None:
        db.session.refresh(workshop.current_step, ["frozen_at", "results"])


def go_to_step(workshop: Workshop, offset: int) -> None:
    """Move the room ``offset`` steps forward (or back) in the agenda."""
    lock_room(workshop)
    if workshop.state is not WorkshopState.OPEN or not workshop.steps:
        raise Refused("not-open")
    steps = list(workshop.steps)
    index = steps.index(workshop.current_step) if workshop.current_step in steps else -1
    target = min(max(index + offset, 0), len(steps) - 1)
    if target != index:
        _arrive(workshop, steps[target])
        bump(workshop, step=True)


def extend_step(workshop: Workshop, minutes: int) -> None:
    if workshop.current_step is None:
        raise Refused("no-step")
    workshop.current_step.extra_minutes += minutes
    bump(workshop, step=True)


def _leave_step(workshop: Workshop) -> None:
    """The room leaves its current step: a prioritisation step's vote closes, its results frozen."""
    from ..codesign.operations import freeze

    if workshop.current_step is not None and workshop.current_step.kind.prioritises:
        freeze(workshop.current_step)


def close_workshop(workshop: Workshop) -> None:
    """End the workshop: nobody can join or add anything; people keep their return codes."""
    lock_room(workshop)
    _leave_step(workshop)
    workshop.state = WorkshopState.CLOSED
    workshop.closed_at = now()
    bump(workshop, step=True)
    audit.record("workshop.closed", workshop)


# --- participants ---------------------------------------------------------------------------------------


def consent_version(territory: Territory) -> str:
    """A short fingerprint of the consent text as it reads now, recorded with each participant's consent."""
    text = json.dumps(territory.consent_text or {}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def join(workshop: Workshop, *, language: str, pseudonym: str, role: ParticipantRole) -> Participant:
    """A person joins: nothing identifying is kept, only what they chose to say."""
    if workshop.state is not WorkshopState.OPEN:
        raise Refused("closed")
    participant = Participant(
        territory_id=workshop.territory_id,
        workshop_id=workshop.id,
        pseudonym=pseudonym,
        role=role,
        languages=[language],
        consent_version=consent_version(workshop.process.territory),
    )
    db.session.add(participant)
    bump(workshop)
    return participant


def _digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def issue_return_code(participant: Participant) -> str:
    """A new personal return code for ``participant``; only its digest is stored, so it is shown once."""
    code = _random_code(RETURN_CODE_LENGTH)
    participant.return_code_digest = _digest(code)
    return code


def participant_with_return_code(code: str) -> Participant | None:
    code = normalise_code(code)
    if len(code) != RETURN_CODE_LENGTH:
        return None
    return db.session.scalar(
        select(Participant)
        .where(Participant.return_code_digest == _digest(code))
        .execution_options(all_territories=True)
    )


# --- services -------------------------------------------------------------------------------------------


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


def already_sent(model, submission_key: str | None):
    """The row a form with this submission key already stored, if any (a form sent twice is stored once)."""
    if not submission_key:
        return None
    return db.session.scalar(select(model).where(model.submission_key == submission_key))


def candidates(process: Process) -> list[ServiceCandidate]:
    """The visible candidates of a process (neither hidden nor merged)."""
    return list(
        db.session.scalars(
            select(ServiceCandidate)
            .where(
                ServiceCandidate.process_id == process.id,
                ServiceCandidate.hidden.is_(False),
                ServiceCandidate.merged_into_id.is_(None),
            )
            .options(db.selectinload(ServiceCandidate.service), db.selectinload(ServiceCandidate.reasons))
            .order_by(ServiceCandidate.id)
        )
    )


def lock_ballot(participant: Participant) -> None:
    """Serialise the ballots of one participant: requests that race (two taps, two tabs) are applied one after
    the other, so that together they never exceed the limits."""
    db.session.execute(select(Participant.id).where(Participant.id == participant.id).with_for_update())


def checked_dots(
    workshop: Workshop, allocation: dict[int, int], allowed: set[int], per_item: str
) -> dict[int, int]:
    """The dots of ``allocation`` (id -> dots) that count, once they are within the workshop's limits;
    :class:`Refused` says which limit (``per_item`` names the one on a single item) otherwise."""
    allocation = {item: dots for item, dots in allocation.items() if dots}
    if any(item not in allowed for item in allocation):
        raise Refused("unknown")
    if any(dots < 0 or dots > workshop.dots_per_service for dots in allocation.values()):
        raise Refused(per_item)
    if sum(allocation.values()) > workshop.dots_per_participant:
        raise Refused("total")
    return allocation


def votes_of(participant: Participant) -> dict[int, int]:
    rows = db.session.execute(
        select(DotVote.candidate_id, DotVote.dots).where(DotVote.participant_id == participant.id)
    ).all()
    return {candidate_id: dots for candidate_id, dots in rows}


def cast_votes(workshop: Workshop, participant: Participant, allocation: dict[int, int]) -> None:
    """Replace the participant's dots with ``allocation`` (candidate id -> dots), within the workshop's limits."""
    lock_room(workshop)
    if workshop.state is not WorkshopState.OPEN:
        raise Refused("closed")
    lock_ballot(participant)
    allowed = {candidate.id for candidate in candidates(workshop.process)}
    allocation = checked_dots(workshop, allocation, allowed, per_item="per-service")
    db.session.execute(
        DotVote.__table__.delete().where(DotVote.participant_id == participant.id),
    )
    for candidate_id, dots in allocation.items():
        db.session.add(
            DotVote(
                territory_id=workshop.territory_id,
                workshop_id=workshop.id,
                participant_id=participant.id,
                candidate_id=candidate_id,
                dots=dots,
            )
        )
    bump(workshop)


@dataclass
class Ranked:
    rank: int
    candidate: ServiceCandidate
    dots: int
    voters: int
    tied: bool


def ranking(process: Process) -> list[Ranked]:
    """Visible candidates by dots received, most first; equal dots share a rank and are marked as tied."""
    items = candidates(process)
    ids = [candidate.id for candidate in items]
    rows = db.session.execute(
        select(DotVote.candidate_id, func.sum(DotVote.dots), func.count(DotVote.participant_id.distinct()))
        .where(DotVote.candidate_id.in_(ids))
        .group_by(DotVote.candidate_id)
    ).all()
    totals = {candidate_id: int(dots or 0) for candidate_id, dots, _ in rows}
    voters = {candidate_id: count for candidate_id, _, count in rows}
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
    from ..services.models import GovernmentLevel, Sector

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


# --- barriers -------------------------------------------------------------------------------------------


def save_barrier(
    barrier: Barrier,
    *,
    service: Service,
    categories: list[BarrierCategory],
    text: str,
    language: str,
    frequency,
    severity,
    groups_affected: str,
    testimony: str,
    may_quote: bool = True,
    workshop: Workshop | None = None,
) -> Barrier:
    """Store a new barrier or the author's changes to it, with its optional testimony."""
    barrier.service_id = service.id
    barrier.categories = categories
    barrier.text = text
    barrier.language = language
    barrier.frequency = frequency
    barrier.severity = severity
    barrier.groups_affected = groups_affected
    if barrier.id is not None:
        barrier.updated_at = now()
    db.session.add(barrier)
    own = [t for t in barrier.testimonies if t.participant_id == barrier.participant_id]
    if testimony:
        if own:
            own[0].text, own[0].language, own[0].may_quote = testimony, language, may_quote
        else:
            barrier.testimonies.append(
                Testimony(
                    territory_id=barrier.territory_id,
                    process_id=barrier.process_id,
                    kind=EvidenceKind.TESTIMONY,
                    text=testimony,
                    language=language,
                    participant_id=barrier.participant_id,
                    may_quote=may_quote,
                )
            )
    else:
        for item in own:
            barrier.testimonies.remove(item)
            db.session.delete(item)
    if workshop is not None:
        bump(workshop)
    return barrier


def withdraw_barrier(barrier: Barrier, workshop: Workshop | None) -> None:
    """Its author withdraws a barrier: it counts no more, and its words are erased (see toolkit.retention)."""
    from ..retention.withdrawal import withdraw_barrier as withdraw_and_erase

    withdraw_and_erase(barrier)
    if workshop is not None:
        bump(workshop)


def support_barrier(barrier: Barrier, participant: Participant, workshop: Workshop) -> None:
    """ "This happens to me too": once per participant and barrier; a second time takes it back."""
    existing = db.session.scalar(
        select(BarrierSupport).where(
            BarrierSupport.barrier_id == barrier.id, BarrierSupport.participant_id == participant.id
        )
    )
    if existing is not None:
        db.session.delete(existing)
    else:
        db.session.add(
            BarrierSupport(
                territory_id=barrier.territory_id, barrier_id=barrier.id, participant_id=participant.id
            )
        )
    bump(workshop)


def moderate_barrier(barrier: Barrier, status: BarrierStatus, reason: str = "") -> None:
    barrier.status = status
    barrier.hidden_reason = reason if status is BarrierStatus.HIDDEN else ""
    if status is not BarrierStatus.MERGED:
        barrier.merged_into_id = None
    audit.record(f"barrier.{status.value}", barrier)
    _bump_for(barrier)


def merge_barriers(duplicate: Barrier, survivor: Barrier) -> None:
    """Fold a duplicate into another barrier of the same service: supports and evidence follow the survivor."""
    if duplicate.id == survivor.id or survivor.service_id != duplicate.service_id or not survivor.is_visible:
        raise Refused("merge")
    supporters = {support.participant_id for support in survivor.supports}
    if duplicate.participant_id and duplicate.participant_id not in supporters:
        supporters.add(duplicate.participant_id)
        survivor.supports.append(
            BarrierSupport(territory_id=survivor.territory_id, participant_id=duplicate.participant_id)
        )
    for support in list(duplicate.supports):
        if support.participant_id not in supporters and support.participant_id != survivor.participant_id:
            supporters.add(support.participant_id)
            survivor.supports.append(
                BarrierSupport(territory_id=survivor.territory_id, participant_id=support.participant_id)
            )
    duplicate.supports.clear()
    for testimony in list(duplicate.testimonies):
        if testimony not in survivor.testimonies:
            survivor.testimonies.append(testimony)
    for category in duplicate.categories:
        if category not in survivor.categories:
            survivor.categories.append(category)
    _move_proposal_links(duplicate, survivor)
    duplicate.status = BarrierStatus.MERGED
    duplicate.merged_into_id = survivor.id
    audit.record("barrier.merged", duplicate, into=survivor.id)
    _bump_for(survivor)


def _move_proposal_links(duplicate: Barrier, survivor: Barrier) -> None:
    """Proposals that answered the duplicate answer the barrier kept."""
    from ..codesign.models import proposal_barriers

    links = proposal_barriers.c
    answering = set(db.session.scalars(select(links.proposal_id).where(links.barrier_id == survivor.id)))
    moved = set(db.session.scalars(select(links.proposal_id).where(links.barrier_id == duplicate.id)))
    db.session.execute(proposal_barriers.delete().where(links.barrier_id == duplicate.id))
    if moved - answering:
        db.session.execute(
            proposal_barriers.insert(),
            [{"proposal_id": pid, "barrier_id": survivor.id} for pid in sorted(moved - answering)],
        )


def recategorise(barrier: Barrier, categories: list[BarrierCategory]) -> None:
    barrier.categories = categories
    audit.record("barrier.recategorised", barrier, categories=[c.id for c in categories])
    _bump_for(barrier)


def _bump_for(barrier: Barrier) -> None:
    if barrier.workshop_id is not None:
        workshop = db.session.get(Workshop, barrier.workshop_id)
        if workshop is not None:
            bump(workshop)


def evidence_count(barrier: Barrier) -> int:
    """How many people the barrier speaks for: its author and everyone who said "me too"."""
    return 1 + len(barrier.supports)
