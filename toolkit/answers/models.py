"""What the bodies answer to the recommendations addressed to them, and what follows from it.

An answer is never changed: each answer is a new entry in the recommendation's history, and the database refuses
updates and deletes of answers, their commitments and the decisions on forwarding (see :data:`APPEND_ONLY`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    DDL,
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..access import TerritoryScoped
from ..accounts.models import User
from ..database import enum_column
from ..extensions import db
from ..processes.models import Process
from ..recommendations.models import DocumentIssue, Recommendation
from ..territories.models import Organisation


class AnswerStatus(enum.StrEnum):
    """Where a recommendation stands for the body it is addressed to, as that body says."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    REJECTED = "rejected"
    NOT_OUR_COMPETENCE = "not_our_competence"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"

    @property
    def is_answer(self) -> bool:
        """Whether it answers the recommendation (saying it was received does not)."""
        return self is not AnswerStatus.RECEIVED


class AnswerLink(TerritoryScoped, db.Model):
    """The link printed on a letter: it lets the body the letter is addressed to answer that process's
    recommendations addressed to it, without an account.

    Only the SHA-256 of the token is stored; the token itself is printed on the letter (and its QR code) and
    nowhere else. A link does not expire (printed letters must keep working) until the facilitator revokes it.
    """

    __tablename__ = "answer_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    #: The issued version whose letters print it (None for the letter that forwards a recommendation).
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("document_issues.id", ondelete="CASCADE"))
    #: Hexadecimal SHA-256 of the token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The last time someone opened it (to tell the facilitator whether the letter reached anyone).
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    process: Mapped[Process] = relationship()
    organisation: Mapped[Organisation] = relationship()
    issue: Mapped[DocumentIssue | None] = relationship()


class Answer(TerritoryScoped, db.Model):
    """One entry in the history of a recommendation's answers by one body: never changed, never deleted."""

    __tablename__ = "recommendation_answers"
    __table_args__ = (
        Index("ix_recommendation_answers_thread", "recommendation_id", "organisation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    #: The recommendation answered (an answered recommendation can no longer be deleted).
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"))
    #: The body answering: the addressee of the recommendation, or the body it was forwarded to.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[AnswerStatus] = mapped_column(enum_column(AnswerStatus))
    #: What the body says, in its words.
    text: Mapped[str] = mapped_column(Text, default="")
    #: Language of ``text``.
    language: Mapped[str] = mapped_column(String(10))
    #: For "not our competence": the body that is competent, as the answer names it.
    competent_body: Mapped[str] = mapped_column(String(200), default="")
    #: Who answered, as they sign (a name and an office; never required).
    signed_by: Mapped[str] = mapped_column(String(200), default="")
    #: Through which account, or which letter's link, it was written.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("answer_links.id"))
    #: Unique per form shown: a form sent twice stores one answer.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    process: Mapped[Process] = relationship()
    recommendation: Mapped[Recommendation] = relationship()
    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User | None] = relationship()
    link: Mapped[AnswerLink | None] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="answer", order_by="Commitment.position", cascade="save-update, merge"
    )


class Commitment(TerritoryScoped, db.Model):
    """What a body commits to in one answer: what, who, by when. The commitments of a body's latest answer to a
    recommendation are its current ones."""

    __tablename__ = "answer_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("recommendation_answers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    what: Mapped[str] = mapped_column(Text)
    #: The office or role that will do it.
    who: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)

    answer: Mapped[Answer] = relationship(back_populates="commitments")

    @property
    def process_id(self) -> int:
        """The process of its answer (what translating asks of every text it translates)."""
        return self.answer.process_id

    @property
    def language(self) -> str:
        """Written in the language of its answer."""
        return self.answer.language


class ForwardingDecision(enum.StrEnum):
    FORWARDED = "forwarded"
    DECLINED = "declined"


