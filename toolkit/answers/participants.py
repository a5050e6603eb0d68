"""What the people who took part read of the answers: a participant who came back with their return code reads
the answers to the recommendations their words led to; an association reads, on its process page, the answers to
the recommendations it took part in.

Which recommendations a participant's words led to is read from the process's latest issued version: the
barriers each recommendation stood on as issued (its "evidence"), among those the participant described, backed
with a testimony, or answered with a proposal. An association took part in a recommendation that names it among
the organisations that co-designed it (as issued, or now), or that stands on a barrier it sent.

What a body wrote is shown in the reader's language when a person reviewed its translation; otherwise a machine's
draft, said to be one; otherwise the original, marked with its language and said not to be translated yet.
Nothing here shows who wrote what: neither participants nor the people who signed an answer.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from ..barriers.models import Barrier, Testimony, testimony_barriers
from ..codesign.models import Proposal, proposal_barriers
from ..content import page_language
from ..contributions.panels import register_panel
from ..extensions import db
from ..processes.models import Process
from ..recommendations.models import Recommendation, recommendation_organisations
from ..territories.models import Organisation
from ..translating.display import reading
from ..translating.models import SourceKind, TextTranslation, TranslationKind, TranslationStatus
from ..translating.sources import SOURCES
from ..workshops.models import Participant
from .models import Answer, AnswerStatus, Commitment
from .threads import Thread, threads_of


class Shown(enum.StrEnum):
    """How some words reach their reader."""

    #: Written in the reader's language.
    AS_WRITTEN = "as_written"
    #: A translation a person reviewed.
    TRANSLATED = "translated"
    #: A machine's draft that no person has checked yet.
    MACHINE_DRAFT = "machine_draft"
    #: The original: nobody has translated it into the reader's language yet.
    NOT_TRANSLATED = "not_translated"


@dataclass(frozen=True)
class Words:
    """Some words as one reader reads them, and the original they come from."""

    text: str
    language: str
    shown: Shown
    original: str
    original_language: str
    #: The translation shown, when one is.
    translation: TextTranslation | None = None


@dataclass(frozen=True)
class CommitmentShown:
    commitment: Commitment
    what: Words


@dataclass(frozen=True)
class BodyAnswer:
    """Where one recommendation stands for one body: its latest answer, if it gave one."""

    thread: Thread
    status: AnswerStatus | None
    text: Words | None
    commitments: list[CommitmentShown]
    answered_at: datetime | None

    @property
    def body(self) -> Organisation:
        return self.thread.organisation


@dataclass
class Answered:
    """One recommendation, as issued, and what the bodies it went to answered."""

    recommendation_id: int
    title: Words
    #: The language the bodies' names are written in (the territory's).
    names_language: str
    bodies: list[BodyAnswer] = field(default_factory=list)


# --- which recommendations -------------------------------------------------------------------------------------


def participant_barrier_ids(participant: Participant) -> set[int]:
    """The barriers the participant's words stand behind: described, backed with a testimony, or answered with a
    proposal of theirs."""
    own = select(Barrier.id).where(Barrier.participant_id == participant.id)
    testified = (
        select(testimony_barriers.c.barrier_id)
        .join(Testimony, Testimony.id == testimony_barriers.c.testimony_id)
        .where(Testimony.participant_id == participant.id)
    )
    proposed = (
        select(proposal_barriers.c.barrier_id)
        .join(Proposal, Proposal.id == proposal_barriers.c.proposal_id)
        .where(Proposal.participant_id == participant.id)
    )
    return set(db.session.scalars(own.union(testified, proposed)))


def threads_for_participant(participant: Participant) -> list[Thread]:
    """The threads of the recommendations the participant's barriers led to, in the latest issued version."""
    barrier_ids = participant_barrier_ids(participant)
    if not barrier_ids:
        return []
    process = participant.workshop.process
    return [t for t in threads_of(process) if barrier_ids & set(t.issued.get("evidence") or ())]


def threads_for_organisation(process: Process, organisation: Organisation) -> list[Thread]:
    """The threads of the recommendations ``organisation`` took part in: named among their co-designers (as issued
    or now), or standing on a barrier it sent."""
    threads = threads_of(process)
    if not threads:
        return []
    recommendation_ids = {thread.recommendation_id for thread in threads}
    named_now = set(
        db.session.scalars(
            select(recommendation_organisations.c.recommendation_id).where(
                recommendation_organisations.c.organisation_id == organisation.id,
                recommendation_organisations.c.recommendation_id.in_(recommendation_ids),
            )
        )
    )
    sent = set(
        db.session.scalars(
            select(Barrier.id).where(
                Barrier.process_id == process.id, Barrier.organisation_id == organisation.id
            )
        )
    )
    return [
        thread
        for thread in threads
        if organisation.name in (thread.issued.get("organisations") or ())
        or thread.recommendation_id in named_now
        or sent & set(thread.issued.get("evidence") or ())
    ]


