"""The facilitator's side: processes and workshops, the agenda, the cockpit that runs the room, the projector,
moderation of what the room wrote, and the printable poster and paper form."""

from __future__ import annotations

from datetime import UTC, datetime, time

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..access import Permission, access, form_page
from ..barriers.labels import FREQUENCIES, SEVERITIES
from ..barriers.models import Barrier, BarrierStatus
from ..content import localize
from ..extensions import csrf, db
from ..forms import database_int, render_form, saving
from ..i18n import LANGUAGES
from ..processes.models import Phase, Process, StepKind, StepTemplate
from ..workshops.models import Workshop, WorkshopStep
from . import operations
from .forms import CategoriesForm, ConfirmServicesForm, HideForm, MergeForm, ProcessForm, WorkshopForm
from .live import (
    _categories,
    _save_new_barrier,
    barrier_count,
    barrier_form,
    board_barriers,
    catalogue,
    services_in_scope,
)
from .models import ServiceCandidate

bp = Blueprint("workshops", __name__, url_prefix="/t/<territory_slug>")

#: Minutes added by the cockpit's "more time" button.
EXTRA_MINUTES = 5


def _templates() -> list[StepTemplate]:
    return list(
        db.session.scalars(
            select(StepTemplate).where(StepTemplate.archived_at.is_(None)).order_by(StepTemplate.position)
        )
    )


# --- processes ---------------------------------------------------------------------------------------------


@bp.route("/processes/new", methods=["GET", "POST"])
@bp.route("/processes/<int:process_id>/edit", methods=["GET", "POST"])
@access(Permission.RUN_WORKSHOPS)
@form_page
def edit_process(process_id: int | None = None):
    process = (
        Process(territory_id=g.territory.id) if process_id is None else db.get_or_404(Process, process_id)
    )
    form = ProcessForm(obj=process)
    if not form.is_submitted():
        form.phase.data = (process.phase or Phase.SETUP).value
    if form.validate_on_submit():
        with saving(form) as outcome:
            is_new = process.id is None
            process.title = form.title.data
            process.description = form.description.data or ""
            process.phase = Phase(form.phase.data)
            process.starts_on = form.starts_on.data
            process.ends_on = form.ends_on.data
            db.session.add(process)
            audit.record("process.created" if is_new else "process.updated", process)
        if outcome.saved:
            flash(_("The process is saved."), "success")
            return redirect(url_for("processes.process", process_id=process.id))
    return render_form("workshops/process_form.html", form, process=process)


# --- workshops and their agenda ----------------------------------------------------------------------------


def _workshop(workshop_id: int) -> Workshop:
    return db.get_or_404(
        Workshop, workshop_id, options=[selectinload(Workshop.steps), selectinload(Workshop.process)]
    )


@bp.route("/processes/<int:process_id>/workshops/new", methods=["GET", "POST"])
@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@access(Permission.RUN_WORKSHOPS)
@form_page
def edit_workshop(process_id: int | None = None, workshop_id: int | None = None):
    if workshop_id is None:
        process = db.get_or_404(Process, process_id)
        workshop = Workshop(territory_id=g.territory.id, process_id=process.id, phase=_default_phase(process))
    else:
        workshop = _workshop(workshop_id)
        process = workshop.process
    templates = _templates() if workshop.id is None else []
    form = WorkshopForm(obj=workshop, templates=templates)
    if not form.is_submitted():
        form.phase.data = workshop.phase.value
        if workshop.starts_at:
            local = workshop.starts_at
            form.day.data, form.time.data = local.date(), local.time().replace(second=0, microsecond=0)
        suggested = PHASE_STEPS.get(workshop.phase, set(StepKind))
        form.steps.data = [t.id for t in templates if t.kind in suggested]
    if form.validate_on_submit():
        with saving(form) as outcome:
            is_new = workshop.id is None
            workshop.title = form.title.data
            workshop.phase = Phase(form.phase.data)
            workshop.place = form.place.data or ""
            workshop.starts_at = (
                datetime.combine(form.day.data, form.time.data or time(0, 0)) if form.day.data else None
            )
            workshop.dots_per_participant = form.dots_per_participant.data
            workshop.dots_per_service = form.dots_per_service.data
            db.session.add(workshop)
            db.session.flush()
            if is_new:
                chosen = set(form.steps.data or ())
                operations.build_agenda(workshop, [t for t in templates if t.id in chosen])
            operations.bump(workshop, step=True)
            audit.record("workshop.created" if is_new else "workshop.updated", workshop)
        if outcome.saved:
            flash(_("The workshop is saved."), "success")
            return redirect(url_for("workshops.cockpit", workshop_id=workshop.id))
    return render_form("workshops/workshop_form.html", form, workshop=workshop, process=process)


