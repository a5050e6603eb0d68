"""What the room says about services: the services proposed, the reasons given, and the dots placed on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import TerritoryScoped
from ..extensions import db
from ..processes.models import Process
from ..services.models import Service


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
