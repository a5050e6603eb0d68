"""Services that foreign residents need to reach, and the categories of barriers that stop them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import TerritoryScoped
from ..content import TranslatedText
from ..database import enum_column
from ..extensions import db
from ..territories.models import Organisation


class Sector(enum.StrEnum):
    CIVIL_REGISTRY = "civil_registry"
    SOCIAL_SERVICES = "social_services"
    EDUCATION = "education"
    HEALTH = "health"
    EMPLOYMENT = "employment"
    IMMIGRATION = "immigration"
    SOCIAL_SECURITY = "social_security"
    HOUSING = "housing"
    OTHER = "other"


class GovernmentLevel(enum.StrEnum):
    MUNICIPALITY = "municipality"
    HEALTH_AUTHORITY = "health_authority"
    STATE_OFFICE = "state_office"
    SCHOOL = "school"
    REGION = "region"
    OTHER = "other"


class AccessDimension(enum.StrEnum):
    """The five dimensions of access to care of Levesque, Harris and Russell (2013)."""

    APPROACHABILITY = "approachability"
    ACCEPTABILITY = "acceptability"
    AVAILABILITY = "availability"
    AFFORDABILITY = "affordability"
    APPROPRIATENESS = "appropriateness"


class Service(TerritoryScoped, db.Model):
    """A public service of the territory (registry office, family doctor, school enrolment...)."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name as residents know it, per language: ``{"it": "Anagrafe", "ar": "..."}``.
    name: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: What the service does, in plain words, per language.
    description: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: Policy sector, for grouping and comparison between territories.
    sector: Mapped[Sector] = mapped_column(enum_column(Sector))
    #: Which level of government runs it.
    level: Mapped[GovernmentLevel] = mapped_column(enum_column(GovernmentLevel))
    #: The body that owns the service: the default addressee of its recommendations.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    #: Address or place where people go.
    location: Mapped[str] = mapped_column(String(300), default="")
    #: Opening hours as written for the public.
    opening_hours: Mapped[str] = mapped_column(String(500), default="")
    #: Language codes staff can speak with the public (e.g. ``["it", "en"]``).
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Documents a person must bring, as written for the public, per language.
    documents_needed: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: Set when the service leaves the catalogue; kept for the history of processes.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Last change, shown to coordinators.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    owner: Mapped[Organisation | None] = relationship()

    def __repr__(self) -> str:
        return f"<Service {self.name!r}>"


class BarrierCategory(TerritoryScoped, db.Model):
    """One category of the barrier taxonomy of a territory (language, documents, cost...)."""

    __tablename__ = "barrier_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Order in lists and forms.
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Short name per language, e.g. ``{"it": "Lingua e mediazione culturale", ...}``.
    name: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: Examples that help people choose it, per language.
    description: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: The access dimension it belongs to.
    dimension: Mapped[AccessDimension] = mapped_column(enum_column(AccessDimension))
    #: Set when the category is withdrawn; barriers keep it.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<BarrierCategory {self.name!r}>"
