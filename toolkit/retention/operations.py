"""What the toolkit forgets, and when.

- A contribution withdrawn by its author (a participant, or an association for its own input) loses its words:
  the description, who is affected, the story, the reason a facilitator gave for hiding it, and every
  translation and machine request of them. The row stays, without words, so that the author's list says
  "withdrawn", the proposals and recommendations that answered it keep their links, and issued versions keep
  the ids they name; withdrawn records count nowhere.
- Each territory keeps participants' data for a retention period after a process ends; :func:`purge` then
  forgets pseudonyms and return codes and the participants' words that no issued version stands on.
- A participant erases everything they wrote with their return code (:func:`erase_participant`).
- A coordinator exports (:func:`export_organisation`) or erases (:func:`erase_organisation`) an organisation.

Issued versions are never touched: their frozen content and PDFs stay exactly as issued. Views and commands
call these and commit; nothing here commits. Every change is audited, never naming a participant.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, inspect, select

from .. import audit
from ..accounts.models import User
from ..barriers.models import Barrier, BarrierStatus, Testimony
from ..codesign.models import FeasibilityAssessment, Proposal, ProposalStatus
from ..extensions import db
from ..processes.models import Participant, Process, Workshop, WorkshopState
from ..recommendations.models import (
    Comment,
    DocumentIssue,
    Endorsement,
    IssuedDocument,
    Quote,
    Recommendation,
    recommendation_proposals,
)
from ..services.models import Service
from ..territories.models import Membership, Organisation, Territory
from ..translating.models import MachineRequest, SourceKind, TextTranslation
from ..workshops.models import ServiceCandidate, ServiceProposal

#: Months a territory keeps participants' data after a process ends, unless its coordinators choose otherwise.
DEFAULT_RETENTION_MONTHS = 24
#: The shortest and longest retention periods a coordinator may choose.
RETENTION_RANGE = (1, 120)

#: Version of the organisation export's JSON structure (README, "Data protection"); raised on any change.
EXPORT_FORMAT = "toolkit-organisation-export"
EXPORT_VERSION = 1

PROPOSAL_TEXTS = ("change", "who_acts", "resources", "timeline", "expected_effect")


def now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they are UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


# --- translations of erased words ------------------------------------------------------------------------------


def drop_translations(kinds: tuple[SourceKind, ...], ids) -> int:
    """Delete the translations and machine requests of records ``ids`` of ``kinds``; how many translations."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    dropped = 0
    for model in (TextTranslation, MachineRequest):
        result = db.session.execute(
            delete(model).where(model.source_kind.in_(kinds), model.source_id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
        if model is TextTranslation:
            dropped = result.rowcount or 0
    return dropped


# --- what issued versions hold ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedVersion:
    """An issued version of a process: its number and when it was issued."""

    number: int
    issued_at: datetime


def _issues(process_id: int) -> list[tuple[IssuedVersion, dict]]:
    rows = db.session.execute(
        select(DocumentIssue.number, DocumentIssue.issued_at, DocumentIssue.content)
        .where(DocumentIssue.process_id == process_id)
        .order_by(DocumentIssue.number)
    ).all()
    return [(IssuedVersion(number, _aware(issued_at)), content or {}) for number, issued_at, content in rows]


def _recommendations_in(content: dict) -> dict[int, dict]:
    return {r.get("id"): r for r in content.get("recommendations", [])}


def _barrier_in(barrier: Barrier, version: IssuedVersion, content: dict) -> bool:
    sources = content.get("sources")
    if sources is not None:
        return barrier.id in sources.get("barriers", [])
    # Versions issued before their sources were recorded: the report printed every barrier that counted then.
    if any(barrier.id in r.get("evidence", []) for r in content.get("recommendations", [])):
        return True
    created = _aware(barrier.created_at)
    return created is not None and created <= version.issued_at and barrier.status is not BarrierStatus.MERGED


def _testimony_in(testimony: Testimony, content: dict, quotes: list[Quote]) -> bool:
    sources = content.get("sources")
    if sources is not None:
        return testimony.id in sources.get("testimonies", [])
    recommendations = _recommendations_in(content)
    return any(
        quote.text in [q.get("text") for q in recommendations[quote.recommendation_id].get("quotes", [])]
        for quote in quotes
        if quote.recommendation_id in recommendations
    )


def _proposal_in(
    proposal: Proposal, version: IssuedVersion, content: dict, recommendation_ids: set[int]
) -> bool:
    sources = content.get("sources")
    if sources is not None:
        return proposal.id in sources.get("proposals", [])
    created = _aware(proposal.created_at)
    return bool(recommendation_ids & set(_recommendations_in(content))) and (
        created is None or created <= version.issued_at
    )


def first_issue_holding(record, issues: list | None = None) -> IssuedVersion | None:
    """The first issued version whose documents print or stand on ``record`` (a barrier with its author's
    testimonies, a testimony, or a proposal), or None."""
    issues = _issues(record.process_id) if issues is None else issues
    if not issues:
        return None
    if isinstance(record, Barrier):
        testimonies = own_testimonies(record)
        quotes = _quotes_of([t.id for t in testimonies])
        for version, content in issues:
            if _barrier_in(record, version, content) or any(
                _testimony_in(t, content, [q for q in quotes if q.testimony_id == t.id]) for t in testimonies
            ):
                return version
        return None
    if isinstance(record, Testimony):
        quotes = _quotes_of([record.id])
        return next((v for v, content in issues if _testimony_in(record, content, quotes)), None)
    if isinstance(record, Proposal):
        recommendation_ids = set(
            db.session.scalars(
                select(recommendation_proposals.c.recommendation_id).where(
                    recommendation_proposals.c.proposal_id == record.id
                )
            )
        )
        return next(
            (v for v, content in issues if _proposal_in(record, v, content, recommendation_ids)), None
        )
    return None


def _quotes_of(testimony_ids: list[int]) -> list[Quote]:
    if not testimony_ids:
        return []
    return list(db.session.scalars(select(Quote).where(Quote.testimony_id.in_(testimony_ids))))


# --- erasing the words of one contribution ---------------------------------------------------------------------


def own_testimonies(barrier: Barrier) -> list[Testimony]:
    """The stories written with the barrier by its own author: a participant's wherever a merge took them, an
    organisation's or the room's only when no other barrier holds them (not those that followed a duplicate
    into it)."""
    return [
        testimony
        for testimony in barrier.testimonies
        if testimony.participant_id == barrier.participant_id
        and (barrier.participant_id is not None or {b.id for b in testimony.barriers} <= {barrier.id})
    ]


def gone(record) -> bool:
    """Whether ``record`` is deleted in this transaction (flushed or not)."""
    state = inspect(record)
    return state.deleted or state.was_deleted or record in db.session.deleted


def delete_testimonies(testimonies: list[Testimony], reason: str) -> int:
    """Delete testimonies and the quotes drawn from them in the recommendations (issued versions keep theirs);
    their translations go with them. Returns how many quotes were removed."""
    quotes = _quotes_of([t.id for t in testimonies])
    for quote in quotes:
        audit.record("recommendation.quote_removed", quote.recommendation, quote=quote.id, reason=reason)
        db.session.delete(quote)
    testimonies = [t for t in testimonies if not gone(t)]
    for testimony in testimonies:
        for barrier in list(testimony.barriers):
            if testimony in barrier.testimonies:
                barrier.testimonies.remove(testimony)
        db.session.delete(testimony)
    return len(quotes)


def erase_barrier_words(barrier: Barrier) -> dict[str, int]:
    """Erase what the author wrote in a barrier: description, who is affected, their story (and the quotes
    drawn from it), the facilitator's reason for hiding it, and all their translations."""
    testimonies = own_testimonies(barrier)
    quotes = delete_testimonies(testimonies, "erased")
    had_words = bool(barrier.text or barrier.groups_affected)
    barrier.text = ""
    barrier.groups_affected = ""
    barrier.hidden_reason = ""
    translations = drop_translations((SourceKind.BARRIER, SourceKind.BARRIER_HIDDEN), [barrier.id])
    return {
        "barriers": int(had_words),
        "testimonies": len(testimonies),
        "quotes": quotes,
        "translations": translations,
    }


def erase_proposal_words(proposal: Proposal) -> dict[str, int]:
    """Erase what the author wrote in a proposal, the reason a facilitator gave for hiding it, and their
    translations; the barriers it answered, its votes and what operators said of it stay."""
    had_words = any(getattr(proposal, name) for name in PROPOSAL_TEXTS)
    for name in PROPOSAL_TEXTS:
        setattr(proposal, name, "")
    proposal.hidden_reason = ""
    translations = drop_translations((SourceKind.PROPOSAL, SourceKind.PROPOSAL_HIDDEN), [proposal.id])
    return {"proposals": int(had_words), "translations": translations}


def withdraw_barrier(barrier: Barrier) -> dict[str, int]:
    """The author withdraws a barrier: it counts no more anywhere, and its words are erased."""
    barrier.status = BarrierStatus.WITHDRAWN
    barrier.merged_into_id = None
    barrier.updated_at = now()
    erased = erase_barrier_words(barrier)
    audit.record("barrier.withdrawn", barrier, quotes_removed=erased["quotes"])
    return erased


def withdraw_proposal(proposal: Proposal) -> dict[str, int]:
    """The author withdraws a proposal: nobody sees it any more, and its words are erased."""
    from ..codesign.operations import bump_process

    proposal.status = ProposalStatus.WITHDRAWN
    proposal.updated_at = now()
    erased = erase_proposal_words(proposal)
    audit.record("proposal.withdrawn", proposal)
    bump_process(proposal.process_id)
    return erased


# --- a participant erases everything they wrote ----------------------------------------------------------------


@dataclass
class ParticipantData:
    """What a participant wrote, as the erasure page lists it."""

    barriers: list[Barrier]
    testimonies: list[Testimony]
    proposals: list[Proposal]
    service_reasons: list[ServiceProposal]
    comments: list[Comment]
    #: Contributions already in issued versions, with the first version that holds each.
    issued: list[tuple[object, IssuedVersion]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "barriers": sum(1 for b in self.barriers if b.text or b.groups_affected),
            "testimonies": len(self.testimonies),
            "proposals": sum(1 for p in self.proposals if p.change),
            "service_reasons": sum(1 for r in self.service_reasons if r.reason),
            "comments": len(self.comments),
        }

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


def participant_data(participant: Participant) -> ParticipantData:
    """Everything ``participant`` wrote that still has words, and what of it issued versions already hold."""
    barriers = list(db.session.scalars(select(Barrier).where(Barrier.participant_id == participant.id)))
    data = ParticipantData(
        barriers=barriers,
        testimonies=list(
            db.session.scalars(select(Testimony).where(Testimony.participant_id == participant.id))
        ),
        proposals=list(db.session.scalars(select(Proposal).where(Proposal.participant_id == participant.id))),
        service_reasons=list(
            db.session.scalars(
                select(ServiceProposal).where(ServiceProposal.participant_id == participant.id)
            )
        ),
        comments=list(db.session.scalars(select(Comment).where(Comment.participant_id == participant.id))),
    )
    issues = _issues(participant.workshop.process_id)
    with_words = [b for b in data.barriers if b.text] + [p for p in data.proposals if p.change]
    for record in with_words:
        version = first_issue_holding(record, issues)
        if version is not None:
            data.issued.append((record, version))
    return data


def erase_participant(participant: Participant) -> dict[str, int]:
    """Erase every word ``participant`` wrote (barriers and proposals are withdrawn), their translations, their
    pseudonym and their return code. Their dots, supports and endorsements stay: they hold no words, and the
    rankings the room saw are kept."""
    data = participant_data(participant)
    counts = data.counts
    quotes = 0
    for barrier in data.barriers:
        if barrier.status in BarrierStatus.visible() or barrier.status is BarrierStatus.HIDDEN:
            barrier.status = BarrierStatus.WITHDRAWN
            barrier.updated_at = now()
        quotes += erase_barrier_words(barrier)["quotes"]
    quotes += delete_testimonies(data.testimonies, "erased")
    for proposal in data.proposals:
        if proposal.status is not ProposalStatus.WITHDRAWN:
            proposal.status = ProposalStatus.WITHDRAWN
            proposal.updated_at = now()
        erase_proposal_words(proposal)
    for reason in data.service_reasons:
        reason.reason = ""
    drop_translations((SourceKind.SERVICE_REASON,), [r.id for r in data.service_reasons])
    for comment in data.comments:
        db.session.delete(comment)
    participant.pseudonym = ""
    participant.return_code_digest = None
    workshop = participant.workshop
    audit.record("participant.erased", workshop, **counts, quotes_removed=quotes)
    from ..codesign.operations import bump_process

    bump_process(workshop.process_id)
    return counts


# --- retention and the purge -----------------------------------------------------------------------------------


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
    days += [_aware(w.closed_at).date() for w in process.workshops if w.closed_at is not None]
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
        processes = db.session.scalars(
            select(Process)
            .where(Process.territory_id == territory.id)
            .options(db.selectinload(Process.workshops))
            .order_by(Process.id)
        ).all()
        for process in processes:
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
    issues = _issues(process.id)
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
        for reason in reasons:
            reason.reason = ""
        drop_translations((SourceKind.SERVICE_REASON,), [r.id for r in reasons])
        for comment in comments:
            db.session.delete(comment)
    for key in [key for key, value in counts.items() if not value]:
        del counts[key]


# --- an organisation's data ------------------------------------------------------------------------------------


def members_of(organisation: Organisation) -> list[User]:
    """The people with an account who work for ``organisation`` in its territory."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation.id)
            .order_by(User.name, User.id)
        )
    )


def _owned(model, column, organisation: Organisation) -> list:
    """The records of ``model`` whose ``column`` points at ``organisation``, oldest first."""
    return list(db.session.scalars(select(model).where(column == organisation.id).order_by(model.id)))


def _organisation_records(organisation: Organisation) -> dict[str, list]:
    barriers = db.session.scalars(
        select(Barrier)
        .where(Barrier.organisation_id == organisation.id)
        .options(db.selectinload(Barrier.categories), db.selectinload(Barrier.testimonies))
        .order_by(Barrier.id)
    ).all()
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.organisation_id == organisation.id)
        .options(db.selectinload(Proposal.barriers))
        .order_by(Proposal.id)
    ).all()
    return {
        "barriers": list(barriers),
        "testimonies": [t for b in barriers for t in own_testimonies(b)],
        "proposals": list(proposals),
        "service_reasons": _owned(ServiceProposal, ServiceProposal.organisation_id, organisation),
        "endorsements": _owned(Endorsement, Endorsement.organisation_id, organisation),
        "comments": _owned(Comment, Comment.organisation_id, organisation),
        "feasibility_assessments": _owned(
            FeasibilityAssessment, FeasibilityAssessment.organisation_id, organisation
        ),
        "services": _owned(Service, Service.owner_id, organisation),
        "recommendations": _owned(Recommendation, Recommendation.addressee_id, organisation),
        "members": members_of(organisation),
    }


def organisation_counts(organisation: Organisation) -> dict[str, int]:
    """How many records of each kind the organisation has (what its erasure page lists)."""
    records = _organisation_records(organisation)
    counts = {name: len(items) for name, items in records.items()}
    # Letters already issued to it: they never change (only their link to it is emptied).
    counts["letters"] = db.session.scalar(
        select(func.count()).select_from(IssuedDocument).where(IssuedDocument.addressee_id == organisation.id)
    )
    return counts


def _when(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    return _aware(moment).isoformat() if isinstance(moment, datetime) else moment.isoformat()


def export_organisation(organisation: Organisation) -> dict:
    """Everything the toolkit holds of ``organisation``, as the JSON structure of version ``EXPORT_VERSION``."""
    records = _organisation_records(organisation)
    territory = db.session.get(Territory, organisation.territory_id)
    audit.record("organisation.exported", organisation, **{k: len(v) for k, v in records.items()})
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _when(now()),
        "territory": {"slug": territory.slug, "name": territory.name},
        "organisation": {
            "id": organisation.id,
            "name": organisation.name,
            "kind": organisation.kind.value,
            "contact_email": organisation.contact_email,
            "contact_phone": organisation.contact_phone,
            "description": dict(organisation.description or {}),
            "archived_at": _when(organisation.archived_at),
        },
        "members": [{"name": user.name, "email": user.email} for user in records["members"]],
        "barriers": [
            {
                "id": b.id,
                "process_id": b.process_id,
                "service_id": b.service_id,
                "categories": [c.id for c in b.categories],
                "text": b.text,
                "language": b.language,
                "frequency": b.frequency.value,
                "severity": b.severity.value,
                "groups_affected": b.groups_affected,
                "status": b.status.value,
                "created_at": _when(b.created_at),
                "testimonies": [
                    {"id": t.id, "text": t.text, "language": t.language, "may_quote": t.may_quote}
                    for t in own_testimonies(b)
                ],
            }
            for b in records["barriers"]
        ],
        "proposals": [
            {
                "id": p.id,
                "process_id": p.process_id,
                "barriers": [b.id for b in p.barriers],
                **{name: getattr(p, name) for name in PROPOSAL_TEXTS},
                "language": p.language,
                "status": p.status.value,
                "created_at": _when(p.created_at),
            }
            for p in records["proposals"]
        ],
        "service_proposals": [
            {
                "id": r.id,
                "process_id": r.candidate.process_id,
                "service_id": r.candidate.service_id,
                "name": r.candidate.name,
                "reason": r.reason,
                "language": r.language,
                "created_at": _when(r.created_at),
            }
            for r in records["service_reasons"]
        ],
        "endorsements": [
            {"recommendation_id": e.recommendation_id, "created_at": _when(e.created_at)}
            for e in records["endorsements"]
        ],
        "comments": [
            {
                "id": c.id,
                "recommendation_id": c.recommendation_id,
                "text": c.text,
                "language": c.language,
                "created_at": _when(c.created_at),
            }
            for c in records["comments"]
        ],
        "feasibility_assessments": [
            {
                "id": a.id,
                "proposal_id": a.proposal_id,
                "service_id": a.service_id,
                "verdict": a.verdict.value,
                "resources_needed": a.resources_needed,
                "competent_service_id": a.competent_service_id,
                "competent_body": a.competent_body,
                "comment": a.comment,
                "on_behalf": a.on_behalf,
                "created_at": _when(a.created_at),
            }
            for a in records["feasibility_assessments"]
        ],
        "services_owned": [{"id": s.id, "name": dict(s.name or {})} for s in records["services"]],
        "recommendations_addressed": [{"id": r.id, "title": r.title} for r in records["recommendations"]],
    }


def erase_organisation(organisation: Organisation) -> dict[str, int]:
    """Erase ``organisation`` and the words it sent: its barriers and proposals are withdrawn and erased, its
    stories, comments and endorsements deleted, its reasons for services and the words of its feasibility
    assessments erased (the verdicts stay, unsigned). Its services stay in the catalogue without an owner, its
    members keep their accounts without it, recommendations addressed to it lose their addressee. Issued
    versions never change: they keep its name as printed."""
    records = _organisation_records(organisation)
    counts = organisation_counts(organisation)
    for barrier in records["barriers"]:
        if barrier.status is not BarrierStatus.MERGED:
            barrier.status = BarrierStatus.WITHDRAWN
        erase_barrier_words(barrier)
        barrier.organisation_id = None
    for proposal in records["proposals"]:
        proposal.status = ProposalStatus.WITHDRAWN
        erase_proposal_words(proposal)
        proposal.organisation_id = None
    for reason in records["service_reasons"]:
        reason.reason = ""
        reason.organisation_id = None
    drop_translations((SourceKind.SERVICE_REASON,), [r.id for r in records["service_reasons"]])
    for item in [*records["comments"], *records["endorsements"]]:
        db.session.delete(item)
    for assessment in records["feasibility_assessments"]:
        assessment.resources_needed = assessment.competent_body = assessment.comment = ""
        assessment.organisation_id = None
    for service in records["services"]:
        service.owner_id = None
    for recommendation in records["recommendations"]:
        recommendation.addressee_id = None
    for user in records["members"]:
        user.memberships = [m for m in user.memberships if m.organisation_id != organisation.id]
    audit.record("organisation.erased", organisation, **counts)
    db.session.flush()
    db.session.delete(organisation)
    return counts
