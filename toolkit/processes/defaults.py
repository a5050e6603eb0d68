"""The agenda every new territory starts with: the default steps of a workshop, in the ten interface languages
(``services/default_catalogue.json``), which coordinators then edit."""

from __future__ import annotations

from ..extensions import db
from ..services.defaults import AGENDA_STEPS
from ..territories.models import Territory
from ..territories.operations import territory_created
from .models import StepKind, StepTemplate


@territory_created.connect
def give_default_agenda(territory: Territory) -> None:
    """A new territory's agenda step templates, in the default order."""
    for position, step in enumerate(AGENDA_STEPS, start=1):
        db.session.add(
            StepTemplate(
                territory_id=territory.id,
                position=position,
                kind=StepKind(step.kind),
                title=dict(step.title),
                instructions=dict(step.instructions),
                minutes=step.minutes,
            )
        )