#: The steps a new workshop of each phase starts with ticked; the facilitator ticks or unticks the others.
PHASE_STEPS = {
    Phase.SERVICES: {
        StepKind.WELCOME,
        StepKind.SERVICE_PROPOSALS,
        StepKind.SERVICE_VOTING,
        StepKind.BREAK,
        StepKind.SYNTHESIS,
        StepKind.OTHER,
    },
    Phase.BARRIERS: {
        StepKind.WELCOME,
        StepKind.BARRIER_ROUND,
        StepKind.BREAK,
        StepKind.SYNTHESIS,
        StepKind.OTHER,
    },
    Phase.CODESIGN: {
        StepKind.WELCOME,
        StepKind.PROPOSAL_ROUND,
        StepKind.PROPOSAL_VOTING,
        StepKind.PROPOSAL_GRID,
        StepKind.BREAK,
        StepKind.OTHER,
    },
}


def _default_phase(process: Process) -> Phase:
    return process.phase if process.phase is not Phase.SETUP else Phase.SERVICES


@bp.post("/workshops/<int:workshop_id>/steps/add")
@access(Permission.RUN_WORKSHOPS)
def add_step(workshop_id: int):
    workshop = _workshop(workshop_id)
    template = db.session.get(StepTemplate, database_int(request.form.get("template")) or 0)
    if template is None or template.territory_id != workshop.territory_id:
        abort(400)
    operations.build_agenda(workshop, [template])
    operations.bump(workshop, step=True)
    db.session.commit()
    return redirect(url_for("workshops.cockpit", workshop_id=workshop.id) + "#agenda")


@bp.post("/workshops/<int:workshop_id>/steps/<int:step_id>/<any(up, down, remove):action>")
@access(Permission.RUN_WORKSHOPS)
def change_step(workshop_id: int, step_id: int, action: str):
    workshop = _workshop(workshop_id)
    step = db.get_or_404(WorkshopStep, step_id)
    if step.workshop_id != workshop.id:
        abort(404)
    try:
        if action == "remove":
            operations.remove_step(workshop, step)
        else:
            operations.move_step(workshop, step, -1 if action == "up" else 1)
        db.session.commit()
    except operations.Refused:
        flash(_("The room is on this step: move to another step before removing it."), "error")
    return redirect(url_for("workshops.cockpit", workshop_id=workshop.id) + "#agenda")


# --- the cockpit ---------------------------------------------------------------------------------------------


def join_link(workshop: Workshop) -> str:
    return url_for("live.join", workshop_code=workshop.join_code, _external=True)


def qr_data_uri(link: str, scale: int = 8) -> str:
    return segno.make(link, error="m").svg_data_uri(scale=scale, border=2, dark="#000", light="#fff")


@bp.get("/workshops/<int:workshop_id>")
@access(Permission.RUN_WORKSHOPS)
def cockpit(workshop_id: int):
    """Run the workshop: open it, move through the steps, give more time, close it; see what arrives."""
    workshop = _workshop(workshop_id)
    link = join_link(workshop) if workshop.join_code else None
    return render_template(
        "workshops/cockpit.html",
        workshop=workshop,
        process=workshop.process,
        link=link,
        qr=qr_data_uri(link) if link else None,
        code=operations.format_code(workshop.join_code) if workshop.join_code else None,
        templates=_templates(),
        ranking=operations.ranking(workshop.process),
        barrier_total=barrier_count(workshop),
        participants=_participant_count(workshop),
        **_codesign_context(workshop, workshop.current_step if workshop.is_open else None),
    )


def _participant_count(workshop: Workshop) -> int:
    from ..workshops.models import Participant

    return db.session.scalar(
        select(db.func.count(Participant.id)).where(Participant.workshop_id == workshop.id)
    )


@bp.post("/workshops/<int:workshop_id>/<any(open, close, next, previous, extend):action>")
@access(Permission.RUN_WORKSHOPS)
def run(workshop_id: int, action: str):
    workshop = _workshop(workshop_id)
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
    except operations.Refused:
        db.session.rollback()
        flash(_("Open the workshop first."), "error")
    return redirect(url_for("workshops.cockpit", workshop_id=workshop.id))


# --- the projector and its live board ---------------------------------------------------------------------------


def _board_context(workshop: Workshop) -> dict:
    step = workshop.current_step if workshop.is_open else None
    context = {
        "workshop": workshop,
        "step": step,
        "kind": step.kind if step else None,
        "ranking": operations.ranking(workshop.process),
        "barriers": board_barriers(workshop, limit=12),
        "barrier_total": barrier_count(workshop),
        "participants": _participant_count(workshop),
    }
    context.update(_codesign_context(workshop, step))
    return context


