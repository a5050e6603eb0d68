"""The invitations a person receives from territories: the link that comes with one, and the page where its
holder accepts or declines them after logging in."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..access import Rule, access, form_page
from ..accounts import operations as accounts
from ..accounts.forms import SetPasswordForm
from ..extensions import db
from ..forms import render_form, saving
from .models import TerritoryInvitation

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
    """The person's invitations from territories, to accept or decline."""
    return render_template(
        "territories/invitations.html", invitations=accounts.pending_invitations(current_user)
    )


def _mine_or_404(invitation_id: int) -> TerritoryInvitation:
    """One of the person's own invitations that can still be answered; any other is not found."""
    invitation = next((i for i in accounts.pending_invitations(current_user) if i.id == invitation_id), None)
    if invitation is None:
        abort(404)
    return invitation


@bp.post("/invitations/<int:invitation_id>/accept")
@access(Rule.USER)
def accept(invitation_id: int):
    invitation = _mine_or_404(invitation_id)
    accounts.accept_invitation(invitation, current_user)
    db.session.commit()
    flash(_("Welcome to %(territory)s.", territory=invitation.territory.name), "success")
    return redirect(url_for("territories.dashboard", territory_slug=invitation.territory.slug))


@bp.post("/invitations/<int:invitation_id>/decline")
@access(Rule.USER)
def decline(invitation_id: int):
    invitation = _mine_or_404(invitation_id)
    accounts.decline_invitation(invitation, current_user)
    db.session.commit()
    flash(_("The invitation of %(territory)s is declined.", territory=invitation.territory.name), "info")
    return redirect(url_for("invitations.invitations"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
def open_invitation(token: str):
    """The link of an invitation. For an account the territory created and that has no password yet, it chooses
    the password and accepts; for any other account it only leads to the login page and the invitations."""
    invitation = accounts.invitation_from_token(token)
    if invitation is None:
        abort(404)
    if not accounts.may_choose_first_password(invitation):
        if current_user.is_authenticated:
            return redirect(url_for("invitations.invitations"))
        flash(_("Log in to accept or decline the invitation."), "info")
        return redirect(url_for("accounts.login", next=url_for("invitations.invitations")))
    form = SetPasswordForm()
    if form.validate_on_submit():
        with saving(form) as outcome:
            user = accounts.accept_with_first_password(invitation, form.password.data)
        if outcome.saved:
            login_user(user)
            flash(_("Your password is saved. Welcome!"), "success")
            return redirect(url_for("territories.dashboard", territory_slug=invitation.territory.slug))
    return render_form("territories/invitation_password.html", form, invitation=invitation)
