"""Each territory keeps participants' data for a retention period after a process ends; :func:`purge` then
forgets pseudonyms and return codes and the participants' words that no issued version stands on."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from .. import audit
from ..barriers.models import Barrier, Testimony
from ..codesign.models import Proposal
from ..extensions import db
from ..processes.models import Process
from ..recommendations.models import Comment, Recommendation
from ..territories.models import Territory
from ..workshops.models import Participant, ServiceCandidate, ServiceProposal, Workshop, WorkshopState
from .common import aware, delete_testimonies, first_issue_holding, gone, now, owned_by, process_issues
from .withdrawal import erase_barrier_words, erase_proposal_words, erase_service_reasons

#: The shortest and longest retention periods a coordinator may choose.
RETENTION_RANGE = (1, 120)


def set_retention(territory: Territory, months: int) -> None:
    """Change how many months the territory keeps participants' data after a process ends."""
    before = territory.retention_months
    territory.retention_months = months
    audit.record(
        "territory.retention_changed", territory, territory_id=territory.id, before=before, months=months
    )


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def process_end(process: Process) -> date | None:
    """The day a process ended, from which its retention period runs: the latest of its planned last day, the
    last day of its review round and the day its last workshop closed. None while a workshop is planned or
    open, or when the process has no end at all (it is still running)."""
    if any(workshop.state is not WorkshopState.CLOSED for workshop in process.workshops):
        return None
    days = [process.ends_on, process.review_until]
    days += [aware(w.closed_at).date() for w in process.workshops if w.closed_at is not None]
    days = [day for day in days if day is not None]
    return max(days) if days else None


@dataclass
class PurgePlan:
    """One process of one territory, and what the purge does (or would do) to it."""

    territory: Territory
    process: Process
    ended_on: date | None
    purge_on: date | None
    due: bool
    counts: Counter = field(default_factory=Counter)


def plans(today: date | None = None) -> list[PurgePlan]:
    """Every process of every territory, with when its participants' data is due to be purged."""
    today = today or now().date()
    found = []
    territories = db.session.scalars(select(Territory).order_by(Territory.slug)).all()
    for territory in territories:
        for process in owned_by(Process, Process.territory_id, territory.id, Process.workshops):
            ended = process_end(process)
            purge_on = add_months(ended, territory.retention_months) if ended is not None else None
            found.append(
                PurgePlan(territory, process, ended, purge_on, purge_on is not None and purge_on <= today)
            )
    return found


def purge(today: date | None = None, dry_run: bool = False) -> list[PurgePlan]:
    """Purge every process whose retention period is over (see :func:`purge_process`); with ``dry_run``, only
    count what would be purged. Returns every process with what was (or would be) done."""
    found = plans(today)
    for plan in found:
        if plan.due:
            plan.counts = purge_process(plan.process, dry_run=dry_run)
    return found


def purge_process(process: Process, dry_run: bool = False) -> Counter:
    """Forget the participant data of an ended process: pseudonyms and return codes, and the words participants
    wrote that no issued version stands on (barriers, stories, proposals, reasons for services, comments, with
    their translations). What issued versions stand on, and every count (participants, their roles and
    languages, barriers, supports, dots, endorsements), stays. Running it again changes nothing."""
    counts: Counter = Counter()
    issues = process_issues(process.id)
    participants = db.session.scalars(
        select(Participant)
        .join(Workshop, Workshop.id == Participant.workshop_id)
        .where(Workshop.process_id == process.id)
    ).all()
    participant_ids = [p.id for p in participants]
    for participant in participants:
        if participant.pseudonym:
            counts["pseudonyms"] += 1
            if not dry_run:
                participant.pseudonym = ""
        if participant.return_code_digest:
            counts["return_codes"] += 1
            if not dry_run:
                participant.return_code_digest = None
    if participant_ids:
        _purge_words(process, participant_ids, issues, counts, dry_run)
    if not dry_run and sum(counts.values()):
        audit.record("process.purged", process, **dict(sorted(counts.items())))
    return counts


def _purge_words(
    process: Process, participant_ids: list[int], issues, counts: Counter, dry_run: bool
) -> None:
    by_participant = Barrier.participant_id.in_(participant_ids)
    barriers = db.session.scalars(
        select(Barrier).where(Barrier.process_id == process.id, by_participant, Barrier.text != "")
    ).all()
    for barrier in barriers:
        if first_issue_holding(barrier, issues) is None:
            counts["barriers"] += 1
            if not dry_run:
                erase_barrier_words(barrier)
    testimonies = [
        t
        for t in db.session.scalars(
            select(Testimony).where(
                Testimony.process_id == process.id, Testimony.participant_id.in_(participant_ids)
            )
        )
        if not gone(t) and first_issue_holding(t, issues) is None
    ]
    counts["testimonies"] += len(testimonies)
    if not dry_run:
        counts["quotes"] += delete_testimonies(testimonies, "purged")
    proposals = db.session.scalars(
        select(Proposal).where(
            Proposal.process_id == process.id,
            Proposal.participant_id.in_(participant_ids),
            Proposal.change != "",
        )
    ).all()
    for proposal in proposals:
        if first_issue_holding(proposal, issues) is None:
            counts["proposals"] += 1
            if not dry_run:
                erase_proposal_words(proposal)
    reasons = db.session.scalars(
        select(ServiceProposal)
        .join(ServiceCandidate, ServiceCandidate.id == ServiceProposal.candidate_id)
        .where(
            ServiceCandidate.process_id == process.id,
            ServiceProposal.participant_id.in_(participant_ids),
            ServiceProposal.reason != "",
        )
    ).all()
    counts["service_reasons"] += len(reasons)
    comments = db.session.scalars(
        select(Comment)
        .join(Recommendation, Recommendation.id == Comment.recommendation_id)
        .where(Recommendation.process_id == process.id, Comment.participant_id.in_(participant_ids))
    ).all()
    counts["comments"] += len(comments)
    if not dry_run:
        erase_service_reasons(reasons)
        for comment in comments:
            db.session.delete(comment)
    for key in [key for key, value in counts.items() if not value]:
        del counts[key]
