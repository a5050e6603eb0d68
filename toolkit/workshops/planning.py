"""Planning a workshop: what its form starts with, and the form's answers applied to the workshop."""

from __future__ import annotations

from datetime import datetime, time

from ..processes.models import Phase, Process, StepKind, StepTemplate
from .forms import WorkshopForm
from .models import Workshop

#: The steps a new workshop of each phase starts with ticked; the facilitator ticks or unticks the others.
PHASE_STEPS = {
    Phase.SERVICES: {
        StepKind.WELCOME,
        StepKind.SERVICE_PROPOSALS,
        StepKind.SERVICE_VOTING,
        StepKind.BREAK,
        StepKind.SYNTHESIS,
        StepKind.OTHER,
    },
    Phase.BARRIERS: {
        StepKind.WELCOME,
        StepKind.BARRIER_ROUND,
        StepKind.BREAK,
        StepKind.SYNTHESIS,
        StepKind.OTHER,
    },
    Phase.CODESIGN: {
        StepKind.WELCOME,
        StepKind.PROPOSAL_ROUND,
        StepKind.PROPOSAL_VOTING,
        StepKind.PROPOSAL_GRID,
        StepKind.BREAK,
        StepKind.OTHER,
    },
}


def new_workshop(process: Process) -> Workshop:
    """A workshop of ``process`` to plan: on the phase the process is in (choosing services before it starts),
    with the usual numbers of dots, so that its form shows them."""
    columns = Workshop.__table__.c
    return Workshop(
        territory_id=process.territory_id,
        process_id=process.id,
        phase=process.phase if process.phase is not Phase.SETUP else Phase.SERVICES,
        dots_per_participant=columns.dots_per_participant.default.arg,
        dots_per_service=columns.dots_per_service.default.arg,
    )


def workshop_form_data(form: WorkshopForm, workshop: Workshop, templates: list[StepTemplate]) -> None:
    """Fill the form of a workshop shown for the first time: its phase, day and time, and the steps of a new
    agenda suggested for its phase."""
    form.phase.data = workshop.phase.value
    if workshop.starts_at:
        local = workshop.starts_at
        form.day.data, form.time.data = local.date(), local.time().replace(second=0, microsecond=0)
    suggested = PHASE_STEPS.get(workshop.phase, set(StepKind))
    form.steps.data = [t.id for t in templates if t.kind in suggested]


def apply_workshop_form(form: WorkshopForm, workshop: Workshop) -> None:
    """Copy a valid form's answers onto the workshop (see ``operations.save_workshop`` to store it)."""
    workshop.title = form.title.data
    workshop.phase = Phase(form.phase.data)
    workshop.place = form.place.data or ""
    workshop.starts_at = (
        datetime.combine(form.day.data, form.time.data or time(0, 0)) if form.day.data else None
    )
    workshop.dots_per_participant = form.dots_per_participant.data
    workshop.dots_per_service = form.dots_per_service.data
