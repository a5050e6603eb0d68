"""The follow-up of a process as its overview shows it: who sees which recommendations, where each one stands per
body and per service, what is counted and how, and the commitments coming due.

Counting follows one method, said on the page: for each recommendation and each body it is addressed to, the
latest entry that answers it gives its status; "received" is not an answer (a thread whose entries only say so is
*acknowledged*), a thread without any entry is *unanswered*, and neither is ever counted as rejected. A
recommendation forwarded to another body is counted once, at the body it was forwarded to. Dates are the
territory's (:func:`toolkit.answers.threads.today`). Every lookup is batched: the number of queries does not grow
with the number of recommendations or answers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ..access import Permission, Role
from ..barriers.models import Barrier
from ..codesign.models import Proposal, proposal_barriers
from ..extensions import db
from ..recommendations.models import (
    recommendation_barriers,
    recommendation_organisations,
    recommendation_proposals,
)
from ..services.models import Service
from ..territories.models import Organisation
from .models import Answer, AnswerStatus, Commitment
from .threads import Standing, Thread, date_standing

#: The commitments listed as coming due: those due within this many days, and those past their date.
COMMITMENTS_AHEAD_DAYS = 30

#: Rows of the statistics that are not an answer's status.
UNANSWERED = "unanswered"
ACKNOWLEDGED = "acknowledged"


def sees_everything(permissions, roles) -> bool:
    """Whether a reader sees the follow-up of every recommendation: those who follow up (coordinators,
    facilitators) and everyone who reads the processes without being an association's member (operators,
    translators, network coordinators); an association's members see what their organisation took part in."""
    return Permission.FOLLOW_UP in permissions or Role.ASSOCIATION_MEMBER not in roles


def taken_part_in(threads: list[Thread], organisation: Organisation | None) -> set[int]:
    """The recommendations (ids) of ``threads`` that ``organisation`` took part in: it co-designed them (named
    among their organisations, as issued or since), or it wrote a proposal or described a barrier behind them."""
    if organisation is None or not threads:
        return set()
    issued = {thread.recommendation_id: thread.issued for thread in threads}
    ids = list(issued)
    found = {
        recommendation_id
        for recommendation_id, entry in issued.items()
        if organisation.name in (entry.get("organisations") or [])
    }
    found.update(
        db.session.scalars(
            select(recommendation_organisations.c.recommendation_id).where(
                recommendation_organisations.c.recommendation_id.in_(ids),
                recommendation_organisations.c.organisation_id == organisation.id,
            )
        )
    )
    found.update(
        db.session.scalars(
            select(recommendation_proposals.c.recommendation_id)
            .join(Proposal, Proposal.id == recommendation_proposals.c.proposal_id)
            .where(
                recommendation_proposals.c.recommendation_id.in_(ids),
                Proposal.organisation_id == organisation.id,
            )
        )
    )
    evidence = {b: r for r, entry in issued.items() for b in entry.get("evidence") or []}
    linked = db.session.execute(
        select(recommendation_barriers.c.recommendation_id, Barrier.id)
        .join(Barrier, Barrier.id == recommendation_barriers.c.barrier_id)
        .where(
            recommendation_barriers.c.recommendation_id.in_(ids),
            Barrier.organisation_id == organisation.id,
        )
    ).all()
    found.update(recommendation_id for recommendation_id, _barrier in linked)
    if evidence:
        found.update(
            evidence[barrier_id]
            for barrier_id in db.session.scalars(
                select(Barrier.id).where(
                    Barrier.id.in_(list(evidence)), Barrier.organisation_id == organisation.id
                )
            )
        )
    return found


def services_of(threads: list[Thread]) -> tuple[dict[int, list[int]], dict[int, Service]]:
    """The services each recommendation (by id) is about, and the services by id: those of the barriers it was
    issued with as evidence and of the barriers its proposals answer (the issued version names no service)."""
    issued = {thread.recommendation_id: thread.issued for thread in threads}
    if not issued:
        return {}, {}
    about: dict[int, set[int]] = defaultdict(set)
    evidence = defaultdict(list)
    for recommendation_id, entry in issued.items():
        for barrier_id in entry.get("evidence") or []:
            evidence[barrier_id].append(recommendation_id)
    if evidence:
        for barrier_id, service_id in db.session.execute(
            select(Barrier.id, Barrier.service_id).where(Barrier.id.in_(list(evidence)))
        ):
            for recommendation_id in evidence[barrier_id]:
                about[recommendation_id].add(service_id)
    for recommendation_id, service_id in db.session.execute(
        select(recommendation_proposals.c.recommendation_id, Barrier.service_id)
        .join(proposal_barriers, proposal_barriers.c.proposal_id == recommendation_proposals.c.proposal_id)
        .join(Barrier, Barrier.id == proposal_barriers.c.barrier_id)
        .where(recommendation_proposals.c.recommendation_id.in_(list(issued)))
    ):
        about[recommendation_id].add(service_id)
    wanted = {service_id for ids in about.values() for service_id in ids}
    services = (
        {service.id: service for service in db.session.scalars(select(Service).where(Service.id.in_(wanted)))}
        if wanted
        else {}
    )
    return (
        {recommendation_id: sorted(ids & services.keys()) for recommendation_id, ids in about.items()},
        services,
    )


