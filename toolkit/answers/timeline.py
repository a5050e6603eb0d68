"""The history of one recommendation, in time order: issued, each answer of each body, the facilitator's decisions
on forwarding it, and the later versions that changed it or left it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..processes.models import Process
from ..recommendations.documents import CHANGED_FIELDS
from ..recommendations.models import DocumentIssue
from .models import Answer, Forwarding
from .summary import answers_of_recommendation

ISSUED = "issued"
CHANGED = "changed"
REISSUED = "reissued"
LEFT_OUT = "left_out"
ANSWERED = "answered"
FORWARDED = "forwarded"
DECLINED = "declined"


@dataclass
class Event:
    at: datetime
    kind: str
    issue: DocumentIssue | None = None
    answer: Answer | None = None
    forwarding: Forwarding | None = None
    #: For a later version: the names of the fields it changed.
    fields: list[str] = field(default_factory=list)


def aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@dataclass
class History:
    #: The recommendation as last issued (None when it was never issued).
    issued: dict | None
    events: list[Event]


def history(process: Process, recommendation_id: int) -> History:
    """What happened to recommendation ``recommendation_id`` of ``process``, oldest first."""
    events: list[Event] = []
    before: dict | None = None
    last_issued: dict | None = None
    for issue in db.session.scalars(
        select(DocumentIssue).where(DocumentIssue.process_id == process.id).order_by(DocumentIssue.number)
    ):
        entry = next(
            (r for r in issue.content.get("recommendations", []) if r.get("id") == recommendation_id), None
        )
        if entry is None:
            if before is not None:
                events.append(Event(aware(issue.issued_at), LEFT_OUT, issue=issue))
            before = None
            continue
        if before is None:
            events.append(
                Event(aware(issue.issued_at), ISSUED if last_issued is None else REISSUED, issue=issue)
            )
        else:
            changed = [
                str(label) for name, label in CHANGED_FIELDS.items() if before.get(name) != entry.get(name)
            ]
            if changed:
                events.append(Event(aware(issue.issued_at), CHANGED, issue=issue, fields=changed))
        before = last_issued = entry
    for answer in answers_of_recommendation(process.id, recommendation_id):
        events.append(Event(aware(answer.answered_at), ANSWERED, answer=answer))
    for forwarding in db.session.scalars(
        select(Forwarding)
        .where(Forwarding.process_id == process.id, Forwarding.recommendation_id == recommendation_id)
        .options(
            selectinload(Forwarding.from_organisation),
            selectinload(Forwarding.to_organisation),
        )
        .order_by(Forwarding.id)
    ):
        kind = FORWARDED if forwarding.to_organisation_id is not None else DECLINED
        events.append(Event(aware(forwarding.decided_at), kind, forwarding=forwarding))
    events.sort(key=lambda event: event.at)
    return History(last_issued, events)
