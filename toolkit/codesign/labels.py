"""Names of feasibility verdicts, proposal statuses and the grid's scales, in the interface language."""

from flask_babel import lazy_gettext as _l

from .models import Feasibility, ProposalStatus

FEASIBILITY = {
    Feasibility.FEASIBLE_NOW: _l("Feasible now"),
    Feasibility.NEEDS_RESOURCES: _l("Needs resources"),
    Feasibility.NOT_OUR_COMPETENCE: _l("Not our competence"),
}

PROPOSAL_STATUSES = {
    ProposalStatus.NEW: _l("Visible"),
    ProposalStatus.HIDDEN: _l("Hidden by the facilitator"),
    ProposalStatus.WITHDRAWN: _l("Withdrawn by its author"),
}

#: The grid's scales, from 1 (low) to 3 (high).
IMPACT_LEVELS = {3: _l("Helps a lot"), 2: _l("Helps somewhat"), 1: _l("Helps a little")}
EFFORT_LEVELS = {1: _l("Easy to do"), 2: _l("Some effort"), 3: _l("Hard to do")}
