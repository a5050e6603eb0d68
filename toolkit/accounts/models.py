"""Users and the roles they hold per territory or per network."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..access import Role
from ..database import enum_column
from ..extensions import db
from ..territories.models import Membership, Network, Organisation, Territory


class User(UserMixin, db.Model):
    """A person with an account (facilitator, coordinator, association member, operator...)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login e-mail, stored lower-case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Name shown to colleagues.
    name: Mapped[str] = mapped_column(String(120))
    #: Password hash; empty until an invited person chooses a password.
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    #: Interface language chosen by the person; empty means "from the browser".
    locale: Mapped[str] = mapped_column(String(10), default="")
    #: The territory whose coordinator created the account by inviting a new address, if any (empty for accounts
    #: created by a site administrator or the command line): only that territory may hand out the link that sets
    #: the account's first password.
    created_by_territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL")
    )
    #: Site administrators create territories and networks.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Deactivated accounts cannot log in; their history stays.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: When the account was created.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: Last successful login.
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Part of every session and stay-logged-in cookie of the account; a new value ends them all (log out,
    #: password change or reset, second factor turned on, deactivation).
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: new_session_token())
    #: Secret of the authenticator app (TOTP, base32); empty while the account has no second factor.
    totp_secret: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: When the second factor was turned on.
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The 30-second time step of the last code accepted, so that a code seen over a shoulder cannot be replayed.
    totp_last_step: Mapped[int | None]

    #: The organisation the person works for in each territory (see :meth:`organisation_in`).
    memberships: Mapped[list[Membership]] = relationship(cascade="all, delete-orphan")
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def get_id(self) -> str:  # Flask-Login: what the session and the stay-logged-in cookie carry
        return f"{self.id}:{self.session_token}"

    @property
    def has_two_factor(self) -> bool:
        return bool(self.totp_secret)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def organisation_in(self, territory: Territory | int) -> Organisation | None:
        """The organisation the person works for in ``territory`` (a territory or its id), if any.

        A person may work for one organisation in each territory they take part in; their organisation in
        another territory is never theirs here.
        """
        territory_id = territory if isinstance(territory, int) else territory.id
        for membership in self.memberships:
            if membership.territory_id == territory_id:
                return membership.organisation
        return None

    def roles_in(self, territory: Territory) -> list[Role]:
        return sorted(a.role for a in self.role_assignments if a.territory_id == territory.id)

    def coordinates_network(self, network: Network) -> bool:
        return any(
            a.network_id == network.id and a.role is Role.NETWORK_COORDINATOR for a in self.role_assignments
        )

    def __repr__(self) -> str:
        return f"<User {self.email}>"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator app (a lost phone); only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose code it is.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the code (80 random bits, so a fast hash is enough).
    code_hash: Mapped[str] = mapped_column(String(64))
    #: When it was used to log in; a used code is never accepted again.
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When it was made.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RoleAssignment(db.Model):
    """One role held by one person, in one territory or (for network coordinators) one network."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        CheckConstraint("(territory_id IS NULL) <> (network_id IS NULL)", name="territory_or_network"),
        UniqueConstraint("user_id", "role", "territory_id", "network_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who holds the role.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Which role.
    role: Mapped[Role] = mapped_column(enum_column(Role))
    #: Where the role applies, for territory roles.
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), index=True
    )
    #: Where the role applies, for the network coordinator role.
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    #: When it was granted.
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    user: Mapped[User] = relationship(back_populates="role_assignments")
    # Loaded with the assignment: access checks and the dashboard read them on every request.
    territory: Mapped[Territory | None] = relationship(lazy="joined")
    network: Mapped[Network | None] = relationship(lazy="joined")
