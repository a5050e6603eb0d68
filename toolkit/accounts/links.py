"""The links sent by e-mail: to choose a password (invitations, password resets) and to answer a territory's
invitation, with the e-mails that carry them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from babel.lists import format_list
from flask import current_app, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..access import Role
from ..extensions import db
from ..mail import send_mail
from ..territories.models import TerritoryInvitation
from .models import User

#: Purposes of the links sent by e-mail, with how long each stays valid (seconds).
INVITATION = ("invitation", 14 * 24 * 3600)
PASSWORD_RESET = ("password-reset", 2 * 3600)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _password_fingerprint(user: User) -> str:
    # Part of the token, so a link stops working as soon as the password it was meant to set is set.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_token(user: User, purpose: tuple[str, int]) -> str:
    data = {"user": user.id, "pw": _password_fingerprint(user)}
    if purpose is INVITATION:
        # Bound to the territory that created the account: no other territory's link can choose its password.
        data["t"] = user.created_by_territory_id
    return _serializer(purpose[0]).dumps(data)


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
    if purpose is INVITATION and (user.has_password or data.get("t") != user.created_by_territory_id):
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


#: Purpose of the link that comes with a territory's invitation, and how long the invitation stays open.
TERRITORY_INVITATION = ("territory-invitation", 14 * 24 * 3600)


def _now() -> datetime:
    return datetime.now(UTC)


def may_choose_first_password(invitation: TerritoryInvitation) -> bool:
    """Whether the invitation's link may set the account's password: only for an account that has never had
    one and was created by the inviting territory."""
    user = invitation.user
    return user.active and not user.has_password and user.created_by_territory_id == invitation.territory_id


def invitation_token(invitation: TerritoryInvitation) -> str:
    return _serializer(TERRITORY_INVITATION[0]).dumps({"invitation": invitation.id})


def invitation_from_token(token: str) -> TerritoryInvitation | None:
    """The invitation a link was made for, while it can still be accepted; None otherwise."""
    try:
        data = _serializer(TERRITORY_INVITATION[0]).loads(token, max_age=TERRITORY_INVITATION[1])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("invitation"), int):
        return None
    invitation = db.session.get(
        TerritoryInvitation, data["invitation"], execution_options={"all_territories": True}
    )
    if invitation is None or not invitation.is_pending(_now()):
        return None
    return invitation


def send_invitation(invitation: TerritoryInvitation) -> tuple[str, bool]:
    """E-mail the invitation to the address; return its link and whether it was sent.

    The link looks the same for every address. It chooses a first password only for an account the territory
    created (:func:`may_choose_first_password`); for any other it opens the login page, then the holder's
    invitations. It never logs anyone in.
    """
    from ..territories.labels import ROLE_NAMES  # the labels import the territory models

    link = url_for("invitations.open_invitation", token=invitation_token(invitation), _external=True)
    user = invitation.user
    with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
        roles = format_list([str(ROLE_NAMES[Role(value)]) for value in invitation.roles], locale=get_locale())
        subject = _("Invitation from %(territory)s", territory=invitation.territory.name)
        if may_choose_first_password(invitation):
            body = _(
                "Hello %(name)s,\n\n%(territory)s invites you to the co-design toolkit as: %(roles)s. "
                "Open this link to choose your password and accept (it works for 14 days):\n\n%(link)s\n",
                name=invitation.name,
                territory=invitation.territory.name,
                roles=roles,
                link=link,
            )
        else:
            body = _(
                "Hello %(name)s,\n\n%(territory)s invites you to take part in the co-design toolkit as: "
                "%(roles)s. Log in with your account to accept or decline (within 14 days):\n\n%(link)s\n\n"
                "If you do not know this territory, decline or ignore this message.",
                name=user.name,
                territory=invitation.territory.name,
                roles=roles,
                link=link,
            )
    sent = send_mail(invitation.email, subject, body)
    return link, sent
