"""What of co-design translators translate: a proposal, and the reason a facilitator gave for hiding one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from ..translating.models import SourceKind
from ..translating.sources import Source, TextField, hidden_reason, register
from .models import Proposal, ProposalStatus


def _visible_proposals(process_id: int) -> Select:
    return select(Proposal).where(Proposal.process_id == process_id, Proposal.status == ProposalStatus.NEW)


register(
    Source(
        SourceKind.PROPOSAL,
        Proposal,
        (
            TextField("change", _l("What should change")),
            TextField("who_acts", _l("Who acts"), 300),
            TextField("resources", _l("What it needs")),
            TextField("timeline", _l("By when"), 300),
            TextField("expected_effect", _l("What it changes, for whom")),
        ),
        _l("Proposal"),
        _visible_proposals,
        lambda proposal: proposal.workshop_id,
    ),
    hidden_reason(
        SourceKind.PROPOSAL_HIDDEN, Proposal, ProposalStatus.HIDDEN, _l("Reason for hiding a proposal")
    ),
)
