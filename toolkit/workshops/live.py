"""The participant's side of a live workshop: joining with a code, the current step on the phone, proposing and
voting on services, describing barriers, the personal return code.

Participants have no account. The workshop comes from the code in the URL; the participant from the signed
session cookie, which holds only the ids of the participants this phone joined as. Nothing about the person, the
phone or the network is stored.
"""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_wtf.csrf import validate_csrf
from limits import parse_many
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.validators import ValidationError

from ..access import Rule, access, form_page
from ..barriers.models import Barrier, BarrierStatus, Frequency, Severity
from ..extensions import db, limiter
from ..forms import BaseForm, form_status, render_form, saving
from ..processes.models import Process, StepKind
from ..services.models import BarrierCategory, Service
from ..territories.models import Territory
from ..workshops.models import Participant, ParticipantRole, Workshop, WorkshopState
from . import operations
from .forms import BarrierForm, JoinCodeForm, JoinForm, ServiceProposalForm
from .models import ServiceProposal

bp = Blueprint("live", __name__)

SESSION_KEY = "participants"


# --- the workshop in the URL, the participant in the session ------------------------------------------------


def load_workshop(code: str) -> None:
    """Turn the code in the URL into ``g.workshop`` (``None`` when no workshop has it) and its territory."""
    code = operations.normalise_code(code)
    workshop = None
    if len(code) == operations.JOIN_CODE_LENGTH:
        workshop = db.session.scalar(
            select(Workshop).where(Workshop.join_code == code).execution_options(all_territories=True)
        )
    g.workshop = workshop
    g.workshop_code = code
    if workshop is not None:
        # Loaded before the request's scope is set: the workshop's process (and territory) come along.
        db.session.get(Process, workshop.process_id, execution_options={"all_territories": True})
        g.territory = db.session.get(Territory, workshop.territory_id)


def anonymous_address_key() -> str:
    """Rate-limit key for a network address, kept only as a keyed digest (and only in the limiter's counters)."""
    address = request.remote_addr or ""
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{secret}|{address}".encode()).hexdigest()[:24]


def wrong_code_limited() -> bool:
    """Count a wrong code (workshop or return code) from this network address; True once the address has sent
    more than ``JOIN_FAILURE_LIMIT`` of them. Right codes are never counted nor refused: a whole room behind one
    Wi-Fi joins whatever the typos of a few."""
    if not limiter.enabled:
        return False
    key = anonymous_address_key()
    allowed = True
    for limit in parse_many(current_app.config["JOIN_FAILURE_LIMIT"]):
        allowed = limiter.limiter.hit(limit, "codes", key) and allowed
    return not allowed


def _too_many(form=None, template: str = "live/enter_code.html"):
    form = form or JoinCodeForm(formdata=None)
    form.form_errors = [
        *form.form_errors,
        _("Too many wrong codes from this network. Please wait a minute and try again."),
    ]
    return make_response(render_template(template, form=form), 429)


def current_participant(workshop: Workshop) -> Participant | None:
    ids = [pid for pid in session.get(SESSION_KEY, []) if isinstance(pid, int)]
    if not ids:
        return None
    return db.session.scalar(
        select(Participant).where(Participant.id.in_(ids), Participant.workshop_id == workshop.id)
    )


def _remember(participant: Participant) -> None:
    ids = [pid for pid in session.get(SESSION_KEY, []) if isinstance(pid, int) and pid != participant.id]
    session[SESSION_KEY] = [*ids[-19:], participant.id]
    session.permanent = True


def _workshop() -> Workshop:
    workshop = g.get("workshop")
    if workshop is None:
        abort(404)
    return workshop


def _closed_page(workshop: Workshop):
    return render_template("live/closed.html", workshop=workshop), 410


def _participant_or_join():
    """The participant of this phone, or the answer that sends them to join first."""
    workshop = _workshop()
    participant = current_participant(workshop)
    if participant is None:
        if request.method == "GET":
            return None, redirect(url_for("live.join"))
        # Usually the session expired with its token: the text comes back so that nothing is lost.
        status = 409 if _token_valid() else 400
        return None, (render_template("live/rejoin.html", workshop=workshop, typed=_typed_texts()), status)
    return participant, None


def _token_valid() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token", ""))
    except ValidationError:
        return False
    return True


def _typed_texts() -> list[str]:
    """What a person typed in a form that arrived without a workshop session: shown back so nothing is lost."""
    names = (
        "text",
        "testimony",
        "reason",
        "new_name",
        "groups_affected",
        "change",
        "who_acts",
        "resources",
        "timeline",
        "expected_effect",
    )
    return [request.form[name] for name in names if request.form.get(name, "").strip()]


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
        if wrong_code_limited():
            return _too_many(form)
        form.code.errors.append(_("No workshop has this code. Check the letters and try again."))
        return render_template("live/enter_code.html", form=form), 404
    return render_form("live/enter_code.html", form)


