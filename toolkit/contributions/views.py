"""What a participant, or an association, does later with what they wrote: "mine" on the phone, the personal
return code (issuing it, coming back with it, erasing everything with it), and withdrawing one contribution.

Withdrawing erases the words (see :mod:`toolkit.retention.withdrawal`); documents already issued keep them as
they were, and the confirmation page says so first.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import Permission, Rule, access, admit_return_code_holder, form_page
from ..barriers.models import Barrier
from ..codesign.models import Proposal
from ..extensions import db
from ..forms import render_form
from ..ownership import own_contribution_or_403
from ..qr import qr_data_uri
from ..recommendations.operations import review_is_open
from ..retention.common import first_issue_holding
from ..retention.erasure import erase_participant, participant_data
from ..retention.forms import EraseWithCodeForm
from ..retention.withdrawal import withdraw_barrier as erase_barrier
from ..retention.withdrawal import withdraw_proposal as erase_proposal
from ..workshops import codes
from ..workshops.forms import ReturnCodeForm
from ..workshops.models import Participant, ServiceProposal, Workshop
from ..workshops.phones import forget, participant_required, remember, too_many_codes, wrong_code_limited
from ..workshops.room import bump_workshop
from ..workshops.service_choice import candidates, votes_of
from .panels import panels_for

bp = Blueprint("contributions", __name__)


# --- withdrawing ---------------------------------------------------------------------------------------------


def confirm_withdrawal(record, *, withdraw, action: str, back: str, template: str, **context):
    """The confirmation page of a withdrawal (GET), or the withdrawal itself (POST), with a message that says
    what became of the words and of the documents already issued."""
    if record.status.value == "withdrawn":
        flash(_("This contribution is already withdrawn: its words are erased."), "info")
        return redirect(back)
    issued = first_issue_holding(record)
    if request.method == "GET":
        return render_template(template, record=record, issued=issued, action=action, back=back, **context)
    withdraw()
    db.session.commit()
    message = _("Your contribution is withdrawn and its words are erased from the toolkit.")
    if issued is not None:
        message += " " + _(
            "The documents already issued on %(date)s keep it as they were.",
            date=format_date(issued.issued_at, "long"),
        )
    flash(message, "success")
    return redirect(back)


def _withdraw_barrier(barrier: Barrier) -> None:
    erase_barrier(barrier)
    bump_workshop(barrier.workshop_id)


@bp.route("/w/<workshop_code>/barriers/<int:barrier_id>/withdraw", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
@participant_required
def withdraw_barrier(barrier_id: int, workshop: Workshop, participant: Participant):
    """Withdraw a barrier: the page first says what withdrawing does (and whether issued documents already hold
    it); the button erases its words."""
    barrier = own_contribution_or_403(Barrier, barrier_id, participant)
    return confirm_withdrawal(
        barrier,
        withdraw=lambda: _withdraw_barrier(barrier),
        action=url_for("contributions.withdraw_barrier", barrier_id=barrier.id),
        back=url_for("contributions.mine"),
        template="contributions/withdraw.html",
        workshop=workshop,
        participant=participant,
    )


@bp.route("/w/<workshop_code>/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
@participant_required
def withdraw_proposal(proposal_id: int, workshop: Workshop, participant: Participant):
    """Withdraw a proposal: first what withdrawing does (and whether issued documents stand on it), then the
    button that erases its words."""
    proposal = own_contribution_or_403(Proposal, proposal_id, participant)
    return confirm_withdrawal(
        proposal,
        withdraw=lambda: erase_proposal(proposal),
        action=url_for("contributions.withdraw_proposal", proposal_id=proposal.id),
        back=url_for("contributions.mine"),
        template="contributions/withdraw.html",
        workshop=workshop,
        participant=participant,
    )


@bp.route(
    "/t/<territory_slug>/processes/<int:process_id>/our-input/<int:barrier_id>/withdraw",
    methods=["GET", "POST"],
)
@access(Permission.SUBMIT_INPUT)
def withdraw_organisation_barrier(process_id: int, barrier_id: int):
    """An association withdraws a barrier it sent: the page says first what withdrawing does (and whether issued
    documents already hold it); the button erases its words."""
    barrier = db.get_or_404(Barrier, barrier_id)
    organisation = current_user.organisation_in(g.territory)
    if barrier.process_id != process_id or organisation is None or barrier.organisation_id != organisation.id:
        abort(404)
    return confirm_withdrawal(
        barrier,
        withdraw=lambda: _withdraw_barrier(barrier),
        action=url_for(
            "contributions.withdraw_organisation_barrier", process_id=process_id, barrier_id=barrier.id
        ),
        back=url_for("barriers.organisation_input", process_id=process_id),
        template="contributions/organisation_withdraw.html",
        process=barrier.process,
        organisation=organisation,
    )


# --- my contributions, and the return code -----------------------------------------------------------------


@bp.get("/w/<workshop_code>/mine")
@access(Rule.PARTICIPANT)
@participant_required
def mine(workshop: Workshop, participant: Participant):
    """What the participant wrote, and what later phases bring back to them (the panels: see ``panels.py``)."""
    barriers = db.session.scalars(
        select(Barrier)
        .where(Barrier.participant_id == participant.id)
        .options(
            selectinload(Barrier.categories), selectinload(Barrier.service), selectinload(Barrier.testimonies)
        )
        .order_by(Barrier.created_at, Barrier.id)
    ).all()
    proposals = db.session.scalars(
        select(ServiceProposal)
        .where(ServiceProposal.participant_id == participant.id)
        .order_by(ServiceProposal.id)
    ).all()
    my_proposals = db.session.scalars(
        select(Proposal).where(Proposal.participant_id == participant.id).order_by(Proposal.id)
    ).all()
    votes = votes_of(participant)
    panels, panel_context = panels_for(participant)
    return render_template(
        "contributions/mine.html",
        panels=panels,
        **panel_context,
        review_open=review_is_open(workshop.process),
        my_proposals=my_proposals,
        workshop=workshop,
        participant=participant,
        barriers=barriers,
        proposals=proposals,
        voted=[(c, votes[c.id]) for c in candidates(workshop.process) if c.id in votes],
    )


@bp.post("/w/<workshop_code>/return-code")
@access(Rule.PARTICIPANT)
@participant_required
def issue_return_code(workshop: Workshop, participant: Participant):
    """Make (or remake) the personal return code; it is shown once, as text and as a QR code."""
    code = codes.issue_return_code(participant)
    db.session.commit()
    formatted = codes.format_code(code, 4)
    link = url_for("contributions.return_code", code=formatted, _external=True)
    return render_template(
        "contributions/return_code.html",
        workshop=workshop,
        participant=participant,
        code=formatted,
        link=link,
        qr=qr_data_uri(link, scale=6),
    )


def _holder_of(code: str) -> Participant | None:
    """The participant a return code names; the request may then read their territory."""
    participant = codes.participant_with_return_code(code)
    if participant is not None:
        admit_return_code_holder(participant)
    return participant


@bp.route("/return", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
def return_code():
    """Come back later with the return code: see and change one's contributions."""
    if request.method == "GET" and "code" in request.args:
        # The link under the QR code: the code is filled in, the person confirms.
        form = ReturnCodeForm(request.args, meta={"csrf": False})
        return render_template("contributions/enter_return_code.html", form=form)
    form = ReturnCodeForm()
    if form.validate_on_submit():
        participant = _holder_of(form.code.data)
        if participant is None:
            return _unknown_return_code(form)
        if request.form.get("erase"):
            return _erasure_page(participant, form.code.data)
        remember(participant)
        return redirect(url_for("contributions.mine", workshop_code=participant.workshop.join_code))
    return render_form("contributions/enter_return_code.html", form)


