"""The follow-up of a process: the overview of every body's answers, the history of each recommendation, the
facilitator's decision on forwarding a recommendation a body says is not its own, and the letters' answer links."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..access import Permission, access, form_page
from ..extensions import db
from ..forms import form_status, saving
from ..processes.models import Process
from ..recommendations.models import Recommendation
from . import forwarding as forwarding_decisions
from . import links, summary, timeline
from .labels import ANSWER_STATUSES, NO_ANSWER_YET
from .models import Answer, AnswerLink, Forwarding
from .threads import Standing, Thread, latest_issue, threads_of, today

bp = Blueprint("follow_up", __name__, url_prefix="/t/<territory_slug>")

#: What the statistics and the tables call each way a recommendation stands for a body.
COUNTED_AS = {
    summary.UNANSWERED: NO_ANSWER_YET,
    summary.ACKNOWLEDGED: _l("Acknowledged (received)"),
    **{status.value: label for status, label in ANSWER_STATUSES.items()},
}

ALREADY_DECIDED = _l("This answer has been decided on already: nothing was changed.")

#: The place of the follow-up report, linked from the overview once it is served.
REPORT_RULE = "/t/<territory_slug>/processes/<int:process_id>/follow-up/report.pdf"


def _reader_sees_everything() -> bool:
    return summary.sees_everything(g.get("permissions", frozenset()), current_user.roles_in(g.territory))


def _visible(threads: list[Thread]) -> tuple[list[Thread], object]:
    """The threads the reader may see, and their organisation when they see only its own part."""
    if _reader_sees_everything():
        return threads, None
    organisation = current_user.organisation_in(g.territory)
    allowed = summary.taken_part_in(threads, organisation)
    return [thread for thread in threads if thread.recommendation_id in allowed], organisation


def _report_url(process: Process) -> str | None:
    for rule in current_app.url_map.iter_rules():
        if rule.rule == REPORT_RULE:
            return url_for(rule.endpoint, process_id=process.id)
    return None


@bp.get("/processes/<int:process_id>/follow-up")
@access(Permission.VIEW_PROCESSES)
def overview(process_id: int):
    """Per body and per service: what was answered, what is due soon, due or overdue, the commitments coming
    due, and the answers waiting for the facilitator's decision on forwarding."""
    process = db.get_or_404(Process, process_id)
    issue = latest_issue(process)
    everything = threads_of(process, issue=issue) if issue is not None else []
    threads, organisation = _visible(everything)
    about, services = summary.services_of(threads)
    on = today()
    return render_template(
        "answers/overview.html",
        process=process,
        issue=issue,
        threads=threads,
        sees_everything=organisation is None and _reader_sees_everything(),
        organisation=organisation,
        on=on,
        statistics=summary.statistics(threads),
        counted_as=COUNTED_AS,
        counted_status=summary.counted_status,
        Standing=Standing,
        soon=[t for t in threads if t.standing(on) in (Standing.DUE_SOON, Standing.DUE, Standing.OVERDUE)],
        commitments=summary.commitments_coming_due(threads, on),
        awaiting=[t for t in threads if t.awaiting_forwarding],
        addressees=summary.by_addressee(threads),
        services=summary.by_service(threads, about, services),
        report_url=_report_url(process),
    )


@bp.get("/processes/<int:process_id>/follow-up/recommendations/<int:recommendation_id>")
@access(Permission.VIEW_PROCESSES)
def recommendation(process_id: int, recommendation_id: int):
    """The history of one recommendation: issued, answered, forwarded, changed by later versions."""
    process = db.get_or_404(Process, process_id)
    record = db.get_or_404(Recommendation, recommendation_id)
    if record.process_id != process.id:
        abort(404)
    threads = [t for t in threads_of(process) if t.recommendation_id == recommendation_id]
    if not _reader_sees_everything():
        visible, _organisation = _visible(threads)
        if not visible:
            abort(404)
    return render_template(
        "answers/timeline.html",
        process=process,
        record=record,
        history=timeline.history(process, recommendation_id),
        threads=threads,
        on=today(),
        counted_as=COUNTED_AS,
        counted_status=summary.counted_status,
    )


# --- forwarding ---------------------------------------------------------------------------------------------


def _forward_page(answer: Answer, thread: Thread, form, status: int = 200, decided: Forwarding | None = None):
    return render_template(
        "answers/forward.html",
        answer=answer,
        thread=thread,
        process=answer.process,
        form=form,
        decided=decided,
        replaced=thread.latest is not None and thread.latest.id != answer.id,
    ), status


