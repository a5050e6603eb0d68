"""Barriers on the participants' phones: describing one during the barrier round, changing one's own, saying
"this happens to me too" on someone else's; and what the room shows of them (the phones' board, the projector,
the cockpit's count)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..access import Rule, access, form_page
from ..extensions import db
from ..forms import form_status, render_form
from ..ownership import own_contribution_or_403, wrote
from ..processes.models import StepKind
from ..workshops import service_choice, steps
from ..workshops.ballots import open_or_refuse
from ..workshops.live import step_page
from ..workshops.models import Participant, Workshop, WorkshopStep
from ..workshops.phones import closed_page, participant_required
from . import operations
from .forms import (
    barrier_form,
    name_choices,
    save_changes,
    sent_barrier_form,
    show_barrier,
    store_new_barrier,
)
from .models import Barrier, BarrierStatus

bp = Blueprint("barriers_live", __name__)

#: How many of the latest barriers the projector shows.
PROJECTOR_SIZE = 12


# --- what the room shows --------------------------------------------------------------------------------------


def _round_phone(workshop: Workshop, participant: Participant, step: WorkshopStep, forms: dict) -> dict:
    """The barrier form (as it was sent, when it came back with errors) over the latest barriers."""
    return {
        "barrier_form": forms.get("barrier_form") or barrier_form(workshop.process, formdata=None),
        **_board(workshop, operations.BOARD_SIZE_UNDER_FORM),
    }


def _board(workshop: Workshop, size: int) -> dict:
    """The latest ``size`` barriers the room can see, and how many it can see in all."""
    barriers, total = operations.board(workshop.process_id, limit=size)
    return {"barriers": barriers, "barrier_total": total}


def _synthesis_phone(workshop: Workshop, participant: Participant, step: WorkshopStep, forms: dict) -> dict:
    """The services the room chose, and the latest barriers."""
    return {
        "ranking": service_choice.ranking(workshop.process),
        **_board(workshop, operations.BOARD_SIZE),
    }


def _barriers_board(workshop: Workshop, step: WorkshopStep | None = None) -> dict:
    return _board(workshop, PROJECTOR_SIZE)


def _synthesis_board(workshop: Workshop, step: WorkshopStep | None = None) -> dict:
    return {"ranking": service_choice.ranking(workshop.process), **_barriers_board(workshop, step)}


def _count_panel(workshop: Workshop) -> dict:
    return {"barrier_total": operations.barrier_count(workshop.process_id)}


steps.register(
    steps.StepScreen(
        StepKind.BARRIER_ROUND,
        phone_template="barriers/_phone_barrier_round.html",
        phone=_round_phone,
        board_template="barriers/_board_barriers.html",
        board=_barriers_board,
    ),
    steps.StepScreen(
        StepKind.SYNTHESIS,
        phone_template="barriers/_phone_synthesis.html",
        phone=_synthesis_phone,
        board_template="barriers/_board_synthesis.html",
        board=_synthesis_board,
    ),
)
steps.register_cockpit_panel("barriers/_cockpit_count.html", _count_panel, order=30)


# --- phones ---------------------------------------------------------------------------------------------------


@bp.post("/w/<workshop_code>/barriers")
@access(Rule.PARTICIPANT)
@form_page
@participant_required
def new_barrier(workshop: Workshop, participant: Participant):
    """A participant describes a barrier; the step comes back with the form and its errors if it cannot be
    stored."""
    form = sent_barrier_form(workshop.process)
    if (
        form.validate_on_submit()
        and open_or_refuse(workshop, form)
        and store_new_barrier(form, process=workshop.process, workshop=workshop, participant=participant)
    ):
        flash(_("Thank you: your contribution is saved."), "success")
        return redirect(url_for("live.step"))
    status = form_status(form)
    return step_page(workshop, participant, status, barrier_form=name_choices(form, workshop.process))


@bp.route("/w/<workshop_code>/barriers/<int:barrier_id>/edit", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
@form_page
@participant_required
def edit_barrier(barrier_id: int, workshop: Workshop, participant: Participant):
    """The author changes what they wrote: while the workshop is open, or later with their return code."""
    barrier = own_contribution_or_403(Barrier, barrier_id, participant)
    if barrier.status in (BarrierStatus.WITHDRAWN, BarrierStatus.MERGED):
        flash(_("This contribution can no longer be changed."), "error")
        return redirect(url_for("contributions.mine"))
    form = barrier_form(workshop.process, obj=barrier)
    show_barrier(form, barrier)
    if form.validate_on_submit() and save_changes(form, barrier, workshop):
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("contributions.mine"))
    return render_form("barriers/edit.html", form, workshop=workshop, barrier=barrier)


@bp.post("/w/<workshop_code>/barriers/<int:barrier_id>/support")
@access(Rule.PARTICIPANT)
@participant_required
def support_barrier(barrier_id: int, workshop: Workshop, participant: Participant):
    """ "This happens to me too" on someone else's barrier (a second press takes it back)."""
    if not workshop.is_open:
        return closed_page(workshop)
    barrier = db.get_or_404(Barrier, barrier_id)
    if barrier.process_id != workshop.process_id or not barrier.is_visible:
        abort(404)
    if not wrote(participant, barrier):
        try:
            operations.support_barrier(barrier, participant, workshop)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # the same press twice at the same moment: the other one counted
    return redirect(url_for("live.step") + f"#barrier-{barrier.id}")
