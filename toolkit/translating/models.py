"""Translations of what people write, kept beside the original, and the requests sent to a machine translator."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import TerritoryScoped
from ..accounts.models import User
from ..database import enum_column
from ..extensions import db


class SourceKind(enum.StrEnum):
    """The kinds of text that are translated (see :mod:`toolkit.translating.sources`), in the order the
    translators' queue lists them."""

    BARRIER = "barrier"
    TESTIMONY = "testimony"
    PROPOSAL = "proposal"
    SERVICE_REASON = "service_reason"
    STEP = "step"
    WORKSHOP = "workshop"
    RECOMMENDATION = "recommendation"
    QUOTE = "quote"
    COMMENT = "comment"
    ANSWER = "answer"
    COMMITMENT = "commitment"
    BARRIER_HIDDEN = "barrier_hidden"
    PROPOSAL_HIDDEN = "proposal_hidden"


class TranslationKind(enum.StrEnum):
    HUMAN = "human"
    MACHINE = "machine"


class TranslationStatus(enum.StrEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"


class TextTranslation(TerritoryScoped, db.Model):
    """The translation of one contribution (all its text fields) into one language.

    The original is never changed by a translation. Only a reviewed translation that is not outdated is shown
    in place of the original; machine drafts wait in the translators' queue.
    """

    __tablename__ = "text_translations"
    __table_args__ = (UniqueConstraint("source_kind", "source_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What is translated: the kind of record and its id.
    source_kind: Mapped[SourceKind] = mapped_column(enum_column(SourceKind))
    source_id: Mapped[int] = mapped_column(Integer, index=True)
    #: The process the original belongs to (for the queue's filters and the counts).
    process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: Language of the translation.
    language: Mapped[str] = mapped_column(String(10))
    #: The translated fields, e.g. ``{"text": "...", "groups_affected": "..."}``.
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: The original fields as they were when translated (so translators see what changed since).
    source_texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Language of the original when translated.
    source_language: Mapped[str] = mapped_column(String(10))
    #: Written by a person, or a machine draft (possibly reviewed unchanged).
    kind: Mapped[TranslationKind] = mapped_column(enum_column(TranslationKind))
    #: A draft, or reviewed by a person (only then shown in place of the original).
    status: Mapped[TranslationStatus] = mapped_column(enum_column(TranslationStatus))
    #: Set when the original changed after the translation: it is shown no more until someone updates it.
    outdated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Who wrote it (empty for a machine draft) and who reviewed it, and when.
    translated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Grows by one with every saved change: a save made on an older version is refused, not overwritten.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class MachineRequestState(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class MachineFailure(enum.StrEnum):
    """Why the machine translator gave no draft."""

    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"
    BAD_ANSWER = "bad_answer"
    LANGUAGE = "language"


class MachineRequest(TerritoryScoped, db.Model):
    """A machine draft asked for one contribution and one language, and how the translator answered."""

    __tablename__ = "machine_requests"
    __table_args__ = (UniqueConstraint("source_kind", "source_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[SourceKind] = mapped_column(enum_column(SourceKind))
    source_id: Mapped[int] = mapped_column(Integer, index=True)
    process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: Language asked for.
    language: Mapped[str] = mapped_column(String(10))
    #: Waiting for the machine, answered with a draft, or failed.
    state: Mapped[MachineRequestState] = mapped_column(enum_column(MachineRequestState))
    #: Why it failed, when it did.
    failure: Mapped[MachineFailure | None] = mapped_column(enum_column(MachineFailure))
    #: When it was asked for, when a worker started asking the machine, and when the machine answered (or the
    #: worker gave up).
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
