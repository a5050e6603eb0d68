"""A phone's ballot, as the views receive it: dots typed per item, the refusal in the person's words, and the
step shown again with every choice kept when the ballot cannot be stored."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..forms import BaseForm, saving
from .live import step_page
from .models import Workshop
from .room import Refused


def refusal_message(reason: str, workshop: Workshop, placed: int = 0) -> str:
    """What a :class:`~toolkit.workshops.room.Refused` reason means, for the person who was refused."""
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


def open_or_refuse(workshop: Workshop, form) -> bool:
    """True while the workshop is open; otherwise the form says why nothing more can be added."""
    if workshop.is_open:
        return True
    form.form_errors.append(refusal_message("closed", workshop))
    return False


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


def send_ballot(
    workshop, participant, apply, *, placed: int = 0, bad_input: str | None, saved: str, raced: str, **typed
):
    """Store a phone's ballot (dots, or places on the grid) whole with ``apply(workshop, participant)``, or show
    the step again with every choice kept (``typed``) and the reason in the person's language."""
    form = BaseForm()
    errors = []
    if form.validate_on_submit():
        if bad_input:
            errors.append(bad_input)
        else:
            try:
                with saving(form) as outcome:
                    apply(workshop, participant)
            except Refused as refusal:
                db.session.rollback()
                errors.append(refusal_message(str(refusal), workshop, placed))
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
    return step_page(workshop, participant, status, vote_errors=errors, **typed)


def send_dots(workshop, participant, cast, *, saved: str, raced: str):
    """A vote form's dots (see :func:`typed_dots`) stored with ``cast(workshop, participant, dots)``, or the
    step shown again with them kept (see :func:`send_ballot`)."""
    typed, bad_number = typed_dots()
    return send_ballot(
        workshop,
        participant,
        lambda workshop, participant: cast(workshop, participant, typed),
        typed_votes=typed,
        placed=sum(typed.values()),
        bad_input=_("Write the number of dots with digits, for example 2.") if bad_number else None,
        saved=saved,
        raced=raced,
    )
