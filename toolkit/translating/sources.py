"""What is translated: each kind of contribution, its text fields, its language and where it belongs.

Barriers, testimonies and proposals, as their authors wrote them; and the steps of a workshop's agenda, whose
title and instructions are written in the territory's language (and in any other the coordinator wrote): the
queue offers the languages they lack. A new kind of text (review comments, say) becomes translatable by adding
a :class:`Source` to ``SOURCES``; the queue, the counts, the display and the outdated marking all read this
registry. Every record offers ``language`` (of its original), ``process_id`` and ``territory_id``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..barriers.models import Barrier, BarrierStatus, Testimony, testimony_barriers
from ..codesign.models import Proposal, ProposalStatus
from ..extensions import db
from ..recommendations.models import Comment, Quote, Recommendation
from ..territories.models import Territory
from ..workshops.models import ServiceCandidate, ServiceProposal, Workshop, WorkshopStep
from .models import SourceKind


@dataclass(frozen=True)
class TextField:
    """One translated field of a record: its attribute, its label, and the longest text it takes."""

    name: str
    label: object
    max_length: int = 5000


@dataclass(frozen=True)
class Source:
    """One kind of translatable record."""

    kind: SourceKind
    model: type
    #: The translated fields, in the order a translator reads them.
    fields: tuple[TextField, ...]
    #: What the record is called in the queue.
    label: object
    #: The records of a process that count as evidence (hidden, merged and withdrawn ones do not).
    visible: Callable[[int], Select]
    #: The workshop a record was written in, if any.
    workshop_of: Callable[[object], int | None]
    #: The stored attributes whose change makes translations outdated (the fields and the language, if empty).
    watched: tuple[str, ...] = ()
    #: Whether it is evidence that goes into documents (counted on the process page), or text for the room.
    evidence: bool = True
    #: The language of the original, when it is not the record's own ``language`` (texts staff write in the
    #: territory's language about a record written in another).
    language_of: Callable[[object], str] | None = None

    def language(self, record) -> str:
        return self.language_of(record) if self.language_of is not None else record.language

    @property
    def watched_attributes(self) -> tuple[str, ...]:
        return self.watched or (*(field.name for field in self.fields), "language")

    def needs(self, record, language: str) -> bool:
        """Whether readers of ``language`` need a translation of ``record``."""
        return self.language(record) != language and bool(self.texts(record))

    def texts(self, record) -> dict[str, str]:
        """The fields of the original that have text."""
        return {field.name: value for field in self.fields if (value := getattr(record, field.name) or "")}

    def digest(self, record) -> str:
        """A fingerprint of the original: its language and texts. It changes whenever the original does."""
        payload = json.dumps([self.language(record), self.texts(record)], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def load(self, source_id: int):
        return db.session.get(self.model, source_id)


def _visible_barriers(process_id: int) -> Select:
    return select(Barrier).where(
        Barrier.process_id == process_id, Barrier.status.in_(BarrierStatus.visible())
    )


def _visible_testimonies(process_id: int) -> Select:
    counted = (
        select(testimony_barriers.c.testimony_id)
        .join(Barrier, Barrier.id == testimony_barriers.c.barrier_id)
        .where(Barrier.status.in_(BarrierStatus.visible()))
    )
    return (
        select(Testimony)
        .where(Testimony.process_id == process_id, Testimony.id.in_(counted))
        .options(selectinload(Testimony.barriers))
    )


def _visible_proposals(process_id: int) -> Select:
    return select(Proposal).where(Proposal.process_id == process_id, Proposal.status == ProposalStatus.NEW)


def _visible_service_reasons(process_id: int) -> Select:
    return (
        select(ServiceProposal)
        .join(ServiceCandidate, ServiceCandidate.id == ServiceProposal.candidate_id)
        .where(
            ServiceCandidate.process_id == process_id,
            ServiceCandidate.hidden.is_(False),
            ServiceCandidate.merged_into_id.is_(None),
        )
        .options(selectinload(ServiceProposal.candidate))
    )


def _hidden_with_reason(model, hidden, process_id: int) -> Select:
    """Records a facilitator hid with a reason: their authors read it."""
    return select(model).where(
        model.process_id == process_id, model.status == hidden, model.hidden_reason != ""
    )


def _hidden_reason(kind: SourceKind, model, hidden, label) -> Source:
    """Why a facilitator hid a record, written in the territory's language for the record's author."""
    return Source(
        kind,
        model,
        (TextField("hidden_reason", _l("Why it is hidden"), 500),),
        label,
        lambda process_id: _hidden_with_reason(model, hidden, process_id),
        lambda record: record.workshop_id,
        watched=("hidden_reason",),
        evidence=False,
        language_of=_territory_language,
    )


def _workshops(process_id: int) -> Select:
    return select(Workshop).where(Workshop.process_id == process_id)


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


def _territory_language(record) -> str:
    """Staff write in the territory's language."""
    return db.session.get(Territory, record.territory_id).default_locale


