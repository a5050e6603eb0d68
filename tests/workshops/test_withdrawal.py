"""Withdrawing a contribution erases its words: the description, who is affected, the story and every translation;
the phone says beforehand when the documents issued to the council already hold it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import func, select

from toolkit.access import Role
from toolkit.accounts import operations as accounts
from toolkit.audit import AuditEntry
from toolkit.barriers import models as barriers
from toolkit.barriers.models import Barrier, BarrierStatus
from toolkit.codesign.models import Proposal, ProposalStatus
from toolkit.extensions import db
from toolkit.i18n import LANGUAGE_COOKIE
from toolkit.processes.models import StepKind
from toolkit.recommendations import issuing
from toolkit.recommendations import operations as recommendations
from toolkit.recommendations.models import DocumentIssue, IssuedDocument, Quote
from toolkit.translating.models import (
    MachineRequest,
    MachineRequestState,
    SourceKind,
    TextTranslation,
)
from toolkit.workshops.models import Participant

from ..retention.helpers import translate
from .helpers import barrier_fields, join

DESCRIPTION = "Allo sportello nessuno parla arabo e non c'è un mediatore."
AFFECTED = "Donne appena arrivate"
STORY = "Sono andata tre volte e nessuno mi ha spiegato quali carte servivano."


def _ask_machine(record, kind: SourceKind, language: str = "en") -> None:
    db.session.add(
        MachineRequest(
            territory_id=record.territory_id,
            source_kind=kind,
            source_id=record.id,
            process_id=record.process_id,
            language=language,
            state=MachineRequestState.PENDING,
            requested_at=datetime.now(UTC),
        )
    )


def _barrier_with_story(app, client, make):
    """A participant's barrier with its story, translated by a person and waiting for a machine draft."""
    territory = make.territory()
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    join(client, workshop)
    service = workshop.process.services[0]
    data = barrier_fields(
        client, workshop, service, text=DESCRIPTION, groups_affected=AFFECTED, testimony=STORY
    )
    assert client.post(f"/w/{workshop.join_code}/barriers", data=data).status_code == 302
    barrier = db.session.scalar(select(Barrier))
    testimony = barrier.testimonies[0]
    translate(barrier, SourceKind.BARRIER, {"text": "لا أحد يتكلم العربية", "groups_affected": "النساء"})
    translate(testimony, SourceKind.TESTIMONY, {"text": "ذهبت ثلاث مرات"})
    _ask_machine(barrier, SourceKind.BARRIER)
    _ask_machine(testimony, SourceKind.TESTIMONY)
    db.session.commit()
    return territory, workshop, barrier, testimony


def _words_in_database() -> list[str]:
    """Every text the tables hold that could carry the participant's words."""
    rows = [
        *db.session.scalars(select(Barrier.text)),
        *db.session.scalars(select(Barrier.groups_affected)),
        *db.session.scalars(select(barriers.Testimony.text)),
        *db.session.scalars(select(Quote.text)),
        *(str(texts) for texts in db.session.scalars(select(TextTranslation.texts))),
    ]
    return [row for row in rows if row]


def test_a_withdrawn_barrier_keeps_no_words_in_the_database_nor_on_the_moderation_page(
    app, client, make, login
):
    territory, workshop, barrier, _story = _barrier_with_story(app, client, make)
    code = workshop.join_code

    client.set_cookie(LANGUAGE_COOKIE, "en")  # the participant switches the phone to English
    confirm = client.get(f"/w/{code}/barriers/{barrier.id}/withdraw")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Withdrawing erases what you wrote" in page
    assert "already in the documents issued" not in page  # nothing issued yet
    assert barrier.text == DESCRIPTION  # opening the page changes nothing

    response = client.post(f"/w/{code}/barriers/{barrier.id}/withdraw")
    assert response.status_code == 302
    mine = client.get(f"/w/{code}/mine").get_data(as_text=True)
    assert "Your contribution is withdrawn and its words are erased" in mine
    assert DESCRIPTION not in mine

    stored = db.session.get(Barrier, barrier.id)
    assert stored.status is BarrierStatus.WITHDRAWN
    assert (stored.text, stored.groups_affected) == ("", "")
    assert stored.service_id == workshop.process.services[0].id  # the row stays, without words
    assert db.session.scalar(select(func.count()).select_from(barriers.Testimony)) == 0
    assert db.session.scalar(select(func.count()).select_from(TextTranslation)) == 0
    assert db.session.scalar(select(func.count()).select_from(MachineRequest)) == 0
    assert _words_in_database() == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "barrier.withdrawn"))
    assert entry is not None and entry.user_id is None

    facilitator = make.user(Role.FACILITATOR, territory, locale="en")
    moderation = login(facilitator).get(f"/t/{territory.slug}/workshops/{workshop.id}/moderation")
    page = moderation.get_data(as_text=True)
    assert moderation.status_code == 200
    assert "Withdrawn by its author" in page
    for words in (DESCRIPTION, AFFECTED, STORY, "لا أحد يتكلم العربية", "ذهبت ثلاث مرات"):
        assert words not in page


