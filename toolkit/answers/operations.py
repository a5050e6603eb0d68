"""Writing the history of answers: each answer is a new entry, never a change of an earlier one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from .. import audit
from ..accounts.models import User
from ..extensions import db
from .models import Answer, AnswerLink, AnswerStatus, Commitment, ForwardingDecision
from .threads import Thread

#: The longest texts an answer takes (the forms say so, and refuse longer ones with the whole text returned).
TEXT_MAX = 5000
COMMITMENT_MAX = 1000
NAME_MAX = 200


@dataclass(frozen=True)
class CommitmentData:
    what: str
    who: str = ""
    due_on: date | None = None


class NotAddressed(Exception):
    """The recommendation is not (or no longer) addressed to the body trying to answer it."""


def record_answer(
    thread: Thread,
    *,
    status: AnswerStatus,
    text: str,
    language: str,
    competent_body: str = "",
    signed_by: str = "",
    commitments: list[CommitmentData] = (),
    user: User | None = None,
    link: AnswerLink | None = None,
    submission_key: str | None = None,
) -> Answer:
    """Add a new answer of ``thread``'s body to its recommendation, with its commitments (the caller commits)."""
    if thread.forwarded_to is not None and thread.forwarded_to.decision is ForwardingDecision.FORWARDED:
        raise NotAddressed("the recommendation was forwarded to another body")
    answer = Answer(
        territory_id=thread.organisation.territory_id,
        process_id=thread.process_id,
        recommendation_id=thread.recommendation_id,
        organisation_id=thread.organisation.id,
        status=status,
        text=text.strip(),
        language=language,
        competent_body=competent_body.strip() if status is AnswerStatus.NOT_OUR_COMPETENCE else "",
        signed_by=signed_by.strip(),
        user_id=user.id if user is not None else None,
        link_id=link.id if link is not None else None,
        submission_key=submission_key,
        answered_at=datetime.now(UTC),
    )
    for position, commitment in enumerate(c for c in commitments if c.what.strip()):
        answer.commitments.append(
            Commitment(
                territory_id=answer.territory_id,
                position=position,
                what=commitment.what.strip(),
                who=commitment.who.strip(),
                due_on=commitment.due_on,
            )
        )
    db.session.add(answer)
    db.session.flush()
    audit.record(
        "answers.answered",
        answer,
        recommendation=thread.recommendation_id,
        organisation=thread.organisation.id,
        status=status.value,
        through="link" if link is not None else "account",
    )
    thread.answers.append(answer)
    return answer
