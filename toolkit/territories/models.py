"""Territories, networks and organisations."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import TerritoryScoped
from ..content import TranslatedText
from ..database import enum_column
from ..extensions import db

network_territories = Table(
    "network_territories",
    db.metadata,
    Column("network_id", ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territories.id", ondelete="CASCADE"), primary_key=True),
)


class Territory(db.Model):
    """A municipality or union of municipalities: the tenant that owns processes, services and people."""

    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short name used in addresses (``/t/<slug>/``).
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    #: Official name, e.g. "Comune di Pontedera".
    name: Mapped[str] = mapped_column(String(200))
    #: Region or province, for people comparing territories.
    region: Mapped[str] = mapped_column(String(200), default="")
    #: Language of the territory's documents and the fallback for untranslated content.
    default_locale: Mapped[str] = mapped_column(String(10), default="it")
    #: What participants agree to before taking part (what is kept, for how long, who sees it), per language.
    consent_text: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: Whether the territory's coordinators must log in with a second factor (an authenticator app).
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Months after a process ends before its participants' data is purged (``flask purge``).
    retention_months: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    #: When the territory was created.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    networks: Mapped[list[Network]] = relationship(
        secondary=network_territories, back_populates="territories", order_by="Network.name"
    )

    def __repr__(self) -> str:
        return f"<Territory {self.slug}>"


class Network(db.Model):
    """A network of territories (national programme or European city network)."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short name used in addresses (``/n/<slug>/``).
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    #: Name, e.g. "IncluCities".
    name: Mapped[str] = mapped_column(String(200))
    #: What the network works on.
    description: Mapped[str] = mapped_column(Text, default="")
    #: When the network was created.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    territories: Mapped[list[Territory]] = relationship(
        secondary=network_territories, back_populates="networks", order_by="Territory.name"
    )

    def __repr__(self) -> str:
        return f"<Network {self.slug}>"


class OrganisationKind(enum.StrEnum):
    ASSOCIATION = "association"
    SERVICE_OWNER = "service_owner"
    MUNICIPAL_OFFICE = "municipal_office"
    THIRD_SECTOR = "third_sector"


class Organisation(TerritoryScoped, db.Model):
    """An association, service owner, municipal office or third-sector body working in one territory."""

    __tablename__ = "organisations"
    # What a membership's composite foreign key points at: an organisation together with its territory.
    __table_args__ = (UniqueConstraint("id", "territory_id", name="organisation_in_territory"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What kind of body it is.
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    #: Its name as people know it.
    name: Mapped[str] = mapped_column(String(200))
    #: Public contact e-mail of the organisation (never a participant's).
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    #: Public contact telephone of the organisation.
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    #: What it does, in a few lines, per language.
    description: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: Set when the organisation no longer takes part; kept for the history of processes.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    territory: Mapped[Territory] = relationship()

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class Membership(db.Model):
    """The organisation a person works for in one territory: at most one per territory, and always one of that
    territory's organisations (the composite foreign key says so to the database)."""

    __tablename__ = "organisation_memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "territory_id", name="one_organisation_per_territory"),
        ForeignKeyConstraint(
            ["organisation_id", "territory_id"],
            ["organisations.id", "organisations.territory_id"],
            ondelete="CASCADE",
            name="membership_organisation_in_territory",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The territory in which the person works for the organisation.
    territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id", ondelete="CASCADE"), index=True)
    #: The organisation (one of the territory's).
    organisation_id: Mapped[int] = mapped_column(Integer, index=True)
    #: Since when.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class TerritoryInvitation(TerritoryScoped, db.Model):
    """A coordinator's offer of roles in their territory to an account, which its holder accepts or declines.

    Roles (and the organisation) are granted only when the holder accepts. ``name`` and ``email`` are what the
    coordinator typed: the territory never reads the account's own name before the holder has accepted.
    """

    __tablename__ = "territory_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The invited account.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The name the coordinator typed.
    name: Mapped[str] = mapped_column(String(120))
    #: The e-mail address the coordinator typed, lower-case.
    email: Mapped[str] = mapped_column(String(254))
    #: The territory roles offered (values of :class:`toolkit.access.Role`).
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The organisation of the territory the person is offered to work for, if any.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    #: The coordinator who invited.
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: When the invitation was made (or last made again).
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: After this moment it can no longer be accepted.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: When the holder accepted it.
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the holder declined it.
    declined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When a coordinator withdrew it.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    territory: Mapped[Territory] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])  # noqa: F821 (toolkit.accounts.models)

    @property
    def is_open(self) -> bool:
        """Neither accepted, declined nor withdrawn (it may have expired)."""
        return self.accepted_at is None and self.declined_at is None and self.withdrawn_at is None

    def is_pending(self, now: datetime) -> bool:
        """Open and not expired at ``now``: the holder may still accept it."""
        return self.is_open and _aware(self.expires_at) > now

    def __repr__(self) -> str:
        return f"<TerritoryInvitation {self.id} territory={self.territory_id}>"


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
