"""The page of an addressee: the recommendations issued to their organisation in this territory, where each
stands, their letters to download, and the answer form of each (the same as the letter's link gives)."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, url_for
from flask_login import current_user

from ..access import Permission, access, form_page
from ..extensions import db
from ..processes.models import Process
from ..recommendations.versions import stored_pdf
from . import addressed
from .answering import answer_page, forwarded_away
from .threads import thread_of, threads_of

bp = Blueprint("answers", __name__, url_prefix="/t/<territory_slug>/addressed")


@bp.get("/")
@access(Permission.RECEIVE_RECOMMENDATIONS)
def recommendations():
    """Every process that issued recommendations to the person's organisation, its latest version in full."""
    organisation = current_user.organisation_in(g.territory)
    processes = addressed.addressed_to(organisation) if organisation is not None else []
    # Where each recommendation of a process's latest version stands (a superseded version is not answered).
    threads = {
        (entry.process.id, thread.recommendation_id): thread
        for entry in processes
        if entry.superseded_by is None
        for thread in threads_of(entry.process, organisation)
    }
    return render_template(
        "answers/addressed.html",
        organisation=organisation,
        processes=processes,
        respond_by=addressed.respond_by,
        threads=threads,
        forwarded_away=forwarded_away,
    )


@bp.get("/letters/<int:document_id>.pdf")
@access(Permission.RECEIVE_RECOMMENDATIONS)
def letter(document_id: int):
    """A letter addressed to the person's organisation, exactly as issued; any other document is not found."""
    organisation = current_user.organisation_in(g.territory)
    document = addressed.letter_of(organisation, document_id) if organisation is not None else None
    if document is None:
        abort(404)
    return stored_pdf(document)


@bp.route(
    "/processes/<int:process_id>/recommendations/<int:recommendation_id>/answer", methods=["GET", "POST"]
)
@access(Permission.RECEIVE_RECOMMENDATIONS)
@form_page
def answer(process_id: int, recommendation_id: int):
    """The answer form of a recommendation addressed to the person's organisation; any other is not found."""
    organisation = current_user.organisation_in(g.territory)
    if organisation is None:
        abort(404)
    process = db.get_or_404(Process, process_id)
    thread = thread_of(process, organisation, recommendation_id)
    if thread is None:
        abort(404)
    return answer_page(
        thread,
        user=current_user,
        back=url_for("answers.recommendations"),
        action=url_for("answers.answer", process_id=process_id, recommendation_id=recommendation_id),
    )
