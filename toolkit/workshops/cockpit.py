"""The facilitator's side of a workshop: planning it and its agenda, the cockpit that runs the room, and the
projector with its live board.

What the cockpit and the board show for the room's step comes from the step registry
(:mod:`toolkit.workshops.steps`); moderation of what the room wrote belongs to the features that receive it.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..access import Permission, access, form_page
from ..extensions import db
from ..forms import database_int, render_form, saving
from ..processes.models import Process, StepTemplate
from ..qr import qr_data_uri
from . import operations, steps
from .codes import format_code
from .forms import WorkshopForm
from .models import Participant, Workshop, WorkshopStep
from .planning import apply_workshop_form, new_workshop, workshop_form_data
from .room import Refused, bump

bp = Blueprint("workshops", __name__, url_prefix="/t/<territory_slug>")

#: Minutes added by the cockpit's "more time" button.
EXTRA_MINUTES = 5


def step_templates() -> list[StepTemplate]:
    """The territory's step templates still offered for new agendas, in their order."""
    return list(
        db.session.scalars(
            select(StepTemplate).where(StepTemplate.archived_at.is_(None)).order_by(StepTemplate.position)
        )
    )


def loaded_workshop(workshop_id: int) -> Workshop:
    """The workshop of the URL with its agenda and process (404 when the territory has no such workshop)."""
    return db.get_or_404(
        Workshop, workshop_id, options=[selectinload(Workshop.steps), selectinload(Workshop.process)]
    )


# --- planning a workshop and its agenda ----------------------------------------------------------------------


@bp.route("/processes/<int:process_id>/workshops/new", methods=["GET", "POST"])
@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@access(Permission.RUN_WORKSHOPS)
@form_page
def edit_workshop(process_id: int | None = None, workshop_id: int | None = None):
    if workshop_id is None:
        process = db.get_or_404(Process, process_id)
        workshop = new_workshop(process)
    else:
        workshop = loaded_workshop(workshop_id)
        process = workshop.process
    templates = step_templates() if workshop.id is None else []
    form = WorkshopForm(obj=workshop, templates=templates)
    if not form.is_submitted():
        workshop_form_data(form, workshop, templates)
    if form.validate_on_submit():
        with saving(form) as outcome:
            chosen = set(form.steps.data or ())
            apply_workshop_form(form, workshop)
            operations.save_workshop(workshop, [t for t in templates if t.id in chosen])
        if outcome.saved:
            flash(_("The workshop is saved."), "success")
            return redirect(url_for("workshops.cockpit", workshop_id=workshop.id))
    return render_form("workshops/workshop_form.html", form, workshop=workshop, process=process)


@bp.post("/workshops/<int:workshop_id>/steps/add")
@access(Permission.RUN_WORKSHOPS)
def add_step(workshop_id: int):
    workshop = loaded_workshop(workshop_id)
    template = db.session.get(StepTemplate, database_int(request.form.get("template")) or 0)
    if template is None or template.territory_id != workshop.territory_id:
        abort(400)
    operations.build_agenda(workshop, [template])
    bump(workshop, step=True)
    db.session.commit()
    return redirect(url_for("workshops.cockpit", workshop_id=workshop.id) + "#agenda")


@bp.post("/workshops/<int:workshop_id>/steps/<int:step_id>/<any(up, down, remove):action>")
@access(Permission.RUN_WORKSHOPS)
def change_step(workshop_id: int, step_id: int, action: str):
    workshop = loaded_workshop(workshop_id)
    step = db.get_or_404(WorkshopStep, step_id)
    if step.workshop_id != workshop.id:
        abort(404)
    try:
        if action == "remove":
            operations.remove_step(workshop, step)
        else:
            operations.move_step(workshop, step, -1 if action == "up" else 1)
        db.session.commit()
    except Refused:
        flash(_("The room is on this step: move to another step before removing it."), "error")
    return redirect(url_for("workshops.cockpit", workshop_id=workshop.id) + "#agenda")


