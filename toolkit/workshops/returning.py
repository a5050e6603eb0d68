"""A participant's own contributions after the fact, on the phone: withdrawing one, the return code (issuing
it, coming back with it, erasing everything with it) and "mine". The routes sit on the blueprint of live.py."""

from __future__ import annotations

import segno
from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import Rule, access, form_page
from ..barriers.models import Barrier, BarrierStatus
from ..extensions import db
from ..forms import render_form
from ..workshops.models import Participant
from . import operations
from .forms import ReturnCodeForm
from .live import (
    SESSION_KEY,
    _participant_or_join,
    _remember,
    _too_many,
    _workshop,
    bp,
    own_contribution,
    wrong_code_limited,
)
from .models import ServiceProposal


@bp.route("/w/<workshop_code>/barriers/<int:barrier_id>/withdraw", methods=["GET", "POST"])
@access(Rule.PARTICIPANT)
def withdraw_barrier(barrier_id: int):
    """Withdraw a barrier: the page first says what withdrawing does (and whether issued documents already hold
    it); the button erases its words."""
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    workshop = _workshop()
    barrier = own_contribution(Barrier, barrier_id, participant)
    return confirm_withdrawal(
        barrier,
        withdrawn=barrier.status is BarrierStatus.WITHDRAWN,
        withdraw=lambda: operations.withdraw_barrier(barrier, workshop),
        action=url_for("live.withdraw_barrier", barrier_id=barrier.id),
        workshop=workshop,
        participant=participant,
    )


def confirm_withdrawal(
    record,
    *,
    withdrawn: bool,
    withdraw,
    action: str,
    back: str | None = None,
    template: str = "live/withdraw.html",
    **context,
):
    """The confirmation page of a withdrawal (GET), or the withdrawal itself (POST), with a message that says
    what became of the words and of the documents already issued."""
    from ..retention.common import first_issue_holding

    back = back or url_for("live.mine")
    if withdrawn:
        flash(_("This contribution is already withdrawn: its words are erased."), "info")
        return redirect(back)
    issued = first_issue_holding(record)
    if request.method == "GET":
        return render_template(template, record=record, issued=issued, action=action, back=back, **context)
    withdraw()
    db.session.commit()
    message = _("Your contribution is withdrawn and its words are erased from the toolkit.")
    if issued is not None:
        message += " " + _(
            "The documents already issued on %(date)s keep it as they were.",
            date=format_date(issued.issued_at, "long"),
        )
    flash(message, "success")
    return redirect(back)


# --- my contributions, and the return code -----------------------------------------------------------------


@bp.get("/w/<workshop_code>/mine")
@access(Rule.PARTICIPANT)
def mine():
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    workshop = _workshop()
    barriers = db.session.scalars(
        select(Barrier)
        .where(Barrier.participant_id == participant.id)
        .options(
            selectinload(Barrier.categories), selectinload(Barrier.service), selectinload(Barrier.testimonies)
        )
        .order_by(Barrier.created_at, Barrier.id)
    ).all()
    proposals = db.session.scalars(
        select(ServiceProposal)
        .where(ServiceProposal.participant_id == participant.id)
        .order_by(ServiceProposal.id)
    ).all()
    votes = operations.votes_of(participant)
    from ..codesign.models import Proposal

    my_proposals = db.session.scalars(
        select(Proposal).where(Proposal.participant_id == participant.id).order_by(Proposal.id)
    ).all()
    from ..recommendations.operations import review_is_open

    return render_template(
        "live/mine.html",
        review_open=review_is_open(workshop.process),
        my_proposals=my_proposals,
        workshop=workshop,
        participant=participant,
        barriers=barriers,
        proposals=proposals,
        voted=[(c, votes[c.id]) for c in operations.candidates(workshop.process) if c.id in votes],
    )


@bp.post("/w/<workshop_code>/return-code")
@access(Rule.PARTICIPANT)
def issue_return_code():
    """Make (or remake) the personal return code; it is shown once, as text and as a QR code."""
    participant, answer = _participant_or_join()
    if answer is not None:
        return answer
    code = operations.issue_return_code(participant)
    db.session.commit()
    formatted = operations.format_code(code, 4)
    link = url_for("live.return_code", code=formatted, _external=True)
    qr = segno.make(link, error="m")
    return render_template(
        "live/return_code.html",
        workshop=_workshop(),
        participant=participant,
        code=formatted,
        link=link,
        qr=qr.svg_data_uri(scale=6, border=2, dark="#000", light="#fff"),
    )


@bp.route("/return", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
def return_code():
    """Come back later with the return code: see and change one's contributions."""
    if request.method == "GET" and "code" in request.args:
        # The link under the QR code: the code is filled in, the person confirms.
        form = ReturnCodeForm(request.args, meta={"csrf": False})
        return render_template("live/enter_return_code.html", form=form)
    form = ReturnCodeForm()
    if form.validate_on_submit():
        participant = operations.participant_with_return_code(form.code.data)
        if participant is not None:
            g.scope = (participant.territory_id,)
            if request.form.get("erase"):
                return _erasure_page(participant, form.code.data)
            _remember(participant)
            return redirect(url_for("live.mine", workshop_code=participant.workshop.join_code))
        return _unknown_return_code(form)
    return render_form("live/enter_return_code.html", form)


def _unknown_return_code(form):
    if wrong_code_limited():
        return _too_many(form, "live/enter_return_code.html")
    form.code.errors = [
        *form.code.errors,
        _("This return code is not known. Check the letters and try again."),
    ]
    return render_template("live/enter_return_code.html", form=form), 404


def _erasure_page(participant: Participant, code: str):
    """What erasing will remove, and what issued documents already hold, before the person confirms."""
    from ..retention.erasure import participant_data
    from ..retention.forms import EraseWithCodeForm

    return render_template(
        "live/erase_confirm.html",
        data=participant_data(participant),
        form=EraseWithCodeForm(formdata=None, data={"code": code}),
        workshop=participant.workshop,
    )


@bp.post("/return/erase")
@access(Rule.PUBLIC)
@form_page
def erase_contributions():
    """Erase everything the holder of a return code wrote, their nickname and the return code itself."""
    from ..retention.erasure import erase_participant
    from ..retention.forms import EraseWithCodeForm

    form = EraseWithCodeForm()
    if not form.validate_on_submit():
        # An expired page or a missing code: type the code again, nothing was erased.
        typed = ReturnCodeForm(formdata=None, data={"code": form.code.data or ""})
        typed.form_errors = [_("Nothing was erased. Type your return code again to erase what you wrote.")]
        return render_template("live/enter_return_code.html", form=typed), 400
    participant = operations.participant_with_return_code(form.code.data)
    if participant is None:
        return _unknown_return_code(ReturnCodeForm(formdata=None, data={"code": form.code.data}))
    g.scope = (participant.territory_id,)
    workshop = participant.workshop
    counts = erase_participant(participant)
    db.session.commit()
    session[SESSION_KEY] = [pid for pid in session.get(SESSION_KEY, []) if pid != participant.id]
    return render_template("live/erased.html", counts=counts, workshop=workshop)
