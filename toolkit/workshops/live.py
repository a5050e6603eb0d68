"""The participant's side of a live workshop: joining with a code, and the room's current step on the phone.

What a step shows comes from the step registry (:mod:`toolkit.workshops.steps`); the features that bring the
steps (choosing services, barriers, co-design) add their own routes for what phones send.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import Rule, access, form_page
from ..extensions import db
from ..forms import render_form, saving
from . import operations, steps
from .forms import JoinCodeForm, JoinForm
from .models import Participant, ParticipantRole, Workshop, WorkshopState
from .phones import (
    closed_page,
    current_participant,
    load_workshop,
    participant_required,
    remember,
    too_many_codes,
    wrong_code_limited,
)

bp = Blueprint("live", __name__)


# --- joining -------------------------------------------------------------------------------------------------


@bp.route("/join", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
def enter_code():
    """Type the code shown in the room."""
    if request.method == "GET" and "code" in request.args:
        form = JoinCodeForm(request.args, meta={"csrf": False})  # a link with the code in it
    else:
        form = JoinCodeForm()
    if form.validate_on_submit() or (request.method == "GET" and "code" in request.args and form.validate()):
        load_workshop(form.code.data)
        if g.workshop is not None:
            return redirect(url_for("live.join", workshop_code=g.workshop.join_code))
        return _unknown_code(form)
    return render_form("live/enter_code.html", form)


def _unknown_code(form: JoinCodeForm):
    if wrong_code_limited():
        return too_many_codes(form, "live/enter_code.html")
    form.code.errors = [*form.code.errors, _("No workshop has this code. Check the letters and try again.")]
    return render_template("live/enter_code.html", form=form), 404


@bp.get("/w/<workshop_code>")
@access(Rule.PUBLIC)
def join():
    """Where the QR code and the join link lead: choose a language, then read the consent."""
    workshop = g.get("workshop")
    if workshop is None:
        return _unknown_code(JoinCodeForm(data={"code": g.get("workshop_code", "")}))
    if current_participant(workshop) is not None:
        return redirect(url_for("live.step"))
    if workshop.state is not WorkshopState.OPEN:
        return closed_page(workshop)
    return render_template("live/join.html", workshop=workshop)


@bp.route("/w/<workshop_code>/consent", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
@form_page
def consent():
    workshop = g.workshop
    if current_participant(workshop) is not None:
        return redirect(url_for("live.step"))
    if workshop.state is not WorkshopState.OPEN:
        return closed_page(workshop)
    form = JoinForm()
    if form.validate_on_submit():
        with saving(form) as outcome:
            participant = operations.join(
                workshop,
                language=str(get_locale()),
                pseudonym=form.pseudonym.data or "",
                role=ParticipantRole(form.role.data),
            )
        if outcome.saved:
            remember(participant)
            return redirect(url_for("live.step"))
    return render_form("live/consent.html", form, workshop=workshop)


# --- the current step --------------------------------------------------------------------------------------


def step_page(workshop: Workshop, participant: Participant, status: int = 200, **forms):
    """The phone's page for the room's current step; ``forms`` are what the person sent, shown again with its
    errors (a form, typed dots, words that could not be sent)."""
    step = workshop.current_step if workshop.is_open else None
    part, context = steps.phone_part(workshop, participant, step, forms)
    page = render_template(
        "live/step.html",
        workshop=workshop,
        participant=participant,
        step=step,
        kind=step.kind if step is not None else None,
        unsent=forms.get("unsent", []),
        step_part=part,
        **context,
    )
    return page, status


@bp.get("/w/<workshop_code>/now")
@access(Rule.PARTICIPANT)
@participant_required
def step(workshop: Workshop, participant: Participant):
    return step_page(workshop, participant)


@bp.get("/w/<workshop_code>/live")
@access(Rule.PARTICIPANT)
@participant_required(polled=True)
def poll(workshop: Workshop, participant: Participant):
    """What phones poll every few seconds: the state and the current step. 304 when nothing changed."""
    # The revision, the state and the step are read in one row, at once: SQLite reads each SELECT outside a
    # transaction, so a revision read apart could be newer than the step sent with it, and the phone, told that
    # nothing changed since, would stay on the old step.
    revision, state, step_id = db.session.execute(
        select(Workshop.step_revision, Workshop.state, Workshop.current_step_id).where(
            Workshop.id == workshop.id
        )
    ).one()
    etag = f"s{revision}-{get_locale()}"
    if request.if_none_match.contains_weak(etag):
        response = make_response("", 304)
    else:
        response = jsonify(
            state=state.value,
            step=step_id if state is WorkshopState.OPEN else None,
            url=url_for("live.step"),
        )
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "no-cache, private"
    response.vary.add("Cookie")
    return response
