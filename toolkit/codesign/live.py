"""Co-design on the participants' phones: writing proposals from the barriers, placing dots on them, placing them
on the impact/effort grid, and the live results of the room. What the phones, the projector and the cockpit
show during these steps is registered with the room's step registry here."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import Rule, access, form_page
from ..extensions import db
from ..forms import form_status, render_form
from ..ownership import own_contribution_or_403
from ..processes.models import StepKind
from ..workshops import steps
from ..workshops.ballots import send_ballot, send_dots
from ..workshops.live import step_page
from ..workshops.models import Participant, Workshop, WorkshopStep
from ..workshops.phones import participant_required, typed_texts
from . import operations, prioritisation
from .editing import EditOutcome, save_edit, start_editing, store_once
from .forms import ProposalForm
from .models import Proposal, ProposalStatus

bp = Blueprint("codesign_live", __name__)


# --- what the room shows --------------------------------------------------------------------------------------


def _round_phone(workshop: Workshop, participant: Participant, step: WorkshopStep, forms: dict) -> dict:
    """The proposal round on a phone: the form (as sent, when it came back with errors) and the proposals."""
    process = workshop.process
    form = forms.get("proposal_form") or ProposalForm(
        formdata=None, barriers=operations.addressable_barriers(process)
    )
    return {"proposals": operations.visible_proposals(process), "proposal_form": form}


def _prioritisation_phone(
    workshop: Workshop, participant: Participant, step: WorkshopStep, forms: dict
) -> dict:
    """A vote on a phone: the proposals, the participant's ballot (as typed, when it was refused) and the
    results so far."""
    proposals = operations.visible_proposals(workshop.process)
    if step.kind is StepKind.PROPOSAL_VOTING:
        ballot = {"my_votes": forms.get("typed_votes") or prioritisation.votes_in(step, participant)}
    else:
        ballot = {"my_places": forms.get("typed_places") or prioritisation.placements_in(step, participant)}
    return {
        "proposals": proposals,
        "results": prioritisation.results(step, proposals),
        "vote_errors": forms.get("vote_errors", []),
        **ballot,
    }


def _proposals_board(workshop: Workshop, step: WorkshopStep) -> dict:
    return {"proposals": operations.visible_proposals(workshop.process)}


def _results_board(workshop: Workshop, step: WorkshopStep) -> dict:
    proposals = operations.visible_proposals(workshop.process)
    return {"proposals": proposals, "results": prioritisation.results(step, proposals)}


def _results_panel(workshop: Workshop) -> dict:
    """The cockpit's results of the room's current vote (``None`` when the room is not on a vote)."""
    step = workshop.current_step if workshop.is_open else None
    if step is None or not step.kind.prioritises:
        return {"results": None}
    return {"results": prioritisation.results(step)}


steps.register(
    steps.StepScreen(
        StepKind.PROPOSAL_ROUND,
        phone_template="codesign/_phone_proposal_round.html",
        phone=_round_phone,
        board_template="codesign/_board_proposals.html",
        board=_proposals_board,
    ),
    *(
        steps.StepScreen(
            kind,
            phone_template="codesign/_phone_prioritisation.html",
            phone=_prioritisation_phone,
            board_template="codesign/_board_results.html",
            board=_results_board,
            leave=prioritisation.freeze,
        )
        for kind in (StepKind.PROPOSAL_VOTING, StepKind.PROPOSAL_GRID)
    ),
)
steps.register_cockpit_panel("codesign/_cockpit_results.html", _results_panel, order=10)


# --- proposals ------------------------------------------------------------------------------------------------


@bp.post("/w/<workshop_code>/proposals")
@access(Rule.PARTICIPANT)
@form_page
@participant_required
def new_proposal(workshop: Workshop, participant: Participant):
    form = ProposalForm(barriers=operations.addressable_barriers(workshop.process))
    step = workshop.current_step
    if not workshop.is_open or step is None or step.kind is not StepKind.PROPOSAL_ROUND:
        # The room moved on (or the form expired as well): the words come back to copy, nothing is lost.
        form.validate_on_submit()
        return step_page(workshop, participant, 400 if form.token_refused else 422, unsent=typed_texts())
    proposal = Proposal(
        territory_id=workshop.territory_id,
        process_id=workshop.process_id,
        workshop_id=workshop.id,
        participant_id=participant.id,
    )
    if form.validate_on_submit() and store_once(form, proposal):
        flash(_("Thank you: your proposal is on the board."), "success")
        return redirect(url_for("live.step"))
    return step_page(workshop, participant, form_status(form), proposal_form=form)


@bp.route("/w/<workshop_code>/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
@form_page
@participant_required
def edit_proposal(proposal_id: int, workshop: Workshop, participant: Participant):
    """The author changes their proposal; when a facilitator changed it meanwhile, both versions are shown."""
    proposal = own_contribution_or_403(Proposal, proposal_id, participant)
    if proposal.status is ProposalStatus.WITHDRAWN:
        flash(_("This contribution can no longer be changed."), "error")
        return redirect(url_for("contributions.mine"))
    form = ProposalForm(obj=proposal, barriers=operations.addressable_barriers(workshop.process))
    start_editing(form, proposal)
    edit = EditOutcome()
    if form.validate_on_submit():
        edit = save_edit(form, proposal)
        if edit.saved:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("contributions.mine"))
    page = render_form(
        "codesign/edit.html", form, workshop=workshop, participant=participant, conflict=edit.conflict
    )
    return (page[0], 409) if edit.conflict is not None else page


# --- prioritising ---------------------------------------------------------------------------------------------


@bp.post("/w/<workshop_code>/proposal-votes")
@access(Rule.PARTICIPANT)
@form_page
@participant_required
def vote(workshop: Workshop, participant: Participant):
    """Place dots on proposals: one number per proposal; the whole allocation replaces the previous one."""
    return send_dots(
        workshop,
        participant,
        prioritisation.cast_proposal_votes,
        saved=_("Your choices are saved. You can change them until the vote closes."),
        raced=_("Your choices changed on another screen at the same moment. Please check them."),
    )


def _typed_places() -> tuple[dict[int, tuple[int, int]], bool]:
    """The cells chosen in a grid form (``cell-<id>`` fields worth ``<impact>-<effort>``, empty meaning left
    out), and whether one was not a cell."""
    typed: dict[int, tuple[int, int]] = {}
    bad = False
    for name, value in request.form.items():
        if name.startswith("cell-") and name[5:].isdecimal() and value:
            impact, _sep, effort = value.partition("-")
            if impact.isdecimal() and effort.isdecimal() and len(value) == 3:
                typed[int(name[5:])] = (int(impact), int(effort))
            else:
                bad = True
    return typed, bad


@bp.post("/w/<workshop_code>/grid")
@access(Rule.PARTICIPANT)
@form_page
@participant_required
def place(workshop: Workshop, participant: Participant):
    """Place proposals on the impact/effort grid: one cell per proposal (or none, to leave it out)."""
    typed, bad = _typed_places()
    return send_ballot(
        workshop,
        participant,
        lambda workshop, participant: prioritisation.place_on_grid(workshop, participant, typed),
        typed_places=typed,
        bad_input=_("This choice is no longer available. Please check the list again.") if bad else None,
        saved=_("Your choices are saved. You can change them until the vote closes."),
        raced=_("Your choices changed on another screen at the same moment. Please check them."),
    )


@bp.get("/w/<workshop_code>/results")
@access(Rule.PARTICIPANT)
@participant_required(polled=True)
def results(workshop: Workshop, participant: Participant):
    """The live chart of the room's current vote, polled by phones: 304 when nothing changed."""
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
                "codesign/_results.html", step=step, results=prioritisation.results(step), workshop=workshop
            )
        response = jsonify(html=html, step=step.id if step else None)
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "no-cache, private"
    response.vary.add("Cookie")
    return response
