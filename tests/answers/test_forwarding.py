"""Forwarding a recommendation a body says is not its competence: a new body, its own link and letter; or not
forwarding it, with the reason. Decided once."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import timedelta

from toolkit.access import Role
from toolkit.answers import links
from toolkit.answers.models import AnswerLink, AnswerStatus, Forwarding, ForwardingDecision
from toolkit.answers.threads import Standing, thread_of, threads_of, today
from toolkit.audit import AuditEntry
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind

from .helpers import issue
from .test_overview import answer, follow_up_world


def _not_ours(world):
    residence = world["recommendations"][3]
    thread = thread_of(world["process"], world["registry"], residence.id)
    return residence, thread.latest


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_forwarding_opens_a_thread_for_the_new_body_with_its_link_and_letter(make, login):
    world = follow_up_world(make)
    residence, not_ours = _not_ours(world)
    client = login(world["people"]["facilitator"])
    url = f"/t/borgo/answers/{not_ours.id}/forward"
    form = client.get(url).get_data(as_text=True)
    # The body the answer named is chosen already, and an answer is asked in 30 days.
    assert re.search(rf'<option [^>]*selected [^>]*value="{world["region"].id}"', form)
    assert (today() + timedelta(days=30)).isoformat() in form
    respond_by = today() + timedelta(days=21)
    response = client.post(
        url,
        data={
            "decision": "forward",
            "organisation": world["region"].id,
            "respond_by": respond_by.isoformat(),
            "language": "it",
            "note": "La residenza è di competenza regionale.",
        },
    )
    assert response.status_code == 302
    assert f"/follow-up/recommendations/{residence.id}" in response.headers["Location"]
    forwarding = db.session.scalars(db.select(Forwarding)).one()
    assert forwarding.decision is ForwardingDecision.FORWARDED
    assert forwarding.to_organisation_id == world["region"].id and forwarding.respond_by == respond_by
    assert forwarding.letter_pdf.startswith(b"%PDF-")
    assert forwarding.letter_sha256 == hashlib.sha256(forwarding.letter_pdf).hexdigest()
    link = db.session.get(AnswerLink, forwarding.link_id)
    assert link.organisation_id == world["region"].id and link.process_id == world["process"].id
    text = _pdf_text(forwarding.letter_pdf)
    assert "Residenza con un contratto temporaneo" in text and "Regione - Ufficio immigrazione" in text
    assert "/answer/" in text
    # The new body now has its thread, the first one stands forwarded.
    threads = {
        t.organisation.id: t for t in threads_of(world["process"]) if t.recommendation_id == residence.id
    }
    assert threads[world["region"].id].respond_by == respond_by
    assert threads[world["region"].id].forwarded_from.id == forwarding.id
    assert threads[world["registry"].id].standing() is Standing.FORWARDED
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "answers.forwarded" in actions
    # The letter downloads as stored; the timeline says what happened.
    letter = client.get(f"/t/borgo/forwardings/{forwarding.id}/letter.pdf")
    assert letter.status_code == 200 and letter.data == forwarding.letter_pdf
    assert letter.headers["Content-Type"] == "application/pdf"
    history = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Forwarded from" in history and "Regione - Ufficio immigrazione" in history
    assert "La residenza è di competenza regionale." in history
    # The overview counts it at its new body, without an answer yet.
    overview = client.get(f"/t/borgo/processes/{world['process'].id}/follow-up").get_data(as_text=True)
    assert "No answer yet</th><td>2</td>" in overview and "Not our competence</th><td>0</td>" in overview


def test_not_forwarding_keeps_it_with_its_body_and_says_why(make, login):
    world = follow_up_world(make)
    residence, not_ours = _not_ours(world)
    client = login(world["people"]["coordinator"])
    url = f"/t/borgo/answers/{not_ours.id}/forward"
    refused = client.post(url, data={"decision": "decline", "note": ""})
    assert refused.status_code == 422 and "Say why it is not forwarded." in refused.get_data(as_text=True)
    assert db.session.scalars(db.select(Forwarding)).all() == []
    response = client.post(
        url, data={"decision": "decline", "note": "Il Comune può cambiare il regolamento."}
    )
    assert response.status_code == 302
    forwarding = db.session.scalars(db.select(Forwarding)).one()
    assert forwarding.decision is ForwardingDecision.DECLINED and forwarding.to_organisation_id is None
    assert forwarding.link_id is None and forwarding.letter_pdf is None
    thread = thread_of(world["process"], world["registry"], residence.id)
    assert thread is not None and thread.status is AnswerStatus.NOT_OUR_COMPETENCE
    assert not thread.awaiting_forwarding
    assert [
        t.organisation.id for t in threads_of(world["process"]) if t.recommendation_id == residence.id
    ] == [world["registry"].id]
    assert db.session.scalars(db.select(AnswerLink)).all() == []
    assert "answers.not_forwarded" in db.session.scalars(db.select(AuditEntry.action)).all()
    history = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not forwarded" in history and "Il Comune può cambiare il regolamento." in history


def test_a_second_decision_is_refused(make, login):
    world = follow_up_world(make)
    _residence, not_ours = _not_ours(world)
    client = login(world["people"]["facilitator"])
    url = f"/t/borgo/answers/{not_ours.id}/forward"
    assert client.post(url, data={"decision": "decline", "note": "Resta al Comune."}).status_code == 302
    again = client.post(
        url,
        data={
            "decision": "forward",
            "organisation": world["region"].id,
            "respond_by": (today() + timedelta(days=30)).isoformat(),
            "language": "it",
        },
    )
    assert again.status_code == 409
    assert "decided on already" in again.get_data(as_text=True)
    assert len(db.session.scalars(db.select(Forwarding)).all()) == 1
    assert "Decided on" in client.get(url).get_data(as_text=True)


def test_the_form_refuses_what_cannot_be_forwarded(make, login):
    world = follow_up_world(make)
    _residence, not_ours = _not_ours(world)
    client = login(world["people"]["facilitator"])
    url = f"/t/borgo/answers/{not_ours.id}/forward"
    page = client.post(
        url,
        data={
            "decision": "forward",
            "organisation": world["registry"].id,  # the body that said it is not its own
            "respond_by": (today() - timedelta(days=1)).isoformat(),
            "note": "Una nota da non perdere",
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Choose the body to forward it to." in text and "The date is in the past." in text
    assert "Una nota da non perdere" in text  # nothing typed is lost
    assert db.session.scalars(db.select(Forwarding)).all() == []
    # An answer that is not "not our competence" has nothing to forward.
    accepted = thread_of(world["process"], world["health"], world["recommendations"][0].id).latest
    assert client.get(f"/t/borgo/answers/{accepted.id}/forward").status_code == 404


def test_a_later_answer_leaves_nothing_to_decide(make, login):
    world = follow_up_world(make)
    residence, not_ours = _not_ours(world)
    answer(world["process"], world["registry"], residence, AnswerStatus.IN_PROGRESS, text="Ci pensiamo noi.")
    client = login(world["people"]["facilitator"])
    url = f"/t/borgo/answers/{not_ours.id}/forward"
    assert "has answered again since" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"decision": "decline", "note": "Resta al Comune."})
    assert response.status_code == 409
    assert db.session.scalars(db.select(Forwarding)).all() == []


def test_without_the_csrf_token_nothing_is_decided(app, make, login):
    world = follow_up_world(make)
    _residence, not_ours = _not_ours(world)
    client = login(world["people"]["facilitator"])
    response = client.post(
        f"/t/borgo/answers/{not_ours.id}/forward",
        data={"decision": "decline", "note": "Senza token", "csrf_token": "forged"},
    )
    assert response.status_code == 400
    assert db.session.scalars(db.select(Forwarding)).all() == []


def test_only_those_who_follow_up_decide_and_another_territory_is_not_found(make, login):
    world = follow_up_world(make)
    _residence, not_ours = _not_ours(world)
    member = login(world["people"]["member"])
    assert member.get(f"/t/borgo/answers/{not_ours.id}/forward").status_code == 403
    assert (
        member.post(f"/t/borgo/answers/{not_ours.id}/forward", data={"decision": "decline"}).status_code
        == 403
    )
    other = make.territory("lago", name="Comune di Lago")
    body = make.organisation(other, "Ufficio di Lago", OrganisationKind.MUNICIPAL_OFFICE)
    process = make.process(other)
    recommendation = make.recommendation(process)
    recommendation.addressee = body
    db.session.commit()
    issue(process)
    theirs = answer(process, body, recommendation, AnswerStatus.NOT_OUR_COMPETENCE, competent_body="Regione")
    facilitator = login(world["people"]["facilitator"])
    assert facilitator.get(f"/t/borgo/answers/{theirs.id}/forward").status_code == 404
    assert (
        facilitator.post(
            f"/t/borgo/answers/{theirs.id}/forward", data={"decision": "decline", "note": "No"}
        ).status_code
        == 404
    )
    assert facilitator.get(f"/t/lago/answers/{theirs.id}/forward").status_code == 403
    link, _token = links.new_link(process, body)
    db.session.commit()
    assert (
        facilitator.post(f"/t/borgo/answer-links/{link.id}/revoke", data={"confirm": "yes"}).status_code
        == 404
    )
    assert db.session.get(AnswerLink, link.id).revoked_at is None
    lago_facilitator = login(make.user(Role.FACILITATOR, other))
    assert lago_facilitator.get(f"/t/lago/answers/{theirs.id}/forward").status_code == 200
