"""``flask --app toolkit purge``: after a territory's retention period, a closed process forgets its participants'
nicknames, return codes and the words no issued version stands on; counts and issued documents stay."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from toolkit.audit import AuditEntry
from toolkit.barriers.models import Barrier, BarrierStatus
from toolkit.codesign.models import Proposal
from toolkit.extensions import db
from toolkit.recommendations.models import Comment, IssuedDocument, Quote
from toolkit.translating.models import SourceKind, TextTranslation
from toolkit.workshops.models import Participant, ServiceProposal

from ..routes import snapshot
from . import helpers


def _digests() -> dict[int, str]:
    return {d.id: hashlib.sha256(d.pdf).hexdigest() for d in db.session.scalars(select(IssuedDocument))}


def _translated(kind: SourceKind) -> set[int]:
    return set(
        db.session.scalars(select(TextTranslation.source_id).where(TextTranslation.source_kind == kind))
    )


def test_purge_forgets_what_no_issued_version_stands_on_and_keeps_the_rest(app, runner, make):
    territory = make.territory()
    old = helpers.room(make, territory)
    recent = helpers.room(make, territory, issue=False, ended_days_ago=30)
    digests = _digests()
    stored_sha = {d.id: d.sha256 for d in db.session.scalars(select(IssuedDocument))}
    content = dict(old.issue.content)

    before = snapshot()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would purge" in dry.output
    assert f"process {old.process.id}" in dry.output and "2 pseudonyms" in dry.output
    assert f"process {recent.process.id}" in dry.output and "kept until" in dry.output
    assert snapshot() == before, "--dry-run changed the database"

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "purged" in result.output

    old_people = [db.session.get(Participant, p.id) for p in old.participants]
    assert [(p.pseudonym, p.return_code_digest) for p in old_people] == [("", None), ("", None)]
    assert [p.role.value for p in old_people] == ["resident", "resident"]  # counts by role stay
    # The barrier printed in version 1 keeps its words and translation; the other one loses them.
    assert db.session.get(Barrier, old.printed.id).text == helpers.PRINTED
    unprinted = db.session.get(Barrier, old.unprinted.id)
    assert (unprinted.text, unprinted.groups_affected) == ("", "")
    assert unprinted.status is BarrierStatus.KEPT  # it still counts
    assert old.unprinted.id not in _translated(SourceKind.BARRIER)
    assert old.printed.id in _translated(SourceKind.BARRIER)
    assert helpers.stories(old.process) == [helpers.PRINTED_STORY]  # quoted in version 1
    assert helpers.stories(recent.process) == [helpers.PRINTED_STORY, helpers.UNPRINTED_STORY]
    assert db.session.scalar(select(func.count()).select_from(Quote)) == 2  # both processes' quotes
    assert db.session.get(Proposal, old.chosen.id).change == helpers.CHOSEN_PROPOSAL
    assert db.session.get(Proposal, old.other.id).change == ""
    reasons = db.session.scalars(select(ServiceProposal.reason).order_by(ServiceProposal.id)).all()
    assert reasons == ["", helpers.REASON]  # the recent process keeps its reason
    assert db.session.scalars(select(Comment.text)).all() == [helpers.COMMENT]  # the recent one
    assert _translated(SourceKind.SERVICE_REASON) == {
        db.session.scalar(select(ServiceProposal.id).where(ServiceProposal.reason != ""))
    }

    # The process inside its retention period is untouched.
    recent_people = [db.session.get(Participant, p.id) for p in recent.participants]
    assert [p.pseudonym for p in recent_people] == ["Nour", "Volpe"]
    assert all(p.return_code_digest for p in recent_people)
    assert db.session.get(Barrier, recent.unprinted.id).text == helpers.UNPRINTED

    # Issued documents never change.
    assert _digests() == digests
    assert {d.id: d.sha256 for d in db.session.scalars(select(IssuedDocument))} == stored_sha
    assert db.session.get(type(old.issue), old.issue.id).content == content

    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "process.purged")).all()
    assert len(entries) == 1
    assert entries[0].target_id == old.process.id
    assert entries[0].details["pseudonyms"] == 2
    assert entries[0].details["barriers"] == 1

    # Running it again changes nothing.
    purged = snapshot()
    again = runner.invoke(args=["purge"])
    assert again.exit_code == 0, again.output
    assert snapshot() == purged


def test_a_process_with_an_open_workshop_or_a_shorter_period_follows_its_territory(app, runner, make):
    territory = make.territory()
    territory.retention_months = 1
    db.session.commit()
    ended = helpers.room(make, territory, issue=False, ended_days_ago=45)
    running = make.live_workshop(territory)  # open: its process has not ended
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "not ended" in result.output
    assert [db.session.get(Participant, p.id).pseudonym for p in ended.participants] == ["", ""]
    assert running.state.value == "open"
