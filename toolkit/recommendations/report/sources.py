"""Everything the report and the letters of a process show, read from the database at once.

Lookups are batched: the number of queries does not grow with the number of barriers, recommendations, quotes or
participants. The parts of the report only read what is loaded here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...barriers.models import Barrier, BarrierStatus, BarrierSupport
from ...extensions import db
from ...processes.models import Process
from ...translating.models import SourceKind, TextTranslation
from ...translating.operations import reviewed_translations
from ...workshops.models import Participant, Workshop
from .. import operations
from ..models import Quote, Recommendation


@dataclass
class ReportSources:
    """What the documents of a process in one language are made of."""

    process: Process
    #: The document's language.
    language: str
    #: The territory's language: that of a text written per language that has none in the document's language.
    fallback: str
    #: The recommendations, in their order.
    recommendations: list[Recommendation]
    #: Reviewed translations into the document's language, by recommendation id.
    translations: dict[int, TextTranslation]
    #: The quotes each recommendation may print, by recommendation id.
    quotes: dict[int, list[Quote]]
    #: Reviewed translations into the document's language, by quote id.
    quote_translations: dict[int, TextTranslation]
    #: The barriers that count (not hidden, merged or withdrawn), by service then as written.
    barriers: list[Barrier]
    #: Reviewed translations into the document's language, by barrier id.
    barrier_translations: dict[int, TextTranslation]
    #: How many participants said "this happens to me too", by barrier id (barriers without any left out).
    supports: dict[int, int]
    #: Everyone who joined one of the process's workshops.
    participants: list[Participant]


def read_sources(process: Process, language: str) -> ReportSources:
    """What the documents of ``process`` in ``language`` show, in a fixed number of queries."""
    recommendations = operations.recommendations_of(process)
    quotes = operations.quotes_shown_of(recommendations)
    barriers = _barriers(process)
    return ReportSources(
        process=process,
        language=language,
        fallback=process.territory.default_locale,
        recommendations=recommendations,
        translations=reviewed_translations(SourceKind.RECOMMENDATION, recommendations, language),
        quotes=quotes,
        quote_translations=reviewed_translations(
            SourceKind.QUOTE, [quote for shown in quotes.values() for quote in shown], language
        ),
        barriers=barriers,
        barrier_translations=reviewed_translations(SourceKind.BARRIER, barriers, language),
        supports=_supports(process),
        participants=_participants(process),
    )


def _barriers(process: Process) -> list[Barrier]:
    """The barriers of ``process`` that count, with their categories and service."""
    return list(
        db.session.scalars(
            select(Barrier)
            .where(Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible()))
            .options(selectinload(Barrier.categories), selectinload(Barrier.service))
            .order_by(Barrier.service_id, Barrier.id)
        )
    )


def _supports(process: Process) -> dict[int, int]:
    """How many supports each barrier of ``process`` has, by barrier id."""
    return dict(
        db.session.execute(
            select(BarrierSupport.barrier_id, func.count())
            .join(Barrier, Barrier.id == BarrierSupport.barrier_id)
            .where(Barrier.process_id == process.id)
            .group_by(BarrierSupport.barrier_id)
        ).all()
    )


def _participants(process: Process) -> list[Participant]:
    """Everyone who joined a workshop of ``process``."""
    return list(
        db.session.scalars(
            select(Participant)
            .join(Workshop, Workshop.id == Participant.workshop_id)
            .where(Workshop.process_id == process.id)
        )
    )
