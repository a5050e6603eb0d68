"""What later phases add to a participant's "my contributions" page: the panel registry.

A feature above this one (the bodies' answers to the recommendations a participant's words led to) registers a
panel when its module is imported; the page asks the registry and never imports the feature. A panel reads only
what the participant of the page admits: it is given that participant, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from ..workshops.models import Participant

#: ``(order, template, context(participant))`` per feature, by ``order``.
PANELS: list[tuple[int, str, Callable[[Participant], dict]]] = []


def register_panel(template: str, context: Callable[[Participant], dict], order: int) -> None:
    """Add a panel to every participant's page, shown by ``order``; its template reads ``context(participant)``
    (registering the same template again replaces it)."""
    kept = [panel for panel in PANELS if panel[1] != template]
    PANELS[:] = sorted([*kept, (order, template, context)], key=lambda panel: panel[0])


def panels_for(participant: Participant) -> tuple[list[str], dict]:
    """The templates of the panels, in order, and what they read for ``participant``."""
    context: dict = {}
    for _order, _template, panel_context in PANELS:
        context.update(panel_context(participant))
    return [template for _order, template, _context in PANELS], context
