"""Co-design for people with an account: proposals and their editing together, operators' feasibility, the
facilitator's moderation and the synthesis of the phase (on screen and as CSV)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import Permission, access, form_page
from ..barriers.labels import FREQUENCIES, SEVERITIES
from ..barriers.models import Barrier
from ..content import localize
from ..extensions import db
from ..forms import form_status, render_form, saving
from ..processes.models import Process, StepKind
from ..services.catalogue import catalogue
from ..territories.models import Organisation
from ..translating.display import reading
from ..web import language_names
from ..workshops.forms import HideForm
from ..workshops.models import Workshop, WorkshopStep
from ..workshops.room import bump, lock_room
from . import operations, prioritisation
from .editing import EditOutcome, save_edit, start_editing, store_once
from .forms import FeasibilityForm, ProposalForm
from .labels import FEASIBILITY
from .models import Feasibility, FeasibilityAssessment, Proposal, ProposalStatus
from .ownership import (
    PROPOSAL_RULES_READ,
    assessable_service_or_403,
    assessable_services,
    editable_proposal_or_403,
    may_edit_proposal,
    readable_proposal_or_404,
)
from .synthesis import synthesis as synthesis_of

bp = Blueprint("codesign", __name__, url_prefix="/t/<territory_slug>")


def _process(process_id: int) -> Process:
    return db.get_or_404(Process, process_id, options=[selectinload(Process.services)])


#: What a proposal's page shows besides what the access rules read: its feasibility history.
WITH_ASSESSMENTS = selectinload(Proposal.assessments).selectinload(FeasibilityAssessment.service)


def _proposal(proposal_id: int) -> Proposal:
    return db.get_or_404(Proposal, proposal_id, options=[*PROPOSAL_RULES_READ, WITH_ASSESSMENTS])


# --- proposals ---------------------------------------------------------------------------------------------


@bp.get("/processes/<int:process_id>/proposals")
@access(Permission.VIEW_PROCESSES)
def proposals(process_id: int):
    """Every proposal of a process, with the barriers it answers and what operators said of it."""
    process = _process(process_id)
    items = db.session.scalars(
        select(Proposal)
        .where(Proposal.process_id == process.id, *_visible_unless_moderating())
        .options(
            selectinload(Proposal.barriers).selectinload(Barrier.service),
            selectinload(Proposal.assessments).selectinload(FeasibilityAssessment.service),
            selectinload(Proposal.assessments).selectinload(FeasibilityAssessment.competent_service),
        )
        .order_by(Proposal.created_at, Proposal.id)
    ).all()
    return render_template("codesign/proposals.html", process=process, proposals=items)


def _visible_unless_moderating() -> tuple:
    """Hidden and withdrawn proposals are listed for the facilitators who moderate them, not for everyone."""
    return () if Permission.RUN_WORKSHOPS in g.permissions else (Proposal.status == ProposalStatus.NEW,)


def _proposal_form(process: Process, **kwargs) -> ProposalForm:
    return ProposalForm(barriers=operations.addressable_barriers(process), **kwargs)


def _own_organisation_id() -> int | None:
    """The organisation the person writes for in this territory, if any."""
    organisation = current_user.organisation_in(g.territory)
    return organisation.id if organisation is not None else None


def _write_new(process: Process, template: str, workshop: Workshop | None = None, **context):
    """The form of a new proposal, and its storing."""
    form = _proposal_form(process)
    proposal = Proposal(
        territory_id=process.territory_id,
        process_id=process.id,
        workshop_id=workshop.id if workshop is not None else None,
        organisation_id=None if workshop is not None else _own_organisation_id(),
        entered_by_facilitator=workshop is not None,
    )
    if form.validate_on_submit() and store_once(form, proposal, editor_id=current_user.id):
        flash(_("The proposal is saved."), "success")
        if workshop is not None:
            return redirect(url_for("codesign.type_in_proposal", workshop_id=workshop.id))
        return redirect(url_for("codesign.proposals", process_id=process.id))
    return render_form(template, form, process=process, workshop=workshop, **context)


@bp.route("/processes/<int:process_id>/proposals/new", methods=["GET", "POST"])
@access(Permission.WRITE_PROPOSALS)
@form_page
def new_proposal(process_id: int):
    """An association, an operator or a facilitator writes a proposal outside the workshops."""
    return _write_new(_process(process_id), "codesign/proposal_form.html")


@bp.route("/workshops/<int:workshop_id>/proposals/new", methods=["GET", "POST"])
@access(Permission.RUN_WORKSHOPS)
@form_page
def type_in_proposal(workshop_id: int):
    """The facilitator writes what the room proposes, for everyone to see and prioritise."""
    workshop = db.get_or_404(Workshop, workshop_id)
    return _write_new(workshop.process, "codesign/proposal_form.html", workshop=workshop)


@bp.get("/proposals/<int:proposal_id>")
@access(Permission.VIEW_PROCESSES)
def proposal(proposal_id: int):
    """One proposal: what it changes, the barriers behind it, the feasibility history, and the form to add to it."""
    item = readable_proposal_or_404(proposal_id, WITH_ASSESSMENTS)
    return _proposal_page(item, _feasibility_form(item, formdata=None))


def _proposal_page(item: Proposal, form: FeasibilityForm | None, status: int = 200):
    return render_template(
        "codesign/proposal.html",
        proposal=item,
        process=item.process,
        form=form,
        may_edit=may_edit_proposal(current_user, g.permissions, item),
        hide_form=HideForm(formdata=None),
    ), status


def _feasibility_form(item: Proposal, **kwargs) -> FeasibilityForm | None:
    services = assessable_services(current_user, g.permissions, item)
    if not services:
        return None
    on_behalf = Permission.RUN_WORKSHOPS in g.permissions
    organisations = None
    if on_behalf:
        organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    form = FeasibilityForm(services=services, catalogue=catalogue(), organisations=organisations, **kwargs)
    if on_behalf and not form.is_submitted() and services[0].owner_id:
        form.organisation.data = services[0].owner_id
    return form


@bp.post("/proposals/<int:proposal_id>/feasibility")
@access(Permission.ASSESS_FEASIBILITY)
@form_page
def record_feasibility(proposal_id: int):
    """Operators say what their service can do about a proposal; facilitators may write it for them."""
    item = _proposal(proposal_id)
    assessable_service_or_403(item, request.form.get("service", type=int))
    form = _feasibility_form(item)
    if form.validate_on_submit():
        with saving(form) as outcome:
            operations.record_feasibility(
                item,
                service=form.chosen_service,
                verdict=Feasibility(form.verdict.data),
                resources_needed=form.resources_needed.data or "",
                competent_service=form.chosen_competent_service,
                competent_body=form.competent_body.data or "",
                comment=form.comment.data or "",
                organisation=(
                    form.chosen_organisation if form.on_behalf else current_user.organisation_in(g.territory)
                ),
                recorded_by_id=current_user.id,
                on_behalf=form.on_behalf,
            )
        if outcome.saved:
            flash(_("The feasibility is recorded."), "success")
            return redirect(url_for("codesign.proposal", proposal_id=item.id) + "#feasibility")
    return _proposal_page(item, form, form_status(form))


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@access(Permission.WRITE_PROPOSALS)
@form_page
def edit_proposal(proposal_id: int):
    """Several people edit a proposal together: an edit made on an older version is refused, and both versions
    are shown, instead of one silently overwriting the other."""
    item = editable_proposal_or_403(proposal_id)
    form = _proposal_form(item.process, obj=item)
    start_editing(form, item)
    edit = EditOutcome()
    if form.validate_on_submit():
        edit = save_edit(form, item, editor_id=current_user.id)
        if edit.saved:
            flash(_("The proposal is saved."), "success")
            return redirect(url_for("codesign.proposal", proposal_id=item.id))
    status = 409 if edit.conflict is not None else form_status(form)
    return render_template(
        "codesign/proposal_form.html", form=form, process=item.process, proposal=item, conflict=edit.conflict
    ), status


@bp.post("/proposals/<int:proposal_id>/<any(hide, show):action>")
@access(Permission.RUN_WORKSHOPS)
def moderate_proposal(proposal_id: int, action: str):
    item = _proposal(proposal_id)
    if action == "hide":
        form = HideForm()
        if not form.validate_on_submit():
            flash(_("Write the reason for hiding it: its author will see it."), "error")
            return redirect(url_for("codesign.proposal", proposal_id=item.id))
        operations.set_proposal_status(item, ProposalStatus.HIDDEN, form.reason.data)
        flash(_("The proposal is hidden."), "success")
    elif item.status is ProposalStatus.HIDDEN:
        operations.set_proposal_status(item, ProposalStatus.NEW)
        flash(_("The proposal is visible again."), "success")
    db.session.commit()
    return redirect(url_for("codesign.proposal", proposal_id=item.id))


# --- the vote of a step ------------------------------------------------------------------------------------------


@bp.post("/workshops/<int:workshop_id>/steps/<int:step_id>/reopen")
@access(Permission.RUN_WORKSHOPS)
def reopen_vote(workshop_id: int, step_id: int):
    """Open again a vote that closed when the room left its step (the votes already cast still count)."""
    workshop = db.get_or_404(Workshop, workshop_id)
    step = db.get_or_404(WorkshopStep, step_id)
    if step.workshop_id != workshop.id or not step.kind.prioritises:
        abort(404)
    lock_room(workshop)
    if workshop.current_step_id != step.id or not workshop.is_open:
        flash(_("Go to this step first: a vote can be open only on the room's current step."), "error")
    else:
        prioritisation.reopen(step)
        bump(workshop, step=True)
        db.session.commit()
        flash(_("The vote is open again."), "success")
    return redirect(url_for("workshops.cockpit", workshop_id=workshop.id))


# --- the synthesis ------------------------------------------------------------------------------------------------


@bp.get("/processes/<int:process_id>/synthesis")
@access(Permission.VIEW_PROCESSES)
def synthesis(process_id: int):
    """Per service: barriers, the proposals answering them, feasibility and priority; unanswered barriers flagged."""
    process = _process(process_id)
    sections, votes = synthesis_of(process)
    return render_template(
        "codesign/synthesis.html",
        process=process,
        sections=sections,
        votes=votes,
        dots_kind=StepKind.PROPOSAL_VOTING,
        grid_kind=StepKind.PROPOSAL_GRID,
    )


#: Characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@bp.get("/processes/<int:process_id>/synthesis.csv")
@access(Permission.VIEW_PROCESSES)
def synthesis_csv(process_id: int):
    """The synthesis for the steering group: one row per barrier and proposal answering it (a barrier no
    proposal answers has one row, flagged)."""
    process = _process(process_id)
    sections, _votes = synthesis_of(process)
    reader = str(get_locale())
    translated = _("Reviewed translation into %(language)s", language=language_names([reader]))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Service"),
            _("Barrier"),
            _("Barrier text"),
            _("Language"),
            translated,
            _("Categories"),
            _("How often"),
            _("How serious"),
            _("People"),
            _("Proposals answering it"),
            _("Proposal"),
            _("What should change"),
            translated,
            _("Who acts"),
            _("Resources"),
            _("By when"),
            _("Feasibility"),
            _("Resources needed or competence"),
            _("Dots"),
            _("Rank by dots"),
            _("Impact (1-3)"),
            _("Effort (1-3)"),
            _("Rank on the grid"),
        ]
    )
    for section in sections:
        lines = {line.proposal.id: line for line in section.proposals}
        service = localize(section.service.name).text
        for barrier_line in section.barriers:
            barrier = barrier_line.barrier
            common = [
                service,
                barrier.id,
                barrier.text,
                barrier.language,
                _in_reader_language(barrier, "text", reader),
                "; ".join(localize(c.name).text for c in barrier.categories),
                FREQUENCIES[barrier.frequency],
                SEVERITIES[barrier.severity],
                barrier_line.people,
            ]
            if not barrier_line.proposals:
                writer.writerow([_cell(v) for v in [*common, 0, *[""] * 13]])
            for proposal in barrier_line.proposals:
                line = lines[proposal.id]
                assessment = line.assessment
                writer.writerow(
                    [
                        _cell(v)
                        for v in [
                            *common,
                            len(barrier_line.proposals),
                            proposal.id,
                            proposal.change,
                            _in_reader_language(proposal, "change", reader),
                            proposal.who_acts,
                            proposal.resources,
                            proposal.timeline,
                            FEASIBILITY[assessment.verdict] if assessment else "",
                            _assessment_detail(assessment),
                            line.dots.dots if line.dots else "",
                            line.dots.rank if line.dots else "",
                            line.grid.impact if line.grid else "",
                            line.grid.effort if line.grid else "",
                            line.grid.rank if line.grid and line.grid.placements else "",
                        ]
                    ]
                )
    response = make_response("\ufeff" + buffer.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="synthesis-process-{process.id}.csv"'
    return response


def _in_reader_language(record, field: str, language: str) -> str:
    """The reviewed translation of a text for the reader of the export, or nothing (never a draft)."""
    seen = reading(record)
    return seen.text(field) if seen.translation is not None and seen.language == language else ""


def _assessment_detail(assessment: FeasibilityAssessment | None) -> str:
    if assessment is None:
        return ""
    if assessment.verdict is Feasibility.NEEDS_RESOURCES:
        return assessment.resources_needed
    if assessment.verdict is Feasibility.NOT_OUR_COMPETENCE:
        names = []
        if assessment.competent_service is not None:
            names.append(localize(assessment.competent_service.name).text)
        if assessment.competent_body:
            names.append(assessment.competent_body)
        return "; ".join(names)
    return ""
