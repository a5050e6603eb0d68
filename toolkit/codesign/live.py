"""Co-design on the participants' phones: writing proposals from the barriers, placing dots on them, placing them
on the impact/effort grid, and the live results of the room."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import Rule, access, form_page
from ..extensions import db
from ..forms import form_status, render_form
from ..processes.models import StepKind
from ..workshops.live import (
    _participant_or_join,
    _step_page,
    _typed_texts,
    _workshop,
    own_contribution,
    send_ballot,
    typed_dots,
)
from ..workshops.models import Participant, Workshop, WorkshopStep
from ..workshops.returning import confirm_withdrawal
from . import operations
from .editing import EditOutcome, save_edit, start_editing, store_once
from .forms import ProposalForm
from .models import Proposal, ProposalStatus

bp = Blueprint("codesign_live", __name__)


def step_context(workshop: Workshop, participant: Participant, step: WorkshopStep, forms: dict) -> dict:
    """What a phone shows during a co-design step."""
    process = workshop.process
    proposals = operations.visible_proposals(process)
    context = {"proposals": proposals}
    if step.kind is StepKind.PROPOSAL_ROUND:
        context["proposal_form"] = forms.get("codesign_form") or ProposalForm(
            formdata=None, barriers=operations.addressable_barriers(process)
        )
    elif step.kind is StepKind.PROPOSAL_VOTING:
        context["results"] = operations.results(step, proposals)
        context["my_votes"] = forms.get("typed_votes") or operations.votes_in(step, participant)
        context["vote_errors"] = forms.get("vote_errors", [])
    elif step.kind is StepKind.PROPOSAL_GRID:
        context["results"] = operations.results(step, proposals)
        context["my_places"] = forms.get("typed_places") or operations.placements_in(step, participant)
        context["vote_errors"] = forms.get("vote_errors", [])
    return context


@bp.post("/w/<workshop_code>/proposals")
@access(Rule.PARTICIPANT)
@form_page
def new_proposal():
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    workshop = _workshop()
    form = ProposalForm(barriers=operations.addressable_barriers(workshop.process))
    step = workshop.current_step
    if not workshop.is_open or step is None or step.kind is not StepKind.PROPOSAL_ROUND:
        # The room moved on (or the form expired as well): the words come back to copy, nothing is lost.
        return _step_page(workshop, participant, 422, unsent=_typed_texts())
    proposal = Proposal(
        territory_id=workshop.territory_id,
        process_id=workshop.process_id,
        workshop_id=workshop.id,
        participant_id=participant.id,
    )
    if form.validate_on_submit() and store_once(form, proposal):
        flash(_("Thank you: your proposal is on the board."), "success")
        return redirect(url_for("live.step"))
    return _step_page(workshop, participant, form_status(form), codesign_form=form)


@bp.route("/w/<workshop_code>/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
@form_page
def edit_proposal(proposal_id: int):
    """The author changes their proposal; when a facilitator changed it meanwhile, both versions are shown."""
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    workshop = _workshop()
    proposal = own_contribution(Proposal, proposal_id, participant)
    if proposal.status is ProposalStatus.WITHDRAWN:
        flash(_("This contribution can no longer be changed."), "error")
        return redirect(url_for("live.mine"))
    form = ProposalForm(obj=proposal, barriers=operations.addressable_barriers(workshop.process))
    start_editing(form, proposal)
    edit = EditOutcome()
    if form.validate_on_submit():
        edit = save_edit(form, proposal)
        if edit.saved:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("live.mine"))
    page = render_form(
        "live/proposal_edit.html", form, workshop=workshop, participant=participant, conflict=edit.conflict
    )
    return (page[0], 409) if edit.conflict is not None else page


@bp.route("/w/<workshop_code>/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
def withdraw_proposal(proposal_id: int):
    """Withdraw a proposal: first what withdrawing does (and whether issued documents stand on it), then the
    button that erases its words."""
    from ..retention.withdrawal import withdraw_proposal as withdraw_and_erase

    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    proposal = own_contribution(Proposal, proposal_id, participant)
    return confirm_withdrawal(
        proposal,
        withdrawn=proposal.status is ProposalStatus.WITHDRAWN,
        withdraw=lambda: withdraw_and_erase(proposal),
        action=url_for("codesign_live.withdraw_proposal", proposal_id=proposal.id),
        workshop=_workshop(),
        participant=participant,
    )


@bp.post("/w/<workshop_code>/proposal-votes")
@access(Rule.PARTICIPANT)
@form_page
def vote():
    """Place dots on proposals: one number per proposal; the whole allocation replaces the previous one."""
    typed, bad_number = typed_dots()
    return send_ballot(
        lambda workshop, participant: operations.cast_proposal_votes(workshop, participant, typed),
        typed_votes=typed,
        placed=sum(typed.values()),
        bad_input=_("Write the number of dots with digits, for example 2.") if bad_number else None,
        saved=_("Your choices are saved. You can change them until the vote closes."),
        raced=_("Your choices changed on another screen at the same moment. Please check them."),
    )


@bp.post("/w/<workshop_code>/grid")
@access(Rule.PARTICIPANT)
@form_page
def place():
    """Place proposals on the impact/effort grid: one cell per proposal (or none, to leave it out)."""
    typed: dict[int, tuple[int, int]] = {}
    bad = False
    for name, value in request.form.items():
        if name.startswith("cell-") and name[5:].isdecimal() and value:
            impact, _sep, effort = value.partition("-")
            if impact.isdecimal() and effort.isdecimal() and len(value) == 3:
                typed[int(name[5:])] = (int(impact), int(effort))
            else:
                bad = True
    return send_ballot(
        lambda workshop, participant: operations.place_on_grid(workshop, participant, typed),
        typed_places=typed,
        bad_input=_("This choice is no longer available. Please check the list again.") if bad else None,
        saved=_("Your choices are saved. You can change them until the vote closes."),
        raced=_("Your choices changed on another screen at the same moment. Please check them."),
    )


@bp.get("/w/<workshop_code>/results")
@access(Rule.PARTICIPANT)
def results():
    """The live chart of the room's current vote, polled by phones: 304 when nothing changed."""
    workshop = _workshop()
    _participant, answer = _participant_or_join()
    if answer is not None:
        return make_response("", 403)
    revision = db.session.scalar(select(Workshop.revision).where(Workshop.id == workshop.id))
    etag = f"r{revision}-{get_locale()}"
    if request.if_none_match.contains_weak(etag):
        response = make_response("", 304)
    else:
        # Read after the revision, never before: what is sent is at least as new as its entity tag.
        db.session.refresh(workshop)
        step = workshop.current_step if workshop.is_open else None
        html = ""
        if step is not None and step.kind.prioritises:
            html = render_template(
                "codesign/_results.html", step=step, results=operations.results(step), workshop=workshop
            )
        response = jsonify(html=html, step=step.id if step else None)
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "no-cache, private"
    response.vary.add("Cookie")
    return response
