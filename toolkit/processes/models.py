"""Processes, the phases and step kinds of the method, and the step templates agendas are built from."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import TerritoryScoped
from ..content import TranslatedText
from ..database import enum_column
from ..extensions import db
from ..services.models import Service
from ..territories.models import Territory


class Phase(enum.StrEnum):
    """The phases of the method, in order."""

    SETUP = "setup"
    SERVICES = "services"
    BARRIERS = "barriers"
    CODESIGN = "codesign"
    RECOMMENDATIONS = "recommendations"
    FOLLOW_UP = "follow_up"


class StepKind(enum.StrEnum):
    """What a step of a workshop agenda is for; the live workshop shows each kind with its own screen."""

    WELCOME = "welcome"
    SERVICE_PROPOSALS = "service_proposals"
    SERVICE_VOTING = "service_voting"
    BARRIER_ROUND = "barrier_round"
    PROPOSAL_ROUND = "proposal_round"
    PROPOSAL_VOTING = "proposal_voting"
    PROPOSAL_GRID = "proposal_grid"
    SYNTHESIS = "synthesis"
    BREAK = "break"
    OTHER = "other"

    @property
    def prioritises(self) -> bool:
        """Steps where the room prioritises proposals; their results are frozen when the step closes."""
        return self in (StepKind.PROPOSAL_VOTING, StepKind.PROPOSAL_GRID)

    @property
    def codesign(self) -> bool:
        """Steps of the co-design phase: writing proposals and prioritising them."""
        return self is StepKind.PROPOSAL_ROUND or self.prioritises


class StepTemplate(TerritoryScoped, db.Model):
    """A step that workshop agendas of the territory are built from, with what participants read during it."""

    __tablename__ = "step_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Order in the list, and in a new agenda.
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[StepKind] = mapped_column(enum_column(StepKind))
    #: Short title per language, shown on phones and on the projector.
    title: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: What participants are asked to do during the step, per language.
    instructions: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: Planned length in minutes.
    minutes: Mapped[int] = mapped_column(Integer, default=15)
    #: Set when the template is no longer offered for new agendas.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


process_services = Table(
    "process_services",
    db.metadata,
    Column("process_id", ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class Process(TerritoryScoped, db.Model):
    """One participatory process (*percorso*) of a territory, in one phase at a time."""

    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Title, e.g. "Servizi più accessibili per le famiglie straniere 2026".
    title: Mapped[str] = mapped_column(String(200))
    #: Why the process exists and who takes part.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Current phase.
    phase: Mapped[Phase] = mapped_column(enum_column(Phase), default=Phase.SETUP)
    #: First day.
    starts_on: Mapped[date | None] = mapped_column(Date)
    #: Last day planned.
    ends_on: Mapped[date | None] = mapped_column(Date)
    #: Whether the public page of the process is published.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Last day on which associations and participants may support and comment on the draft recommendations.
    review_until: Mapped[date | None] = mapped_column(Date)
    #: When it was created.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    territory: Mapped[Territory] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=process_services, order_by=Service.id)
