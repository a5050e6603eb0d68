"""Names of the barrier scales, statuses and kinds of evidence, in the interface language."""

from flask_babel import lazy_gettext as _l

from .models import BarrierStatus, EvidenceKind, Frequency, Severity

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

BARRIER_STATUSES = {
    BarrierStatus.NEW: _l("Received"),
    BarrierStatus.KEPT: _l("Kept"),
    BarrierStatus.MERGED: _l("Joined with a similar one"),
    BarrierStatus.HIDDEN: _l("Hidden"),
    BarrierStatus.WITHDRAWN: _l("Withdrawn"),
}
