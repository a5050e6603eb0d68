"""What of recommendations translators translate: a recommendation, the words it quotes, and the comments
reviewers write on a draft."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..translating.models import SourceKind
from ..translating.sources import Source, TextField, register
from .models import Comment, Quote, Recommendation


def _recommendations(process_id: int) -> Select:
    return select(Recommendation).where(Recommendation.process_id == process_id)


def _quotes(process_id: int) -> Select:
    return (
        select(Quote)
        .join(Recommendation, Recommendation.id == Quote.recommendation_id)
        .where(Recommendation.process_id == process_id)
        .options(selectinload(Quote.recommendation))
    )


def _comments(process_id: int) -> Select:
    return (
        select(Comment)
        .join(Recommendation, Recommendation.id == Comment.recommendation_id)
        .where(Recommendation.process_id == process_id)
        .options(selectinload(Comment.recommendation))
    )


register(
    Source(
        SourceKind.RECOMMENDATION,
        Recommendation,
        (
            TextField("title", _l("Title"), 200),
            TextField("problem", _l("The problem")),
            TextField("proposed_change", _l("The change proposed")),
            TextField("feasibility", _l("Feasibility")),
        ),
        _l("Recommendation"),
        _recommendations,
        lambda recommendation: None,
        evidence=False,
    ),
    Source(
        SourceKind.QUOTE,
        Quote,
        (TextField("text", _l("Words to quote")),),
        _l("Quote"),
        _quotes,
        lambda quote: None,
    ),
    Source(
        SourceKind.COMMENT,
        Comment,
        (TextField("text", _l("Your comment"), 2000),),
        _l("Comment on a draft"),
        _comments,
        lambda comment: None,
        evidence=False,
    ),
)
