"""What of the answers translators translate: what a body answered, and what it committed to, so that the people
who took part read them in their language.

An answer is never changed: its translations are kept beside it (``TextTranslation`` rows of the kinds "answer"
and "commitment"), never on it. Every answer of a process with words in it is in the queue, the earlier ones of a
history too (the history is shown as well as the latest answer).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..translating.models import SourceKind
from ..translating.sources import Source, TextField, register
from .models import Answer, Commitment
from .operations import COMMITMENT_MAX, TEXT_MAX


def _answers(process_id: int) -> Select:
    return select(Answer).where(Answer.process_id == process_id, Answer.text != "")


def _commitments(process_id: int) -> Select:
    return (
        select(Commitment)
        .join(Answer, Answer.id == Commitment.answer_id)
        .where(Answer.process_id == process_id)
        .options(selectinload(Commitment.answer))
    )


register(
    Source(
        SourceKind.ANSWER,
        Answer,
        (TextField("text", _l("What the body answers"), TEXT_MAX),),
        _l("Answer to a recommendation"),
        _answers,
        lambda answer: None,
        watched=("text", "language"),
        evidence=False,
    ),
    Source(
        SourceKind.COMMITMENT,
        Commitment,
        (TextField("what", _l("What the body commits to"), COMMITMENT_MAX),),
        _l("Commitment in an answer"),
        _commitments,
        lambda commitment: None,
        watched=("what",),
        evidence=False,
    ),
)
