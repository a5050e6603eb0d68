"""What is translated: each kind of contribution, its text fields, its language and where it belongs.

Barriers, testimonies and proposals, as their authors wrote them; and the steps of a workshop's agenda, whose
title and instructions are written in the territory's language (and in any other the coordinator wrote): the
queue offers the languages they lack. The feature that owns a kind of text makes it translatable by registering
a :class:`Source` (``barriers/translatable.py``, ``codesign/translatable.py``...; the room's texts are
registered here); the queue, the counts, the display and the outdated marking all read this registry, and
translating knows none of those features. Every record offers ``language`` (of its original), ``process_id``
and ``territory_id``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..extensions import db
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


def _workshops(process_id: int) -> Select:
    return select(Workshop).where(Workshop.process_id == process_id)


def territory_language(record) -> str:
    """Staff write in the territory's language."""
    return db.session.get(Territory, record.territory_id).default_locale


def hidden_reason(kind: SourceKind, model, hidden, label) -> Source:
    """Why a facilitator hid a record (``model`` in its status ``hidden``), written in the territory's language
    for the record's author; only records hidden with a reason are translated."""

    def hidden_with_reason(process_id: int) -> Select:
        return select(model).where(
            model.process_id == process_id, model.status == hidden, model.hidden_reason != ""
        )

    return Source(
        kind,
        model,
        (TextField("hidden_reason", _l("Why it is hidden"), 500),),
        label,
        hidden_with_reason,
        lambda record: record.workshop_id,
        watched=("hidden_reason",),
        evidence=False,
        language_of=territory_language,
    )


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


#: Every kind of text translated, in the order of :class:`SourceKind` (the order the queue lists them in).
SOURCES: dict[SourceKind, Source] = {}
#: The first source of each model: what a record is shown as (a barrier's description, not its hiding reason).
SOURCES_BY_MODEL: dict[type, Source] = {}
#: Every source of each model, for what follows the originals' changes.
ALL_SOURCES_OF_MODEL: dict[type, list[Source]] = {}


def register(*sources: Source) -> None:
    """Make the records of ``sources`` translatable. Each feature registers its kinds of text when its
    ``translatable`` module is imported (the application imports them all as it starts)."""
    ordered = sorted({**SOURCES, **{source.kind: source for source in sources}}.values(), key=_position)
    SOURCES.clear()
    SOURCES_BY_MODEL.clear()
    ALL_SOURCES_OF_MODEL.clear()
    for source in ordered:
        SOURCES[source.kind] = source
        SOURCES_BY_MODEL.setdefault(source.model, source)
        ALL_SOURCES_OF_MODEL.setdefault(source.model, []).append(source)


def _position(source: Source) -> int:
    return list(SourceKind).index(source.kind)


register(
    Source(
        SourceKind.SERVICE_REASON,
        ServiceProposal,
        (TextField("reason", _l("Why is it hard to use?")),),
        _l("Service proposed"),
        _visible_service_reasons,
        lambda reason: reason.workshop_id,
    ),
    StepSource(
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
    Source(
        SourceKind.WORKSHOP,
        Workshop,
        (TextField("title", _l("Title"), 200), TextField("place", _l("Where"), 300)),
        _l("Workshop"),
        _workshops,
        lambda workshop: workshop.id,
        watched=("title", "place"),
        evidence=False,
        language_of=territory_language,
    ),
)


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
