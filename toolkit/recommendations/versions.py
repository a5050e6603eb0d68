"""Issued versions of a process's recommendations: issuing with a progress display, the list of versions with
what changed between them, and the stored documents to download."""

from __future__ import annotations

import base64

from flask import Blueprint, abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import Permission, access, form_page
from ..extensions import db
from ..forms import form_status
from ..processes.models import Process
from . import documents, issuing
from .forms import IssueForm
from .models import DocumentIssue, IssuedDocument, IssueJob, IssueState, Recommendation

bp = Blueprint("versions", __name__, url_prefix="/t/<territory_slug>")

FAILURES = {
    issuing.FAILURE_RENDERING: _l(
        "A document could not be rendered. Nothing was issued: try again, and if it "
        "fails again, tell the site's administrator."
    ),
    issuing.FAILURE_RACE: _l(
        "Someone else issued a version at the same moment. Nothing was issued by this request."
    ),
    issuing.FAILURE_INTERRUPTED: _l(
        "Rendering was interrupted (the server restarted). Nothing was issued: try again."
    ),
}


def _process(process_id: int) -> Process:
    return db.get_or_404(Process, process_id)


def _job(process: Process, job_id: int) -> IssueJob:
    job = db.get_or_404(IssueJob, job_id)
    if job.process_id != process.id:
        abort(404)
    if issuing.given_up(job):
        db.session.commit()
    return job


@bp.get("/processes/<int:process_id>/versions")
@access(Permission.VIEW_PROCESSES)
def versions(process_id: int):
    process = _process(process_id)
    return _page(process, _issue_form(process))


def _issue_form(process: Process, **kwargs) -> IssueForm:
    return IssueForm(data={"languages": [process.territory.default_locale]}, **kwargs)


def _page(process: Process, form: IssueForm, status: int = 200):
    issues = db.session.scalars(
        select(DocumentIssue)
        .where(DocumentIssue.process_id == process.id)
        .options(selectinload(DocumentIssue.documents))
        .order_by(DocumentIssue.number.desc())
    ).all()
    listed = [
        {
            "issue": issue,
            "changes": documents.changes(older.content if older else None, issue.content),
        }
        for issue, older in zip(issues, [*issues[1:], None][: len(issues)], strict=True)
    ]
    addressees = db.session.scalars(
        select(Recommendation.addressee_id).where(Recommendation.process_id == process.id)
    ).all()
    running = issuing.running_job(process)
    db.session.commit()  # a stale job found on the way is marked failed
    return render_template(
        "recommendations/versions.html",
        process=process,
        versions=listed,
        form=form,
        running=running,
        next_number=issuing.next_number(process),
        has_recommendations=bool(addressees),
        without_addressee=addressees.count(None),
    ), status


@bp.post("/processes/<int:process_id>/versions")
@access(Permission.RUN_WORKSHOPS)
@form_page
def issue(process_id: int):
    """Start issuing the next version; the documents are rendered in the background."""
    process = _process(process_id)
    form = _issue_form(process)
    if (
        db.session.scalar(select(Recommendation.id).where(Recommendation.process_id == process.id).limit(1))
        is None
    ):
        form.form_errors.append(_("There is no recommendation to issue yet."))
        return _page(process, form, 422)
    if not form.validate_on_submit():
        return _page(process, form, form_status(form))
    try:
        job = issuing.request_issue(process, form.languages.data or [], form.note.data or "", current_user.id)
    except issuing.IssuingBusy:
        db.session.rollback()
        running = issuing.running_job(process)
        db.session.commit()
        if running is None:  # it ended meanwhile: the list says how
            return redirect(url_for("versions.versions", process_id=process.id))
        flash(_("This process is being issued already: here is how far it has gone."), "info")
        return redirect(url_for("versions.job", process_id=process.id, job_id=running.id))
    db.session.commit()
    issuing.start(job.id)
    return redirect(url_for("versions.job", process_id=process.id, job_id=job.id))


@bp.get("/processes/<int:process_id>/versions/jobs/<int:job_id>")
@access(Permission.VIEW_PROCESSES)
def job(process_id: int, job_id: int):
    """How far issuing has gone; the page follows by itself, and says how it ended."""
    process = _process(process_id)
    job = _job(process, job_id)
    if job.state is IssueState.DONE and job.issue_id is not None:
        flash(_("Version %(number)s is issued.", number=job.issue.number), "success")
        return redirect(url_for("versions.versions", process_id=process.id) + f"#version-{job.issue.number}")
    return render_template(
        "recommendations/issuing.html",
        process=process,
        job=job,
        failure=FAILURES.get(job.failure or "", FAILURES[issuing.FAILURE_RENDERING]),
    )


@bp.get("/processes/<int:process_id>/versions/jobs/<int:job_id>/progress")
@access(Permission.VIEW_PROCESSES)
def job_progress(process_id: int, job_id: int):
    process = _process(process_id)
    job = _job(process, job_id)
    response = jsonify(
        state=job.state.value,
        done=job.done,
        total=job.total,
        message=_progress_message(job),
        url=url_for("versions.job", process_id=process.id, job_id=job.id),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _progress_message(job: IssueJob) -> str:
    if job.state is IssueState.DONE:
        return _("Done.")
    if job.state is IssueState.FAILED:
        return _("Issuing failed.")
    if not job.total:
        return _("Gathering the recommendations…")
    return _("Rendering document %(done)s of %(total)s…", done=min(job.done + 1, job.total), total=job.total)


@bp.get("/documents/<int:document_id>.pdf")
@access(Permission.VIEW_PROCESSES)
def download(document_id: int):
    return stored_pdf(db.get_or_404(IssuedDocument, document_id))


def stored_pdf(document: IssuedDocument):
    """An issued document exactly as it was stored, under its file name, with its SHA-256 as the entity tag."""
    response = make_response(document.pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["Digest"] = f"sha-256={_base64(document.sha256)}"
    response.set_etag(document.sha256)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response.make_conditional(request)


def _base64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()
