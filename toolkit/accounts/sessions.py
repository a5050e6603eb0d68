"""Sessions that end.

Flask keeps a login in a signed cookie, and "Stay logged in" in a second one: neither can be taken back once copied.
So both carry the account's ``session_token`` (``User.get_id()`` is ``"<id>:<token>"``) and every request checks it
against the database. Logging out, changing or resetting the password, turning the second factor on and
deactivating the account give the account a new token, which ends every session and every stay-logged-in cookie
of it at once, on every device; the device that changed the password is logged in again with the new token.
A token is random, never a counter, so no old cookie comes back to life (not even after restoring a backup).
"""

from __future__ import annotations

import hmac

from flask import current_app, request, session
from flask_login import login_user, logout_user

from .. import audit
from ..extensions import db
from .models import User, new_session_token

#: What Flask-Login keeps in the session for a logged-in person.
_LOGIN_KEYS = ("_user_id", "_fresh", "_id")


def user_for_session(session_id: str) -> User | None:
    """The active account a session or stay-logged-in cookie stands for, or None when it has ended."""
    user = user_with_token(session_id)
    if user is None:
        _forget_ended_login()
    return user


def user_with_token(session_id: str) -> User | None:
    user_id, _, token = str(session_id).partition(":")
    if not user_id.isdigit() or len(user_id) > 18 or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def _forget_ended_login() -> None:
    # Drop the dead login from the cookie, and the stay-logged-in cookie with it, so they stop being sent.
    for key in _LOGIN_KEYS:
        session.pop(key, None)
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        session["_remember"] = "clear"


def end_sessions(user: User, reason: str) -> None:
    """End every session and stay-logged-in cookie of ``user`` (committed by the caller)."""
    user.session_token = new_session_token()
    audit.record("user.sessions_ended", user, reason=reason)


def stays_logged_in() -> bool:
    """Whether this browser holds a stay-logged-in cookie."""
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def login_state() -> dict:
    """What the session says of the login now, to put back if a login cannot be committed."""
    return {key: session[key] for key in (*_LOGIN_KEYS, "_remember", "_remember_seconds") if key in session}


def restore_login_state(state: dict) -> None:
    """Undo a login whose commit failed: this request is anonymous, and the cookies stay as they were."""
    logout_user()
    for key in (*_LOGIN_KEYS, "_remember", "_remember_seconds"):
        if key in state:
            session[key] = state[key]
        else:
            session.pop(key, None)


def log_in_again(user: User) -> None:
    """Keep this device logged in after the account's sessions ended (its new token in its cookies)."""
    login_user(user, remember=stays_logged_in())
