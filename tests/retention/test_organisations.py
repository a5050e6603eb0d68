"""A coordinator exports everything of one organisation as JSON, or erases it; another territory's is not found."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select

from toolkit.access import Role
from toolkit.accounts import operations as accounts
from toolkit.audit import AuditEntry
from toolkit.barriers.models import Barrier, BarrierStatus, Frequency
from toolkit.codesign import operations as codesign
from toolkit.codesign.models import Feasibility, FeasibilityAssessment, Proposal
from toolkit.extensions import db
from toolkit.recommendations import operations as recommendations
from toolkit.recommendations.models import Comment, Endorsement, IssuedDocument, Recommendation
from toolkit.services.models import Service
from toolkit.territories.models import Organisation

WORDS = "Le famiglie non trovano le informazioni sul sito"


def _organisation_with_input(make):
    territory = make.territory()
    workshop = make.live_workshop(territory)
    organisation = make.organisation(territory, "Associazione Ponti")
    member = make.user(Role.ASSOCIATION_MEMBER, territory, name="Amina Rossi", email="amina@example.org")
    accounts.set_organisation(member, territory, organisation)
    service = workshop.process.services[0]
    service.owner_id = organisation.id
    barrier = make.barrier(
        workshop.process,
        service,
        text=WORDS,
        frequency=Frequency.ALWAYS,
        groups_affected="Genitori",
        testimony="Una madre ci ha raccontato",
        organisation=organisation,
    )
    proposal = make.proposal_for(workshop, [barrier], change="Una pagina in più lingue")
    proposal.organisation_id = organisation.id
    codesign.record_feasibility(
        proposal,
        service=service,
        verdict=Feasibility.NEEDS_RESOURCES,
        resources_needed="Un traduttore",
        competent_service=None,
        competent_body="",
        comment="Serve un budget",
        organisation=organisation,
        recorded_by_id=member.id,
        on_behalf=False,
    )
    draft = make.recommendation(workshop.process, [proposal])
    draft.addressee_id = organisation.id
    recommendations.add_comment(draft, "Siamo d'accordo", "it", None, organisation=organisation)
    recommendations.endorse(draft, True, organisation=organisation)
    db.session.commit()
    document = make.issued_document(workshop.process)
    return territory, organisation, member, barrier, proposal, draft, document


def test_the_export_holds_everything_of_the_organisation(app, make, login):
    territory, organisation, _member, barrier, _proposal, draft, _document = _organisation_with_input(make)
    coordinator = login(make.coordinator(territory))
    response = coordinator.get(f"/t/{territory.slug}/organisations/{organisation.id}/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert (data["format"], data["version"]) == ("toolkit-organisation-export", 1)
    assert data["organisation"]["name"] == "Associazione Ponti"
    assert data["members"] == [{"name": "Amina Rossi", "email": "amina@example.org"}]
    assert [b["text"] for b in data["barriers"]] == [WORDS]
    assert data["barriers"][0]["testimonies"][0]["text"] == "Una madre ci ha raccontato"
    assert [p["change"] for p in data["proposals"]] == ["Una pagina in più lingue"]
    assert data["proposals"][0]["barriers"] == [barrier.id]
    assert [c["text"] for c in data["comments"]] == ["Siamo d'accordo"]
    assert [e["recommendation_id"] for e in data["endorsements"]] == [draft.id]
    assert data["feasibility_assessments"][0]["comment"] == "Serve un budget"
    assert [s["id"] for s in data["services_owned"]] == [barrier.service_id]
    assert data["recommendations_addressed"] == [{"id": draft.id, "title": draft.title}]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.exported"))


def test_erasing_an_organisation_removes_its_records_and_never_an_issued_document(app, make, login):
    territory, organisation, member, barrier, proposal, draft, document = _organisation_with_input(make)
    digest = hashlib.sha256(document.pdf).hexdigest()
    coordinator = login(make.coordinator(territory, locale="en"))
    url = f"/t/{territory.slug}/organisations/{organisation.id}/erase"

    confirm = coordinator.get(url)
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "1 barrier: withdrawn" in page and "1 comment on a draft: deleted" in page
    assert "1 service it runs stays in the catalogue" in page
    assert db.session.get(Organisation, organisation.id) is not None  # nothing erased yet

    organisation_id = organisation.id
    assert coordinator.post(url).status_code == 302
    db.session.expunge(organisation)
    assert db.session.scalar(select(Organisation).where(Organisation.id == organisation_id)) is None
    stored = db.session.get(Barrier, barrier.id)
    assert (stored.text, stored.groups_affected, stored.status) == ("", "", BarrierStatus.WITHDRAWN)
    assert stored.organisation_id is None
    assert db.session.get(Proposal, proposal.id).change == ""
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    assert db.session.scalar(select(func.count()).select_from(Endorsement)) == 0
    assessment = db.session.scalar(select(FeasibilityAssessment))
    assert (assessment.comment, assessment.verdict) == ("", Feasibility.NEEDS_RESOURCES)
    assert db.session.get(Service, barrier.service_id).owner_id is None
    assert db.session.get(Recommendation, draft.id).addressee_id is None
    assert db.session.get(type(member), member.id).organisation_in(territory) is None
    assert db.session.get(type(member), member.id).active  # the person keeps their account
    assert hashlib.sha256(db.session.get(IssuedDocument, document.id).pdf).hexdigest() == digest
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.erased"))
    assert entry.details["barriers"] == 1


def test_another_territorys_organisation_is_not_found(app, make, login):
    territory, organisation, *_rest = _organisation_with_input(make)
    other = make.territory()
    stranger = login(make.coordinator(other))
    for url in (
        f"/t/{other.slug}/organisations/{organisation.id}/export.json",
        f"/t/{other.slug}/organisations/{organisation.id}/erase",
    ):
        assert stranger.get(url).status_code == 404
    assert stranger.post(f"/t/{other.slug}/organisations/{organisation.id}/erase").status_code == 404
    assert stranger.get(f"/t/{territory.slug}/organisations/{organisation.id}/export.json").status_code == 403
    facilitator = login(make.user(Role.FACILITATOR, territory))
    assert facilitator.post(f"/t/{territory.slug}/organisations/{organisation.id}/erase").status_code == 403
    assert db.session.get(Organisation, organisation.id) is not None
