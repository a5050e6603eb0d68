"""Issued versions written as issuing writes them (the real frozen content, a report and a letter per addressee in
each language), with small stored PDFs instead of rendered ones: what addressees read, without the rendering."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from toolkit.extensions import db
from toolkit.recommendations import documents, issuing
from toolkit.recommendations.models import DocumentIssue, DocumentKind, IssuedDocument


def _document(process, kind, language, number, organisation=None) -> IssuedDocument:
    name = organisation.name if organisation is not None else ""
    pdf = f"%PDF-1.7 {kind.value} v{number} {language} {name}".encode()
    filename = f"recommendations-{process.id}-v{number}"
    if organisation is not None:
        filename += f"-letter-{issuing.slug(name)}"
    return IssuedDocument(
        territory_id=process.territory_id,
        kind=kind,
        language=language,
        addressee_id=organisation.id if organisation is not None else None,
        addressee_name=name,
        filename=f"{filename}-{language}.pdf",
        pages=1,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf=pdf,
    )


def issue(process, languages=("it",), *, days_ago: int = 0) -> DocumentIssue:
    """The next version of ``process`` as it stands now: its recommendations frozen, the report and the letters."""
    from toolkit.recommendations import operations

    number = issuing.next_number(process)
    addressees = []
    for recommendation in operations.recommendations_of(process):
        if recommendation.addressee is not None and recommendation.addressee not in addressees:
            addressees.append(recommendation.addressee)
    version = DocumentIssue(
        territory_id=process.territory_id,
        process_id=process.id,
        number=number,
        issued_at=datetime.now(UTC) - timedelta(days=days_ago),
        languages=list(languages),
        content=documents.snapshot(process),
    )
    for language in languages:
        version.documents.append(_document(process, DocumentKind.REPORT, language, number))
        for organisation in addressees:
            version.documents.append(_document(process, DocumentKind.LETTER, language, number, organisation))
    db.session.add(version)
    db.session.commit()
    return version


def letter(version: DocumentIssue, organisation, language: str = "it") -> IssuedDocument:
    return next(
        d
        for d in version.documents
        if d.kind is DocumentKind.LETTER and d.addressee_id == organisation.id and d.language == language
    )


def report(version: DocumentIssue, language: str = "it") -> IssuedDocument:
    return next(d for d in version.documents if d.kind is DocumentKind.REPORT and d.language == language)
