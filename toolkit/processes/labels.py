"""Names of the method's phases and of the kinds of workshop steps, in the interface language."""

from flask_babel import lazy_gettext as _l

from .models import Phase, StepKind

PHASES = {
    Phase.SETUP: _l("Set-up"),
    Phase.SERVICES: _l("Choosing the services"),
    Phase.BARRIERS: _l("Mapping barriers"),
    Phase.CODESIGN: _l("Co-design"),
    Phase.RECOMMENDATIONS: _l("Recommendations"),
    Phase.FOLLOW_UP: _l("Follow-up"),
}

STEP_KINDS = {
    StepKind.WELCOME: _l("Welcome and consent"),
    StepKind.SERVICE_PROPOSALS: _l("Proposing services"),
    StepKind.SERVICE_VOTING: _l("Voting on services"),
    StepKind.BARRIER_ROUND: _l("Describing barriers"),
    StepKind.PROPOSAL_ROUND: _l("Writing proposals"),
    StepKind.PROPOSAL_VOTING: _l("Voting on proposals (dots)"),
    StepKind.PROPOSAL_GRID: _l("Impact and effort grid"),
    StepKind.SYNTHESIS: _l("Synthesis"),
    StepKind.BREAK: _l("Break"),
    StepKind.OTHER: _l("Other activity"),
}
