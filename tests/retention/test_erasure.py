"""A participant erases everything they wrote with their return code, from any phone; a coordinator sets the
territory's retention period."""

from __future__ import annotations

from sqlalchemy import func, select

from toolkit.access import Role
from toolkit.audit import AuditEntry
from toolkit.barriers.models import Barrier, BarrierStatus
from toolkit.codesign.models import Proposal, ProposalStatus
from toolkit.extensions import db
from toolkit.recommendations.models import Comment
from toolkit.translating.models import TextTranslation
from toolkit.workshops.models import DotVote, Participant, ServiceProposal

from ..workshops.helpers import join
from . import helpers


def _return_code(client, workshop) -> str:
    page = client.post(f"/w/{workshop.join_code}/return-code").get_data(as_text=True)
    return page.split('class="return-code" dir="ltr"><strong>', 1)[1].split("<", 1)[0]


def test_the_return_code_erases_everything_its_holder_wrote_from_another_phone(app, client, make):
    room = helpers.room(make, ended_days_ago=1)
    workshop = room.process.workshops[0]
    first, second = room.participants
    # The second participant asks for a new return code on their phone (its digest replaces the one made above).
    phone = app.test_client()
    with phone.session_transaction() as session:
        session["participants"] = [second.id]
    code = _return_code(phone, workshop)
    translations_of_first = db.session.scalar(select(func.count()).select_from(TextTranslation))

    later = app.test_client()  # another phone, days later
    confirm = later.post("/return", data={"code": code, "erase": "1"}, headers={"Accept-Language": "en"})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "1 barrier" in page and "1 proposed change" in page and "1 comment on a draft" in page
    assert db.session.get(Barrier, room.unprinted.id).text == helpers.UNPRINTED  # nothing erased yet

    erased = later.post("/return/erase", data={"code": code}, headers={"Accept-Language": "en"})
    assert erased.status_code == 200
    assert "What you wrote is erased" in erased.get_data(as_text=True)

    barrier = db.session.get(Barrier, room.unprinted.id)
    assert (barrier.text, barrier.groups_affected, barrier.status) == ("", "", BarrierStatus.WITHDRAWN)
    assert helpers.stories(room.process) == [helpers.PRINTED_STORY]
    proposal = db.session.get(Proposal, room.other.id)
    assert (proposal.change, proposal.status) == ("", ProposalStatus.WITHDRAWN)
    assert db.session.scalars(select(ServiceProposal.reason)).all() == [""]
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    person = db.session.get(Participant, second.id)
    assert (person.pseudonym, person.return_code_digest) == ("", None)
    # Only the first participant's words (and their translations) are left.
    assert db.session.get(Barrier, room.printed.id).text == helpers.PRINTED
    assert db.session.get(Participant, first.id).pseudonym == "Nour"
    left = db.session.scalars(select(TextTranslation.source_id)).all()
    assert 0 < len(left) < translations_of_first
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "participant.erased"))
    assert entry.target_type == "Workshop" and entry.details["barriers"] == 1
    assert "Volpe" not in str(entry.details)

    # The code works no more, for erasing or for coming back.
    assert later.post("/return", data={"code": code}).status_code == 404
    assert later.post("/return/erase", data={"code": code}).status_code == 404


def test_the_erasure_page_says_what_issued_documents_already_hold(app, make):
    room = helpers.room(make, ended_days_ago=1)
    workshop = room.process.workshops[0]
    phone = app.test_client()
    with phone.session_transaction() as session:
        session["participants"] = [room.participants[0].id]
    code = _return_code(phone, workshop)
    page = app.test_client().post(
        "/return", data={"code": code, "erase": "1"}, headers={"Accept-Language": "en"}
    )
    text = page.get_data(as_text=True)
    assert "already in the documents issued to the council" in text
    assert helpers.PRINTED in text and helpers.CHOSEN_PROPOSAL in text
    assert "not from documents already issued" in text


def test_erasing_keeps_the_dots_and_forgets_the_phone(app, client, make):
    workshop = make.live_workshop(make.territory())
    join(client, workshop, pseudonym="Nour")
    code = _return_code(client, workshop)
    participant = db.session.scalar(select(Participant))
    candidate_id = make.contributions(workshop)["candidate_id"]
    db.session.add(
        DotVote(
            territory_id=workshop.territory_id,
            workshop_id=workshop.id,
            participant_id=participant.id,
            candidate_id=candidate_id,
            dots=2,
        )
    )
    db.session.commit()
    assert client.post("/return/erase", data={"code": code}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(DotVote)) == 1
    assert client.get(f"/w/{workshop.join_code}/mine").status_code == 302  # this phone is no longer them


def test_an_erasure_without_a_token_or_a_code_erases_nothing(app, make):
    room = helpers.room(make, ended_days_ago=1)
    later = app.test_client()
    assert later.post("/return/erase", data={"code": "AAAA-BBBB-CCCC"}, csrf=False).status_code == 400
    assert later.post("/return/erase", data={"code": "AAAA-BBBB-CCCC"}).status_code == 404
    assert db.session.get(Barrier, room.unprinted.id).text == helpers.UNPRINTED


def test_coordinators_set_the_retention_period_of_their_territory_only(app, make, login):
    territory, other = make.territory(), make.territory()
    coordinator = login(make.coordinator(territory, locale="en"))
    page = coordinator.get(f"/t/{territory.slug}/data-retention")
    assert page.status_code == 200
    assert 'value="24"' in page.get_data(as_text=True)
    refused = coordinator.post(
        f"/t/{territory.slug}/data-retention", data={"months": "9999999999999999999999"}
    )
    assert refused.status_code == 422
    assert 'value="9999999999999999999999"' in refused.get_data(as_text=True)
    assert coordinator.post(f"/t/{territory.slug}/data-retention", data={"months": "6"}).status_code == 302
    assert db.session.get(type(territory), territory.id).retention_months == 6
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "territory.retention_changed"))
    assert coordinator.get(f"/t/{other.slug}/data-retention").status_code == 403
    facilitator = login(make.user(Role.FACILITATOR, territory))
    assert facilitator.get(f"/t/{territory.slug}/data-retention").status_code == 403
    assert facilitator.post(f"/t/{territory.slug}/data-retention", data={"months": "1"}).status_code == 403
    assert db.session.get(type(territory), territory.id).retention_months == 6