@bp.route("/answers/<int:answer_id>/forward", methods=["GET", "POST"])
@access(Permission.FOLLOW_UP)
@form_page
def forward(answer_id: int):
    """Forward a recommendation its body says is not its competence, or keep it there with a note: once."""
    answer = db.get_or_404(Answer, answer_id)
    if not forwarding_decisions.is_forwardable(answer):
        abort(404)
    addressed = threads_of(answer.process)
    thread = next((t for t in addressed if t.key == (answer.recommendation_id, answer.organisation_id)), None)
    if thread is None:
        abort(404)
    organisations = forwarding_decisions.candidates(thread, addressed)
    named = forwarding_decisions.matching(organisations, answer.competent_body)
    form = forwarding_decisions.ForwardingForm(
        organisations=organisations,
        data=None
        if request.method == "POST"
        else {
            "organisation": named.id if named is not None else 0,
            "respond_by": forwarding_decisions.default_respond_by(),
            "language": answer.process.territory.default_locale,
        },
    )
    decided = forwarding_decisions.decision_of(answer)
    open_to_decide = decided is None and thread.awaiting_forwarding and thread.latest.id == answer.id
    if request.method == "GET":
        return _forward_page(answer, thread, form, decided=decided)
    if not form.validate_on_submit():
        return _forward_page(answer, thread, form, form_status(form), decided)
    if not open_to_decide:
        form.form_errors.append(ALREADY_DECIDED)
        return _forward_page(answer, thread, form, 409, decided)
    try:
        with saving(form) as outcome:
            if form.decision.data == forwarding_decisions.FORWARD:
                to = next(o for o in organisations if o.id == form.organisation.data)
                forwarding_decisions.forward(
                    thread,
                    answer,
                    to,
                    respond_by=form.respond_by.data,
                    note=form.note.data or "",
                    language=form.language.data or answer.process.territory.default_locale,
                    by=current_user,
                )
            else:
                forwarding_decisions.decline(thread, answer, note=form.note.data or "", by=current_user)
    except (forwarding_decisions.AlreadyDecided, IntegrityError):
        db.session.rollback()
        form.form_errors.append(ALREADY_DECIDED)
        return _forward_page(answer, thread, form, 409, forwarding_decisions.decision_of(answer))
    if not outcome.saved:
        return _forward_page(answer, thread, form, form_status(form))
    if form.decision.data == forwarding_decisions.FORWARD:
        flash(_("Forwarded: its letter, with a link to answer, is ready to download."), "success")
    else:
        flash(_("Not forwarded: the note is in the recommendation's history."), "success")
    return redirect(
        url_for(
            "follow_up.recommendation",
            process_id=answer.process_id,
            recommendation_id=thread.recommendation_id,
        )
    )


@bp.get("/forwardings/<int:forwarding_id>/letter.pdf")
@access(Permission.FOLLOW_UP)
def forwarding_letter(forwarding_id: int):
    """The letter that forwarded a recommendation, exactly as it was rendered then."""
    decision = db.get_or_404(
        Forwarding,
        forwarding_id,
        options=[selectinload(Forwarding.to_organisation), selectinload(Forwarding.answer)],
    )
    pdf = decision.letter_pdf
    if not pdf:
        abort(404)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{forwarding_decisions.letter_filename(decision)}"'
    )
    response.set_etag(decision.letter_sha256)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response.make_conditional(request)


# --- the letters' links ---------------------------------------------------------------------------------------


@bp.get("/processes/<int:process_id>/follow-up/links")
@access(Permission.FOLLOW_UP)
def links_page(process_id: int):
    """Every answer link of the process's letters: to whom, from which letter, when last used, revoked or not."""
    process = db.get_or_404(Process, process_id)
    listed = db.session.scalars(
        select(AnswerLink)
        .where(AnswerLink.process_id == process.id)
        .options(selectinload(AnswerLink.organisation), selectinload(AnswerLink.issue))
        .order_by(AnswerLink.id.desc())
    ).all()
    forwardings = {
        f.link_id: f
        for f in db.session.scalars(
            select(Forwarding)
            .where(Forwarding.process_id == process.id, Forwarding.link_id.is_not(None))
            .options(selectinload(Forwarding.recommendation))
        )
    }
    return render_template("answers/links.html", process=process, links=listed, forwardings=forwardings)


@bp.post("/answer-links/<int:link_id>/revoke")
@access(Permission.FOLLOW_UP)
def revoke_link(link_id: int):
    """Stop a letter's link from working, once confirmed."""
    link = db.get_or_404(AnswerLink, link_id)
    target = url_for("follow_up.links_page", process_id=link.process_id) + f"#link-{link.id}"
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm that this link should stop working."), "error")
        return redirect(target, 303)
    if link.revoked_at is None:
        links.revoke(link, current_user)
        db.session.commit()
        flash(_("The link no longer works. Nothing answered through it is lost."), "success")
    return redirect(target, 303)
