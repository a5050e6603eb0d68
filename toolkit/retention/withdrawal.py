"""Withdrawal that erases.

A contribution withdrawn by its author (a participant, or an association for its own input) loses its words:
the description, who is affected, the story, the reason a facilitator gave for hiding it, and every
translation and machine request of them. The row stays, without words, so that the author's list says
"withdrawn", the proposals and recommendations that answered it keep their links, and issued versions keep
the ids they name; withdrawn records count nowhere.
"""

from __future__ import annotations

from .. import audit
from ..barriers.models import Barrier, BarrierStatus
from ..codesign.models import Proposal, ProposalStatus
from ..translating.models import SourceKind
from ..workshops.models import ServiceProposal
from .common import delete_testimonies, drop_translations, now, own_testimonies

PROPOSAL_TEXTS = ("change", "who_acts", "resources", "timeline", "expected_effect")


def erase_barrier_words(barrier: Barrier) -> dict[str, int]:
    """Erase what the author wrote in a barrier: description, who is affected, their story (and the quotes
    drawn from it), the facilitator's reason for hiding it, and all their translations."""
    testimonies = own_testimonies(barrier)
    quotes = delete_testimonies(testimonies, "erased")
    had_words = bool(barrier.text or barrier.groups_affected)
    barrier.text = ""
    barrier.groups_affected = ""
    barrier.hidden_reason = ""
    translations = drop_translations((SourceKind.BARRIER, SourceKind.BARRIER_HIDDEN), [barrier.id])
    return {
        "barriers": int(had_words),
        "testimonies": len(testimonies),
        "quotes": quotes,
        "translations": translations,
    }


def erase_proposal_words(proposal: Proposal) -> dict[str, int]:
    """Erase what the author wrote in a proposal, the reason a facilitator gave for hiding it, and their
    translations; the barriers it answered, its votes and what operators said of it stay."""
    had_words = any(getattr(proposal, name) for name in PROPOSAL_TEXTS)
    for name in PROPOSAL_TEXTS:
        setattr(proposal, name, "")
    proposal.hidden_reason = ""
    translations = drop_translations((SourceKind.PROPOSAL, SourceKind.PROPOSAL_HIDDEN), [proposal.id])
    return {"proposals": int(had_words), "translations": translations}


def erase_service_reasons(reasons: list[ServiceProposal]) -> None:
    """Erase the reasons given for proposing services, and their translations."""
    for reason in reasons:
        reason.reason = ""
    drop_translations((SourceKind.SERVICE_REASON,), [r.id for r in reasons])


def withdraw_barrier(barrier: Barrier) -> dict[str, int]:
    """The author withdraws a barrier: it counts no more anywhere, and its words are erased."""
    barrier.status = BarrierStatus.WITHDRAWN
    barrier.merged_into_id = None
    barrier.updated_at = now()
    erased = erase_barrier_words(barrier)
    audit.record("barrier.withdrawn", barrier, quotes_removed=erased["quotes"])
    return erased


def withdraw_proposal(proposal: Proposal) -> dict[str, int]:
    """The author withdraws a proposal: nobody sees it any more, and its words are erased."""
    from ..workshops.room import bump_process

    proposal.status = ProposalStatus.WITHDRAWN
    proposal.updated_at = now()
    erased = erase_proposal_words(proposal)
    audit.record("proposal.withdrawn", proposal)
    bump_process(proposal.process_id)
    return erased
