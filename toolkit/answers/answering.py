"""How an office answers: from the link printed on its letter, without an account, or from its account.

The link's page lists the recommendations addressed to the office in the process, as issued, with the history of
its answers; each one has its answer form. The token is the only credential: it is read from the URL path and
never written anywhere else (no query string, no cookie, no audit entry), and these pages tell the browser not to
send their address to other sites. An unknown or tampered token is not found; a withdrawn one says so.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..access import Rule, access, admit_holder_of, form_page
from ..extensions import db
from ..forms import render_form, saving
from ..recommendations.models import Recommendation
from ..territories.models import Territory
from ..workshops.room import already_sent
from . import links, operations
from .forms import AnswerForm
from .models import Answer, AnswerLink, ForwardingDecision
from .threads import Thread, thread_of, threads_of

bp = Blueprint("answering", __name__, url_prefix="/answer")

#: A link's last use is written at most this often (opening the page is not worth a write each time).
USE_RECORDED_EVERY = timedelta(minutes=10)


@bp.after_request
def _no_referrer(response):
    """The token is in the address: no other site is ever told it (links in the recommendations lead out)."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _withdrawn(token: str) -> bool:
    """Whether ``token`` is exactly the token of a link the facilitator revoked (a tampered one is not)."""
    if not token or len(token) > 100:
        return False
    revoked_at = db.session.scalar(
        select(AnswerLink.revoked_at)
        .where(AnswerLink.token_hash == links.token_hash(token))
        .execution_options(all_territories=True)
    )
    return revoked_at is not None


def link_or_abort(token: str) -> AnswerLink:
    """The valid link of ``token``, its territory now readable by the request; 404, or 410 when revoked."""
    link = links.link_for(token)
    if link is None:
        if _withdrawn(token):
            abort(410)
        abort(404)
    admit_holder_of(link)
    # The page speaks the territory's language when neither the person nor the browser chose one.
    g.territory = db.session.get(Territory, link.territory_id)
    return link


def _record_use(link: AnswerLink) -> None:
    moment = datetime.now(UTC)
    last = link.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last is None or moment - last > USE_RECORDED_EVERY:
        link.last_used_at = moment
        db.session.commit()


def forwarded_away(thread: Thread) -> bool:
    """Whether the facilitator forwarded the recommendation from this body to another (no more answers here)."""
    return thread.forwarded_to is not None and thread.forwarded_to.decision is ForwardingDecision.FORWARDED


@bp.errorhandler(410)
def link_withdrawn(_error):
    return render_template(
        "errors/error.html",
        title=_("This link was withdrawn"),
        advice=_(
            "The facilitator of the process withdrew this letter's link. Ask them for a new one: the answers "
            "already given are kept."
        ),
        code=410,
    ), 410


@bp.get("/<token>")
@access(Rule.PUBLIC)
def link(token: str):
    """The recommendations addressed to the link's body in the process, each with its answers and a way to answer."""
    answer_link = link_or_abort(token)
    threads = threads_of(answer_link.process, answer_link.organisation)
    page = render_template(
        "answers/answer_link.html",
        link=answer_link,
        process=answer_link.process,
        organisation=answer_link.organisation,
        threads=threads,
        answer_url=lambda thread: url_for(
            "answering.answer", token=token, recommendation_id=thread.recommendation_id
        ),
        forwarded_away=forwarded_away,
    )
    _record_use(answer_link)
    return page


@bp.route("/<token>/recommendations/<int:recommendation_id>", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
def answer(token: str, recommendation_id: int):
    """The answer form of one recommendation addressed to the link's body."""
    answer_link = link_or_abort(token)
    thread = thread_of(answer_link.process, answer_link.organisation, recommendation_id)
    if thread is None:
        abort(404)
    _record_use(answer_link)
    return answer_page(
        thread,
        link=answer_link,
        back=url_for("answering.link", token=token),
        action=url_for("answering.answer", token=token, recommendation_id=recommendation_id),
    )


def answer_page(thread: Thread, *, back: str, action: str, link: AnswerLink | None = None, user=None):
    """Show ``thread``'s answer form, or record a valid answer once and go ``back``; a refused one comes back with
    everything typed. Shared by the letter's link and the addressee's account (``link`` or ``user``)."""
    territory = db.session.get(Territory, thread.organisation.territory_id)
    form = AnswerForm(default_language=territory.default_locale)
    closed = None
    if forwarded_away(thread):
        closed = "forwarded"
    elif db.session.get(Recommendation, thread.recommendation_id) is None:
        closed = "withdrawn"
    if closed is None and form.validate_on_submit() and _record(form, thread, link=link, user=user):
        flash(_("Answer recorded"), "success")
        return redirect(f"{back}#recommendation-{thread.recommendation_id}")
    page, status = render_form(
        "answers/answer_form.html",
        form,
        thread=thread,
        process=thread.issue.process,
        organisation=thread.organisation,
        closed=closed,
        back=back,
        action=action,
        forwarded_away=forwarded_away,
    )
    # An answer sent to what can no longer be answered here is refused, with the page saying why.
    return page, 409 if closed is not None and request.method == "POST" else status


def _record(form: AnswerForm, thread: Thread, *, link: AnswerLink | None, user) -> bool:
    """Store the answer of a valid form once (a form sent twice is stored once); False when it must come back."""
    key = form.submission_key.data or None
    if already_sent(Answer, key) is not None:
        return True
    try:
        with saving(form) as outcome:
            operations.record_answer(
                thread,
                status=form.chosen_status,
                text=form.text.data or "",
                language=form.language.data,
                competent_body=form.competent_body.data or "",
                signed_by=form.signed_by.data or "",
                commitments=form.commitment_data(),
                user=user,
                link=link,
                submission_key=key,
            )
    except IntegrityError:
        db.session.rollback()
        if already_sent(Answer, key) is not None:
            return True
        form.submission_key.data = secrets.token_urlsafe(24)
        form.form_errors.append(_("Your answer was not recorded. Please send it again."))
        return False
    return outcome.saved
