"""What the history of answers keeps from being deleted: an answered recommendation, and an organisation that
answered or was forwarded a recommendation. Registered with the features that delete them, which import nothing
of the answers."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from ..extensions import db
from ..recommendations import operations as recommendations
from ..recommendations.models import Recommendation
from ..retention import organisations
from ..territories.models import Organisation
from .models import Answer, Forwarding


def answered_recommendation(recommendation: Recommendation) -> str | None:
    """Why an answered recommendation cannot be deleted, or None."""
    if db.session.scalar(select(exists().where(Answer.recommendation_id == recommendation.id))):
        return _(
            "This recommendation has been answered, and answers are never deleted: it cannot be deleted either."
        )
    return None


def organisation_in_answers(organisation: Organisation) -> str | None:
    """Why an organisation that answered, or was forwarded, a recommendation cannot be erased, or None."""
    answered = select(exists().where(Answer.organisation_id == organisation.id))
    forwarded = select(
        exists().where(
            or_(
                Forwarding.to_organisation_id == organisation.id,
                Forwarding.from_organisation_id == organisation.id,
            )
        )
    )
    if db.session.scalar(answered) or db.session.scalar(forwarded):
        return _(
            "%(name)s has answered recommendations, or was forwarded some, and the history of answers is never "
            "deleted: it cannot be erased. Archive it instead.",
            name=organisation.name,
        )
    return None


for registry, blocker in (
    (recommendations.deletion_blockers, answered_recommendation),
    (organisations.erasure_blockers, organisation_in_answers),
):
    if blocker not in registry:
        registry.append(blocker)