# --- the cockpit ---------------------------------------------------------------------------------------------


def join_link(workshop: Workshop) -> str:
    return url_for("live.join", workshop_code=workshop.join_code, _external=True)


def _joining(workshop: Workshop, scale: int) -> dict:
    """How people join: the link, its QR code and the code to read aloud (none before the workshop has one)."""
    if not workshop.join_code:
        return {"link": None, "qr": None, "code": None}
    link = join_link(workshop)
    return {"link": link, "qr": qr_data_uri(link, scale=scale), "code": format_code(workshop.join_code)}


def _participant_count(workshop: Workshop) -> int:
    return db.session.scalar(select(func.count(Participant.id)).where(Participant.workshop_id == workshop.id))


@bp.get("/workshops/<int:workshop_id>")
@access(Permission.RUN_WORKSHOPS)
def cockpit(workshop_id: int):
    """Run the workshop: open it, move through the steps, give more time, close it; see what arrives."""
    workshop = loaded_workshop(workshop_id)
    panels, panel_context = steps.cockpit_panels(workshop)
    return render_template(
        "workshops/cockpit.html",
        workshop=workshop,
        process=workshop.process,
        templates=step_templates(),
        participants=_participant_count(workshop),
        panels=panels,
        **_joining(workshop, scale=8),
        **panel_context,
    )


@bp.post("/workshops/<int:workshop_id>/<any(open, close, next, previous, extend):action>")
@access(Permission.RUN_WORKSHOPS)
def run(workshop_id: int, action: str):
    workshop = loaded_workshop(workshop_id)
    try:
        if action == "open":
            operations.open_workshop(workshop)
        elif action == "close":
            operations.close_workshop(workshop)
        elif action == "extend":
            operations.extend_step(workshop, EXTRA_MINUTES)
        else:
            operations.go_to_step(workshop, 1 if action == "next" else -1)
        db.session.commit()
    except Refused:
        db.session.rollback()
        flash(_("Open the workshop first."), "error")
    return redirect(url_for("workshops.cockpit", workshop_id=workshop.id))


# --- the projector and its live board ---------------------------------------------------------------------------


def _board_context(workshop: Workshop) -> dict:
    step = workshop.current_step if workshop.is_open else None
    part, context = steps.board_part(workshop, step)
    return {
        "workshop": workshop,
        "step": step,
        "kind": step.kind if step else None,
        "participants": _participant_count(workshop),
        "board_part": part,
        **context,
    }


@bp.get("/workshops/<int:workshop_id>/projector")
@access(Permission.RUN_WORKSHOPS)
def projector(workshop_id: int):
    """Full screen for the room: how to join, the step and its timer, what arrives."""
    workshop = loaded_workshop(workshop_id)
    return render_template(
        "workshops/projector.html",
        enter_link=url_for("live.enter_code", _external=True),
        **_joining(workshop, scale=10),
        **_board_context(workshop),
    )


@bp.get("/workshops/<int:workshop_id>/board")
@access(Permission.RUN_WORKSHOPS)
def board(workshop_id: int):
    """The projector's live part, polled every two seconds: 304 when nothing changed since the last answer."""
    revision = db.session.scalar(select(Workshop.revision).where(Workshop.id == workshop_id))
    if revision is None:
        abort(404)
    etag = f"b{revision}-{get_locale()}"
    if request.if_none_match.contains_weak(etag):
        response = make_response("", 304)
    else:
        workshop = loaded_workshop(workshop_id)
        step = workshop.current_step if workshop.is_open else None
        response = jsonify(
            revision=revision,
            html=render_template("workshops/_board.html", **_board_context(workshop)),
            step=step.id if step else None,
            ends_at=step.ends_at.isoformat() if step and step.ends_at else None,
        )
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "no-cache, private"
    return response
