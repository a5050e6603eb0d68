"""Running a workshop: its agenda, opening it, moving the room through the steps, closing it, and people joining.
Views call these and commit; nothing here commits."""

from __future__ import annotations

import hashlib
import json

from .. import audit
from ..database import move_in_order
from ..extensions import db
from ..processes.models import StepTemplate
from ..territories.models import Territory
from . import steps
from .codes import new_join_code
from .models import Participant, ParticipantRole, Workshop, WorkshopState, WorkshopStep
from .room import Refused, bump, lock_room, now


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


def open_workshop(workshop: Workshop) -> None:
    """Start the workshop: people can join with its code; the room is on the first step."""
    if workshop.state is WorkshopState.OPEN:
        return
    if not workshop.join_code:  # workshops planned before codes were given at planning
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
    """The room leaves its current step: whatever its kind does then (a vote closes, its results frozen)."""
    steps.leave(workshop.current_step)


def close_workshop(workshop: Workshop) -> None:
    """End the workshop: nobody can join or add anything; people keep their return codes."""
    lock_room(workshop)
    _leave_step(workshop)
    workshop.state = WorkshopState.CLOSED
    workshop.closed_at = now()
    bump(workshop, step=True)
    audit.record("workshop.closed", workshop)


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


def save_workshop(workshop: Workshop, templates: list[StepTemplate] = ()) -> None:
    """Store a new workshop or the changes to one. A new one gets its join code now, so that its poster can be
    printed before the day, and an agenda copied from ``templates``."""
    is_new = workshop.id is None
    if not workshop.join_code:
        workshop.join_code = new_join_code()
    db.session.add(workshop)
    db.session.flush()
    if is_new:
        build_agenda(workshop, list(templates))
    bump(workshop, step=True)
    audit.record("workshop.created" if is_new else "workshop.updated", workshop)
