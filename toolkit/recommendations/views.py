"""Drafting recommendations: the list of a process, the form, and quotes taken from testimonies."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..access import Permission, access, form_page
from ..barriers.models import Barrier, BarrierStatus, Testimony
from ..codesign import operations as codesign
from ..codesign.models import Proposal
from ..documents import render_document
from ..extensions import db, limiter
from ..forms import database_int, form_status, saving
from ..i18n import LANGUAGES
from ..processes.models import Process
from ..territories.models import Organisation
from . import documents, operations
from .forms import QuoteForm, RecommendationForm, ReviewRoundForm
from .models import Priority, Quote, Recommendation

bp = Blueprint("recommendations", __name__, url_prefix="/t/<territory_slug>")


def _process(process_id: int) -> Process:
    return db.get_or_404(Process, process_id)


def _recommendation(recommendation_id: int) -> Recommendation:
    return db.get_or_404(
        Recommendation,
        recommendation_id,
        options=[
            selectinload(Recommendation.proposals),
            selectinload(Recommendation.barriers).selectinload(Barrier.service),
            selectinload(Recommendation.organisations),
            selectinload(Recommendation.quotes),
        ],
    )


@bp.get("/processes/<int:process_id>/recommendations")
@access(Permission.VIEW_PROCESSES)
def recommendations(process_id: int):
    """The recommendations of a process, in the order of the documents."""
    process = _process(process_id)
    items = operations.recommendations_of(process)
    review_form = ReviewRoundForm(formdata=None, data={"until": process.review_until})
    return render_template(
        "recommendations/list.html",
        process=process,
        recommendations=items,
        feedback=operations.feedback(items),
        review_open=operations.review_is_open(process),
        review_form=review_form,
    )


def _form(process: Process, **kwargs) -> RecommendationForm:
    barriers = db.session.scalars(
        select(Barrier)
        .where(Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible()))
        .options(selectinload(Barrier.service))
        .order_by(Barrier.service_id, Barrier.id)
    ).all()
    return RecommendationForm(
        proposals=codesign.visible_proposals(process),
        barriers=barriers,
        organisations=db.session.scalars(select(Organisation).order_by(Organisation.name)).all(),
        **kwargs,
    )


def _chosen(model, ids) -> list:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids))))


def _save(form: RecommendationForm, recommendation: Recommendation) -> bool | None:
    """Save a valid form: True when saved, None when someone else saved first (the form then moves to the
    current version, so sending it again replaces that version knowingly), False when the form was refused."""
    started_from = database_int(form.version.data)
    try:
        with saving(form) as outcome:
            operations.save_recommendation(
                recommendation,
                title=form.title.data,
                problem=form.problem.data,
                proposed_change=form.proposed_change.data,
                addressee=db.session.get(Organisation, form.addressee.data) if form.addressee.data else None,
                proposals=_chosen(Proposal, form.proposals.data),
                barriers=_chosen(Barrier, form.barriers.data),
                organisations=_chosen(Organisation, form.organisations.data),
                priority=Priority(form.priority.data),
                feasibility=form.feasibility.data or "",
                principles=form.principles.data or [],
                respond_by=form.respond_by.data,
                editor_id=current_user.id,
                expected_version=started_from,
            )
    except (operations.EditConflict, StaleDataError):
        db.session.rollback()
        current = db.session.get(Recommendation, recommendation.id, populate_existing=True)
        form.version.data = str(current.version)
        form.form_errors.append(
            _("Someone else saved this recommendation while you were editing it. Nothing was overwritten.")
        )
        return None
    return outcome.saved


@bp.route("/processes/<int:process_id>/recommendations/new", methods=["GET", "POST"])
@access(Permission.RUN_WORKSHOPS)
@form_page
def new_recommendation(process_id: int):
    """The facilitator groups proposals into a recommendation addressed to the body that can act on it."""
    process = _process(process_id)
    form = _form(process)
    recommendation = Recommendation(
        territory_id=process.territory_id, process_id=process.id, language=process.territory.default_locale
    )
    if form.validate_on_submit() and _save(form, recommendation):
        flash(_("The recommendation is saved."), "success")
        return redirect(url_for("recommendations.recommendation", recommendation_id=recommendation.id))
    return render_template(
        "recommendations/form.html", form=form, process=process, recommendation=None
    ), form_status(form)


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@access(Permission.RUN_WORKSHOPS)
@form_page
def edit_recommendation(recommendation_id: int):
    item = _recommendation(recommendation_id)
    form = _form(item.process, obj=item)
    if not form.is_submitted():
        form.addressee.data = item.addressee_id or 0
        form.proposals.data = [p.id for p in item.proposals]
        form.barriers.data = [b.id for b in item.barriers]
        form.organisations.data = [o.id for o in item.organisations]
        form.priority.data = item.priority.value
        form.version.data = str(item.version)
    saved = _save(form, item) if form.validate_on_submit() else False
    if saved:
        flash(_("The recommendation is saved."), "success")
        return redirect(url_for("recommendations.recommendation", recommendation_id=item.id))
    status = 409 if saved is None else form_status(form)
    return render_template(
        "recommendations/form.html", form=form, process=item.process, recommendation=item
    ), status


@bp.post("/recommendations/<int:recommendation_id>/<any(up, down):direction>")
@access(Permission.RUN_WORKSHOPS)
def move_recommendation(recommendation_id: int, direction: str):
    item = _recommendation(recommendation_id)
    operations.move(item, -1 if direction == "up" else 1)
    db.session.commit()
    return redirect(
        url_for("recommendations.recommendations", process_id=item.process_id) + f"#recommendation-{item.id}"
    )


@bp.post("/recommendations/<int:recommendation_id>/delete")
@access(Permission.RUN_WORKSHOPS)
def delete_recommendation(recommendation_id: int):
    item = _recommendation(recommendation_id)
    process_id = item.process_id
    try:
        operations.delete(item)
    except operations.StillNeeded as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("recommendations.recommendation", recommendation_id=item.id))
    db.session.commit()
    flash(_("The recommendation is deleted."), "success")
    return redirect(url_for("recommendations.recommendations", process_id=process_id))


@bp.get("/processes/<int:process_id>/recommendations/report.pdf")
@access(Permission.VIEW_PROCESSES)
@limiter.limit(
    lambda: current_app.config["PREVIEW_LIMIT"], key_func=lambda: f"preview:{current_user.get_id()}"
)
def report_preview(process_id: int):
    """The council report as it stands now, marked as a draft, in the language asked for (the territory's by
    default)."""
    process = _process(process_id)
    language = request.args.get("lang", process.territory.default_locale)
    if language not in LANGUAGES:
        abort(404)
    pdf = render_document(
        "documents/report.html", language=language, **documents.report_context(process, language)
    )
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="recommendations-{process.id}-{language}.pdf"'
    )
    return response


@bp.get("/recommendations/<int:recommendation_id>")
@access(Permission.VIEW_PROCESSES)
def recommendation(recommendation_id: int):
    """One recommendation as the documents will present it, with the quotes it may carry."""
    item = _recommendation(recommendation_id)
    return _page(item, QuoteForm(formdata=None))


def _page(item: Recommendation, quote_form: QuoteForm, status: int = 200, edited: tuple | None = None):
    """The recommendation's page; ``edited`` is (quote id, form) when changing a quote's words was refused."""
    return render_template(
        "recommendations/detail.html",
        recommendation=item,
        process=item.process,
        quotable=operations.quotable(item),
        evidence=operations.evidence(item),
        proposals=operations.proposals_shown(item),
        quotes=operations.quotes_shown(item),
        quote_form=quote_form,
        edited=edited,
        feedback=operations.feedback([item])[item.id],
    ), status


@bp.post("/recommendations/<int:recommendation_id>/quotes")
@access(Permission.RUN_WORKSHOPS)
@form_page
def add_quote(recommendation_id: int):
    """Quote a testimony, redacted; a refused form comes back with the words typed."""
    item = _recommendation(recommendation_id)
    form = QuoteForm()
    if form.validate_on_submit():
        testimony = db.session.get(Testimony, form.testimony.data)
        if testimony is not None and any(q.testimony_id == testimony.id for q in item.quotes):
            return redirect(url_for("recommendations.recommendation", recommendation_id=item.id) + "#quotes")
        if testimony is None or testimony not in operations.quotable(item):
            abort(404)
        with saving(form) as outcome:
            operations.add_quote(item, testimony, form.text.data)
        if outcome.saved:
            flash(_("The quote is added."), "success")
            return redirect(url_for("recommendations.recommendation", recommendation_id=item.id) + "#quotes")
    return _page(item, form, form_status(form))


@bp.post("/recommendations/<int:recommendation_id>/quotes/<int:quote_id>")
@access(Permission.RUN_WORKSHOPS)
@form_page
def edit_quote(recommendation_id: int, quote_id: int):
    """Change the words of a quote (take out one more detail); a refused form comes back with the words typed."""
    item = _recommendation(recommendation_id)
    quote = db.session.get(Quote, quote_id)
    form = QuoteForm()
    if form.validate_on_submit():
        if quote is None or quote.recommendation_id != item.id:
            abort(404)
        with saving(form) as outcome:
            operations.edit_quote(quote, form.text.data)
        if outcome.saved:
            flash(_("The quote is saved."), "success")
            return redirect(url_for("recommendations.recommendation", recommendation_id=item.id) + "#quotes")
    return _page(item, QuoteForm(formdata=None), form_status(form), edited=(quote_id, form))


@bp.post("/recommendations/<int:recommendation_id>/quotes/<int:quote_id>/remove")
@access(Permission.RUN_WORKSHOPS)
def remove_quote(recommendation_id: int, quote_id: int):
    item = _recommendation(recommendation_id)
    quote = db.get_or_404(Quote, quote_id)
    if quote.recommendation_id != item.id:
        abort(404)
    operations.remove_quote(quote)
    db.session.commit()
    flash(_("The quote is removed."), "success")
    return redirect(url_for("recommendations.recommendation", recommendation_id=item.id) + "#quotes")