def _testimony_workshop(testimony: Testimony) -> int | None:
    return next((b.workshop_id for b in testimony.barriers if b.workshop_id), None)


class StepSource(Source):
    """Agenda steps: written in the territory's language, and maybe in others by the coordinator; a language the
    step already has needs no translation."""

    def needs(self, record, language: str) -> bool:
        return super().needs(record, language) and not all(
            getattr(record, field.name.removeprefix("original_")).get(language) for field in self.fields
        )


def _workshop_steps(process_id: int) -> Select:
    return (
        select(WorkshopStep)
        .join(Workshop, Workshop.id == WorkshopStep.workshop_id)
        .where(Workshop.process_id == process_id)
    )


SOURCES: dict[SourceKind, Source] = {
    SourceKind.BARRIER: Source(
        SourceKind.BARRIER,
        Barrier,
        (TextField("text", _l("Description")), TextField("groups_affected", _l("Who is affected"), 500)),
        _l("Barrier"),
        _visible_barriers,
        lambda barrier: barrier.workshop_id,
    ),
    SourceKind.TESTIMONY: Source(
        SourceKind.TESTIMONY,
        Testimony,
        (TextField("text", _l("Testimony")),),
        _l("Testimony"),
        _visible_testimonies,
        _testimony_workshop,
    ),
    SourceKind.PROPOSAL: Source(
        SourceKind.PROPOSAL,
        Proposal,
        (
            TextField("change", _l("What should change")),
            TextField("who_acts", _l("Who acts"), 300),
            TextField("resources", _l("What it needs")),
            TextField("timeline", _l("By when"), 300),
            TextField("expected_effect", _l("What it changes, for whom")),
        ),
        _l("Proposal"),
        _visible_proposals,
        lambda proposal: proposal.workshop_id,
    ),
    SourceKind.SERVICE_REASON: Source(
        SourceKind.SERVICE_REASON,
        ServiceProposal,
        (TextField("reason", _l("Why is it hard to use?")),),
        _l("Service proposed"),
        _visible_service_reasons,
        lambda reason: reason.workshop_id,
    ),
    SourceKind.STEP: StepSource(
        SourceKind.STEP,
        WorkshopStep,
        (
            TextField("original_title", _l("Title"), 120),
            TextField("original_instructions", _l("What participants do"), 1000),
        ),
        _l("Workshop step"),
        _workshop_steps,
        lambda step: step.workshop_id,
        watched=("title", "instructions"),
        evidence=False,
    ),
    SourceKind.WORKSHOP: Source(
        SourceKind.WORKSHOP,
        Workshop,
        (TextField("title", _l("Title"), 200), TextField("place", _l("Where"), 300)),
        _l("Workshop"),
        _workshops,
        lambda workshop: workshop.id,
        watched=("title", "place"),
        evidence=False,
        language_of=_territory_language,
    ),
    SourceKind.RECOMMENDATION: Source(
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
    SourceKind.QUOTE: Source(
        SourceKind.QUOTE,
        Quote,
        (TextField("text", _l("Words to quote")),),
        _l("Quote"),
        _quotes,
        lambda quote: None,
    ),
    SourceKind.COMMENT: Source(
        SourceKind.COMMENT,
        Comment,
        (TextField("text", _l("Your comment"), 2000),),
        _l("Comment on a draft"),
        _comments,
        lambda comment: None,
        evidence=False,
    ),
    SourceKind.BARRIER_HIDDEN: _hidden_reason(
        SourceKind.BARRIER_HIDDEN, Barrier, BarrierStatus.HIDDEN, _l("Reason for hiding a barrier")
    ),
    SourceKind.PROPOSAL_HIDDEN: _hidden_reason(
        SourceKind.PROPOSAL_HIDDEN, Proposal, ProposalStatus.HIDDEN, _l("Reason for hiding a proposal")
    ),
}

#: The first source of each model: what a record is shown as (a barrier's description, not its hiding reason).
SOURCES_BY_MODEL: dict[type, Source] = {}
#: Every source of each model, for what follows the originals' changes.
ALL_SOURCES_OF_MODEL: dict[type, list[Source]] = {}
for _source in SOURCES.values():
    SOURCES_BY_MODEL.setdefault(_source.model, _source)
    ALL_SOURCES_OF_MODEL.setdefault(_source.model, []).append(_source)


def visible_records(process_id: int, workshop_id: int | None = None) -> list[tuple[Source, object]]:
    """Every translatable record of a process (of one workshop, if given), kind by kind, oldest first."""
    found = []
    for source in SOURCES.values():
        records = db.session.scalars(source.visible(process_id).order_by(source.model.id)).all()
        found.extend(
            (source, record)
            for record in records
            if workshop_id is None or source.workshop_of(record) == workshop_id
        )
    return found
