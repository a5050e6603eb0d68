"""A POST without its CSRF token to a form page is refused as forged, whoever sends it: the form page answers it
with its form (what was typed kept) or with the CSRF refusal, never with its other answers (see
toolkit.access.form_page)."""

from __future__ import annotations

from sqlalchemy import func, select

from toolkit.codesign.models import FeasibilityAssessment
from toolkit.extensions import db

from .codesign.helpers import codesign_room
from .routes import snapshot

EN = {"Accept-Language": "en"}
FORGED = "Go back, reload the page and send it again."


def test_a_forged_feasibility_for_someone_elses_service_is_refused_as_forged(app, make, login):
    room = codesign_room(make, slug="alpha")
    _first, second = room["services"]
    proposal = make.proposal_for(room["workshop"], room["barriers"][2:])
    operator = login(room["operator"])
    url = f"/t/alpha/proposals/{proposal.id}/feasibility"
    data = {"service": second.id, "verdict": "feasible_now"}
    before = snapshot()
    forged = operator.post(url, data=data, headers=EN, csrf=False)
    assert forged.status_code == 400 and FORGED in forged.get_data(as_text=True)
    refused = operator.post(url, data=data, headers=EN)
    assert refused.status_code == 403 and "You cannot record this" in refused.get_data(as_text=True)
    assert snapshot() == before
    assert db.session.scalar(select(func.count(FeasibilityAssessment.id))) == 0


def test_a_forged_edit_of_someone_elses_proposal_is_refused_as_forged(app, make, login):
    room = codesign_room(make, slug="alpha")
    proposal = make.proposal_for(room["workshop"], room["barriers"][:1], author_id=room["facilitator"].id)
    member = login(room["member"])
    url = f"/t/alpha/proposals/{proposal.id}/edit"
    forged = member.post(url, data={"change": "Cambiata"}, headers=EN, csrf=False)
    assert forged.status_code == 400 and FORGED in forged.get_data(as_text=True)
    assert member.post(url, data={"change": "Cambiata"}, headers=EN).status_code == 403


def test_a_forged_request_with_nothing_to_do_is_refused_as_forged(make, login):
    client = login(make.user())  # no second factor to turn off: the page sends back to the account
    forged = client.post("/account/two-factor/turn-off", data={"password": "x"}, headers=EN, csrf=False)
    assert forged.status_code == 400 and FORGED in forged.get_data(as_text=True)
    sent = client.post("/account/two-factor/turn-off", data={"password": "x"}, headers=EN)
    assert sent.status_code == 302 and sent.headers["Location"] == "/account/two-factor"


def test_an_expired_form_still_comes_back_with_what_was_typed(make, login):
    room = codesign_room(make, slug="alpha")
    proposal = make.proposal_for(room["workshop"], room["barriers"][:1], author_id=room["member"].id)
    member = login(room["member"])
    data = {"change": "Le mie parole restano", "csrf_token": "expired"}
    answer = member.post(f"/t/alpha/proposals/{proposal.id}/edit", data=data, headers=EN, csrf=False)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Le mie parole restano" in page and FORGED not in page
