"""An office with many recommendations answers them in a spreadsheet: it downloads them as CSV, fills in the answer
columns and uploads the file, from its letter's link or from its account.

The upload is read row by row (see :mod:`toolkit.answers.answer_sheet`). A row that cannot be stored gets its own
error (its row number and what is wrong), and then nothing of the file is stored: the office corrects the file and
uploads it again. A row whose status is empty is not answered this time.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..access import Permission, Rule, access, form_page
from ..extensions import db
from ..forms import BaseForm, render_form, saving
from ..i18n import LANGUAGES
from ..processes.models import Process
from ..recommendations.issuing import slug
from ..workshops.forms import submission_key_field
from ..workshops.room import already_sent
from .answer_sheet import (
    COLUMNS,
    COMMITMENTS,
    UPLOAD_MAX_BYTES,
    Refused,
    download,
    read_upload,
    row_key,
    store,
)
from .answering import link_or_abort, link_withdrawn
from .labels import ANSWER_STATUSES
from .models import Answer
from .operations import COMMITMENT_MAX, NAME_MAX, TEXT_MAX
from .threads import Thread, threads_of

#: The most errors listed at once.
ERRORS_SHOWN = 100

bp = Blueprint("spreadsheet", __name__)


# A withdrawn link says so on these pages too.
bp.register_error_handler(410, link_withdrawn)


@bp.after_request
def _no_referrer(response):
    """A letter's token is in the address of these pages: no other site is ever told it."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


class UploadForm(BaseForm):
    submission_key = submission_key_field()


def _csv_response(text: str, process: Process, organisation) -> Response:
    filename = f"answers-process-{process.id}-{slug(organisation.name)}.csv"
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _upload_page(process: Process, organisation, threads: list[Thread], urls: dict[str, str], **author):
    """The upload form; a good file is stored whole and the page comes back saying so, a bad one comes back
    with an error per row and nothing stored."""
    form = UploadForm()
    if form.validate_on_submit():
        stored = _stored(form, threads, process.territory.default_locale, author)
        if stored is not None:
            flash(ngettext("%(num)d answer stored.", "%(num)d answers stored.", stored), "success")
            return redirect(request.url)
    return render_form(
        "answers/upload.html",
        form,
        process=process,
        organisation=organisation,
        threads=threads,
        urls=urls,
        statuses=ANSWER_STATUSES,
        columns=COLUMNS,
        commitments=COMMITMENTS,
        limits={"text": TEXT_MAX, "commitment": COMMITMENT_MAX, "name": NAME_MAX},
        languages_accepted=list(LANGUAGES),
        upload_max_kb=UPLOAD_MAX_BYTES // 1024,
    )


def _stored(form: UploadForm, threads: list[Thread], default_language: str, author: dict) -> int | None:
    """How many answers the uploaded file stored, or None: the form's errors then say why (nothing stored)."""
    upload = request.files.get("file")
    try:
        answers, errors = read_upload(upload.read() if upload else b"", threads, default_language)
    except Refused as refused:
        answers, errors = [], refused.messages
    if not errors and not answers:
        errors = [_("No row of the file has a status: write the status of each recommendation you answer.")]
    if errors:
        form.form_errors.extend(errors[:ERRORS_SHOWN])
        if len(errors) > ERRORS_SHOWN:
            form.form_errors.append(_("… and %(count)s more errors.", count=len(errors) - ERRORS_SHOWN))
        return None
    key = form.submission_key.data or ""
    if key and already_sent(Answer, row_key(key, answers[0].thread.recommendation_id)) is not None:
        return len(answers)  # the same file sent twice from one page: stored the first time
    try:
        with saving(form) as outcome:
            store(answers, key, **author)
    except IntegrityError:
        db.session.rollback()
        if key and already_sent(Answer, row_key(key, answers[0].thread.recommendation_id)) is not None:
            return len(answers)  # the same file sent twice at the same moment: the other request stored it
        form.form_errors.append(_("Nothing of the file was stored. Please upload it again."))
        return None
    return len(answers) if outcome.saved else None


# From a letter's link (no account): the link's body and process only.


def _link_threads(token: str):
    link = link_or_abort(token)
    threads = threads_of(link.process, link.organisation)
    if not threads:
        abort(404)
    return link, threads


@bp.get("/answer/<token>/answers.csv")
@access(Rule.PUBLIC)
def link_download(token: str):
    """The recommendations addressed to the letter's body, as a CSV to fill in."""
    link, threads = _link_threads(token)
    return _csv_response(download(threads), link.process, link.organisation)


@bp.route("/answer/<token>/upload", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
def link_upload(token: str):
    """Upload the filled-in CSV, from the letter's link."""
    link, threads = _link_threads(token)
    urls = {
        "download": url_for("spreadsheet.link_download", token=token),
        "back": url_for("answering.link", token=token),
    }
    return _upload_page(link.process, link.organisation, threads, urls, link=link)


# From an addressee's account: their organisation's recommendations only.


def _own_threads(process_id: int):
    organisation = current_user.organisation_in(g.territory)
    process = db.session.scalar(
        select(Process).where(Process.id == process_id, Process.territory_id == g.territory.id)
    )
    threads = threads_of(process, organisation) if organisation is not None and process is not None else []
    if not threads:
        abort(404)
    return process, organisation, threads


@bp.get("/t/<territory_slug>/addressed/processes/<int:process_id>/answers.csv")
@access(Permission.RECEIVE_RECOMMENDATIONS)
def account_download(process_id: int):
    """The recommendations of a process addressed to the person's organisation, as a CSV to fill in."""
    process, organisation, threads = _own_threads(process_id)
    return _csv_response(download(threads), process, organisation)


@bp.route("/t/<territory_slug>/addressed/processes/<int:process_id>/upload", methods=["GET", "POST"])
@access(Permission.RECEIVE_RECOMMENDATIONS)
@form_page
def account_upload(process_id: int):
    """Upload the filled-in CSV, from the person's account."""
    process, organisation, threads = _own_threads(process_id)
    urls = {
        "download": url_for("spreadsheet.account_download", process_id=process_id),
        "back": url_for("answers.recommendations"),
    }
    return _upload_page(process, organisation, threads, urls, user=current_user)
