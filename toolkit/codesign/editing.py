"""Saving a proposal that several people edit together: a save made on an older version is refused, and the
person sees the version saved meanwhile next to what they typed."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..forms import database_int, saving
from . import operations
from .forms import ProposalForm
from .models import Proposal


@dataclass
class EditOutcome:
    saved: bool = False
    #: What is stored now, when someone else saved in between.
    conflict: Proposal | None = None


def store_once(form: ProposalForm, proposal: Proposal, editor_id: int | None = None) -> bool:
    """Store the new proposal of a valid form once, however many times the form is sent (a double tap, a
    resend after a timeout, two sends at the same moment)."""
    key = form.submission_key.data or None
    if operations.proposal_sent_before(key) is not None:
        return True
    proposal.submission_key = key
    try:
        with saving(form) as outcome:
            operations.save_proposal(
                proposal,
                barriers=form.chosen_barriers,
                language=form.language.data,
                editor_id=editor_id,
                **form.texts(),
            )
    except IntegrityError:
        db.session.rollback()
        return operations.proposal_sent_before(key) is not None
    return outcome.saved


def start_editing(form: ProposalForm, proposal: Proposal) -> None:
    """Fill a form that is shown (not sent) with the proposal's barriers and the version it starts from."""
    if not form.is_submitted():
        form.barriers.data = [barrier.id for barrier in proposal.barriers]
        form.version.data = str(proposal.version)


def save_edit(form: ProposalForm, proposal: Proposal, editor_id: int | None = None) -> EditOutcome:
    """Save a valid edit form; on a conflict, nothing changes and the form moves to the current version, so that
    sending it again replaces that version knowingly."""
    started_from = database_int(form.version.data) or 0
    result = EditOutcome()
    try:
        with saving(form) as outcome:
            operations.save_proposal(
                proposal,
                barriers=form.chosen_barriers,
                language=form.language.data,
                editor_id=editor_id,
                expected_version=started_from,
                **form.texts(),
            )
    except (operations.EditConflict, StaleDataError):
        # The version check of the form, or the database's own check when two saves race past it.
        db.session.rollback()
        result.conflict = db.session.get(Proposal, proposal.id, populate_existing=True)
        form.version.data = str(result.conflict.version)
        form.form_errors.append(
            _("Someone else saved this proposal while you were editing it. Nothing was overwritten.")
        )
    else:
        result.saved = outcome.saved
    return result
