"""Logging in and out, passwords, invitations and the person's own account."""

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
from flask_login import current_user, login_user, logout_user

from ..access import Rule, access, form_page
from ..extensions import db, limiter
from ..forms import render_form, saving
from ..mail import mail_configured
from ..web import safe_next
from . import operations
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ProfileForm, SetPasswordForm

bp = Blueprint("accounts", __name__)


def _failed(response) -> bool:
    return response.status_code != 302


def _login_refused(_limit):
    form = LoginForm()
    form.form_errors.append(_("Too many failed attempts. Please wait a few minutes before trying again."))
    return make_response(render_template("accounts/login.html", form=form), 429)


def _submitted_email() -> str:
    return "login-account:" + request.form.get("email", "").strip().lower()[:254]


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, on_breach=_login_refused)
@limiter.limit(
    _login_limit, key_func=_submitted_email, methods=["POST"], deduct_when=_failed, on_breach=_login_refused
)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next())
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.find_user(form.email.data)
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            operations.record_login(user)
            db.session.commit()
            return redirect(safe_next())
        form.form_errors.append(_("The e-mail address or the password is not right."))
    return render_form("accounts/login.html", form)


@bp.post("/logout")
@access(Rule.PUBLIC)
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET", "POST"])
@access(Rule.USER)
@form_page
def account():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        with saving(form) as outcome:
            current_user.name = form.name.data
            current_user.locale = form.locale.data
        if outcome.saved:
            flash(_("Your account is saved."), "success")
            return redirect(url_for("accounts.account"))
    return render_form("accounts/account.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@access(Rule.USER)
@form_page
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            with saving(form) as outcome:
                operations.change_password(current_user, form.password.data)
            if outcome.saved:
                flash(_("Your password is changed."), "success")
                return redirect(url_for("accounts.account"))
    return render_form("accounts/change_password.html", form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = operations.find_user(form.email.data)
        if user is not None and user.active and user.has_password:
            operations.send_link(user, operations.PASSWORD_RESET)
        # The same answer whether or not the address has an account, so addresses cannot be probed.
        if mail_configured():
            flash(
                _("If this address has an account, we have sent it a link to choose a new password."), "info"
            )
        else:
            flash(
                _("This site cannot send e-mail yet. Please ask a coordinator of your territory for help."),
                "error",
            )
        return redirect(url_for("accounts.login"))
    return render_form("accounts/forgot_password.html", form)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
def set_password(token: str):
    """Choose a password from an invitation or a password-reset link."""
    user = operations.user_from_token(token, operations.INVITATION) or operations.user_from_token(
        token, operations.PASSWORD_RESET
    )
    if user is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        with saving(form) as outcome:
            operations.change_password(user, form.password.data)
        if outcome.saved:
            login_user(user)
            flash(_("Your password is saved. Welcome!"), "success")
            return redirect(url_for("main.index"))
    return render_form("accounts/set_password.html", form, invited_user=user)
