"""Recommendations of a process and the quotes they carry."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import TerritoryScoped
from ..barriers.models import Barrier, Testimony
from ..codesign.models import Proposal
from ..database import enum_column
from ..extensions import db
from ..processes.models import Process
from ..territories.models import Organisation


class Priority(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


#: The EU Common Basic Principles for integration a recommendation may refer to.
COMMON_BASIC_PRINCIPLES = (6, 9, 11)

recommendation_proposals = Table(
    "recommendation_proposals",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
)

recommendation_barriers = Table(
    "recommendation_barriers",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    Column("barrier_id", ForeignKey("barriers.id", ondelete="CASCADE"), primary_key=True),
)

recommendation_organisations = Table(
    "recommendation_organisations",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class Recommendation(TerritoryScoped, db.Model):
    """What the process asks of one body: the problem, the evidence, the change, and by when to answer."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: Order in the process's list and in the documents.
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The body asked to act (by default the owner of the services concerned).
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    #: A short title, in the territory's language.
    title: Mapped[str] = mapped_column(String(200))
    #: The problem, in the small Markdown subset of :mod:`toolkit.markup`.
    problem: Mapped[str] = mapped_column(Text, default="")
    #: The change proposed, in the same subset.
    proposed_change: Mapped[str] = mapped_column(Text, default="")
    #: How urgent the process finds it.
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.MEDIUM)
    #: What the services said of its feasibility, summed up by the facilitator.
    feasibility: Mapped[str] = mapped_column(Text, default="")
    #: EU Common Basic Principles referred to (numbers among COMMON_BASIC_PRINCIPLES).
    principles: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: The date by which an answer is requested.
    respond_by: Mapped[date | None] = mapped_column(Date)
    #: Language of the texts above (the territory's when written).
    language: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Grows by one with every saved change: a save made on an older version is refused, not overwritten.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    process: Mapped[Process] = relationship()
    addressee: Mapped[Organisation | None] = relationship(foreign_keys=[addressee_id])
    proposals: Mapped[list[Proposal]] = relationship(secondary=recommendation_proposals, order_by=Proposal.id)
    barriers: Mapped[list[Barrier]] = relationship(secondary=recommendation_barriers, order_by=Barrier.id)
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=recommendation_organisations, order_by=Organisation.name
    )
    quotes: Mapped[list[Quote]] = relationship(
        back_populates="recommendation", order_by="Quote.position", cascade="all, delete-orphan"
    )


class Quote(TerritoryScoped, db.Model):
    """A testimony quoted in a recommendation, anonymously, as the facilitator redacted it.

    The testimony itself is never changed and never published: documents show only this text.
    """

    __tablename__ = "recommendation_quotes"
    __table_args__ = (UniqueConstraint("recommendation_id", "testimony_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id", ondelete="CASCADE"), index=True)
    #: The words quoted, with details (health, legal status, places, names) taken out.
    text: Mapped[str] = mapped_column(Text)
    #: Language of the words (the testimony's).
    language: Mapped[str] = mapped_column(String(10))
    #: Order among the recommendation's quotes.
    position: Mapped[int] = mapped_column(Integer, default=0)

    recommendation: Mapped[Recommendation] = relationship(back_populates="quotes")
    testimony: Mapped[Testimony] = relationship()

    @property
    def process_id(self) -> int:
        return self.recommendation.process_id


class Endorsement(TerritoryScoped, db.Model):
    """An association, or a participant who took part, saying "we support this" of a draft recommendation."""

    __tablename__ = "recommendation_endorsements"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "participant_id"),
        UniqueConstraint("recommendation_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    #: The anonymous participant who endorses it, if so...
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    #: ...or the organisation, through one of its members.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    organisation: Mapped[Organisation | None] = relationship()


class Comment(TerritoryScoped, db.Model):
    """What an association or a participant who took part writes about a draft recommendation, in their language."""

    __tablename__ = "recommendation_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    #: The words, exactly as written, and their language.
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10))
    #: Who wrote it: an anonymous participant, or an organisation through one of its members.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Unique per form shown: a form sent twice stores one comment.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    recommendation: Mapped[Recommendation] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def process_id(self) -> int:
        return self.recommendation.process_id
