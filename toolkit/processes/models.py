"""Processes, workshops and the anonymous participants of a workshop."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, func
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


class WorkshopState(enum.StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


class ParticipantRole(enum.StrEnum):
    """What a participant says they are; never checked, never tied to an identity."""

    RESIDENT = "resident"
    ASSOCIATION_MEMBER = "association_member"
    OPERATOR = "operator"


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
    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="process", order_by="Workshop.starts_at", cascade="all, delete-orphan"
    )


class Workshop(TerritoryScoped, db.Model):
    """A meeting of a process, run by a facilitator with an agenda of steps."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The process it belongs to.
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: Title, e.g. "Quali servizi sono più difficili?".
    title: Mapped[str] = mapped_column(String(200))
    #: The phase of the method it works on.
    phase: Mapped[Phase] = mapped_column(enum_column(Phase))
    #: Date and time it starts.
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Where it takes place.
    place: Mapped[str] = mapped_column(String(300), default="")
    #: Planned, open (people can join and contribute) or closed.
    state: Mapped[WorkshopState] = mapped_column(enum_column(WorkshopState), default=WorkshopState.PLANNED)
    #: Short code participants type to join while it is open.
    join_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    #: The step the room is on while the workshop is open.
    current_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_steps.id", ondelete="SET NULL", use_alter=True)
    )
    #: Dots each participant may place when voting on services, and at most on one service.
    dots_per_participant: Mapped[int] = mapped_column(Integer, default=5)
    dots_per_service: Mapped[int] = mapped_column(Integer, default=3)
    #: Grows by one with every change the room should see (step, contributions, votes): the live views' ETag.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    #: Grows by one when the step or the state changes: what participants' phones follow.
    step_revision: Mapped[int] = mapped_column(Integer, default=0)
    #: When it was opened and closed.
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    process: Mapped[Process] = relationship(back_populates="workshops")
    steps: Mapped[list[WorkshopStep]] = relationship(
        back_populates="workshop",
        order_by="WorkshopStep.position",
        cascade="all, delete-orphan",
        foreign_keys="WorkshopStep.workshop_id",
    )
    current_step: Mapped[WorkshopStep | None] = relationship(foreign_keys=[current_step_id], post_update=True)

    @property
    def is_open(self) -> bool:
        return self.state is WorkshopState.OPEN


class WorkshopStep(TerritoryScoped, db.Model):
    """One timed step of a workshop's agenda, copied from a template and adaptable for this workshop."""

    __tablename__ = "workshop_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    #: Order in the agenda.
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[StepKind] = mapped_column(enum_column(StepKind))
    #: Short title and participants' instructions, per language.
    title: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    instructions: Mapped[dict[str, str]] = mapped_column(TranslatedText, default=dict)
    #: Planned length in minutes, and the minutes added while running.
    minutes: Mapped[int] = mapped_column(Integer, default=15)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: When the room last arrived at this step.
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: For prioritisation steps: when the vote closed, and the ranking as it stood then (the votes are kept).
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    results: Mapped[list | None] = mapped_column(JSON)

    workshop: Mapped[Workshop] = relationship(back_populates="steps", foreign_keys=[workshop_id])

    @property
    def ends_at(self) -> datetime | None:
        if self.started_at is None:
            return None
        return _aware(self.started_at) + timedelta(minutes=self.minutes + self.extra_minutes)

    # What translating needs of a step (see toolkit.translating.sources): its original is the text in the
    # territory's language; the languages it lacks are translated as records of their own.

    @property
    def language(self) -> str:
        return db.session.get(Territory, self.territory_id).default_locale

    @property
    def process_id(self) -> int:
        return self.workshop.process_id

    @property
    def original_title(self) -> str:
        return (self.title or {}).get(self.language, "")

    @property
    def original_instructions(self) -> str:
        return (self.instructions or {}).get(self.language, "")


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every moment stored here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Participant(TerritoryScoped, db.Model):
    """Someone who joined a workshop without an account. No name, e-mail, telephone or address is stored."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The workshop joined.
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    #: Optional pseudonym chosen by the participant.
    pseudonym: Mapped[str] = mapped_column(String(60), default="")
    #: Self-declared role.
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))
    #: Languages the participant reads, as codes.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Digest of the personal return code, once the participant asked for one (the code itself is not kept).
    return_code_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Version of the consent text accepted.
    consent_version: Mapped[str] = mapped_column(String(20))
    #: When consent was given.
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    workshop: Mapped[Workshop] = relationship()

    @property
    def language(self) -> str:
        return self.languages[0] if self.languages else ""
