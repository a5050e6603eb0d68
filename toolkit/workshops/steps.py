"""What each kind of step shows and does: the step registry.

A feature that brings a kind of workshop step (choosing services, describing barriers, co-design) registers a
:class:`StepScreen` for it when its module is imported; the room asks the registry, and never imports the
feature. A kind nobody registered (welcome, break, other) shows its title and instructions only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..processes.models import StepKind
from .models import Participant, Workshop, WorkshopStep

#: ``phone(workshop, participant, step, forms)``: what the phone's template needs during the step; ``forms``
#: holds what the person sent when it comes back with errors (a form, typed dots...).
PhoneContext = Callable[[Workshop, Participant, WorkshopStep, dict], dict]
#: ``board(workshop, step)``: what the projector's board and the cockpit need during the step.
BoardContext = Callable[[Workshop, WorkshopStep], dict]


@dataclass(frozen=True)
class StepScreen:
    """How the room shows one kind of step, and what happens when it leaves it."""

    kind: StepKind
    #: The part of the phone's step page for this kind, and its context.
    phone_template: str | None = None
    phone: PhoneContext | None = None
    #: The part of the projector's board for this kind, and its context (the cockpit shows it too).
    board_template: str | None = None
    board: BoardContext | None = None
    #: Called when the room leaves the step (or the workshop closes on it): a vote freezes its results.
    leave: Callable[[WorkshopStep], None] | None = None


@dataclass
class Registry:
    screens: dict[StepKind, StepScreen] = field(default_factory=dict)
    #: What the cockpit shows whatever the step: ``(order, template, context(workshop))`` per feature.
    cockpit_panels: list[tuple[int, str, Callable[[Workshop], dict]]] = field(default_factory=list)


REGISTRY = Registry()


def register(*screens: StepScreen) -> None:
    """Make the room show these kinds of step with these screens."""
    for screen in screens:
        REGISTRY.screens[screen.kind] = screen


def register_cockpit_panel(template: str, context: Callable[[Workshop], dict], order: int) -> None:
    """Add a panel to every workshop's cockpit (e.g. how many barriers arrived, with a link to moderate),
    shown by ``order``; its template reads ``context(workshop)``."""
    panels = [panel for panel in REGISTRY.cockpit_panels if panel[1] != template]
    REGISTRY.cockpit_panels = sorted([*panels, (order, template, context)], key=lambda panel: panel[0])


def screen_for(kind: StepKind | None) -> StepScreen | None:
    return REGISTRY.screens.get(kind) if kind is not None else None


def phone_part(workshop: Workshop, participant: Participant, step: WorkshopStep | None, forms: dict):
    """The template of the step's part of the phone page and its context (``(None, {})`` for a plain step)."""
    screen = screen_for(step.kind if step else None)
    if screen is None or screen.phone_template is None:
        return None, {}
    context = screen.phone(workshop, participant, step, forms) if screen.phone else {}
    return screen.phone_template, context


def board_part(workshop: Workshop, step: WorkshopStep | None):
    """The template of the step's part of the projector's board and its context (``(None, {})`` if none)."""
    screen = screen_for(step.kind if step else None)
    if screen is None or screen.board_template is None:
        return None, {}
    return screen.board_template, screen.board(workshop, step) if screen.board else {}


def cockpit_panels(workshop: Workshop) -> tuple[list[str], dict]:
    """The templates of the cockpit's panels, in order, and what they read for ``workshop``."""
    context: dict = {}
    for _order, _template, panel_context in REGISTRY.cockpit_panels:
        context.update(panel_context(workshop))
    return [template for _order, template, _context in REGISTRY.cockpit_panels], context


def leave(step: WorkshopStep | None) -> None:
    """The room leaves ``step``: whatever its kind does then (a vote freezes)."""
    screen = screen_for(step.kind if step else None)
    if screen is not None and screen.leave is not None:
        screen.leave(step)