def test_the_phone_says_when_issued_documents_already_hold_the_barrier(app, client, make):
    _territory, workshop, barrier, testimony = _barrier_with_story(app, client, make)
    process = workshop.process
    draft = make.recommendation(process)
    draft.barriers = [barrier]
    recommendations.add_quote(draft, testimony, "Sono andata tre volte e nessuno mi ha spiegato.")
    db.session.commit()
    job = issuing.request_issue(process, ["it"], "", None)
    db.session.commit()
    issuing.run(job.id)
    issue = db.session.scalar(select(DocumentIssue))
    assert issue is not None, "the version was not issued"
    digests = {d.id: hashlib.sha256(d.pdf).hexdigest() for d in db.session.scalars(select(IssuedDocument))}
    content = dict(issue.content)
    code = workshop.join_code

    client.set_cookie(LANGUAGE_COOKIE, "en")
    page = client.get(f"/w/{code}/barriers/{barrier.id}/withdraw")
    text = page.get_data(as_text=True)
    assert "This is already in the documents issued to the council on" in text
    assert "not from documents already issued" in text

    client.post(f"/w/{code}/barriers/{barrier.id}/withdraw")
    # The quote drawn from the story leaves the draft; the issued version stays exactly as it was.
    assert db.session.scalar(select(func.count()).select_from(Quote)) == 0
    assert db.session.get(DocumentIssue, issue.id).content == content
    assert {d.id: hashlib.sha256(d.pdf).hexdigest() for d in db.session.scalars(select(IssuedDocument))} == (
        digests
    )
    assert (
        db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "recommendation.quote_removed")
        ).target_id
        == draft.id
    )


def test_a_withdrawn_proposal_loses_its_words_and_translations(app, client, make, login):
    territory = make.territory()
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    join(client, workshop)
    participant = db.session.scalar(select(Participant))
    ids = make.contributions(workshop)
    barrier = db.session.get(Barrier, ids["barrier_id"])
    proposal = make.proposal_for(
        workshop, [barrier], change="Un mediatore il martedì", participant=participant
    )
    translate(proposal, SourceKind.PROPOSAL, {"change": "وسيط ثقافي يوم الثلاثاء"})
    _ask_machine(proposal, SourceKind.PROPOSAL)
    db.session.commit()

    client.set_cookie(LANGUAGE_COOKIE, "en")
    page = client.get(f"/w/{workshop.join_code}/proposals/{proposal.id}/withdraw")
    assert "Withdrawing erases what you wrote" in page.get_data(as_text=True)
    assert client.post(f"/w/{workshop.join_code}/proposals/{proposal.id}/withdraw").status_code == 302

    stored = db.session.get(Proposal, proposal.id)
    assert stored.status is ProposalStatus.WITHDRAWN
    assert (stored.change, stored.who_acts) == ("", "")
    assert stored.barriers == [barrier]  # what it answered stays, as history
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(TextTranslation)
            .where(TextTranslation.source_kind == SourceKind.PROPOSAL)
        )
        == 0
    )
    assert db.session.scalar(select(func.count()).select_from(MachineRequest)) == 0
    facilitator = make.user(Role.FACILITATOR, territory, locale="en")
    listed = login(facilitator).get(f"/t/{territory.slug}/processes/{workshop.process_id}/proposals")
    assert "Un mediatore il martedì" not in listed.get_data(as_text=True)
    assert "Withdrawn by its author" in listed.get_data(as_text=True)


def test_an_association_withdraws_its_own_barrier_only(app, make, login):
    territory = make.territory()
    workshop = make.live_workshop(territory)
    ours, theirs = make.organisation(territory, "Noi"), make.organisation(territory, "Loro")
    member = make.user(Role.ASSOCIATION_MEMBER, territory, locale="en")
    accounts.set_organisation(member, territory, ours)
    db.session.commit()
    ids = make.contributions(workshop)
    barrier = db.session.get(Barrier, ids["barrier_id"])
    barrier.participant_id, barrier.organisation_id = None, ours.id
    other = make.contributions(workshop)
    foreign = db.session.get(Barrier, other["barrier_id"])
    foreign.participant_id, foreign.organisation_id = None, theirs.id
    db.session.commit()
    client = login(member)
    base = f"/t/{territory.slug}/processes/{workshop.process_id}/our-input"

    assert client.get(f"{base}/{foreign.id}/withdraw").status_code == 404
    assert client.post(f"{base}/{foreign.id}/withdraw").status_code == 404
    assert "Withdrawing erases what you wrote" in client.get(f"{base}/{barrier.id}/withdraw").get_data(
        as_text=True
    )
    assert client.post(f"{base}/{barrier.id}/withdraw").status_code == 302
    assert db.session.get(Barrier, barrier.id).text == ""
    assert db.session.get(Barrier, barrier.id).status is BarrierStatus.WITHDRAWN
    assert db.session.get(Barrier, foreign.id).text != ""


def test_withdrawing_a_merged_barrier_takes_its_story_from_the_barrier_kept(app, client, make):
    from toolkit.barriers import operations as barrier_operations

    _territory, workshop, barrier, _story = _barrier_with_story(app, client, make)
    kept = db.session.get(Barrier, make.contributions(workshop)["barrier_id"])
    kept.service_id = barrier.service_id
    barrier_operations.merge_barriers(barrier, kept)
    db.session.commit()
    assert [t.text for t in kept.testimonies] == [STORY]

    assert client.post(f"/w/{workshop.join_code}/barriers/{barrier.id}/withdraw").status_code == 302
    assert db.session.get(Barrier, kept.id).testimonies == []
    assert db.session.get(Barrier, barrier.id).text == ""
    assert db.session.get(Barrier, kept.id).text == "Nessuno spiega quali documenti servono"
