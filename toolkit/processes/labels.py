"""Names of phases, workshop states and barrier scales, in the interface language."""

from flask_babel import lazy_gettext as _l

from ..barriers.models import BarrierStatus, EvidenceKind, Frequency, Severity
from .models import ParticipantRole, Phase, StepKind, WorkshopState

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

WORKSHOP_STATES = {
    WorkshopState.PLANNED: _l("Planned"),
    WorkshopState.OPEN: _l("Open"),
    WorkshopState.CLOSED: _l("Closed"),
}

FREQUENCIES = {
    Frequency.RARELY: _l("Rarely"),
    Frequency.SOMETIMES: _l("Sometimes"),
    Frequency.OFTEN: _l("Often"),
    Frequency.ALWAYS: _l("Every time"),
}

SEVERITIES = {
    Severity.MINOR: _l("Minor"),
    Severity.SERIOUS: _l("Serious"),
    Severity.VERY_SERIOUS: _l("Very serious"),
    Severity.BLOCKS_ACCESS: _l("Blocks access"),
}

EVIDENCE_KINDS = {
    EvidenceKind.TESTIMONY: _l("Testimony"),
    EvidenceKind.OBSERVATION: _l("Observation"),
    EvidenceKind.SURVEY_ANSWER: _l("Survey answer"),
    EvidenceKind.DOCUMENT: _l("Document"),
}

PARTICIPANT_ROLES = {
    ParticipantRole.RESIDENT: _l("Resident"),
    ParticipantRole.ASSOCIATION_MEMBER: _l("Member of an association"),
    ParticipantRole.OPERATOR: _l("Staff of a public service"),
}

BARRIER_STATUSES = {
    BarrierStatus.NEW: _l("Received"),
    BarrierStatus.KEPT: _l("Kept"),
    BarrierStatus.MERGED: _l("Joined with a similar one"),
    BarrierStatus.HIDDEN: _l("Hidden"),
    BarrierStatus.WITHDRAWN: _l("Withdrawn"),
}