class Forwarding(TerritoryScoped, db.Model):
    """The facilitator's decision on a "not our competence" answer: the recommendation goes to the body named
    (which gets its own letter and link), or it stays where it was, with the reason. Written once."""

    __tablename__ = "answer_forwardings"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    #: The answer that said "not our competence" (one decision per answer).
    answer_id: Mapped[int] = mapped_column(ForeignKey("recommendation_answers.id"), unique=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    from_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: The body it now goes to (None when declined).
    to_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    decision: Mapped[ForwardingDecision] = mapped_column(enum_column(ForwardingDecision))
    #: Why (shown in the recommendation's history).
    note: Mapped[str] = mapped_column(Text, default="")
    #: The date by which the new body is asked to answer.
    respond_by: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The link printed on the letter to the new body, and that letter as sent (PDF and its SHA-256).
    link_id: Mapped[int | None] = mapped_column(ForeignKey("answer_links.id"))
    letter_language: Mapped[str] = mapped_column(String(10), default="")
    letter_sha256: Mapped[str] = mapped_column(String(64), default="")
    letter_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    answer: Mapped[Answer] = relationship()
    recommendation: Mapped[Recommendation] = relationship()
    from_organisation: Mapped[Organisation] = relationship(foreign_keys=[from_organisation_id])
    to_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[to_organisation_id])
    link: Mapped[AnswerLink | None] = relationship()


class Reminder(TerritoryScoped, db.Model):
    """A reminder sent (or a digest, or a coordinator told of an overdue answer): recorded so that it is sent once.

    ``about`` names what it reminds of and at which stage (for example ``answer:12:3:overdue``): a recipient gets
    one reminder per ``about``, however often the command runs.
    """

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("recipient", "about"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    #: addressee, digest or escalation.
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254))
    about: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(10))
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Publication(TerritoryScoped, db.Model):
    """A process's results made public by its coordinator: the issued version shown, and the answers to it.

    The public page reads only what publishing made public: the version named here (as issued) and the answers
    to its recommendations. Unpublishing records when; publishing again writes a new row.
    """

    __tablename__ = "publications"
    __table_args__ = (Index("ix_publications_process_current", "process_id", "withdrawn_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    issue_id: Mapped[int] = mapped_column(ForeignKey("document_issues.id", ondelete="CASCADE"))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What the public page and the open data show besides the version, counted when publishing: the method,
    #: participation in numbers (never identities) and barriers counted by service and category.
    figures: Mapped[dict] = mapped_column(JSON, default=dict)

    process: Mapped[Process] = relationship()
    issue: Mapped[DocumentIssue] = relationship()


#: Tables whose rows the database refuses to change or delete.
APPEND_ONLY = ("recommendation_answers", "answer_commitments", "answer_forwardings")

APPEND_ONLY_MESSAGE = "an answer is never changed: add a new one"


def append_only_statements(table: str, dialect: str) -> list[str]:
    """The SQL that makes the database refuse any UPDATE or DELETE on ``table``."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_never_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            for verb in ("UPDATE", "DELETE")
        ]
    return [
        "CREATE OR REPLACE FUNCTION answers_never_change() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
        f"CREATE TRIGGER {table}_never_change BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION answers_never_change()",
        # TRUNCATE skips row triggers: refuse it as well.
        f"CREATE TRIGGER {table}_never_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION answers_never_change()",
    ]


for _table in (Answer.__table__, Commitment.__table__, Forwarding.__table__):
    for _dialect in ("sqlite", "postgresql"):
        for _statement in append_only_statements(_table.name, _dialect):
            event.listen(_table, "after_create", DDL(_statement).execute_if(dialect=_dialect))


class AnswerNeverChanges(Exception):
    """Raised when code tries to change or delete an answer, a commitment or a decision on forwarding."""


_APPEND_ONLY_MODELS = (Answer, Commitment, Forwarding)


@event.listens_for(Session, "before_flush")
def _answers_never_change(session: Session, _context, _instances) -> None:
    """Neither a changed nor a deleted answer is ever written (the database refuses it too)."""
    for record in [*session.dirty, *session.deleted]:
        if isinstance(record, _APPEND_ONLY_MODELS) and (
            record in session.deleted or session.is_modified(record)
        ):
            raise AnswerNeverChanges(f"{record!r}: {APPEND_ONLY_MESSAGE}")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_changes_to_answers(execute_state) -> None:
    if execute_state.is_update or execute_state.is_delete:
        mapper = execute_state.bind_mapper
        if mapper is not None and mapper.class_ in _APPEND_ONLY_MODELS:
            raise AnswerNeverChanges(APPEND_ONLY_MESSAGE)
