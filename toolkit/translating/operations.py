"""What translating does to the database: the queue of a process, saving and reviewing translations, and the
counts per language (translations an edited original makes outdated: outdating.py). Views commit; nothing here
commits."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import BindParameter, select

from .. import audit
from ..extensions import db
from ..i18n import LANGUAGES
from ..processes.models import Process
from ..workshops.models import Participant, Workshop
from ..workshops.room import bump_process
from .models import (
    MachineRequest,
    MachineRequestState,
    SourceKind,
    TextTranslation,
    TranslationKind,
    TranslationStatus,
)
from .sources import SOURCES, SOURCES_BY_MODEL, Source, visible_records


def now() -> datetime:
    return datetime.now(UTC)


class ItemState(enum.StrEnum):
    """Where one text stands for one language, from the translators' point of view."""

    MISSING = "missing"
    MACHINE_DRAFT = "machine_draft"
    DRAFT = "draft"
    OUTDATED = "outdated"
    REVIEWED = "reviewed"

    @property
    def to_do(self) -> bool:
        return self is not ItemState.REVIEWED


def state_of(translation: TextTranslation | None) -> ItemState:
    if translation is None:
        return ItemState.MISSING
    if translation.outdated:
        return ItemState.OUTDATED
    if translation.status is TranslationStatus.REVIEWED:
        return ItemState.REVIEWED
    return ItemState.MACHINE_DRAFT if translation.kind is TranslationKind.MACHINE else ItemState.DRAFT


@dataclass
class QueueItem:
    """One original text and where its translation into the queue's language stands."""

    source: Source
    record: object
    translation: TextTranslation | None
    machine: MachineRequest | None

    @property
    def state(self) -> ItemState:
        return state_of(self.translation)

    @property
    def kind(self) -> SourceKind:
        return self.source.kind

    @property
    def language(self) -> str:
        """The language of the original."""
        return self.source.language(self.record)

    @property
    def preview(self) -> str:
        """The first words of the original, for the list."""
        return next(iter(self.source.texts(self.record).values()), "")

    @property
    def machine_waiting(self) -> bool:
        return self.machine is not None and machine_state(self.machine) is MachineRequestState.PENDING

    @property
    def machine_failed(self) -> bool:
        return self.machine is not None and machine_state(self.machine) is MachineRequestState.FAILED


#: How long a request may wait for a free worker before it counts as lost (the process that held it stopped).
QUEUE_PATIENCE = timedelta(minutes=30)


def machine_state(request: MachineRequest) -> MachineRequestState:
    """A request still pending long after the machine should have answered counts as failed (the process that
    sent it may have stopped), so that it can be asked again."""
    if request.state is not MachineRequestState.PENDING:
        return request.state
    if request.started_at is not None:
        since, patience = (
            request.started_at,
            timedelta(seconds=4 * current_app.config["MACHINE_TRANSLATION_TIMEOUT"] + 30),
        )
    else:
        since, patience = request.requested_at, QUEUE_PATIENCE
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return MachineRequestState.FAILED if now() - since > patience else request.state


def _by_source(rows) -> dict[tuple[SourceKind, int], object]:
    return {(row.source_kind, row.source_id): row for row in rows}


def queue(process: Process, language: str, workshop_id: int | None = None) -> list[QueueItem]:
    """Every text of the process written in another language than ``language``, with its translation into it."""
    records = [
        (source, record)
        for source, record in visible_records(process.id, workshop_id)
        if source.needs(record, language)
    ]
    translations = _by_source(
        db.session.scalars(
            select(TextTranslation).where(
                TextTranslation.process_id == process.id, TextTranslation.language == language
            )
        )
    )
    requests = _by_source(
        db.session.scalars(
            select(MachineRequest).where(
                MachineRequest.process_id == process.id, MachineRequest.language == language
            )
        )
    )
    return [
        QueueItem(
            source,
            record,
            translations.get((source.kind, record.id)),
            requests.get((source.kind, record.id)),
        )
        for source, record in records
    ]


@dataclass
class LanguageCount:
    """How much of a process's evidence reads in one language."""

    language: str
    #: Texts written in another language, to be translated into this one.
    to_translate: int = 0
    reviewed: int = 0
    drafts: int = 0
    outdated: int = 0

    @property
    def missing(self) -> int:
        return self.to_translate - self.reviewed - self.drafts - self.outdated

    @property
    def ready(self) -> bool:
        return self.reviewed == self.to_translate


def process_languages(process: Process, records: list | None = None) -> list[str]:
    """The languages a process speaks: the territory's, its participants', and those its texts are written in
    (``records``: the process's visible records, when already loaded)."""
    found = {process.territory.default_locale}
    for languages in db.session.scalars(
        select(Participant.languages)
        .join(Workshop, Workshop.id == Participant.workshop_id)
        .where(Workshop.process_id == process.id)
    ):
        found.update(languages or ())
    if records is None:
        records = visible_records(process.id)
    found.update(source.language(record) for source, record in records)
    first = process.territory.default_locale
    return [first, *(code for code in LANGUAGES if code in found and code != first)]


