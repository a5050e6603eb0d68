"""Issuing: freezing the recommendations of a process as a numbered version with its documents.

The page records an :class:`IssueJob` and hands it to the background worker; the worker renders every document
(the report, and a letter per addressee, in each language asked for), counting them on the job as it goes so the
page can show progress. Only when all are rendered does it write the version, its documents and their SHA-256, in
the same transaction that ends the job: a failure at any point leaves a failed job and no version at all.

An issued version never changes: a listener refuses any update of a version or of its documents.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from .. import audit, background
from ..accounts.models import User
from ..documents import render_pdf
from ..extensions import db
from ..processes.models import Process
from . import documents
from .models import DocumentIssue, DocumentKind, IssuedDocument, IssueJob, IssueState

#: A job whose worker has said nothing for this long is taken to have died with its process: the last resort when
#: that process is on another machine, so that whether it is alive cannot be told (see :func:`worker_died`).
STALE_AFTER = timedelta(minutes=10)

#: Why issuing failed, as the facilitator reads it (views translate these).
FAILURE_RENDERING = "rendering"
FAILURE_RACE = "issued_meanwhile"
FAILURE_INTERRUPTED = "interrupted"


class LetterExtras(Protocol):
    """What a feature adds to the letters of one version being issued."""

    def context(self, letter: dict) -> dict:
        """What it prints on ``letter`` (a letter's context), merged into it for rendering only."""

    def store(self, issue: DocumentIssue) -> None:
        """Write what goes with the letters, in the transaction that writes the version ``issue``."""


#: What other features print on every letter of a version (the answer link...), registered at import: the
#: recommendations import none of them. Each is called with the process once per version issued. What it adds is
#: left out of the letters' fingerprints, and what it writes is written with the version, or not at all.
letter_extras: list[Callable[[Process], LetterExtras]] = []


class IssuingBusy(Exception):
    """The process is being issued already."""


class ImmutableIssue(Exception):
    """Something tried to change an issued version or its documents."""


def now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they are UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def running_job(process: Process) -> IssueJob | None:
    """The job issuing ``process`` now, if any; one whose worker died or went silent is marked failed on the way."""
    job = db.session.scalar(
        select(IssueJob)
        .where(IssueJob.process_id == process.id, IssueJob.state == IssueState.RENDERING)
        .order_by(IssueJob.id.desc())
    )
    return None if job is None or given_up(job) else job


def given_up(job: IssueJob) -> bool:
    """Mark a rendering job as failed (interrupted) when the process rendering it is known to have ended, or,
    as a last resort for a process on another machine, when it went silent; True if it was."""
    if job.state is not IssueState.RENDERING:
        return False
    last = _aware(job.heartbeat_at or job.requested_at)
    if worker_died(job) or (last is not None and now() - last > STALE_AFTER):
        finish(job, IssueState.FAILED, FAILURE_INTERRUPTED)
        return True
    return False


def worker_died(job: IssueJob) -> bool:
    """True when the process that took ``job`` has certainly ended (see :func:`toolkit.background.known_dead`)."""
    return background.known_dead(job.worker_host, job.worker_pid, job.worker_boot)


def _take(job: IssueJob) -> None:
    """Record that this process renders ``job``."""
    worker = background.this_process()
    job.worker_host, job.worker_pid, job.worker_boot = worker.host, worker.pid, worker.boot


@background.at_start
def recover_interrupted_jobs() -> list[int]:
    """Mark as interrupted every rendering job whose process has ended (run when a process starts serving), so
    that issuing can start again at once; jobs of processes still alive are left alone. Returns their ids."""
    jobs = db.session.scalars(
        select(IssueJob).where(IssueJob.state == IssueState.RENDERING).execution_options(all_territories=True)
    ).all()
    interrupted = [job.id for job in jobs if given_up(job)]
    if interrupted:
        current_app.logger.warning(
            "issue jobs %s were interrupted by a restart: nothing was issued", interrupted
        )
    return interrupted


def finish(job: IssueJob, state: IssueState, failure: str | None = None) -> None:
    job.state = state
    job.failure = failure
    job.finished_at = now()


def latest(process: Process) -> DocumentIssue | None:
    """The latest issued version of ``process``, with its documents."""
    return db.session.scalar(
        select(DocumentIssue)
        .where(DocumentIssue.process_id == process.id)
        .options(selectinload(DocumentIssue.documents))
        .order_by(DocumentIssue.number.desc())
        .limit(1)
    )


def next_number(process: Process) -> int:
    last = db.session.scalar(
        select(func.max(DocumentIssue.number)).where(DocumentIssue.process_id == process.id)
    )
    return (last or 0) + 1


def request_issue(process: Process, languages: list[str], note: str, requested_by_id: int | None) -> IssueJob:
    """Record that ``process`` is to be issued in ``languages`` (the territory's is always among them)."""
    if running_job(process) is not None:
        raise IssuingBusy
    territory_language = process.territory.default_locale
    ordered = [territory_language, *sorted(set(languages) - {territory_language})]
    job = IssueJob(
        territory_id=process.territory_id,
        process_id=process.id,
        languages=ordered,
        note=note.strip(),
        state=IssueState.RENDERING,
        requested_by_id=requested_by_id,
        requested_at=now(),
    )
    _take(job)  # this process's worker threads render it (see start)
    db.session.add(job)
    try:
        db.session.flush()
    except IntegrityError:  # another request started one at the same moment
        db.session.rollback()
        raise IssuingBusy from None
    return job


def start(job_id: int) -> None:
    """Hand the recorded job to the background worker (call after the commit)."""
    background.submit(run, job_id)


@dataclass
class _Rendered:
    kind: DocumentKind
    language: str
    pdf: bytes
    pages: int
    addressee_id: int | None = None
    addressee_name: str = ""


def run(job_id: int) -> None:
    """Render every document of the job, then write the version, all at once; or fail, writing nothing."""
    job = db.session.get(IssueJob, job_id)
    if job is None or job.state is not IssueState.RENDERING:
        return
    process = job.process
    _take(job)
    try:
        number = next_number(process)
        issued_at = now()
        sender = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
        sets = [
            documents.document_set(
                process, language, version=number, issued_on=issued_at.date(), sender=sender
            )
            for language in job.languages
        ]
        content = documents.snapshot(process)
        content["documents"] = {
            _key(DocumentKind.REPORT, document_set.language, ""): documents.fingerprint(document_set.report)
            for document_set in sets
        } | {
            _key(DocumentKind.LETTER, document_set.language, letter["addressee"]): documents.fingerprint(
                letter
            )
            for document_set in sets
            for letter in document_set.letters
        }
        job.total = sum(1 + len(document_set.letters) for document_set in sets)
        job.heartbeat_at = now()
        db.session.commit()
        extras = [make(process) for make in letter_extras]
        rendered = []
        for document_set in sets:
            language = document_set.language
            rendered.append(
                _render(job, "documents/report.html", document_set.report, DocumentKind.REPORT, language)
            )
            rendered.extend(
                _render(
                    job, "documents/letter.html", _extended(letter, extras), DocumentKind.LETTER, language
                )
                for letter in document_set.letters
            )
    except Exception:
        db.session.rollback()
        current_app.logger.exception("issuing process %s failed", job_id)
        _fail(job_id, FAILURE_RENDERING)
        return
    try:
        db.session.refresh(job)
        if job.state is not IssueState.RENDERING:
            # Taken for dead meanwhile (it went silent too long): what it rendered is not issued.
            db.session.rollback()
            return
        issue = _store(job, process, number, issued_at, content, rendered)
        for extra in extras:
            extra.store(issue)
        job.issue_id = issue.id
        finish(job, IssueState.DONE)
        audit.record(
            "recommendations.issued", process, version=number, documents=len(rendered), by=job.requested_by_id
        )
        db.session.commit()
    except IntegrityError:  # another job issued this number meanwhile
        db.session.rollback()
        _fail(job_id, FAILURE_RACE)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("storing the issue of job %s failed", job_id)
        _fail(job_id, FAILURE_RENDERING)


def _store(job: IssueJob, process: Process, number: int, issued_at: datetime, content: dict, rendered: list):
    issue = DocumentIssue(
        territory_id=process.territory_id,
        process_id=process.id,
        number=number,
        issued_at=issued_at,
        issued_by_id=job.requested_by_id,
        note=job.note,
        languages=list(job.languages),
        content=content,
    )
    for document in rendered:
        issue.documents.append(
            IssuedDocument(
                territory_id=process.territory_id,
                kind=document.kind,
                language=document.language,
                addressee_id=document.addressee_id,
                addressee_name=document.addressee_name,
                filename=_filename(process, number, document),
                pages=document.pages,
                size=len(document.pdf),
                sha256=hashlib.sha256(document.pdf).hexdigest(),
                pdf=document.pdf,
            )
        )
    db.session.add(issue)
    db.session.flush()
    return issue


def _extended(letter: dict, extras: list[LetterExtras]) -> dict:
    """``letter`` with what the registered features print on it (its fingerprint was taken before)."""
    extended = dict(letter)
    for extra in extras:
        extended.update(extra.context(letter))
    return extended


def _render(job: IssueJob, template: str, context: dict, kind: DocumentKind, language: str) -> _Rendered:
    result = render_pdf(template, language=language, **context)
    job.done += 1
    job.heartbeat_at = now()
    db.session.commit()  # progress only: the documents themselves are written at the end
    return _Rendered(
        kind=kind,
        language=language,
        pdf=result.pdf,
        pages=result.pages,
        addressee_id=context.get("addressee_id"),
        addressee_name=context.get("addressee", ""),
    )


def _key(kind: DocumentKind, language: str, addressee: str) -> str:
    return f"{kind.value}/{language}/{addressee}"


def _fail(job_id: int, failure: str) -> None:
    job = db.session.get(IssueJob, job_id)
    if job is not None:
        finish(job, IssueState.FAILED, failure)
        db.session.commit()


def slug(text: str) -> str:
    """``text`` as a file name part: ASCII letters and digits, dashes between words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "document"


def _filename(process: Process, number: int, document: _Rendered) -> str:
    base = f"recommendations-{process.id}-v{number}"
    if document.kind is DocumentKind.LETTER:
        base += f"-letter-{slug(document.addressee_name)}"
    return f"{base}-{document.language}.pdf"


@event.listens_for(Session, "before_flush")
def _issued_versions_never_change(session: Session, _context, _instances) -> None:
    """Neither a changed nor a deleted version or document is ever written (the database refuses changes too)."""
    for record in [*session.dirty, *session.deleted]:
        if isinstance(record, DocumentIssue | IssuedDocument) and (
            record in session.deleted or session.is_modified(record)
        ):
            raise ImmutableIssue(f"{record!r} is issued: it cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_changes_to_issued_versions(execute_state) -> None:
    if execute_state.is_update or execute_state.is_delete:
        mapper = execute_state.bind_mapper
        if mapper is not None and mapper.class_ in (DocumentIssue, IssuedDocument):
            raise ImmutableIssue("issued versions cannot be changed or deleted")