def _unknown_return_code(form):
    if wrong_code_limited():
        return too_many_codes(form, "contributions/enter_return_code.html")
    form.code.errors = [
        *form.code.errors,
        _("This return code is not known. Check the letters and try again."),
    ]
    return render_template("contributions/enter_return_code.html", form=form), 404


def _erasure_page(participant: Participant, code: str):
    """What erasing will remove, and what issued documents already hold, before the person confirms."""
    return render_template(
        "contributions/erase_confirm.html",
        data=participant_data(participant),
        form=EraseWithCodeForm(formdata=None, data={"code": code}),
        workshop=participant.workshop,
    )


@bp.post("/return/erase")
@access(Rule.PUBLIC)
@form_page
def erase_contributions():
    """Erase everything the holder of a return code wrote, their nickname and the return code itself."""
    form = EraseWithCodeForm()
    if not form.validate_on_submit():
        # An expired page or a missing code: type the code again, nothing was erased.
        typed = ReturnCodeForm(formdata=None, data={"code": form.code.data or ""})
        typed.form_errors = [_("Nothing was erased. Type your return code again to erase what you wrote.")]
        return render_template("contributions/enter_return_code.html", form=typed), 400
    participant = _holder_of(form.code.data)
    if participant is None:
        return _unknown_return_code(ReturnCodeForm(formdata=None, data={"code": form.code.data}))
    workshop = participant.workshop
    counts = erase_participant(participant)
    db.session.commit()
    forget(participant)
    return render_template("contributions/erased.html", counts=counts, workshop=workshop)
