"""A second factor for staff: an authenticator app (TOTP, RFC 6238) and single-use recovery codes.

Anyone with an account may turn it on. A territory may require it of its coordinators
(``Territory.require_two_factor``) and the site of its administrators (``REQUIRE_TWO_FACTOR_FOR_ADMINS``). Someone
who must have it and has not set it up yet is logged in with the password, but every page sends them to the
set-up page until it is done (:func:`send_to_set_up`).

When an account has it, the login has two steps. After the right password the browser holds only a pending
login (:func:`begin_login`): the account's id and session token, in the session but not as a login, so that it
opens nothing; the code page finishes the login. A code is accepted once: the time step of the last accepted code
is kept, and a recovery code is marked used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime

import pyotp
from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from .. import audit
from ..access import Role
from ..extensions import db
from .models import RecoveryCode, User
from .sessions import end_sessions, user_with_token

#: How many recovery codes an account gets at a time.
RECOVERY_CODE_COUNT = 10
#: Letters of recovery codes: no 0/O or 1/I/L to misread. 16 of them carry 80 random bits.
_RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_RECOVERY_LENGTH = 16
#: Name of the site in authenticator apps.
ISSUER = "Co-design toolkit"
#: How long the code page waits after the password, in seconds.
PENDING_LOGIN_SECONDS = 10 * 60
_PENDING = "two_factor_pending"
_SETUP = "two_factor_setup"

#: The only pages open to a person who must set up the second factor first.
SET_UP_ENDPOINTS = frozenset({"accounts.two_factor_setup", "accounts.logout", "main.set_language", "static"})


# --- who must have it ----------------------------------------------------------------------------------------


def is_required(user: User) -> bool:
    """Whether ``user`` must log in with a second factor (an administrator, or a coordinator of a territory that
    requires it)."""
    if user.is_admin and current_app.config["REQUIRE_TWO_FACTOR_FOR_ADMINS"]:
        return True
    return any(
        assignment.role is Role.COORDINATOR
        and assignment.territory is not None
        and assignment.territory.require_two_factor
        for assignment in user.role_assignments
    )


def send_to_set_up():
    """Before every request: someone who must have a second factor and has none can only set one up."""
    if request.endpoint in SET_UP_ENDPOINTS or not current_user.is_authenticated:
        return None
    if current_user.has_two_factor or not is_required(current_user):
        return None
    return redirect(url_for("accounts.two_factor_setup"))


# --- the authenticator app -----------------------------------------------------------------------------------


def setup_secret(user: User) -> str:
    """The secret offered on the set-up page, kept in this browser's signed session until it is confirmed (a
    reload shows the same one). It is bound to the account and its session token, so that it is never offered to
    the next person who logs in on the same browser."""
    kept = session.get(_SETUP)
    if isinstance(kept, dict) and kept.get("id") == user.get_id() and isinstance(kept.get("secret"), str):
        return kept["secret"]
    secret = pyotp.random_base32()
    session[_SETUP] = {"id": user.get_id(), "secret": secret}
    return secret


def forget_setup_secret() -> None:
    session.pop(_SETUP, None)


def provisioning_uri(user: User, secret: str) -> str:
    """What the QR code carries: the ``otpauth://`` address authenticator apps read."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side for clocks that drift), if later than
    ``after``."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now, now - 1, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def turn_on(user: User, secret: str, code: str) -> list[str] | None:
    """Turn the second factor on with the code the person's app shows for ``secret``; return the recovery codes to
    show once, or None when the code is wrong. Every other session of the account ends."""
    step = _matching_step(secret, code, None)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step
    user.totp_enabled_at = datetime.now(UTC)
    audit.record("user.two_factor_on", user)
    end_sessions(user, reason="two_factor_on")
    return new_recovery_codes(user)


def turn_off(user: User) -> None:
    user.totp_secret = ""
    user.totp_last_step = None
    user.totp_enabled_at = None
    for code in _recovery_codes(user):
        db.session.delete(code)
    audit.record("user.two_factor_off", user)


def check_app_code(user: User, code: str) -> bool:
    """Whether ``code`` is the account's current code and was not used before; remembers it as used."""
    step = _matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


# --- recovery codes ------------------------------------------------------------------------------------------


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(code: str) -> str:
    return "".join(character for character in code.upper() if character.isalnum())


def _recovery_codes(user: User) -> list[RecoveryCode]:
    return list(db.session.scalars(db.select(RecoveryCode).where(RecoveryCode.user_id == user.id)))


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with new ones; return them, to be shown once (only hashes are kept)."""
    for old in _recovery_codes(user):
        db.session.delete(old)
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    audit.record("user.recovery_codes_made", user, count=len(codes))
    return ["-".join(code[i : i + 4] for i in range(0, len(code), 4)) for code in codes]


def unused_recovery_codes(user: User) -> int:
    return sum(1 for code in _recovery_codes(user) if code.used_at is None)


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code of the account once."""
    wanted = _hash(_normalise(code))
    for recovery in _recovery_codes(user):
        if recovery.used_at is None and hmac.compare_digest(recovery.code_hash, wanted):
            recovery.used_at = datetime.now(UTC)
            db.session.flush()
            return True
    return False


def check_code(user: User, code: str) -> str | None:
    """Which second factor ``code`` is ("app" or "recovery"), each accepted once; None when it is neither."""
    if check_app_code(user, code):
        return "app"
    if use_recovery_code(user, code):
        return "recovery"
    return None


# --- the pending login between the password and the code -----------------------------------------------------


def begin_login(user: User, remember: bool) -> None:
    """Remember, in this browser only, that the password was right; nothing opens until the code is given."""
    session[_PENDING] = {"id": user.get_id(), "remember": bool(remember), "at": int(time.time())}


def pending_user() -> tuple[User, bool] | None:
    """The account whose code is awaited and whether to stay logged in, while the pending login is fresh."""
    pending = session.get(_PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None
    if time.time() - pending["at"] > PENDING_LOGIN_SECONDS:
        session.pop(_PENDING, None)
        return None
    user = user_with_token(pending.get("id", ""))
    if user is None or not user.has_two_factor:
        return None
    return user, bool(pending.get("remember"))


def pending_key() -> str:
    """Rate-limit key of the code page: the pending account (any address), else the address."""
    pending = session.get(_PENDING)
    if isinstance(pending, dict):
        return "two-factor:" + str(pending.get("id", "")).partition(":")[0]
    from flask_limiter.util import get_remote_address

    return "two-factor-address:" + (get_remote_address() or "")


def end_pending_login() -> None:
    session.pop(_PENDING, None)