def counts(process: Process) -> list[LanguageCount]:
    """Per language of the process: how many texts of evidence need translating into it, and how far they are
    (the agenda's steps are for the room, not for documents, and are not counted)."""
    records = [(source, record) for source, record in visible_records(process.id) if source.evidence]
    translations = defaultdict(dict)
    for translation in db.session.scalars(
        select(TextTranslation).where(TextTranslation.process_id == process.id)
    ):
        translations[translation.language][(translation.source_kind, translation.source_id)] = translation
    result = []
    for language in process_languages(process, records):
        count = LanguageCount(language)
        for source, record in records:
            if not source.needs(record, language):
                continue
            count.to_translate += 1
            state = state_of(translations[language].get((source.kind, record.id)))
            if state is ItemState.REVIEWED:
                count.reviewed += 1
            elif state is ItemState.OUTDATED:
                count.outdated += 1
            elif state is not ItemState.MISSING:
                count.drafts += 1
        result.append(count)
    return result


def find(source: Source, record, language: str) -> TextTranslation | None:
    return db.session.scalar(
        select(TextTranslation).where(
            TextTranslation.source_kind == source.kind,
            TextTranslation.source_id == record.id,
            TextTranslation.language == language,
        )
    )


def _new_translation(source: Source, record, language: str, kind: TranslationKind) -> TextTranslation:
    """An empty translation of ``record``, complete enough to be stored by any flush that comes first."""
    values = {
        "territory_id": record.territory_id,
        "source_kind": source.kind,
        "source_id": record.id,
        "process_id": record.process_id,
        "language": language,
        "source_texts": source.texts(record),
        "source_language": source.language(record),
    }
    translation = TextTranslation(**values, texts={}, kind=kind, status=TranslationStatus.DRAFT)
    db.session.add(translation)
    return translation


def store_machine_draft(
    source: Source,
    record,
    language: str,
    texts: dict[str, str],
    translated_from: dict[str, str],
    from_language: str,
) -> TextTranslation | None:
    """Keep a machine draft of ``record`` (made from ``translated_from``, in ``from_language``), unless a person
    has written or reviewed its translation meanwhile: their words stay. A draft of an original that has changed
    since is stored outdated."""
    translation = find(source, record, language)
    if translation is None:
        translation = _new_translation(source, record, language, TranslationKind.MACHINE)
    elif translation.kind is not TranslationKind.MACHINE or translation.status is not TranslationStatus.DRAFT:
        return None
    translation.texts = texts
    translation.source_texts = translated_from
    translation.source_language = from_language
    translation.outdated = source.texts(record) != translated_from or source.language(record) != from_language
    translation.updated_at = now()
    return translation


def save_translation(
    source: Source,
    record,
    language: str,
    texts: dict[str, str],
    *,
    reviewed: bool,
    user,
    translation: TextTranslation | None = None,
) -> TextTranslation:
    """Store what a person wrote (or checked) as the translation of ``record`` into ``language``.

    A machine draft saved unchanged and marked reviewed stays a machine translation, reviewed; once a person
    changes its words, it is theirs.
    """
    texts = {name: value for name, value in texts.items() if value}
    moment = now()
    if translation is None:
        translation = _new_translation(source, record, language, TranslationKind.HUMAN)
    if translation.kind is not TranslationKind.MACHINE or translation.texts != texts:
        translation.kind = TranslationKind.HUMAN
        if translation.texts != texts or translation.translated_by_id is None:
            translation.translated_by_id = user.id
    translation.texts = texts
    translation.source_texts = source.texts(record)
    translation.source_language = source.language(record)
    translation.outdated = False
    translation.updated_at = moment
    if reviewed:
        translation.status = TranslationStatus.REVIEWED
        translation.reviewed_by_id = user.id
        translation.reviewed_at = moment
    else:
        translation.status = TranslationStatus.DRAFT
        translation.reviewed_by_id = None
        translation.reviewed_at = None
    db.session.flush()
    audit.record(
        "translation.reviewed" if reviewed else "translation.drafted",
        translation,
        source=source.kind.value,
        source_id=record.id,
        language=language,
    )
    # Every open workshop shows the process's contributions, wherever they were written: all of them update.
    bump_process(record.process_id)
    return translation


def may_stand_in(kind: SourceKind, source_ids, language: str):
    """The query of the translations into ``language`` of these records that may be shown in their place:
    reviewed by a person, and not outdated (``source_ids`` and ``language`` may be bound parameters, for a query
    built once)."""
    ids = source_ids if isinstance(source_ids, BindParameter) else list(source_ids)
    return select(TextTranslation).where(
        TextTranslation.source_kind == kind,
        TextTranslation.source_id.in_(ids),
        TextTranslation.language == language,
        TextTranslation.status == TranslationStatus.REVIEWED,
        TextTranslation.outdated.is_(False),
    )


def reviewed_translation(record, language: str, kind: SourceKind | None = None) -> TextTranslation | None:
    """The translation of ``record`` (as ``kind``, by default what it is shown as) into ``language`` that may
    stand in for it, if any: reviewed by a person and made from the original as it is now. Documents and public
    pages use nothing else."""
    source = SOURCES[kind] if kind is not None else SOURCES_BY_MODEL[type(record)]
    return reviewed_translations(source.kind, [record], language).get(record.id)


def reviewed_translations(kind: SourceKind, records, language: str) -> dict[int, TextTranslation]:
    """:func:`reviewed_translation` of many records of one kind, by record id, in one query."""
    source = SOURCES[kind]
    wanted = {record.id: record for record in records if source.needs(record, language)}
    if not wanted:
        return {}
    return {
        translation.source_id: translation
        for translation in db.session.scalars(may_stand_in(kind, sorted(wanted), language))
        if translation.source_texts == source.texts(wanted[translation.source_id])
    }
