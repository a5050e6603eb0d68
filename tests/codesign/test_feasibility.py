"""Operators say what their service can do about a proposal; facilitators may write it on their behalf."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from toolkit.access import Role
from toolkit.codesign.models import Feasibility, FeasibilityAssessment
from toolkit.extensions import db

from ..routes import snapshot
from .helpers import codesign_room


def _count() -> int:
    return db.session.scalar(select(func.count(FeasibilityAssessment.id)))


def _room(make):
    room = codesign_room(make, slug="alpha")
    barriers = room["barriers"]
    # One proposal per service, and one crossing both.
    room["first_only"] = make.proposal_for(room["workshop"], barriers[:1], change="Mediatore all'anagrafe")
    room["second_only"] = make.proposal_for(
        room["workshop"], barriers[2:], change="Moduli tradotti dal medico"
    )
    room["both"] = make.proposal_for(
        room["workshop"], [barriers[0], barriers[2]], change="Un unico sportello"
    )
    return room


def test_an_operator_records_feasibility_and_the_history_is_kept(app, make, login):
    room = _room(make)
    first, second = room["services"]
    operator = login(room["operator"])
    url = f"/t/alpha/proposals/{room['first_only'].id}"
    page = operator.get(url).get_data(as_text=True)
    assert "Mediatore all&#39;anagrafe" in page and 'name="verdict"' in page
    assert 'name="organisation"' not in page  # an operator speaks for their own organisation
    response = operator.post(
        url + "/feasibility",
        data={"service": first.id, "verdict": "needs_resources", "resources_needed": "", "comment": ""},
    )
    assert response.status_code == 422 and _count() == 0  # which resources must be said
    operator.post(
        url + "/feasibility",
        data={"service": first.id, "verdict": "needs_resources", "resources_needed": "Un mediatore a 10 ore"},
    )
    operator.post(
        url + "/feasibility", data={"service": first.id, "verdict": "feasible_now", "comment": "Da lunedì"}
    )
    assessments = db.session.scalars(select(FeasibilityAssessment).order_by(FeasibilityAssessment.id)).all()
    assert [a.verdict for a in assessments] == [Feasibility.NEEDS_RESOURCES, Feasibility.FEASIBLE_NOW]
    assert all(a.organisation_id == first.owner_id and not a.on_behalf for a in assessments)
    assert assessments[0].resources_needed == "Un mediatore a 10 ore"
    db.session.refresh(room["first_only"])
    assert room["first_only"].latest_assessments() == [assessments[1]]
    page = operator.get(url).get_data(as_text=True)
    assert "Da lunedì" in page and "Un mediatore a 10 ore" in page  # the latest, and the history
    assert second.id  # the other service is not the operator's


def test_not_our_competence_names_whose_it_is(app, make, login):
    room = _room(make)
    first, second = room["services"]
    operator = login(room["operator"])
    url = f"/t/alpha/proposals/{room['both'].id}/feasibility"
    refused = operator.post(url, data={"service": first.id, "verdict": "not_our_competence", "comment": "No"})
    assert refused.status_code == 422 and "No" in refused.get_data(as_text=True)
    operator.post(
        url, data={"service": first.id, "verdict": "not_our_competence", "competent_service": second.id}
    )
    assessment = db.session.scalar(select(FeasibilityAssessment))
    assert assessment.competent_service_id == second.id and assessment.service_id == first.id


def test_an_operator_cannot_record_for_a_service_outside_their_organisation(app, make, login):
    room = _room(make)
    first, second = room["services"]
    assert first.owner_id != second.owner_id
    operator = login(room["operator"])
    before = snapshot()
    # A proposal about the other service only: no form, and a forged request is refused.
    page = operator.get(f"/t/alpha/proposals/{room['second_only'].id}").get_data(as_text=True)
    assert 'name="verdict"' not in page
    response = operator.post(
        f"/t/alpha/proposals/{room['second_only'].id}/feasibility",
        data={"service": second.id, "verdict": "feasible_now"},
    )
    assert response.status_code == 403
    # A proposal crossing both services: the operator may speak for their own only.
    crossing = f"/t/alpha/proposals/{room['both'].id}"
    form = operator.get(crossing).get_data(as_text=True)
    choices = re.search(r'<select[^>]*name="service"[^>]*>(.*?)</select>', form, re.S).group(1)
    assert f'<option value="{first.id}"' in choices and f'<option value="{second.id}"' not in choices
    response = operator.post(
        crossing + "/feasibility", data={"service": second.id, "verdict": "feasible_now"}
    )
    assert response.status_code == 403
    assert snapshot() == before
    # An association member has no say on feasibility at all.
    member = login(room["member"])
    assert (
        member.post(
            crossing + "/feasibility", data={"service": first.id, "verdict": "feasible_now"}
        ).status_code
        == 403
    )
    assert _count() == 0


def test_a_facilitator_records_on_behalf_of_the_operators_organisation(app, make, login):
    room = _room(make)
    second = room["services"][1]
    facilitator = login(room["facilitator"])
    url = f"/t/alpha/proposals/{room['second_only'].id}"
    page = facilitator.get(url).get_data(as_text=True)
    assert 'name="organisation"' in page
    missing = facilitator.post(
        url + "/feasibility", data={"service": second.id, "verdict": "feasible_now", "organisation": "0"}
    )
    assert missing.status_code == 422 and _count() == 0
    facilitator.post(
        url + "/feasibility",
        data={"service": second.id, "verdict": "feasible_now", "organisation": second.owner_id},
    )
    assessment = db.session.scalar(select(FeasibilityAssessment))
    assert assessment.on_behalf and assessment.organisation_id == second.owner_id
    assert assessment.recorded_by_id == room["facilitator"].id


def test_an_operator_of_another_territory_is_refused(app, make, login):
    room = _room(make)
    other = make.territory("beta")
    outsider = make.user(Role.OPERATOR, other)
    make.membership(outsider, room["services"][0].owner_id)
    client = login(outsider)
    assert client.get(f"/t/alpha/proposals/{room['first_only'].id}").status_code == 403
    assert client.get(f"/t/beta/proposals/{room['first_only'].id}").status_code == 404


def test_on_behalf_the_organisation_must_be_named(app, make, login):
    room = _room(make)
    second = room["services"][1]
    facilitator = login(room["facilitator"])
    response = facilitator.post(
        f"/t/alpha/proposals/{room['second_only'].id}/feasibility",
        data={"service": second.id, "verdict": "feasible_now", "comment": "Senza nome"},
    )
    assert response.status_code == 422 and "Senza nome" in response.get_data(as_text=True)
    assert _count() == 0
