"""Recommendations of a process and the quotes they carry."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    DDL,
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    func,
    text,
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


class IssueState(enum.StrEnum):
    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"


class IssueJob(TerritoryScoped, db.Model):
    """Issuing asked for: what is being rendered, how far it has gone, and how it ended.

    The issued version itself (:class:`DocumentIssue`) is written only when every document is rendered, in one
    transaction with the end of this job: a failure leaves a failed job and no version.
    """

    __tablename__ = "issue_jobs"
    __table_args__ = (
        # One job at a time renders a process: a second request at the same moment is refused by the database.
        Index(
            "uq_issue_jobs_rendering",
            "process_id",
            unique=True,
            sqlite_where=text("state = 'rendering'"),
            postgresql_where=text("state = 'rendering'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: The languages of the documents asked for, the territory's first.
    languages: Mapped[list[str]] = mapped_column(JSON)
    #: What the facilitator says of this version (what changed, why it is issued again).
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[IssueState] = mapped_column(enum_column(IssueState))
    #: Documents rendered so far, out of how many (0 until the worker has counted them).
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    #: Why it failed, for the facilitator (no technical detail: that goes to the log).
    failure: Mapped[str | None] = mapped_column(String(40))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The last time the worker said it was alive (set at each document), and when it ended.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The process rendering it (host name, pid, and which run of that pid: see toolkit.background), so that a
    #: job whose process died is known to be interrupted at once, while another live process's job is left alone.
    worker_host: Mapped[str | None] = mapped_column(String(255))
    #: Its process number on that host.
    worker_pid: Mapped[int | None] = mapped_column(Integer)
    #: Which run of that process number it was.
    worker_boot: Mapped[str | None] = mapped_column(String(200))
    #: The version it issued, once done.
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("document_issues.id", ondelete="SET NULL"))

    process: Mapped[Process] = relationship()
    issue: Mapped[DocumentIssue | None] = relationship()


class DocumentIssue(TerritoryScoped, db.Model):
    """A numbered version of a process's recommendations, as issued to the municipality: never changed.

    ``content`` holds the recommendations as they were (the words as written, their addressee, evidence and
    quotes); the documents hold the PDFs rendered from them and their SHA-256.
    """

    __tablename__ = "document_issues"
    __table_args__ = (UniqueConstraint("process_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: 1 for the first version of the process, then 2, 3...
    number: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON)
    content: Mapped[dict] = mapped_column(JSON)

    process: Mapped[Process] = relationship()
    documents: Mapped[list[IssuedDocument]] = relationship(
        back_populates="issue", order_by="IssuedDocument.id", cascade="all, delete-orphan"
    )


class DocumentKind(enum.StrEnum):
    REPORT = "report"
    LETTER = "letter"


class IssuedDocument(TerritoryScoped, db.Model):
    """One PDF of an issued version: the council report in a language, or the letter to one addressee."""

    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("document_issues.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    language: Mapped[str] = mapped_column(String(10))
    #: For a letter: the body it is addressed to, and its name as printed.
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    addressee_name: Mapped[str] = mapped_column(String(200), default="")
    filename: Mapped[str] = mapped_column(String(200))
    pages: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    #: Hexadecimal SHA-256 of ``pdf``.
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    issue: Mapped[DocumentIssue] = relationship(back_populates="documents")


#: Columns of an issued version and of its documents that nothing may change once written (the references to
#: the person who issued and to the addressee may still be emptied when those are deleted).
FROZEN_COLUMNS = {
    "document_issues": ("territory_id", "process_id", "number", "issued_at", "note", "languages", "content"),
    "issued_documents": (
        "territory_id",
        "issue_id",
        "kind",
        "language",
        "addressee_name",
        "filename",
        "pages",
        "size",
        "sha256",
        "pdf",
    ),
}


def never_change_statements(table: str, dialect: str) -> list[str]:
    """The SQL that makes the database refuse any change to the frozen columns of ``table``."""
    columns = ", ".join(FROZEN_COLUMNS[table])
    name = f"{table}_never_change"
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'an issued version never changes'); END"
        ]
    return [
        "CREATE OR REPLACE FUNCTION issued_versions_never_change() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'an issued version never changes'; END $$",
        f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION issued_versions_never_change()",
    ]


for _table in (DocumentIssue.__table__, IssuedDocument.__table__):
    for _dialect in ("sqlite", "postgresql"):
        for _statement in never_change_statements(_table.name, _dialect):
            event.listen(_table, "after_create", DDL(_statement).execute_if(dialect=_dialect))
