"""State changes of accounts: creating people, roles, passwords, logins and territory invitations; the links sent
by e-mail are in links.py."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from .. import audit
from ..access import TERRITORY_ROLES, Role
from ..extensions import db
from ..territories.models import Membership, Network, Organisation, Territory, TerritoryInvitation
from . import models
from .links import (  # noqa: F401 (re-exported: the callers use accounts.operations for these)
    INVITATION,
    PASSWORD_RESET,
    TERRITORY_INVITATION,
    _now,
    invitation_from_token,
    invitation_token,
    make_token,
    may_choose_first_password,
    send_invitation,
    send_link,
    user_from_token,
)
from .models import RoleAssignment, User
from .sessions import end_sessions


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


#: A hash of a random password per hashing method, checked when an e-mail has no account.
_DUMMY_HASHES: dict[str, str] = {}


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None.

    The password is always checked against a hash of the configured method, the account's or a dummy one, so the
    answer takes as long for an unknown e-mail, an account without a password or a deactivated one.
    """
    user = find_user(email)
    if user is None or not user.has_password:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASHES:
            _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
        models.check_password_hash(_DUMMY_HASHES[method], password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def record_login(user: User, second_factor: str = "password") -> None:
    """A completed login (``second_factor``: "password" alone, "app" or "recovery"); a recovery code used is a
    security event for the audit log, since it may mean a lost phone."""
    user.last_login_at = datetime.now(UTC)
    if second_factor == "recovery":
        from .two_factor import unused_recovery_codes

        audit.record("user.recovery_code_used", user, left=unused_recovery_codes(user))


def log_out_everywhere(user: User) -> None:
    """End every session and stay-logged-in cookie of ``user``, on every device."""
    end_sessions(user, reason="logout")


def set_active(user: User, active: bool) -> None:
    """Deactivate or reactivate an account; deactivating ends its sessions, which reactivating does not revive."""
    if user.active == active:
        return
    user.active = active
    audit.record("user.activated" if active else "user.deactivated", user)
    if not active:
        end_sessions(user, reason="deactivated")


def change_password(user: User, password: str) -> None:
    """Set a new password; every session of the account ends (the caller logs this device in again)."""
    user.set_password(password)
    audit.record("user.password_changed", user)
    end_sessions(user, reason="password")


# --- organisations and territory invitations ------------------------------------------------------------------


def set_organisation(user: User, territory: Territory, organisation: Organisation | None) -> None:
    """Make ``organisation`` (one of ``territory``'s) the one ``user`` works for there, or none; their
    organisations in other territories stay as they are."""
    if organisation is not None and organisation.territory_id != territory.id:
        raise ValueError("an organisation of another territory")
    current = next((m for m in user.memberships if m.territory_id == territory.id), None)
    if (current.organisation_id if current else None) == (organisation.id if organisation else None):
        return
    if organisation is None:
        user.memberships.remove(current)
    elif current is None:
        user.memberships.append(Membership(territory_id=territory.id, organisation=organisation))
    else:
        current.organisation = organisation  # changed in place: one row per person and territory
    audit.record(
        "membership.changed",
        user,
        territory_id=territory.id,
        organisation_id=organisation.id if organisation else None,
    )


def open_invitation(territory: Territory, user: User) -> TerritoryInvitation | None:
    """The invitation of ``territory`` to ``user`` that is neither accepted, declined nor withdrawn."""
    return db.session.scalar(
        db.select(TerritoryInvitation)
        .where(
            TerritoryInvitation.territory_id == territory.id,
            TerritoryInvitation.user_id == user.id,
            TerritoryInvitation.accepted_at.is_(None),
            TerritoryInvitation.declined_at.is_(None),
            TerritoryInvitation.withdrawn_at.is_(None),
        )
        .order_by(TerritoryInvitation.id.desc())
        .limit(1)
        .execution_options(all_territories=True)
    )


def invite_to_territory(
    territory: Territory,
    *,
    email: str,
    name: str,
    roles: list[Role],
    organisation: Organisation | None = None,
    locale: str = "",
    invited_by: User | None = None,
) -> TerritoryInvitation:
    """Offer roles (and an organisation) in ``territory`` to whoever holds ``email``.

    Everything the coordinator sees is the same whether the address has an account or not: a new address gets
    an account without a password, created by this territory; an existing one keeps its name, organisations and
    roles elsewhere untouched. Nothing is granted until the holder accepts. Inviting again renews the open
    invitation.
    """
    if not roles or any(role not in TERRITORY_ROLES for role in roles):
        raise ValueError("an invitation offers territory roles")
    if organisation is not None and organisation.territory_id != territory.id:
        raise ValueError("an organisation of another territory")
    user = find_user(email)
    if user is None:
        user = create_user(email, name, locale=locale, created_by_territory_id=territory.id)
        db.session.flush()
    invitation = open_invitation(territory, user)
    renewed = invitation is not None
    if invitation is None:
        invitation = TerritoryInvitation(territory_id=territory.id, user_id=user.id)
        db.session.add(invitation)
    now = _now()
    invitation.name = name.strip()
    invitation.email = normalise_email(email)
    invitation.roles = [role.value for role in roles]
    invitation.organisation_id = organisation.id if organisation is not None else None
    invitation.invited_by_id = invited_by.id if invited_by is not None else None
    invitation.created_at = now
    invitation.expires_at = now + timedelta(seconds=TERRITORY_INVITATION[1])
    db.session.flush()
    audit.record(
        "invitation.renewed" if renewed else "invitation.made",
        invitation,
        roles=invitation.roles,
        organisation_id=invitation.organisation_id,
    )
    return invitation


def renew_invitation(invitation: TerritoryInvitation) -> None:
    """Keep an open invitation open for another 14 days, as when it is sent again."""
    invitation.expires_at = _now() + timedelta(seconds=TERRITORY_INVITATION[1])
    audit.record("invitation.renewed", invitation, roles=invitation.roles)


def pending_invitations(user: User) -> list[TerritoryInvitation]:
    """The invitations ``user`` may still accept, newest first, whatever territory made them."""
    return list(
        db.session.scalars(
            db.select(TerritoryInvitation)
            .where(
                TerritoryInvitation.user_id == user.id,
                TerritoryInvitation.accepted_at.is_(None),
                TerritoryInvitation.declined_at.is_(None),
                TerritoryInvitation.withdrawn_at.is_(None),
                TerritoryInvitation.expires_at > _now(),
            )
            .options(joinedload(TerritoryInvitation.organisation))
            .order_by(TerritoryInvitation.created_at.desc(), TerritoryInvitation.id.desc())
            .execution_options(all_territories=True)
        ).unique()
    )


def accept_invitation(invitation: TerritoryInvitation, user: User) -> None:
    """The holder says yes: the roles offered, and the organisation if one was offered, become theirs."""
    if invitation.user_id != user.id or not invitation.is_pending(_now()):
        raise ValueError("not an invitation this person can accept")
    territory = invitation.territory
    for value in invitation.roles:
        grant_role(user, Role(value), territory=territory)
    organisation = invitation.organisation
    if (
        organisation is not None
        and organisation.territory_id == territory.id
        and organisation.archived_at is None
    ):
        set_organisation(user, territory, organisation)
    invitation.accepted_at = _now()
    audit.record("invitation.accepted", invitation, roles=invitation.roles)


def accept_with_first_password(invitation: TerritoryInvitation, password: str) -> User:
    """A person new to the toolkit chooses their password from the invitation's link, which accepts it."""
    if not may_choose_first_password(invitation):
        raise ValueError("this invitation cannot set a password")
    user = invitation.user
    change_password(user, password)
    accept_invitation(invitation, user)
    return user


def decline_invitation(invitation: TerritoryInvitation, user: User) -> None:
    """The holder says no: nothing is granted, and the territory sees only that the invitation is closed."""
    if invitation.user_id != user.id or not invitation.is_open:
        raise ValueError("not an invitation this person can decline")
    invitation.declined_at = _now()
    audit.record("invitation.declined", invitation)


def withdraw_invitation(invitation: TerritoryInvitation) -> None:
    """A coordinator takes back an invitation of their territory that is still open; its link stops working."""
    if not invitation.is_open:
        raise ValueError("the invitation is already closed")
    invitation.withdrawn_at = _now()
    audit.record("invitation.withdrawn", invitation)
