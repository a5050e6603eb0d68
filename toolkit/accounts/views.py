"""Logging in and out, passwords, the second factor, invitations and the person's own account."""

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
from sqlalchemy.exc import OperationalError

from ..access import Rule, access, form_page
from ..database import is_busy_error
from ..extensions import db, limiter
from ..forms import render_form, saving
from ..mail import mail_configured
from ..qr import qr_data_uri
from ..web import safe_next
from . import operations, sessions, throttling, two_factor
from .commands import turn_off_two_factor
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginCodeForm,
    LoginForm,
    ProfileForm,
    RecoveryCodesForm,
    SetPasswordForm,
    TwoFactorOffForm,
    TwoFactorSetupForm,
)

bp = Blueprint("accounts", __name__, cli_group=None)  # its commands are top-level: flask turn-off-two-factor
bp.cli.add_command(turn_off_two_factor)
# Someone who must have a second factor and has none can only set one up (toolkit/accounts/two_factor.py).
bp.before_app_request(two_factor.send_to_set_up)


def _failed(response) -> bool:
    # A wrong password or code; not a busy database, an expired form or a refusal at the limit.
    return response.status_code == 422


def _login_refused(_limit=None):
    form = LoginForm()
    form.form_errors.append(_("Too many failed attempts. Please wait a few minutes before trying again."))
    return make_response(render_template("accounts/login.html", form=form), 429)


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _code_limit() -> str:
    return current_app.config["TWO_FACTOR_FAILURE_LIMIT"]


def _log_in(form, user, remember: bool, check_code=None) -> bool:
    """Log ``user`` in on this device, committing the login (and the code that completes it, when
    ``check_code`` is given) with :func:`~toolkit.forms.saving`; a busy database undoes it and tells the form."""
    before = sessions.login_state()
    accepted = None
    with saving(form) as outcome:
        accepted = check_code(user) if check_code else "password"
        if accepted:
            login_user(user, remember=remember)
            operations.record_login(user, second_factor=accepted)
    if not outcome.saved:
        sessions.restore_login_state(before)
        return False
    if accepted:
        two_factor.end_pending_login()
    return bool(accepted)