def counted_status(thread: Thread) -> str:
    """What the statistics count ``thread`` as: the status of its latest entry that answers, else acknowledged
    (only "received" so far) or unanswered (nothing yet)."""
    for answer in reversed(thread.answers):
        if answer.status.is_answer:
            return answer.status.value
    return ACKNOWLEDGED if thread.answers else UNANSWERED


def counted(threads: list[Thread]) -> list[Thread]:
    """The threads the statistics count: a recommendation forwarded away is counted at its new body only."""
    return [thread for thread in threads if thread.standing() is not Standing.FORWARDED]


#: The rows of the statistics, in order.
STATISTICS_ROWS = (
    UNANSWERED,
    ACKNOWLEDGED,
    AnswerStatus.ACCEPTED.value,
    AnswerStatus.PARTLY_ACCEPTED.value,
    AnswerStatus.IN_PROGRESS.value,
    AnswerStatus.IMPLEMENTED.value,
    AnswerStatus.REJECTED.value,
    AnswerStatus.NOT_OUR_COMPETENCE.value,
)


@dataclass
class Statistics:
    rows: list[tuple[str, int]]
    total: int
    forwarded: int


def statistics(threads: list[Thread]) -> Statistics:
    kept = counted(threads)
    counts = Counter(counted_status(thread) for thread in kept)
    return Statistics(
        rows=[(row, counts.get(row, 0)) for row in STATISTICS_ROWS],
        total=len(kept),
        forwarded=len(threads) - len(kept),
    )


@dataclass
class DueCommitment:
    thread: Thread
    commitment: Commitment
    standing: Standing


def commitments_coming_due(threads: list[Thread], on: date) -> list[DueCommitment]:
    """The current commitments (those of each body's latest answer) due within :data:`COMMITMENTS_AHEAD_DAYS`
    days of ``on``, or past their date, the earliest first."""
    until = on + timedelta(days=COMMITMENTS_AHEAD_DAYS)
    listed = [
        DueCommitment(thread, commitment, date_standing(commitment.due_on, on))
        for thread in counted(threads)
        for commitment in thread.commitments
        if commitment.due_on is not None and commitment.due_on <= until
    ]
    listed.sort(key=lambda item: (item.commitment.due_on, item.thread.organisation.name))
    return listed


@dataclass
class Group:
    """The threads of one body, or of one service (None: a recommendation about no service named)."""

    key: object
    threads: list[Thread] = field(default_factory=list)

    def count(self, standing: Standing, on: date) -> int:
        return sum(1 for thread in self.threads if thread.standing(on) is standing)

    @property
    def answered(self) -> int:
        return sum(1 for thread in self.threads if thread.answered)


def by_addressee(threads: list[Thread]) -> list[Group]:
    groups: dict[int, Group] = {}
    for thread in threads:
        groups.setdefault(thread.organisation.id, Group(thread.organisation)).threads.append(thread)
    return sorted(groups.values(), key=lambda group: group.key.name)


def by_service(
    threads: list[Thread], about: dict[int, list[int]], services: dict[int, Service]
) -> list[Group]:
    groups: dict[int | None, Group] = {}
    for thread in threads:
        for service_id in about.get(thread.recommendation_id) or [None]:
            key = services[service_id] if service_id is not None else None
            groups.setdefault(service_id, Group(key)).threads.append(thread)
    named = [group for service_id, group in groups.items() if service_id is not None]
    named.sort(key=lambda group: group.key.id)
    return named + ([groups[None]] if None in groups else [])


def answers_of_recommendation(process_id: int, recommendation_id: int) -> list[Answer]:
    """Every answer to one recommendation, by any body, oldest first, with what the timeline shows of them."""
    from sqlalchemy.orm import selectinload

    return list(
        db.session.scalars(
            select(Answer)
            .where(Answer.process_id == process_id, Answer.recommendation_id == recommendation_id)
            .options(
                selectinload(Answer.commitments),
                selectinload(Answer.organisation),
                selectinload(Answer.user),
                selectinload(Answer.link),
            )
            .order_by(Answer.id)
        )
    )