def _codesign_context(workshop: Workshop, step: WorkshopStep | None) -> dict:
    """The proposals of the process, and the ranking of the room's current vote when it is on one."""
    from ..codesign import operations as codesign

    if step is None or not step.kind.codesign:
        return {"proposals": [], "results": None}
    proposals = codesign.visible_proposals(workshop.process)
    results = codesign.results(step, proposals) if step.kind.prioritises else None
    return {"proposals": proposals, "results": results}


@bp.get("/workshops/<int:workshop_id>/projector")
@access(Permission.RUN_WORKSHOPS)
def projector(workshop_id: int):
    """Full screen for the room: how to join, the step and its timer, what arrives."""
    workshop = _workshop(workshop_id)
    link = join_link(workshop) if workshop.join_code else None
    return render_template(
        "workshops/projector.html",
        link=link,
        qr=qr_data_uri(link, scale=10) if link else None,
        code=operations.format_code(workshop.join_code) if workshop.join_code else None,
        enter_link=url_for("live.enter_code", _external=True),
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
        workshop = _workshop(workshop_id)
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


# --- moderation ----------------------------------------------------------------------------------------------


@bp.get("/workshops/<int:workshop_id>/moderation")
@access(Permission.RUN_WORKSHOPS)
def moderation(workshop_id: int):
    workshop = _workshop(workshop_id)
    barriers = db.session.scalars(
        select(Barrier)
        .where(Barrier.process_id == workshop.process_id)
        .options(
            selectinload(Barrier.categories),
            selectinload(Barrier.supports),
            selectinload(Barrier.service),
            selectinload(Barrier.testimonies),
        )
        .order_by(Barrier.service_id, Barrier.created_at, Barrier.id)
    ).all()
    candidates = db.session.scalars(
        select(ServiceCandidate)
        .where(ServiceCandidate.process_id == workshop.process_id)
        .options(selectinload(ServiceCandidate.reasons), selectinload(ServiceCandidate.service))
        .order_by(ServiceCandidate.id)
    ).all()
    return render_template(
        "workshops/moderation.html",
        workshop=workshop,
        process=workshop.process,
        barriers=barriers,
        candidates=candidates,
        ranking=operations.ranking(workshop.process),
        categories=_categories(),
        confirm_form=_confirm_form(workshop.process),
    )


def _moderated_barrier(workshop_id: int, barrier_id: int) -> tuple[Workshop, Barrier]:
    workshop = _workshop(workshop_id)
    barrier = db.get_or_404(Barrier, barrier_id)
    if barrier.process_id != workshop.process_id:
        abort(404)
    return workshop, barrier


def _back(workshop: Workshop, anchor: str = ""):
    return redirect(url_for("workshops.moderation", workshop_id=workshop.id) + anchor)


@bp.post("/workshops/<int:workshop_id>/barriers/<int:barrier_id>/keep")
@access(Permission.RUN_WORKSHOPS)
def keep_barrier(workshop_id: int, barrier_id: int):
    workshop, barrier = _moderated_barrier(workshop_id, barrier_id)
    operations.moderate_barrier(barrier, BarrierStatus.KEPT)
    db.session.commit()
    flash(_("The barrier is kept."), "success")
    return _back(workshop, f"#barrier-{barrier.id}")


@bp.post("/workshops/<int:workshop_id>/barriers/<int:barrier_id>/hide")
@access(Permission.RUN_WORKSHOPS)
def hide_barrier(workshop_id: int, barrier_id: int):
    workshop, barrier = _moderated_barrier(workshop_id, barrier_id)
    form = HideForm()
    if not form.validate_on_submit():
        flash(_("Write the reason for hiding it: its author will see it."), "error")
        return _back(workshop, f"#barrier-{barrier.id}")
    operations.moderate_barrier(barrier, BarrierStatus.HIDDEN, form.reason.data)
    db.session.commit()
    flash(_("The barrier is hidden."), "success")
    return _back(workshop, f"#barrier-{barrier.id}")


@bp.post("/workshops/<int:workshop_id>/barriers/<int:barrier_id>/merge")
@access(Permission.RUN_WORKSHOPS)
def merge_barrier(workshop_id: int, barrier_id: int):
    workshop, barrier = _moderated_barrier(workshop_id, barrier_id)
    form = MergeForm()
    form.into.choices = [
        (b.id, str(b.id)) for b in board_barriers(workshop, limit=None) if b.id != barrier.id
    ]
    survivor = db.session.get(Barrier, form.into.data) if form.validate_on_submit() else None
    try:
        if survivor is None or survivor.process_id != workshop.process_id:
            raise operations.Refused("merge")
        operations.merge_barriers(barrier, survivor)
        db.session.commit()
    except operations.Refused:
        db.session.rollback()
        flash(_("Choose a visible barrier of the same service to join it with."), "error")
        return _back(workshop, f"#barrier-{barrier.id}")
    flash(_("The two barriers are joined: supports and testimonies follow the one kept."), "success")
    return _back(workshop, f"#barrier-{survivor.id}")


@bp.post("/workshops/<int:workshop_id>/barriers/<int:barrier_id>/categories")
@access(Permission.RUN_WORKSHOPS)
def recategorise_barrier(workshop_id: int, barrier_id: int):
    workshop, barrier = _moderated_barrier(workshop_id, barrier_id)
    categories = {c.id: c for c in _categories()}
    form = CategoriesForm()
    form.categories.choices = [(cid, str(cid)) for cid in categories]
    if form.validate_on_submit():
        operations.recategorise(barrier, [categories[cid] for cid in form.categories.data])
        db.session.commit()
        flash(_("The categories are changed."), "success")
    return _back(workshop, f"#barrier-{barrier.id}")


@bp.route("/workshops/<int:workshop_id>/barriers/new", methods=["GET", "POST"])
@access(Permission.RUN_WORKSHOPS)
@form_page
def type_in_barrier(workshop_id: int):
    """The facilitator writes what the room says, or what someone wrote on the paper form."""
    workshop = _workshop(workshop_id)
    form = barrier_form(workshop)
    if form.validate_on_submit() and _save_new_barrier(form, workshop, facilitator=True):
        flash(_("The barrier is saved. You can type the next one."), "success")
        return redirect(url_for("workshops.type_in_barrier", workshop_id=workshop.id))
    return render_form("workshops/type_in.html", form, workshop=workshop)


def _confirm_form(process: Process) -> ConfirmServicesForm:
    form = ConfirmServicesForm(formdata=None)
    form.services.choices = [(s.id, localize(s.name).text) for s in catalogue()]
    form.services.data = [s.id for s in process.services]
    return form


@bp.post(
    "/workshops/<int:workshop_id>/candidates/<int:candidate_id>/<any(hide, show, merge, catalogue):action>"
)
@access(Permission.RUN_WORKSHOPS)
def moderate_candidate(workshop_id: int, candidate_id: int, action: str):
    workshop = _workshop(workshop_id)
    candidate = db.get_or_404(ServiceCandidate, candidate_id)
    if candidate.process_id != workshop.process_id:
        abort(404)
    if action == "hide":
        form = HideForm()
        if not form.validate_on_submit():
            flash(_("Write the reason for hiding it: its author will see it."), "error")
            return _back(workshop, "#services")
        candidate.hidden, candidate.hidden_reason = True, form.reason.data
    elif action == "show":
        candidate.hidden, candidate.hidden_reason = False, ""
    elif action == "catalogue" and candidate.service_id is None:
        operations.add_candidate_to_catalogue(candidate, g.territory)
    elif action == "merge":
        survivor = db.session.get(ServiceCandidate, database_int(request.form.get("into")) or 0)
        try:
            if survivor is None or survivor.process_id != workshop.process_id:
                raise operations.Refused("merge")
            operations.merge_candidates(candidate, survivor)
        except operations.Refused:
            db.session.rollback()
            flash(_("Choose another service of the list to join it with."), "error")
            return _back(workshop, "#services")
    operations.bump(workshop)
    db.session.commit()
    flash(_("The list of services is updated."), "success")
    return _back(workshop, "#services")


@bp.post("/workshops/<int:workshop_id>/services")
@access(Permission.RUN_WORKSHOPS)
def confirm_services(workshop_id: int):
    """The facilitator confirms the services the process works on (usually the top of the ranking)."""
    workshop = _workshop(workshop_id)
    form = ConfirmServicesForm()
    services = {s.id: s for s in catalogue()}
    form.services.choices = [(sid, str(sid)) for sid in services]
    if form.validate_on_submit():
        operations.confirm_services(workshop.process, [services[sid] for sid in form.services.data])
        operations.bump(workshop)
        db.session.commit()
        flash(_("The services in scope are confirmed."), "success")
    return _back(workshop, "#scope")


# --- printables ----------------------------------------------------------------------------------------------


@bp.get("/workshops/<int:workshop_id>/poster.pdf")
@access(Permission.RUN_WORKSHOPS)
def poster(workshop_id: int):
    """An A4 poster with the code and the QR code, to hang in the room."""
    from ..documents import render_document

    workshop = _workshop(workshop_id)
    if not workshop.join_code:
        workshop.join_code = operations.new_join_code()
        db.session.commit()
    link = join_link(workshop)
    language = str(get_locale())
    pdf = render_document(
        "documents/poster.html",
        language=language,
        title=workshop.title,
        process_title=workshop.process.title,
        territory_name=g.territory.name,
        territory_lang=g.territory.default_locale,
        when=format_datetime(workshop.starts_at.replace(tzinfo=UTC), "medium") if workshop.starts_at else "",
        place=workshop.place,
        code=operations.format_code(workshop.join_code),
        join_url=link,
        enter_url=url_for("live.enter_code", _external=True),
        qr_svg=qr_data_uri(link, scale=10),
        languages=[(code, language["name"]) for code, language in LANGUAGES.items()],
    )
    return _pdf(pdf, f"poster-{workshop.join_code}.pdf")


@bp.get("/processes/<int:process_id>/paper-form-<lang>.pdf")
@access(Permission.RUN_WORKSHOPS)
def paper_form(process_id: int, lang: str):
    """The barrier questions on one printable page, in one language, for people who prefer paper."""
    from flask_babel import force_locale

    from ..documents import render_document

    if lang not in LANGUAGES:
        abort(404)
    process = db.get_or_404(Process, process_id)
    services = services_in_scope(process)
    with force_locale(lang):
        context = {
            "services": sorted(localize(s.name, lang).text for s in services),
            "categories": [localize(c.name, lang).text for c in _categories()],
            "frequencies": [str(label) for label in FREQUENCIES.values()],
            "severities": [str(label) for label in SEVERITIES.values()],
        }
    pdf = render_document(
        "documents/paper_form.html",
        language=lang,
        process_title=process.title,
        territory_name=g.territory.name,
        territory_lang=g.territory.default_locale,
        **context,
    )
    return _pdf(pdf, f"paper-form-{process.id}-{lang}.pdf")


def _pdf(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- associations ------------------------------------------------------------------------------------------------


@bp.route("/processes/<int:process_id>/our-input", methods=["GET", "POST"])
@access(Permission.SUBMIT_INPUT)
@form_page
def organisation_input(process_id: int):
    """An association sends barriers before or after the workshops, and follows what became of them."""
    process = db.get_or_404(Process, process_id, options=[selectinload(Process.services)])
    organisation = current_user.organisation_in(g.territory)
    if organisation is None:
        if request.method == "POST":
            csrf.protect()  # a forged request is refused as such, whoever sends it
        return render_template("workshops/no_organisation.html", process=process), 403
    form = _organisation_form(process)
    if form.validate_on_submit() and _save_new_barrier(
        form, None, process=process, organisation_id=organisation.id
    ):
        flash(_("Thank you: the barrier is sent. You can follow it below."), "success")
        return redirect(url_for("workshops.organisation_input", process_id=process.id))
    sent = db.session.scalars(
        select(Barrier)
        .where(Barrier.process_id == process.id, Barrier.organisation_id == organisation.id)
        .options(selectinload(Barrier.service), selectinload(Barrier.categories))
        .order_by(Barrier.created_at.desc(), Barrier.id.desc())
    ).all()
    return render_form(
        "workshops/organisation_input.html", form, process=process, organisation=organisation, sent=sent
    )


def _organisation_form(process: Process):
    from .forms import BarrierForm

    return BarrierForm(services=services_in_scope(process), categories=_categories())


@bp.route("/processes/<int:process_id>/our-input/<int:barrier_id>/withdraw", methods=["GET", "POST"])
@access(Permission.SUBMIT_INPUT)
def withdraw_organisation_barrier(process_id: int, barrier_id: int):
    """An association withdraws a barrier it sent: the page says first what withdrawing does (and whether issued
    documents already hold it); the button erases its words."""
    from .returning import confirm_withdrawal

    barrier = db.get_or_404(Barrier, barrier_id)
    organisation = current_user.organisation_in(g.territory)
    if barrier.process_id != process_id or organisation is None or barrier.organisation_id != organisation.id:
        abort(404)
    return confirm_withdrawal(
        barrier,
        withdrawn=barrier.status is BarrierStatus.WITHDRAWN,
        withdraw=lambda: operations.withdraw_barrier(barrier, None),
        action=url_for(
            "workshops.withdraw_organisation_barrier", process_id=process_id, barrier_id=barrier.id
        ),
        back=url_for("workshops.organisation_input", process_id=process_id),
        template="workshops/withdraw.html",
        process=barrier.process,
        organisation=organisation,
    )
