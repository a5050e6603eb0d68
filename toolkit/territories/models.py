"""Territories, networks and organisations."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, func
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
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)
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
