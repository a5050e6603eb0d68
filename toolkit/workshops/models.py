"""A workshop and its room: the meeting with its agenda of steps, the anonymous participants who join it, and
what the room says about services (the services proposed, the reasons given, and the dots placed on them)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..access import TerritoryScoped
from ..content import TranslatedText
from ..database import enum_column
from ..extensions import db
from ..processes.models import Phase, Process, StepKind
from ..services.models import Service
from ..territories.models import Territory


class WorkshopState(enum.StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


class ParticipantRole(enum.StrEnum):
    """What a participant says they are; never checked, never tied to an identity."""

    RESIDENT = "resident"
    ASSOCIATION_MEMBER = "association_member"
    OPERATOR = "operator"


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

    process: Mapped[Process] = relationship(
        backref=backref("workshops", order_by="Workshop.starts_at", cascade="all, delete-orphan")
    )
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


class ServiceCandidate(TerritoryScoped, db.Model):
    """A service put forward in a process as hard to access: one of the catalogue, or a new one named by people.

    Everyone who proposes the same catalogue service adds a reason to the same candidate; dots are placed on
    candidates. A facilitator may hide a candidate or merge a duplicate into another (reasons and dots follow).
    """

    __tablename__ = "service_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: The catalogue service, when it is one.
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    #: The name given by the person who proposed it, when it is not in the catalogue, and its language.
    name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(10), default="")
    #: Why a facilitator hid it.
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    hidden: Mapped[bool] = mapped_column(default=False)
    #: The candidate it was merged into, as a duplicate.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_candidates.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    process: Mapped[Process] = relationship()
    service: Mapped[Service | None] = relationship()
    reasons: Mapped[list[ServiceProposal]] = relationship(
        back_populates="candidate", order_by="ServiceProposal.id", cascade="all, delete-orphan"
    )
    votes: Mapped[list[DotVote]] = relationship(back_populates="candidate", cascade="all, delete-orphan")

    @property
    def is_visible(self) -> bool:
        return not self.hidden and self.merged_into_id is None


class ServiceProposal(TerritoryScoped, db.Model):
    """Someone proposing a candidate service, with the reason in their own words."""

    __tablename__ = "service_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("service_candidates.id", ondelete="CASCADE"), index=True
    )
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="SET NULL"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    #: Why the service is hard to access, exactly as written, and its language.
    reason: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10))
    #: Unique per form shown, so that a form sent twice is stored once.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    candidate: Mapped[ServiceCandidate] = relationship(back_populates="reasons")

    @property
    def process_id(self) -> int:
        """The process of the service proposed (what translating files the reason under)."""
        return self.candidate.process_id


class DotVote(TerritoryScoped, db.Model):
    """The dots one participant placed on one candidate service."""

    __tablename__ = "dot_votes"
    __table_args__ = (UniqueConstraint("participant_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("service_candidates.id", ondelete="CASCADE"), index=True
    )
    dots: Mapped[int] = mapped_column(Integer)

    candidate: Mapped[ServiceCandidate] = relationship(back_populates="votes")
