"""The issued recommendations addressed to one organisation, read from the issued versions as they were frozen.

Only what was issued counts: drafts, evidence and testimonies stay with the people who run the process. A version
names its addressees in its frozen content by the name printed on their letter, so the recommendations of an
organisation are those carrying the name printed on the letter addressed to it in that version (a later change of
the organisation's name changes nothing of what was issued).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..processes.models import Process
from ..recommendations.models import DocumentIssue, DocumentKind, IssuedDocument
from ..territories.models import Organisation


@dataclass
class IssuedVersion:
    """One issued version of a process, as far as one addressee is concerned."""

    issue: DocumentIssue
    #: The letters addressed to the organisation in this version, one per language.
    letters: list[IssuedDocument]
    #: The recommendations addressed to it, as issued (entries of the version's frozen content).
    recommendations: list[dict] = field(default_factory=list)


@dataclass
class AddressedProcess:
    """A process that issued recommendations to the organisation."""

    process: Process
    #: The latest version that addresses the organisation, shown in full.
    current: IssuedVersion
    #: Earlier versions that addressed it, the latest first (their letters only).
    earlier: list[IssuedVersion]
    #: The number and date of the process's latest version when it no longer addresses the organisation.
    superseded_by: tuple[int, datetime] | None = None


def letters_of(organisation: Organisation) -> list[IssuedDocument]:
    """Every issued letter addressed to ``organisation``, with its version and process."""
    return list(
        db.session.scalars(
            select(IssuedDocument)
            .join(DocumentIssue, DocumentIssue.id == IssuedDocument.issue_id)
            .where(IssuedDocument.kind == DocumentKind.LETTER, IssuedDocument.addressee_id == organisation.id)
            .options(selectinload(IssuedDocument.issue).selectinload(DocumentIssue.process))
            .order_by(DocumentIssue.process_id, DocumentIssue.number.desc(), IssuedDocument.id)
        )
    )


def letter_of(organisation: Organisation, document_id: int) -> IssuedDocument | None:
    """The issued letter ``document_id`` if it is addressed to ``organisation``; any other document is None."""
    document = db.session.get(IssuedDocument, document_id)
    if (
        document is None
        or document.kind is not DocumentKind.LETTER
        or document.addressee_id != organisation.id
    ):
        return None
    return document


def addressed_to(organisation: Organisation) -> list[AddressedProcess]:
    """The processes that issued recommendations to ``organisation``, the most recently issued first."""
    versions: dict[int, dict[int, IssuedVersion]] = {}
    for letter in letters_of(organisation):
        by_number = versions.setdefault(letter.issue.process_id, {})
        by_number.setdefault(letter.issue.number, IssuedVersion(letter.issue, [])).letters.append(letter)
    if not versions:
        return []
    # The latest version of each process, to say when it no longer addresses the organisation.
    latest: dict[int, tuple[int, datetime]] = {}
    for process_id, number, issued_at in db.session.execute(
        select(DocumentIssue.process_id, DocumentIssue.number, DocumentIssue.issued_at)
        .where(DocumentIssue.process_id.in_(versions))
        .order_by(DocumentIssue.number.desc())
    ):
        latest.setdefault(process_id, (number, issued_at))
    listed = []
    for process_id, by_number in versions.items():
        ordered = [by_number[number] for number in sorted(by_number, reverse=True)]
        current = ordered[0]
        names = {letter.addressee_name for letter in current.letters}
        current.recommendations = [
            recommendation
            for recommendation in current.issue.content.get("recommendations", [])
            if recommendation.get("addressee") in names
        ]
        superseded = latest[process_id] if latest[process_id][0] > current.issue.number else None
        listed.append(AddressedProcess(current.issue.process, current, ordered[1:], superseded))
    listed.sort(key=lambda item: item.current.issue.issued_at, reverse=True)
    return listed


def respond_by(recommendation: dict) -> date | None:
    """The date by which an answer was asked for, as issued."""
    value = recommendation.get("respond_by")
    return date.fromisoformat(value) if value else None
