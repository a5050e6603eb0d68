"""The review round: until a day the facilitator sets, associations and the participants who took part read the
draft recommendations in their language, support them and comment; the facilitator sees what they said."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..access import Permission, Rule, access, form_page
from ..extensions import db
from ..forms import form_status, saving
from ..ownership import organisation_spoken_for, own_organisation_or_403
from ..processes.models import Process
from ..territories.models import Organisation, OrganisationKind
from ..workshops.models import Participant, Workshop
from ..workshops.phones import participant_required
from . import operations
from .forms import CommentForm, ReviewRoundForm
from .models import Recommendation

bp = Blueprint("review", __name__)


# --- the facilitator opens and closes the review ---------------------------------------------------------------


@bp.post("/t/<territory_slug>/processes/<int:process_id>/review-round")
@access(Permission.RUN_WORKSHOPS)
def review_round(process_id: int):
    process = db.get_or_404(Process, process_id)
    form = ReviewRoundForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid day."), "error")
    else:
        operations.open_review(process, form.until.data)
        db.session.commit()
        if operations.review_is_open(process):
            flash(_("The drafts are open for review."), "success")
        else:
            flash(_("The review is closed."), "success")
    return redirect(url_for("recommendations.recommendations", process_id=process.id))


# --- associations ------------------------------------------------------------------------------------------------


#: The organisations whose members review drafts in their name (those the recommendations are addressed to
#: answer them later, and do not endorse them).
REVIEWING_KINDS = (OrganisationKind.ASSOCIATION, OrganisationKind.THIRD_SECTOR)


def _organisation() -> Organisation:
    """The association the member reviews for; a person who speaks for none is refused."""
    return own_organisation_or_403(kinds=REVIEWING_KINDS)


def _pages(process: Process, *, comment_forms=None, status: int = 200, template: str, **context):
    recommendations = operations.recommendations_of(process)
    return render_template(
        template,
        process=process,
        recommendations=recommendations,
        feedback=operations.feedback(recommendations),
        review_open=operations.review_is_open(process),
        comment_forms=comment_forms or {},
        new_comment_form=lambda: CommentForm(formdata=None),
        **context,
    ), status


@bp.get("/t/<territory_slug>/processes/<int:process_id>/review")
@access(Permission.SUBMIT_INPUT)
def organisation_review(process_id: int):
    """The drafts, for an association to support and comment on in its own name."""
    process = db.get_or_404(Process, process_id)
    return _pages(process, template="recommendations/review.html", organisation=_organisation())


def _recommendation_under_review(recommendation_id: int, process_id: int | None = None) -> Recommendation:
    recommendation = db.get_or_404(Recommendation, recommendation_id)
    if process_id is not None and recommendation.process_id != process_id:
        abort(404)
    return recommendation


@bp.post("/t/<territory_slug>/recommendations/<int:recommendation_id>/endorse")
@access(Permission.SUBMIT_INPUT)
def organisation_endorse(recommendation_id: int):
    recommendation = _recommendation_under_review(recommendation_id)
    _endorse(recommendation, organisation=_organisation())
    return redirect(
        url_for("review.organisation_review", process_id=recommendation.process_id)
        + f"#recommendation-{recommendation.id}"
    )


@bp.post("/t/<territory_slug>/recommendations/<int:recommendation_id>/comments")
@access(Permission.SUBMIT_INPUT)
@form_page
def organisation_comment(recommendation_id: int):
    recommendation = _recommendation_under_review(recommendation_id)
    form = CommentForm()
    # The token first, whoever sends it: an expired page gives the words back before anything else is asked.
    expired = form.is_submitted() and not form.validate() and form.token_refused
    organisation = (
        organisation_spoken_for(current_user, g.territory, REVIEWING_KINDS) if expired else _organisation()
    )
    if not expired and _comment(form, recommendation, organisation=organisation, author_id=current_user.id):
        return redirect(
            url_for("review.organisation_review", process_id=recommendation.process_id)
            + f"#recommendation-{recommendation.id}"
        )
    return _pages(
        recommendation.process,
        template="recommendations/review.html",
        comment_forms={recommendation.id: form},
        status=form_status(form),
        organisation=organisation,
    )


# --- participants, with their phone or their return code -------------------------------------------------------


@bp.get("/w/<workshop_code>/review")
@access(Rule.PARTICIPANT)
@participant_required
def participant_review(workshop: Workshop, participant: Participant):
    """The drafts of the process this participant took part in, in their language."""
    if workshop.process.review_until is None:
        abort(404)  # drafts are read by participants only once the facilitator opens them for review
    return _pages(
        workshop.process,
        template="recommendations/review_phone.html",
        workshop=workshop,
        participant=participant,
    )


@bp.post("/w/<workshop_code>/recommendations/<int:recommendation_id>/endorse")
@access(Rule.PARTICIPANT)
@participant_required
def participant_endorse(recommendation_id: int, workshop: Workshop, participant: Participant):
    recommendation = _recommendation_under_review(recommendation_id, workshop.process_id)
    _endorse(recommendation, participant=participant)
    return redirect(url_for("review.participant_review") + f"#recommendation-{recommendation.id}")


@bp.post("/w/<workshop_code>/recommendations/<int:recommendation_id>/comments")
@access(Rule.PARTICIPANT)
@form_page
@participant_required
def participant_comment(recommendation_id: int, workshop: Workshop, participant: Participant):
    recommendation = _recommendation_under_review(recommendation_id, workshop.process_id)
    form = CommentForm()
    if _comment(form, recommendation, participant=participant):
        return redirect(url_for("review.participant_review") + f"#recommendation-{recommendation.id}")
    return _pages(
        workshop.process,
        template="recommendations/review_phone.html",
        comment_forms={recommendation.id: form},
        status=form_status(form),
        workshop=workshop,
        participant=participant,
    )


# --- shared ------------------------------------------------------------------------------------------------------


def _endorse(recommendation: Recommendation, **who) -> None:
    if not operations.review_is_open(recommendation.process):
        flash(_("The review of the drafts is closed."), "error")
        return
    support = request.form.get("support") != "0"
    try:
        operations.endorse(recommendation, support, **who)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same button pressed twice at once: the support is there
    flash(_("You support this recommendation.") if support else _("Your support is taken back."), "success")


def _comment(form: CommentForm, recommendation: Recommendation, **who) -> bool:
    """Store the comment of a valid form once; a refused one comes back with every word."""
    if not operations.review_is_open(recommendation.process):
        form.form_errors.append(
            _(
                "The review of the drafts is closed. Your comment was not sent; copy it if you want to keep it."
            )
        )
        return False
    if not form.validate_on_submit():
        return False
    key = form.submission_key.data or None
    if operations.comment_sent_before(key, recommendation) is not None:
        return True
    try:
        with saving(form) as outcome:
            operations.add_comment(recommendation, form.text.data, form.language.data, key, **who)
    except IntegrityError:
        db.session.rollback()
        if operations.comment_sent_before(key, recommendation) is not None:
            return True
        form.submission_key.data = secrets.token_urlsafe(24)
        form.form_errors.append(_("Your comment was not sent. Please send it again."))
        return False
    if outcome.saved:
        flash(_("Thank you: your comment is sent."), "success")
    return outcome.saved
