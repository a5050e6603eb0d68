"""Proposals written from the barriers, what operators say of their feasibility, and how the room prioritised them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
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
from ..barriers.models import Barrier
from ..database import enum_column
from ..extensions import db
from ..processes.models import Process
from ..services.models import Service
from ..territories.models import Organisation


class ProposalStatus(enum.StrEnum):
    NEW = "new"
    HIDDEN = "hidden"
    WITHDRAWN = "withdrawn"


class Feasibility(enum.StrEnum):
    """What the people who run the service say of a proposal."""

    FEASIBLE_NOW = "feasible_now"
    NEEDS_RESOURCES = "needs_resources"
    NOT_OUR_COMPETENCE = "not_our_competence"


proposal_barriers = Table(
    "proposal_barriers",
    db.metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("barrier_id", ForeignKey("barriers.id", ondelete="CASCADE"), primary_key=True),
)


class Proposal(TerritoryScoped, db.Model):
    """A change proposed to remove one or more barriers: what changes, who acts, with what, by when."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The process it belongs to.
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: The workshop where it was written, if any (associations and operators also write outside workshops).
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="SET NULL"))
    #: The change proposed, in the author's words.
    change: Mapped[str] = mapped_column(Text)
    #: Who should act (an office, a service, the municipality...).
    who_acts: Mapped[str] = mapped_column(String(300), default="")
    #: What it needs: people, money, training, tools.
    resources: Mapped[str] = mapped_column(Text, default="")
    #: By when, in plain words ("by September", "within six months").
    timeline: Mapped[str] = mapped_column(String(300), default="")
    #: What it should change, and for which groups.
    expected_effect: Mapped[str] = mapped_column(Text, default="")
    #: Language code of the texts above.
    language: Mapped[str] = mapped_column(String(10))
    #: The anonymous participant who wrote it, if so.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    #: The organisation that wrote it, if so.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    #: The person with an account who wrote it (a facilitator for the room, an operator, an association member).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Written by a facilitator on behalf of the room.
    entered_by_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Visible, hidden by a facilitator, or withdrawn by its author.
    status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus), default=ProposalStatus.NEW)
    #: Why a facilitator hid it (shown to its author).
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    #: Unique per form shown: a form sent twice stores one proposal.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Grows by one with every saved change; an edit made on an older version is refused, not overwritten.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: When written and last changed, and by whom (a person with an account; empty for participants).
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __mapper_args__ = {"version_id_col": version}

    process: Mapped[Process] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    barriers: Mapped[list[Barrier]] = relationship(
        secondary=proposal_barriers, order_by=(Barrier.service_id, Barrier.id)
    )
    assessments: Mapped[list[FeasibilityAssessment]] = relationship(
        back_populates="proposal",
        order_by="(FeasibilityAssessment.created_at.desc(), FeasibilityAssessment.id.desc())",
        cascade="all, delete-orphan",
    )

    @property
    def is_visible(self) -> bool:
        return self.status is ProposalStatus.NEW

    @property
    def service_ids(self) -> list[int]:
        """The services whose barriers it addresses, in order."""
        return sorted({barrier.service_id for barrier in self.barriers})

    def latest_assessments(self) -> list[FeasibilityAssessment]:
        """The latest assessment for each service concerned (the history stays in ``assessments``)."""
        seen, latest = set(), []
        for assessment in self.assessments:
            if assessment.service_id not in seen:
                seen.add(assessment.service_id)
                latest.append(assessment)
        return latest


class FeasibilityAssessment(TerritoryScoped, db.Model):
    """What an operator of a service says of a proposal: feasible now, needs resources, or not their competence.

    Never changed once written: a new opinion is a new row, and the latest one per service is shown.
    """

    __tablename__ = "feasibility_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    #: The service the assessment speaks for.
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    #: The verdict.
    verdict: Mapped[Feasibility] = mapped_column(enum_column(Feasibility))
    #: What is missing, when it needs resources.
    resources_needed: Mapped[str] = mapped_column(Text, default="")
    #: Whose competence it is, when it is not the service's: another service of the catalogue...
    competent_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    #: ...or another body or level of government, in words.
    competent_body: Mapped[str] = mapped_column(String(300), default="")
    #: Anything else the operator wants the room to know.
    comment: Mapped[str] = mapped_column(Text, default="")
    #: The operator's organisation (the owner of the service).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    #: Who recorded it.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Recorded by a facilitator on behalf of the operator's organisation.
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    proposal: Mapped[Proposal] = relationship(back_populates="assessments")
    service: Mapped[Service] = relationship(foreign_keys=[service_id])
    competent_service: Mapped[Service | None] = relationship(foreign_keys=[competent_service_id])
    organisation: Mapped[Organisation | None] = relationship()


class ProposalVote(TerritoryScoped, db.Model):
    """The dots one participant placed on one proposal, in one prioritisation step."""

    __tablename__ = "proposal_votes"
    __table_args__ = (UniqueConstraint("step_id", "participant_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("workshop_steps.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    dots: Mapped[int] = mapped_column(Integer)


class GridPlacement(TerritoryScoped, db.Model):
    """Where one participant placed one proposal on the impact/effort grid, in one step (1 low to 3 high)."""

    __tablename__ = "grid_placements"
    __table_args__ = (UniqueConstraint("step_id", "participant_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("workshop_steps.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    #: How much it would help.
    impact: Mapped[int] = mapped_column(Integer)
    #: How hard it is to do.
    effort: Mapped[int] = mapped_column(Integer)