@bp.route("/login", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, on_breach=_login_refused)
def login():
    """The password step (see toolkit/accounts/throttling.py for how failures are limited)."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next())
    form = LoginForm()
    if form.validate_on_submit():
        if throttling.refused(form.email.data):
            return _login_refused()
        user = operations.authenticate(form.email.data, form.password.data)
        if user is None:
            throttling.record_failure(form.email.data)
            form.form_errors.append(_("The e-mail address or the password is not right."))
        else:
            throttling.forget_failures(form.email.data)
            if user.has_two_factor:
                two_factor.begin_login(user, form.remember.data)
                return redirect(url_for("accounts.login_code", next=request.args.get("next")))
            if _log_in(form, user, form.remember.data):
                return redirect(safe_next())
    return render_form("accounts/login.html", form)


@bp.route("/login/code", methods=["GET", "POST"])
@access(Rule.PUBLIC)
@form_page
@limiter.limit(
    _code_limit,
    key_func=two_factor.pending_key,
    methods=["POST"],
    deduct_when=_failed,
    on_breach=lambda _limit: _code_refused(),
)
def login_code():
    """The second step of a login, for accounts with a second factor."""
    form = LoginCodeForm()
    valid = form.validate_on_submit()
    pending = two_factor.pending_user()
    if pending is None:
        if form.token_refused:
            return render_form("accounts/login_code.html", form)  # a POST without its token, as on every page
        flash(_("Please log in again."), "info")
        return redirect(url_for("accounts.login", next=request.args.get("next")))
    user, remember = pending
    if valid:
        if _log_in(form, user, remember, check_code=lambda user: two_factor.check_code(user, form.code.data)):
            return redirect(safe_next())
        if not form.form_errors:
            form.code.errors.append(_("This code is not right, or it was already used."))
    return render_form("accounts/login_code.html", form)


def _code_refused():
    form = LoginCodeForm()
    form.form_errors.append(_("Too many wrong codes. Please wait a few minutes before trying again."))
    return make_response(render_template("accounts/login_code.html", form=form), 429)


@bp.post("/logout")
@access(Rule.PUBLIC)
def logout():
    """Log out on every device: every session and stay-logged-in cookie of the account ends."""
    message = _("You are logged out.")
    if current_user.is_authenticated:
        operations.log_out_everywhere(current_user._get_current_object())
        try:
            db.session.commit()
            message = _("You are logged out on every device.")
        except OperationalError as error:
            db.session.rollback()
            if not is_busy_error(error):
                raise
            message = _(
                "You are logged out on this device only: the database was busy. "
                "Log in and out again to log out on every device."
            )
    logout_user()
    two_factor.end_pending_login()
    two_factor.forget_setup_secret()
    flash(message, "info")
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
            user = current_user._get_current_object()
            with saving(form) as outcome:
                operations.change_password(user, form.password.data)
            if outcome.saved:
                sessions.log_in_again(user)
                flash(_("Your password is changed. You are logged out on every other device."), "success")
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
            if user.has_two_factor:
                # The link proves the e-mail, not the authenticator: the code is still asked.
                two_factor.begin_login(user, remember=False)
                flash(_("Your password is saved. Now give the code of your authenticator app."), "success")
                return redirect(url_for("accounts.login_code"))
            login_user(user)
            flash(_("Your password is saved. Welcome!"), "success")
            return redirect(url_for("main.index"))
    return render_form("accounts/set_password.html", form, invited_user=user)


# --- the second factor ---------------------------------------------------------------------------------------


@bp.get("/account/two-factor")
@access(Rule.USER)
def two_factor_status():
    user = current_user._get_current_object()
    return render_template(
        "accounts/two_factor.html",
        required=two_factor.is_required(user),
        codes_left=two_factor.unused_recovery_codes(user) if user.has_two_factor else 0,
    )


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@access(Rule.USER)
@form_page
def two_factor_setup():
    """Show a new secret (text and QR code) and turn the second factor on with a code of the app."""
    user = current_user._get_current_object()
    if user.has_two_factor:
        return redirect(url_for("accounts.two_factor_status"))
    secret = two_factor.setup_secret(user)
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        codes = None
        with saving(form) as outcome:
            codes = two_factor.turn_on(user, secret, form.code.data)
        if outcome.saved and codes:
            two_factor.forget_setup_secret()
            sessions.log_in_again(user)
            return render_template("accounts/recovery_codes_shown.html", codes=codes, first_time=True)
        if outcome.saved:
            form.code.errors.append(
                _("This code is not right. Check that the clock of your phone is right, and try again.")
            )
    return render_form(
        "accounts/two_factor_setup.html",
        form,
        secret=two_factor.grouped(secret),
        qr=qr_data_uri(two_factor.provisioning_uri(user, secret), scale=5),
        required=two_factor.is_required(user),
    )


def _account_code_key() -> str:
    return f"two-factor:{current_user.id}" if current_user.is_authenticated else "two-factor-anonymous"


def _password_is_right(user, form) -> bool:
    """Whether the form's password is the person's current one; if not, the field says so."""
    if user.check_password(form.password.data):
        return True
    form.password.errors.append(_("This is not your current password."))
    return False


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@access(Rule.USER)
@form_page
@limiter.limit(_code_limit, key_func=_account_code_key, methods=["POST"], deduct_when=_failed)
def two_factor_off():
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("accounts.two_factor_status"))
    required = two_factor.is_required(user)
    form = TwoFactorOffForm()
    if not required and form.validate_on_submit() and _password_is_right(user, form):
        turned_off = False
        with saving(form) as outcome:
            if two_factor.check_code(user, form.code.data):
                two_factor.turn_off(user)
                turned_off = True
        if outcome.saved and turned_off:
            flash(_("The second factor is turned off. You log in with your password only."), "success")
            return redirect(url_for("accounts.two_factor_status"))
        if outcome.saved:
            form.code.errors.append(_("This code is not right, or it was already used."))
    return render_form("accounts/two_factor_off.html", form, required=required)


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@access(Rule.USER)
@form_page
@limiter.limit(_code_limit, key_func=_account_code_key, methods=["POST"], deduct_when=_failed)
def recovery_codes():
    """New recovery codes (the old ones stop working), shown once."""
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("accounts.two_factor_status"))
    form = RecoveryCodesForm()
    if form.validate_on_submit() and _password_is_right(user, form):
        with saving(form) as outcome:
            codes = two_factor.new_recovery_codes(user)
        if outcome.saved:
            return render_template("accounts/recovery_codes_shown.html", codes=codes, first_time=False)
    return render_form(
        "accounts/recovery_codes.html", form, codes_left=two_factor.unused_recovery_codes(user)
    )
