"""State changes of accounts: creating people, roles, passwords, invitations and password resets."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import audit
from ..access import Role
from ..extensions import db
from ..mail import send_mail
from ..territories.models import Network, Territory
from .models import RoleAssignment, User

#: Purposes of the links sent by e-mail, with how long each stays valid (seconds).
INVITATION = ("invitation", 14 * 24 * 3600)
PASSWORD_RESET = ("password-reset", 2 * 3600)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, password: str | None = None, *, locale: str = "", **fields) -> User:
    """Create an account; without a password it waits for the person to choose one through an invitation."""
    user = User(email=normalise_email(email), name=name.strip(), locale=locale, **fields)
    if password:
        user.set_password(password)
    db.session.add(user)
    audit.record("user.created", user)
    return user


def grant_role(user: User, role: Role, *, territory: Territory | None = None, network: Network | None = None):
    """Give ``user`` a role in a territory, or (network coordinator) in a network; granting twice is harmless."""
    if (role is Role.NETWORK_COORDINATOR) != (network is not None) or (territory is None) == (
        network is None
    ):
        raise ValueError("territory roles need a territory; the network coordinator role needs a network")
    for assignment in user.role_assignments:
        if assignment.role is role and assignment.territory == territory and assignment.network == network:
            return assignment
    assignment = RoleAssignment(role=role, territory=territory, network=network)
    user.role_assignments.append(assignment)
    db.session.flush()
    audit.record("role.granted", user, territory_id=territory.id if territory else None, role=role.value)
    return assignment


def revoke_role(user: User, role: Role, territory: Territory) -> None:
    """Take a territory role away from ``user``."""
    for assignment in list(user.role_assignments):
        if assignment.role is role and assignment.territory_id == territory.id:
            user.role_assignments.remove(assignment)
            audit.record("role.revoked", user, territory_id=territory.id, role=role.value)


def record_login(user: User) -> None:
    user.last_login_at = datetime.now(UTC)


def change_password(user: User, password: str) -> None:
    user.set_password(password)
    audit.record("user.password_changed", user)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _password_fingerprint(user: User) -> str:
    # Part of the token, so a link stops working as soon as the password it was meant to set is set.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_token(user: User, purpose: tuple[str, int]) -> str:
    return _serializer(purpose[0]).dumps({"user": user.id, "pw": _password_fingerprint(user)})


def user_from_token(token: str, purpose: tuple[str, int]) -> User | None:
    """The active user a still-valid link was made for, or None (expired, tampered, or already used)."""
    try:
        data = _serializer(purpose[0]).loads(token, max_age=purpose[1])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("user"))
    if user is None or not user.active or data.get("pw") != _password_fingerprint(user):
        return None
    return user


def send_link(user: User, purpose: tuple[str, int]) -> tuple[str, bool]:
    """Build the link for ``purpose`` and e-mail it; return the link and whether it was sent."""
    link = url_for("accounts.set_password", token=make_token(user, purpose), _external=True)
    with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
        if purpose is INVITATION:
            subject = _("You are invited to the co-design toolkit")
            body = _(
                "Hello %(name)s,\n\nyou have been invited to the co-design toolkit. "
                "Open this link to choose your password (it works for 14 days):\n\n%(link)s\n",
                name=user.name,
                link=link,
            )
        else:
            subject = _("Choose a new password")
            body = _(
                "Hello %(name)s,\n\nsomeone asked to reset the password of this account. "
                "Open this link to choose a new one (it works for 2 hours):\n\n%(link)s\n\n"
                "If it was not you, ignore this message.",
                name=user.name,
                link=link,
            )
    sent = send_mail(user.email, subject, body)
    return link, sent
