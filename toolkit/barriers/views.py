"""Barriers for the staff: moderating what the room wrote (keep, hide, join duplicates, change the categories),
typing in what the room says or the paper form, the associations' own input, and the paper form itself."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import Permission, access, form_page
from ..content import localize
from ..extensions import db
from ..forms import render_form
from ..i18n import LANGUAGES
from ..ownership import own_organisation_or_403
from ..processes.models import Process
from ..services.catalogue import categories, services_in_scope
from ..workshops import service_choice
from ..workshops.cockpit import loaded_workshop
from ..workshops.forms import HideForm
from ..workshops.models import ServiceCandidate, Workshop
from ..workshops.printables import pdf_response
from ..workshops.room import Refused
from ..workshops.service_views import confirm_form
from . import operations
from .forms import CategoriesForm, MergeForm, barrier_form, store_new_barrier
from .labels import FREQUENCIES, SEVERITIES
from .models import Barrier, BarrierStatus

bp = Blueprint("barriers", __name__, url_prefix="/t/<territory_slug>")


# --- moderation ----------------------------------------------------------------------------------------------


def _process_barriers(process_id: int) -> list[Barrier]:
    """Every barrier of a process, whatever its status, by service and in the order they came."""
    return list(
        db.session.scalars(
            select(Barrier)
            .where(Barrier.process_id == process_id)
            .options(
                selectinload(Barrier.categories),
                selectinload(Barrier.supports),
                selectinload(Barrier.service),
                selectinload(Barrier.testimonies),
            )
            .order_by(Barrier.service_id, Barrier.created_at, Barrier.id)
        )
    )


def _process_candidates(process_id: int) -> list[ServiceCandidate]:
    """Every service proposed for a process, hidden and joined ones too, in the order they came."""
    return list(
        db.session.scalars(
            select(ServiceCandidate)
            .where(ServiceCandidate.process_id == process_id)
            .options(selectinload(ServiceCandidate.reasons), selectinload(ServiceCandidate.service))
            .order_by(ServiceCandidate.id)
        )
    )


@bp.get("/workshops/<int:workshop_id>/moderation")
@access(Permission.RUN_WORKSHOPS)
def moderation(workshop_id: int):
    """What the room wrote, to tidy: the services proposed, the services in scope, the barriers."""
    workshop = loaded_workshop(workshop_id)
    return render_template(
        "barriers/moderation.html",
        workshop=workshop,
        process=workshop.process,
        barriers=_process_barriers(workshop.process_id),
        candidates=_process_candidates(workshop.process_id),
        ranking=service_choice.ranking(workshop.process),
        categories=categories(),
        confirm_form=confirm_form(workshop.process),
    )


def _moderated_barrier(workshop_id: int, barrier_id: int) -> tuple[Workshop, Barrier]:
    """The workshop of the URL and one barrier of its process (404 for a barrier of another process)."""
    workshop = loaded_workshop(workshop_id)
    barrier = db.get_or_404(Barrier, barrier_id)
    if barrier.process_id != workshop.process_id:
        abort(404)
    return workshop, barrier


def _back(workshop: Workshop, barrier: Barrier):
    return redirect(url_for("barriers.moderation", workshop_id=workshop.id) + f"#barrier-{barrier.id}")


@bp.post("/workshops/<int:workshop_id>/barriers/<int:barrier_id>/keep")
@access(Permission.RUN_WORKSHOPS)
def keep_barrier(workshop_id: int, barrier_id: int):
    workshop, barrier = _moderated_barrier(workshop_id, barrier_id)
    operations.moderate_barrier(barrier, BarrierStatus.KEPT)
    db.session.commit()
    flash(_("The barrier is kept."), "success")
    return _back(workshop, barrier)


@bp.post("/workshops/<int:workshop_id>/barriers/<int:barrier_id>/hide")
@access(Permission.RUN_WORKSHOPS)
def hide_barrier(workshop_id: int, barrier_id: int):
    """Hide a barrier from the room, with the reason its author will read."""
    workshop, barrier = _moderated_barrier(workshop_id, barrier_id)
    form = HideForm()
    if not form.validate_on_submit():
        flash(_("Write the reason for hiding it: its author will see it."), "error")
        return _back(workshop, barrier)
    operations.moderate_barrier(barrier, BarrierStatus.HIDDEN, form.reason.data)
    db.session.commit()
    flash(_("The barrier is hidden."), "success")
    return _back(workshop, barrier)


@bp.post("/workshops/<int:workshop_id>/barriers/<int:barrier_id>/merge")
@access(Permission.RUN_WORKSHOPS)
def merge_barrier(workshop_id: int, barrier_id: int):
    """Join a duplicate into a visible barrier of the same service."""
    workshop, barrier = _moderated_barrier(workshop_id, barrier_id)
    form = MergeForm()
    form.into.choices = [
        (other.id, str(other.id))
        for other in operations.board_barriers(workshop.process_id, limit=None)
        if other.id != barrier.id
    ]
    survivor = db.session.get(Barrier, form.into.data) if form.validate_on_submit() else None
    try:
        if survivor is None or survivor.process_id != workshop.process_id:
            raise Refused("merge")
        operations.merge_barriers(barrier, survivor)
        db.session.commit()
    except Refused:
        db.session.rollback()
        flash(_("Choose a visible barrier of the same service to join it with."), "error")
        return _back(workshop, barrier)
    flash(_("The two barriers are joined: supports and testimonies follow the one kept."), "success")
    return _back(workshop, survivor)


@bp.post("/workshops/<int:workshop_id>/barriers/<int:barrier_id>/categories")
@access(Permission.RUN_WORKSHOPS)
def recategorise_barrier(workshop_id: int, barrier_id: int):
    workshop, barrier = _moderated_barrier(workshop_id, barrier_id)
    known = {category.id: category for category in categories()}
    form = CategoriesForm()
    form.categories.choices = [(category_id, str(category_id)) for category_id in known]
    if form.validate_on_submit():
        operations.recategorise(barrier, [known[category_id] for category_id in form.categories.data])
        db.session.commit()
        flash(_("The categories are changed."), "success")
    return _back(workshop, barrier)


@bp.route("/workshops/<int:workshop_id>/barriers/new", methods=["GET", "POST"])
@access(Permission.RUN_WORKSHOPS)
@form_page
def type_in_barrier(workshop_id: int):
    """The facilitator writes what the room says, or what someone wrote on the paper form."""
    workshop = loaded_workshop(workshop_id)
    form = barrier_form(workshop.process)
    if form.validate_on_submit() and store_new_barrier(
        form, process=workshop.process, workshop=workshop, facilitator=True
    ):
        flash(_("The barrier is saved. You can type the next one."), "success")
        return redirect(url_for("barriers.type_in_barrier", workshop_id=workshop.id))
    return render_form("barriers/type_in.html", form, workshop=workshop)


# --- associations ------------------------------------------------------------------------------------------------


@bp.route("/processes/<int:process_id>/our-input", methods=["GET", "POST"])
@access(Permission.SUBMIT_INPUT)
@form_page
def organisation_input(process_id: int):
    """An association sends barriers before or after the workshops, and follows what became of them."""
    process = db.get_or_404(Process, process_id, options=[selectinload(Process.services)])
    organisation = own_organisation_or_403("barriers/no_organisation.html", process=process)
    form = barrier_form(process)
    if form.validate_on_submit() and store_new_barrier(
        form, process=process, organisation_id=organisation.id
    ):
        flash(_("Thank you: the barrier is sent. You can follow it below."), "success")
        return redirect(url_for("barriers.organisation_input", process_id=process.id))
    sent = db.session.scalars(
        select(Barrier)
        .where(Barrier.process_id == process.id, Barrier.organisation_id == organisation.id)
        .options(selectinload(Barrier.service), selectinload(Barrier.categories))
        .order_by(Barrier.created_at.desc(), Barrier.id.desc())
    ).all()
    return render_form(
        "barriers/organisation_input.html", form, process=process, organisation=organisation, sent=sent
    )


# --- the paper form -------------------------------------------------------------------------------------------


def paper_form_context(process: Process, language: str) -> dict:
    """Everything the paper form prints, as plain data in ``language``: the services in scope, the categories
    and the scales of the barrier form."""
    with force_locale(language):
        return {
            "process_title": process.title,
            "territory_name": g.territory.name,
            "territory_lang": g.territory.default_locale,
            "services": sorted(localize(s.name, language).text for s in services_in_scope(process)),
            "categories": [localize(c.name, language).text for c in categories()],
            "frequencies": [str(label) for label in FREQUENCIES.values()],
            "severities": [str(label) for label in SEVERITIES.values()],
        }


@bp.get("/processes/<int:process_id>/paper-form-<lang>.pdf")
@access(Permission.RUN_WORKSHOPS)
def paper_form(process_id: int, lang: str):
    """The barrier questions on one printable page, in one language, for people who prefer paper."""
    from ..documents import render_document

    if lang not in LANGUAGES:
        abort(404)
    process = db.get_or_404(Process, process_id)
    pdf = render_document("documents/paper_form.html", language=lang, **paper_form_context(process, lang))
    return pdf_response(pdf, f"paper-form-{process.id}-{lang}.pdf")
