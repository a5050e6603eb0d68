"""The invitations a person receives from territories: the link that comes with one, which its holder opens to
accept or decline it after logging in, and the list of the invitations waiting."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..access import Rule, access, form_page
from ..extensions import db
from ..forms import render_form, saving
from ..territories.models import TerritoryInvitation
from . import operations as accounts
from .forms import SetPasswordForm

bp = Blueprint("invitations", __name__)


@bp.app_context_processor
def invitations_waiting():
    """``invitations_waiting()`` in templates: how many invitations the person may still answer."""

    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        return len(accounts.pending_invitations(current_user))

    return {"invitations_waiting": count}


@bp.get("/invitations/")
@access(Rule.USER)
def invitations():
    """The person's invitations from territories. They are answered from the link in the invitation message only:
    the account may have been taken by someone other than the person the territory meant."""
    return render_template("invitations/list.html", invitations=accounts.pending_invitations(current_user))


def _answerable_or_404(invitation_id: int) -> TerritoryInvitation:
    """The person's own invitation, still open, whose link the answer carries; any other is not found.

    Being logged in as the invited account is not enough: the link proves the person holds what was e-mailed to
    the address (or handed over by the coordinator)."""
    linked = accounts.invitation_from_token(request.form.get("token", ""))
    invitation = _pending_of_current_user(invitation_id)
    if linked is None or invitation is None or linked.id != invitation.id:
        abort(404)
    return invitation


def _pending_of_current_user(invitation_id: int) -> TerritoryInvitation | None:
    # From the person's own list, which loads the organisation offered: it belongs to a territory other than
    # the one being browsed.
    return next((i for i in accounts.pending_invitations(current_user) if i.id == invitation_id), None)


@bp.post("/invitations/<int:invitation_id>/accept")
@access(Rule.USER)
def accept(invitation_id: int):
    invitation = _answerable_or_404(invitation_id)
    accounts.accept_invitation(invitation, current_user)
    db.session.commit()
    flash(_("Welcome to %(territory)s.", territory=invitation.territory.name), "success")
    return redirect(url_for("main.territory_dashboard", territory_slug=invitation.territory.slug))


@bp.post("/invitations/<int:invitation_id>/decline")
@access(Rule.USER)
def decline(invitation_id: int):
    invitation = _answerable_or_404(invitation_id)
    accounts.decline_invitation(invitation, current_user)
    db.session.commit()
    flash(_("The invitation of %(territory)s is declined.", territory=invitation.territory.name), "info")
    return redirect(url_for("invitations.invitations"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
def open_invitation(token: str):
    """The link of an invitation. For an account the territory created and that has no password yet, it chooses
    the password and accepts; for any other account, once logged in as it, it shows the invitation to accept or
    decline."""
    invitation = accounts.invitation_from_token(token)
    if invitation is None:
        abort(404)
    if not accounts.may_choose_first_password(invitation):
        if not current_user.is_authenticated:
            flash(_("Log in to accept or decline the invitation."), "info")
            return redirect(
                url_for("accounts.login", next=url_for("invitations.open_invitation", token=token))
            )
        # Whose the invitation is stays unsaid to anyone logged in as another account.
        mine = _pending_of_current_user(invitation.id)
        return render_template("invitations/invitation.html", invitation=mine, token=token)
    form = SetPasswordForm()
    if form.validate_on_submit():
        with saving(form) as outcome:
            user = accounts.accept_with_first_password(invitation, form.password.data)
        if outcome.saved:
            login_user(user)
            flash(_("Your password is saved. Welcome!"), "success")
            return redirect(url_for("main.territory_dashboard", territory_slug=invitation.territory.slug))
    return render_form("invitations/invitation_password.html", form, invitation=invitation)
