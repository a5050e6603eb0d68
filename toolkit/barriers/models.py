"""Barriers people describe, in their own language, and testimonies linked to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, String, Table, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import TerritoryScoped
from ..database import enum_column
from ..extensions import db
from ..processes.models import Process
from ..services.models import BarrierCategory, Service
from ..territories.models import Organisation
from ..workshops.models import Participant


class Frequency(enum.StrEnum):
    RARELY = "rarely"
    SOMETIMES = "sometimes"
    OFTEN = "often"
    ALWAYS = "always"


class Severity(enum.StrEnum):
    MINOR = "minor"
    SERIOUS = "serious"
    VERY_SERIOUS = "very_serious"
    BLOCKS_ACCESS = "blocks_access"


class BarrierStatus(enum.StrEnum):
    NEW = "new"
    KEPT = "kept"
    MERGED = "merged"
    HIDDEN = "hidden"
    WITHDRAWN = "withdrawn"

    @classmethod
    def visible(cls) -> tuple[BarrierStatus, ...]:
        """Statuses of barriers that count as evidence."""
        return (cls.NEW, cls.KEPT)


class EvidenceKind(enum.StrEnum):
    TESTIMONY = "testimony"
    OBSERVATION = "observation"
    SURVEY_ANSWER = "survey_answer"
    DOCUMENT = "document"


barrier_category_links = Table(
    "barrier_category_links",
    db.metadata,
    Column("barrier_id", ForeignKey("barriers.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("barrier_categories.id", ondelete="CASCADE"), primary_key=True),
)

testimony_barriers = Table(
    "testimony_barriers",
    db.metadata,
    Column("testimony_id", ForeignKey("testimonies.id", ondelete="CASCADE"), primary_key=True),
    Column("barrier_id", ForeignKey("barriers.id", ondelete="CASCADE"), primary_key=True),
)


class Barrier(TerritoryScoped, db.Model):
    """Something that stops people from using a service, as they describe it."""

    __tablename__ = "barriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The process in which it was mapped.
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: The workshop where it was written, if any (associations also write before and after).
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="SET NULL"))
    #: The service it concerns.
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"), index=True)
    #: The description, exactly as written.
    text: Mapped[str] = mapped_column(Text)
    #: Language code of the description.
    language: Mapped[str] = mapped_column(String(10))
    #: How often it happens.
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    #: How serious it is.
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    #: Who is affected, in the author's words.
    groups_affected: Mapped[str] = mapped_column(String(500), default="")
    #: The anonymous participant who wrote it, if so.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    #: The organisation that submitted it, if so.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    #: Moderation status.
    status: Mapped[BarrierStatus] = mapped_column(enum_column(BarrierStatus), default=BarrierStatus.NEW)
    #: Why a facilitator hid it (shown to its author).
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    #: The barrier it was merged into, as a duplicate.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("barriers.id", ondelete="SET NULL"))
    #: Typed in by a facilitator for the room or from a paper form.
    entered_by_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Unique per form shown: a form sent twice (double tap, resend after a timeout) stores one barrier.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: When written and last changed.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    process: Mapped[Process] = relationship()
    service: Mapped[Service] = relationship()
    participant: Mapped[Participant | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    categories: Mapped[list[BarrierCategory]] = relationship(
        secondary=barrier_category_links, order_by=BarrierCategory.position
    )
    testimonies: Mapped[list[Testimony]] = relationship(
        secondary=testimony_barriers, back_populates="barriers"
    )
    supports: Mapped[list[BarrierSupport]] = relationship(
        back_populates="barrier", cascade="all, delete-orphan"
    )
    merged_into: Mapped[Barrier | None] = relationship(remote_side=[id])

    @property
    def is_visible(self) -> bool:
        return self.status in BarrierStatus.visible()


class BarrierSupport(TerritoryScoped, db.Model):
    """A participant saying "this happens to me too" about a barrier someone else described."""

    __tablename__ = "barrier_supports"
    __table_args__ = (UniqueConstraint("barrier_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    barrier_id: Mapped[int] = mapped_column(ForeignKey("barriers.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)

    barrier: Mapped[Barrier] = relationship(back_populates="supports")


class Testimony(TerritoryScoped, db.Model):
    """A piece of evidence: a testimony, an observation, a survey answer or a document, anonymised."""

    __tablename__ = "testimonies"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The process it was collected in.
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: What kind of evidence it is.
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind), default=EvidenceKind.TESTIMONY)
    #: The words, exactly as given.
    text: Mapped[str] = mapped_column(Text)
    #: Language code of the text.
    language: Mapped[str] = mapped_column(String(10))
    #: Where it comes from, anonymised (e.g. "a mother at the school workshop").
    source: Mapped[str] = mapped_column(String(200), default="")
    #: The participant who gave it, if so (to let them edit or withdraw it).
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    #: Whether the author allows quoting it (always anonymously).
    may_quote: Mapped[bool] = mapped_column(Boolean, default=True)
    #: When collected.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    barriers: Mapped[list[Barrier]] = relationship(secondary=testimony_barriers, back_populates="testimonies")
