"""The page of an addressee: the recommendations issued to their organisation in this territory, and their
letters to download."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from flask_login import current_user

from ..access import Permission, access
from ..recommendations.versions import stored_pdf
from . import addressed

bp = Blueprint("answers", __name__, url_prefix="/t/<territory_slug>/addressed")


@bp.get("/")
@access(Permission.RECEIVE_RECOMMENDATIONS)
def recommendations():
    """Every process that issued recommendations to the person's organisation, its latest version in full."""
    organisation = current_user.organisation_in(g.territory)
    processes = addressed.addressed_to(organisation) if organisation is not None else []
    return render_template(
        "answers/addressed.html",
        organisation=organisation,
        processes=processes,
        respond_by=addressed.respond_by,
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
