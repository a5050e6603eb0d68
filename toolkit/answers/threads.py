"""Which recommendations each body is asked to answer, and where each one stands: the answers' "threads".

A thread is one recommendation as addressed to one body, with that body's answers, oldest first. What a body is
asked to answer is read from the process's latest issued version (the recommendation as issued, its addressee as
printed on the letter, the date an answer was asked by) and from the facilitator's forwardings: a recommendation
forwarded to another body opens a thread for that body, with the date the forwarding asked an answer by.

Nothing here counts a recommendation without an answer as rejected: a thread without an answer is *unanswered*,
one whose only answers say "received" is *acknowledged*, and only the body's own words give it a status.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..processes.models import Process
from ..recommendations.models import DocumentIssue, DocumentKind, IssuedDocument
from ..territories.models import Organisation
from .models import Answer, AnswerStatus, Forwarding, ForwardingDecision

#: A reminder that an answer or a commitment is due soon goes this many days before the date.
DUE_SOON_DAYS = 7


class Standing(enum.StrEnum):
    """Where a thread stands against its date."""

    ANSWERED = "answered"
    FORWARDED = "forwarded"
    NOT_DUE = "not_due"
    DUE_SOON = "due_soon"
    DUE = "due"
    OVERDUE = "overdue"


def today() -> date:
    """Today's date where the territories are (the application's time zone)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Rome")
    return datetime.now(zone).date()


@dataclass
class Thread:
    """One recommendation as addressed to one body, and that body's answers to it."""

    process_id: int
    recommendation_id: int
    organisation: Organisation
    #: The recommendation as issued (an entry of the version's frozen content).
    issued: dict
    #: The version it was issued in.
    issue: DocumentIssue
    #: The date an answer is asked by (the version's, or the forwarding's).
    respond_by: date | None
    answers: list[Answer] = field(default_factory=list)
    #: The forwarding that brought it to this body, if so.
    forwarded_from: Forwarding | None = None
    #: The forwarding that took it from this body to another, if so.
    forwarded_to: Forwarding | None = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.recommendation_id, self.organisation.id)

    @property
    def latest(self) -> Answer | None:
        return self.answers[-1] if self.answers else None

    @property
    def answered(self) -> bool:
        """Whether the body has answered it (saying it was received is not an answer)."""
        return any(answer.status.is_answer for answer in self.answers)

    @property
    def status(self) -> AnswerStatus | None:
        """The status of the latest answer, or None when the body has said nothing yet."""
        return self.latest.status if self.latest else None

    @property
    def commitments(self) -> list:
        """The body's current commitments: those of its latest answer."""
        return list(self.latest.commitments) if self.latest else []

    @property
    def awaiting_forwarding(self) -> bool:
        """Whether the body said "not our competence" and the facilitator has not decided yet."""
        return self.status is AnswerStatus.NOT_OUR_COMPETENCE and self.forwarded_to is None

    def standing(self, on: date | None = None) -> Standing:
        """Answered, forwarded, or how its date stands ``on`` a day (today by default)."""
        if self.forwarded_to is not None and self.forwarded_to.decision is ForwardingDecision.FORWARDED:
            return Standing.FORWARDED
        if self.answered:
            return Standing.ANSWERED
        return date_standing(self.respond_by, on or today())


def date_standing(due: date | None, on: date) -> Standing:
    """How a date stands on a day: not due yet, due within :data:`DUE_SOON_DAYS`, due that day, or past."""
    if due is None or due - on > timedelta(days=DUE_SOON_DAYS):
        return Standing.NOT_DUE
    if due > on:
        return Standing.DUE_SOON
    if due == on:
        return Standing.DUE
    return Standing.OVERDUE


def latest_issue(process: Process) -> DocumentIssue | None:
    return db.session.scalars(
        select(DocumentIssue)
        .where(DocumentIssue.process_id == process.id)
        .order_by(DocumentIssue.number.desc())
        .limit(1)
    ).first()


def _addressees(issue: DocumentIssue) -> dict[str, Organisation]:
    """The organisations the version's letters are addressed to, by the name printed on them."""
    rows = db.session.execute(
        select(IssuedDocument.addressee_name, Organisation)
        .join(Organisation, Organisation.id == IssuedDocument.addressee_id)
        .where(IssuedDocument.issue_id == issue.id, IssuedDocument.kind == DocumentKind.LETTER)
    ).all()
    return {name: organisation for name, organisation in rows}


def threads_of(
    process: Process, organisation: Organisation | None = None, issue: DocumentIssue | None = None
) -> list[Thread]:
    """Every thread of ``process`` (or only those of ``organisation``), in the order of the version's
    recommendations, a forwarded one after the thread it came from. A fixed number of queries.

    The version is the latest issued, or ``issue`` (the published one, for the public page)."""
    issue = issue or latest_issue(process)
    if issue is None:
        return []
    issued = {entry["id"]: entry for entry in issue.content.get("recommendations", [])}
    order = {recommendation_id: index for index, recommendation_id in enumerate(issued)}
    threads: dict[tuple[int, int], Thread] = {}
    for name, addressee in _addressees(issue).items():
        for entry in issued.values():
            if entry.get("addressee") == name:
                respond_by = date.fromisoformat(entry["respond_by"]) if entry.get("respond_by") else None
                thread = Thread(process.id, entry["id"], addressee, entry, issue, respond_by)
                threads[thread.key] = thread
    forwardings = db.session.scalars(
        select(Forwarding)
        .where(Forwarding.process_id == process.id)
        .options(selectinload(Forwarding.to_organisation))
        .order_by(Forwarding.id)
    ).all()
    for forwarding in forwardings:
        source = threads.get((forwarding.recommendation_id, forwarding.from_organisation_id))
        if source is not None:
            source.forwarded_to = forwarding
        if forwarding.decision is ForwardingDecision.FORWARDED and forwarding.recommendation_id in issued:
            thread = Thread(
                process.id,
                forwarding.recommendation_id,
                forwarding.to_organisation,
                issued[forwarding.recommendation_id],
                issue,
                forwarding.respond_by,
                forwarded_from=forwarding,
            )
            threads.setdefault(thread.key, thread)
    answers: dict[tuple[int, int], list[Answer]] = defaultdict(list)
    for answer in db.session.scalars(
        select(Answer)
        .where(Answer.process_id == process.id)
        .options(selectinload(Answer.commitments))
        .order_by(Answer.id)
    ):
        answers[(answer.recommendation_id, answer.organisation_id)].append(answer)
    for key, thread in threads.items():
        thread.answers = answers.get(key, [])
    listed = [
        thread
        for thread in threads.values()
        if organisation is None or thread.organisation.id == organisation.id
    ]
    listed.sort(key=lambda t: (order[t.recommendation_id], t.forwarded_from is not None, t.organisation.name))
    return listed


def thread_of(process: Process, organisation: Organisation, recommendation_id: int) -> Thread | None:
    """The thread of one recommendation for one body, or None when it is not addressed to that body."""
    for thread in threads_of(process, organisation):
        if thread.recommendation_id == recommendation_id:
            return thread
    return None
