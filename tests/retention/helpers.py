"""A process with what participants write in it: barriers with stories, proposals, reasons for services and
comments, one barrier and one proposal in an issued version, translations of everything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from toolkit.barriers import operations as barrier_operations
from toolkit.barriers.models import Barrier, BarrierStatus, Testimony
from toolkit.codesign.models import Proposal
from toolkit.extensions import db
from toolkit.processes.models import Process
from toolkit.recommendations import issuing
from toolkit.recommendations import operations as recommendations
from toolkit.recommendations.models import DocumentIssue
from toolkit.translating.models import SourceKind, TextTranslation, TranslationKind, TranslationStatus
from toolkit.workshops import codes, service_choice
from toolkit.workshops import operations as workshops
from toolkit.workshops.models import Participant, ParticipantRole, WorkshopState

PRINTED = "Allo sportello nessuno parla arabo"
PRINTED_STORY = "Sono andata tre volte allo sportello"
UNPRINTED = "Il modulo online non funziona dal telefono"
UNPRINTED_STORY = "Ho provato con il telefono di mia figlia"
CHOSEN_PROPOSAL = "Un mediatore due mattine a settimana"
OTHER_PROPOSAL = "Moduli anche su carta"
REASON = "Le code sono lunghissime"
COMMENT = "Serve anche il sabato"


@dataclass
class Room:
    process: Process
    participants: list[Participant]
    printed: Barrier
    unprinted: Barrier
    chosen: Proposal
    other: Proposal
    issue: DocumentIssue | None


def translate(record, kind: SourceKind, texts: dict[str, str]) -> None:
    """A person's reviewed Arabic translation of an Italian ``record``."""
    db.session.add(
        TextTranslation(
            territory_id=record.territory_id,
            source_kind=kind,
            source_id=record.id,
            process_id=record.process_id,
            language="ar",
            texts=texts,
            source_texts={},
            source_language="it",
            kind=TranslationKind.HUMAN,
            status=TranslationStatus.REVIEWED,
        )
    )


def _barrier(make, workshop, participant, text: str, story: str) -> Barrier:
    barrier = make.barrier(
        workshop, text=text, groups_affected="Donne appena arrivate", testimony=story, participant=participant
    )
    translate(barrier, SourceKind.BARRIER, {"text": "ترجمة " + text})
    translate(barrier.testimonies[0], SourceKind.TESTIMONY, {"text": "ترجمة " + story})
    return barrier


def room(make, territory=None, *, issue: bool = True, ended_days_ago: int = 3 * 365) -> Room:
    """A process of ``territory`` whose only workshop closed ``ended_days_ago`` days ago, with two participants
    (nicknames, return codes) and what they wrote; with ``issue``, version 1 holds the printed barrier, its quoted
    story and the chosen proposal."""
    territory = territory or make.territory()
    workshop = make.live_workshop(territory)
    participants = []
    for nickname in ("Nour", "Volpe"):
        participant = workshops.join(
            workshop, language="it", pseudonym=nickname, role=ParticipantRole.RESIDENT
        )
        db.session.flush()
        codes.issue_return_code(participant)
        participants.append(participant)
    first, second = participants
    printed = _barrier(make, workshop, first, PRINTED, PRINTED_STORY)
    unprinted = _barrier(make, workshop, second, UNPRINTED, UNPRINTED_STORY)
    db.session.commit()
    chosen = make.proposal_for(workshop, [printed], change=CHOSEN_PROPOSAL, participant=first)
    other = make.proposal_for(workshop, [unprinted], change=OTHER_PROPOSAL, participant=second)
    reason = service_choice.propose_service(
        workshop.process,
        service=workshop.process.services[0],
        name="",
        reason=REASON,
        language="it",
        submission_key=None,
        workshop=workshop,
        participant=second,
    )
    db.session.flush()
    translate(reason, SourceKind.SERVICE_REASON, {"reason": "ترجمة " + REASON})
    draft = make.recommendation(workshop.process, [chosen])
    recommendations.add_quote(draft, printed.testimonies[0], PRINTED_STORY)
    recommendations.add_comment(draft, COMMENT, "it", None, participant=second)
    db.session.commit()
    issued = None
    if issue:
        # The unprinted barrier is hidden when the version is issued: the report does not print it.
        barrier_operations.moderate_barrier(unprinted, BarrierStatus.HIDDEN, "fuori tema")
        db.session.commit()
        job = issuing.request_issue(workshop.process, ["it"], "", None)
        db.session.commit()
        issuing.run(job.id)
        issued = db.session.scalar(
            select(DocumentIssue).where(DocumentIssue.process_id == workshop.process_id)
        )
        assert issued is not None, "the version was not issued"
        barrier_operations.moderate_barrier(unprinted, BarrierStatus.KEPT)
    workshops.close_workshop(workshop)
    workshop.state = WorkshopState.CLOSED
    workshop.closed_at = datetime.now(UTC) - timedelta(days=ended_days_ago)
    db.session.commit()
    return Room(workshop.process, participants, printed, unprinted, chosen, other, issued)


def stories(process: Process) -> list[str]:
    return list(
        db.session.scalars(
            select(Testimony.text).where(Testimony.process_id == process.id).order_by(Testimony.id)
        )
    )