# --- in the reader's language -----------------------------------------------------------------------------------

#: The kind each translated record of an answer is translated as.
SOURCES_KIND = {Answer: SourceKind.ANSWER, Commitment: SourceKind.COMMITMENT}


def _machine_drafts(records: list, language: str) -> dict[tuple[SourceKind, int], TextTranslation]:
    """The machine drafts into ``language`` of these answers and commitments, made from their words as they are."""
    wanted = {(SOURCES_KIND[type(record)], record.id): record for record in records}
    if not wanted:
        return {}
    found = {}
    for translation in db.session.scalars(
        select(TextTranslation).where(
            or_(
                *(
                    (TextTranslation.source_kind == kind)
                    & TextTranslation.source_id.in_([i for k, i in wanted if k is kind])
                    for kind in {kind for kind, _id in wanted}
                )
            ),
            TextTranslation.language == language,
            TextTranslation.kind == TranslationKind.MACHINE,
            TextTranslation.status == TranslationStatus.DRAFT,
            TextTranslation.outdated.is_(False),
        )
    ):
        key = (translation.source_kind, translation.source_id)
        if translation.source_texts == SOURCES[key[0]].texts(wanted[key]):
            found[key] = translation
    return found


def _words(record, name: str, drafts: dict) -> Words:
    """``record``'s field ``name`` for the reader of this page."""
    original = getattr(record, name) or ""
    language = record.language
    seen = reading(record)
    if seen.translation is not None:
        return Words(seen.text(name), seen.language, Shown.TRANSLATED, original, language, seen.translation)
    if language == page_language():
        return Words(original, language, Shown.AS_WRITTEN, original, language)
    draft = drafts.get((SOURCES_KIND[type(record)], record.id))
    if draft is not None and draft.texts.get(name):
        return Words(draft.texts[name], draft.language, Shown.MACHINE_DRAFT, original, language, draft)
    return Words(original, language, Shown.NOT_TRANSLATED, original, language)


def _title(entry: dict, recommendation: Recommendation | None) -> Words:
    """A recommendation's title as issued, or its reviewed translation when it was made from those words."""
    title, language = entry.get("title", ""), entry.get("language", "")
    if recommendation is not None and language != page_language():
        seen = reading(recommendation)
        translation = seen.translation
        if translation is not None and translation.source_texts.get("title") == title:
            return Words(seen.text("title"), seen.language, Shown.TRANSLATED, title, language, translation)
    shown = Shown.AS_WRITTEN if language == page_language() else Shown.NOT_TRANSLATED
    return Words(title, language, shown, title, language)


def answered(process: Process, threads: list[Thread]) -> list[Answered]:
    """The recommendations of ``threads`` (of ``process``), in their order, each with the latest answer of every body it went to,
    in the reader's language as far as translators have gone. A fixed number of queries."""
    language = page_language()
    latest = [thread.latest for thread in threads if thread.latest is not None]
    records = [*latest, *(c for answer in latest for c in answer.commitments)]
    drafts = _machine_drafts([r for r in records if r.language != language], language)
    ids = {thread.recommendation_id for thread in threads}
    recommendations = {
        r.id: r for r in db.session.scalars(select(Recommendation).where(Recommendation.id.in_(ids)))
    }
    found: dict[int, Answered] = {}
    for thread in threads:
        entry = found.get(thread.recommendation_id)
        if entry is None:
            title = _title(thread.issued, recommendations.get(thread.recommendation_id))
            entry = Answered(thread.recommendation_id, title, process.territory.default_locale)
            found[thread.recommendation_id] = entry
        answer = thread.latest
        entry.bodies.append(
            BodyAnswer(
                thread,
                answer.status if answer else None,
                _words(answer, "text", drafts) if answer is not None and answer.text else None,
                [CommitmentShown(c, _words(c, "what", drafts)) for c in answer.commitments] if answer else [],
                answer.answered_at if answer else None,
            )
        )
    return list(found.values())


# --- the participant's page ------------------------------------------------------------------------------------


def for_participant(participant: Participant) -> list[Answered]:
    """What the participant reads: the recommendations their barriers led to, and the bodies' answers."""
    threads = threads_for_participant(participant)
    return answered(participant.workshop.process, threads) if threads else []


def for_organisation(process: Process, organisation: Organisation) -> list[Answered]:
    """What an association reads on its process page: the recommendations it took part in, and the answers."""
    threads = threads_for_organisation(process, organisation)
    return answered(process, threads) if threads else []


def _participant_panel(participant: Participant) -> dict:
    return {"answers_for_participant": for_participant(participant)}


register_panel("answers/_answers_for_participants.html", _participant_panel, order=10)