@bp.get("/w/<workshop_code>")
@access(Rule.PUBLIC)
def join():
    """Where the QR code and the join link lead: choose a language, then read the consent."""
    workshop = g.get("workshop")
    if workshop is None:
        form = JoinCodeForm(data={"code": g.get("workshop_code", "")})
        if wrong_code_limited():
            return _too_many(form)
        form.code.errors = [_("No workshop has this code. Check the letters and try again.")]
        return render_template("live/enter_code.html", form=form), 404
    g.scope = (workshop.territory_id,)
    if workshop.state is not WorkshopState.OPEN and current_participant(workshop) is None:
        return _closed_page(workshop)
    if current_participant(workshop) is not None:
        return redirect(url_for("live.step"))
    return render_template("live/join.html", workshop=workshop)


@bp.route("/w/<workshop_code>/consent", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
@form_page
def consent():
    workshop = _workshop()
    if current_participant(workshop) is not None:
        return redirect(url_for("live.step"))
    if workshop.state is not WorkshopState.OPEN:
        return _closed_page(workshop)
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
            _remember(participant)
            return redirect(url_for("live.step"))
    return render_form("live/consent.html", form, workshop=workshop)


# --- the current step --------------------------------------------------------------------------------------


def services_in_scope(process: Process) -> list[Service]:
    """The services a barrier can be about: those confirmed for the process, else the whole catalogue."""
    return _by_name(process.services) if process.services else catalogue()


def catalogue() -> list[Service]:
    """The territory's services in use, by name in the page's language."""
    return _by_name(db.session.scalars(select(Service).where(Service.archived_at.is_(None))))


def _by_name(services) -> list[Service]:
    from ..content import localize

    return sorted(services, key=lambda s: localize(s.name).text.casefold())


def _categories() -> list[BarrierCategory]:
    return list(db.session.scalars(select(BarrierCategory).order_by(BarrierCategory.position)))


def barrier_form(workshop: Workshop, **kwargs) -> BarrierForm:
    return BarrierForm(services=services_in_scope(workshop.process), categories=_categories(), **kwargs)


#: How many of the latest barriers phones show: enough to read, light for 200 phones (fewer under the form).
BOARD_SIZE = 10
BOARD_SIZE_UNDER_FORM = 5


def _visible_barriers(workshop: Workshop):
    return select(Barrier).where(
        Barrier.process_id == workshop.process_id, Barrier.status.in_(BarrierStatus.visible())
    )


def board_barriers(workshop: Workshop, limit: int | None = BOARD_SIZE) -> list[Barrier]:
    """The latest barriers of the workshop's process that the room can see, newest first."""
    return list(
        db.session.scalars(
            _visible_barriers(workshop)
            .options(
                selectinload(Barrier.categories),
                selectinload(Barrier.supports),
                selectinload(Barrier.service),
            )
            .order_by(Barrier.created_at.desc(), Barrier.id.desc())
            .limit(limit)
        )
    )


def barrier_count(workshop: Workshop) -> int:
    """How many barriers of the workshop's process the room can see."""
    return db.session.scalar(select(func.count()).select_from(_visible_barriers(workshop).subquery()))


def _step_page(workshop: Workshop, participant: Participant, status: int = 200, **forms):
    step = workshop.current_step if workshop.is_open else None
    kind = step.kind if step is not None else None
    context = {
        "workshop": workshop,
        "participant": participant,
        "step": step,
        "kind": kind,
        "unsent": forms.get("unsent", []),
    }
    if kind is StepKind.SERVICE_PROPOSALS:
        context["proposal_form"] = forms.get("proposal_form") or ServiceProposalForm(
            formdata=None, services=catalogue()
        )
        context["ranking"] = operations.ranking(workshop.process)
    elif kind is StepKind.SERVICE_VOTING:
        context["ranking"] = operations.ranking(workshop.process)
        context["my_votes"] = forms.get("typed_votes") or operations.votes_of(participant)
        context["vote_errors"] = forms.get("vote_errors", [])
    elif kind is StepKind.BARRIER_ROUND:
        context["barrier_form"] = forms.get("barrier_form") or barrier_form(workshop, formdata=None)
        context["barriers"] = board_barriers(workshop, limit=BOARD_SIZE_UNDER_FORM)
        context["barrier_total"] = barrier_count(workshop)
    elif kind is StepKind.SYNTHESIS:
        context["ranking"] = operations.ranking(workshop.process)
        context["barriers"] = board_barriers(workshop)
        context["barrier_total"] = barrier_count(workshop)
    elif kind is not None and kind.codesign:
        from ..codesign.live import step_context

        context.update(step_context(workshop, participant, step, forms))
    return render_template("live/step.html", **context), status


@bp.get("/w/<workshop_code>/now")
@access(Rule.PARTICIPANT)
def step():
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    return _step_page(_workshop(), participant)


@bp.get("/w/<workshop_code>/live")
@access(Rule.PARTICIPANT)
def poll():
    """What phones poll every few seconds: the state and the current step. 304 when nothing changed."""
    workshop = _workshop()
    if current_participant(workshop) is None:
        abort(403)
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


def _refusal_message(reason: str, workshop: Workshop, placed: int = 0) -> str:
    if reason == "closed":
        return _("The workshop is closed: nothing more can be added.")
    if reason == "total":
        return ngettext(
            "You placed %(placed)d dots, but you have only %(num)d dot.",
            "You placed %(placed)d dots, but you have only %(num)d dots.",
            workshop.dots_per_participant,
            placed=placed,
        )
    if reason == "per-service":
        return ngettext(
            "You can place at most %(num)d dot on one service.",
            "You can place at most %(num)d dots on one service.",
            workshop.dots_per_service,
        )
    if reason == "per-proposal":
        return ngettext(
            "You can place at most %(num)d dot on one proposal.",
            "You can place at most %(num)d dots on one proposal.",
            workshop.dots_per_service,
        )
    if reason == "step-closed":
        return _("This vote is closed: the room has moved on. Your earlier choices still count.")
    return _("This choice is no longer available. Please check the list again.")


def _open_or_refuse(workshop: Workshop, form) -> bool:
    if workshop.state is WorkshopState.OPEN:
        return True
    form.form_errors.append(_refusal_message("closed", workshop))
    return False


@bp.post("/w/<workshop_code>/services")
@access(Rule.PARTICIPANT)
@form_page
def propose_service():
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    workshop = _workshop()
    services = catalogue()
    form = ServiceProposalForm(services=services)
    if form.validate_on_submit() and _open_or_refuse(workshop, form):
        service = next((s for s in services if s.id == form.service.data), None)
        try:
            with saving(form) as outcome:
                operations.propose_service(
                    workshop.process,
                    service=service,
                    name=form.new_name.data or "",
                    reason=form.reason.data,
                    language=form.language.data,
                    submission_key=form.submission_key.data or None,
                    workshop=workshop,
                    participant=participant,
                )
        except IntegrityError:
            db.session.rollback()
            outcome.saved = operations.already_sent(ServiceProposal, form.submission_key.data) is not None
        if outcome.saved:
            flash(_("Thank you: your proposal is on the board."), "success")
            return redirect(url_for("live.step"))
    return _step_page(workshop, participant, form_status(form), proposal_form=form)


@bp.post("/w/<workshop_code>/votes")
@access(Rule.PARTICIPANT)
@form_page
def vote():
    """Place dots: one number per service; the whole allocation replaces the previous one."""
    typed, bad_number = typed_dots()
    return send_ballot(
        lambda workshop, participant: operations.cast_votes(workshop, participant, typed),
        typed_votes=typed,
        placed=sum(typed.values()),
        bad_input=_("Write the number of dots with digits, for example 2.") if bad_number else None,
        saved=_("Your dots are placed. You can change them until voting ends."),
        raced=_("Your dots changed on another screen at the same moment. Please check them."),
    )


def typed_dots() -> tuple[dict[int, int], bool]:
    """The dots typed in a vote form (``dots-<id>`` fields, empty meaning none), and whether one was not a
    number."""
    typed: dict[int, int] = {}
    bad_number = False
    for name, value in request.form.items():
        if name.startswith("dots-") and name[5:].isdecimal():
            value = value.strip() or "0"
            if value.isdecimal() and len(value) < 4:
                typed[int(name[5:])] = int(value)
            else:
                bad_number = True
    return typed, bad_number


def send_ballot(apply, *, placed: int = 0, bad_input: str | None, saved: str, raced: str, **typed):
    """Store a phone's ballot (dots, or places on the grid) whole with ``apply(workshop, participant)``, or show
    the step again with every choice kept (``typed``) and the reason in the person's language."""
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    workshop = _workshop()
    form = BaseForm()
    errors = []
    if form.validate_on_submit():
        if bad_input:
            errors.append(bad_input)
        else:
            try:
                with saving(form) as outcome:
                    apply(workshop, participant)
            except operations.Refused as refusal:
                db.session.rollback()
                errors.append(_refusal_message(str(refusal), workshop, placed))
            except IntegrityError:
                db.session.rollback()
                errors.append(raced)
            else:
                if outcome.saved:
                    flash(saved, "success")
                    return redirect(url_for("live.step"))
    errors.extend(str(message) for message in form.form_errors)
    if form.token_refused:
        errors.insert(0, _("This page was open for too long, so the form expired for your safety."))
    status = 422 if errors else 200
    if form.token_refused:
        status = 400
    return _step_page(workshop, participant, status, vote_errors=errors, **typed)


@bp.post("/w/<workshop_code>/barriers")
@access(Rule.PARTICIPANT)
@form_page
def new_barrier():
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    workshop = _workshop()
    form = barrier_form(workshop)
    if (
        form.validate_on_submit()
        and _open_or_refuse(workshop, form)
        and _save_new_barrier(form, workshop, participant=participant)
    ):
        flash(_("Thank you: your contribution is saved."), "success")
        return redirect(url_for("live.step"))
    return _step_page(workshop, participant, form_status(form), barrier_form=form)


def _save_new_barrier(form: BarrierForm, workshop: Workshop | None, **author) -> bool:
    """Store the barrier of a valid form once, whatever the number of times it is sent."""
    key = form.submission_key.data or None
    if operations.already_sent(Barrier, key) is not None:
        return True  # sent again (double tap, resend after a timeout): already stored
    process = workshop.process if workshop is not None else author.pop("process")
    barrier = Barrier(
        territory_id=process.territory_id,
        process_id=process.id,
        workshop_id=workshop.id if workshop is not None else None,
        participant_id=author["participant"].id if author.get("participant") else None,
        organisation_id=author.get("organisation_id"),
        entered_by_facilitator=author.get("facilitator", False),
        submission_key=key,
    )
    try:
        with saving(form) as outcome:
            _apply(form, barrier, workshop)
    except IntegrityError:
        db.session.rollback()
        return operations.already_sent(Barrier, key) is not None
    return outcome.saved


def _apply(form: BarrierForm, barrier: Barrier, workshop: Workshop | None) -> None:
    operations.save_barrier(
        barrier,
        service=form.chosen_service,
        categories=form.chosen_categories,
        text=form.text.data,
        language=form.language.data,
        frequency=Frequency(form.frequency.data),
        severity=Severity(form.severity.data),
        groups_affected=form.groups_affected.data or "",
        testimony=form.testimony.data or "",
        may_quote=bool(form.may_quote.data),
        workshop=workshop,
    )


def own_contribution(model, record_id: int, participant: Participant):
    """A barrier or proposal the participant wrote; someone else's gets a clear page saying so (403)."""
    record = db.get_or_404(model, record_id)
    if record.participant_id != participant.id:
        page = render_template("live/not_yours.html", workshop=_workshop(), participant=participant)
        abort(make_response(page, 403))
    return record


@bp.route("/w/<workshop_code>/barriers/<int:barrier_id>/edit", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
@form_page
def edit_barrier(barrier_id: int):
    """The author changes what they wrote: while the workshop is open, or later with their return code."""
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    workshop = _workshop()
    barrier = own_contribution(Barrier, barrier_id, participant)
    if barrier.status in (BarrierStatus.WITHDRAWN, BarrierStatus.MERGED):
        flash(_("This contribution can no longer be changed."), "error")
        return redirect(url_for("live.mine"))
    testimony = next((t for t in barrier.testimonies if t.participant_id == participant.id), None)
    form = barrier_form(workshop, obj=barrier)
    if not form.is_submitted():
        form.service.data = barrier.service_id
        form.categories.data = [c.id for c in barrier.categories]
        form.frequency.data = barrier.frequency.value
        form.severity.data = barrier.severity.value
        form.testimony.data = testimony.text if testimony else ""
        form.may_quote.data = testimony.may_quote if testimony else True
    if form.validate_on_submit():
        with saving(form) as outcome:
            _apply(form, barrier, workshop)
        if outcome.saved:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("live.mine"))
    return render_form("live/barrier_edit.html", form, workshop=workshop, barrier=barrier)


@bp.post("/w/<workshop_code>/barriers/<int:barrier_id>/support")
@access(Rule.PARTICIPANT)
def support_barrier(barrier_id: int):
    """ "This happens to me too" on someone else's barrier (a second press takes it back)."""
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    workshop = _workshop()
    if not workshop.is_open:
        return _closed_page(workshop)
    barrier = db.get_or_404(Barrier, barrier_id)
    if barrier.process_id != workshop.process_id or not barrier.is_visible:
        abort(404)
    if barrier.participant_id != participant.id:
        try:
            operations.support_barrier(barrier, participant, workshop)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    return redirect(url_for("live.step") + f"#barrier-{barrier.id}")


from . import returning  # noqa: E402,F401  (its routes sit on the same blueprint)
