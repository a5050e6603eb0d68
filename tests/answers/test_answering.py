"""An office answers from its letter's link, without an account, or from its account: only what is addressed to it,
every answer a new entry in the history, nothing lost on a refused form, a form sent twice stored once."""

from __future__ import annotations

import re

import pytest

from toolkit.access import Role
from toolkit.answers import links
from toolkit.answers.models import Answer, AnswerLink, AnswerStatus
from toolkit.answers.operations import TEXT_MAX
from toolkit.extensions import db
from toolkit.i18n import LANGUAGE_COOKIE
from toolkit.territories.models import OrganisationKind

from ..conftest import TOKEN
from .helpers import issue
from .test_addressed import addressed_world

ACCEPTED = {
    "status": "accepted",
    "text": "Dal primo marzo un mediatore sarà al CUP il martedì e il giovedì.",
    "language": "it",
    "competent_body": "",
    "signed_by": "Dott.ssa Rossi, direzione sanitaria",
    "commitments-0-what": "Un mediatore arabo al CUP",
    "commitments-0-who": "Ufficio relazioni con il pubblico",
    "commitments-0-due_on": "2027-03-01",
    "commitments-1-what": "",
    "commitments-1-who": "",
    "commitments-1-due_on": "",
    "commitments-2-what": "",
    "commitments-2-who": "",
    "commitments-2-due_on": "",
}


@pytest.fixture
def client(app):
    """A visitor without an account, whose browser asks for English (the words of these tests)."""
    visitor = app.test_client()
    visitor.set_cookie(LANGUAGE_COOKIE, "en")
    return visitor


def linked_world(make):
    """The addressed world, issued, with a letter's link for the health authority (and one for the school)."""
    world = addressed_world(make)
    world["version"] = issue(world["process"])
    world["link"], world["token"] = links.new_link(world["process"], world["health"], world["version"])
    world["school_link"], world["school_token"] = links.new_link(
        world["process"], world["school"], world["version"]
    )
    db.session.commit()
    return world


def answers() -> list[Answer]:
    return list(db.session.scalars(db.select(Answer).order_by(Answer.id)))


def _form_of(client, url: str) -> dict:
    """The hidden values of the answer form shown at ``url`` (its submission key)."""
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="submission_key" value="([^"]*)"', page).group(1)
    return {"submission_key": key}


def test_the_link_shows_its_body_s_recommendations_and_answers_them(make, client):
    world = linked_world(make)
    page = client.get(f"/answer/{world['token']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Servizi più vicini" in text and "Azienda sanitaria di Borgo" in text
    assert "Un mediatore al CUP" in text and "Moduli di iscrizione tradotti" not in text
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    assert url in text
    response = client.post(url, data={**ACCEPTED, **_form_of(client, url)})
    assert response.status_code == 302
    assert response.location.endswith(f"/answer/{world['token']}#recommendation-{world['to_health'].id}")
    [answer] = answers()
    assert answer.status is AnswerStatus.ACCEPTED and answer.link_id == world["link"].id
    assert answer.user_id is None and answer.organisation_id == world["health"].id
    assert answer.signed_by == "Dott.ssa Rossi, direzione sanitaria"
    assert [(c.what, c.who, c.due_on.isoformat()) for c in answer.commitments] == [
        ("Un mediatore arabo al CUP", "Ufficio relazioni con il pubblico", "2027-03-01")
    ]
    page = client.get(response.location).get_data(as_text=True)
    assert "Answer recorded" in page
    assert "Dal primo marzo un mediatore" in page and "Un mediatore arabo al CUP" in page
    assert 'lang="it"' in page
    # The token is in no other place than the address: no query string, no cookie.
    assert world["token"] not in str(client._cookies)


def test_a_new_answer_is_added_to_the_history(make, client):
    world = linked_world(make)
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    client.post(url, data={**ACCEPTED, **_form_of(client, url)})
    later = {
        **ACCEPTED,
        "status": "implemented",
        "text": "Il mediatore è al CUP da marzo.",
        "commitments-0-what": "",
        "commitments-0-who": "",
        "commitments-0-due_on": "",
    }
    assert client.post(url, data={**later, **_form_of(client, url)}).status_code == 302
    assert [a.status for a in answers()] == [AnswerStatus.ACCEPTED, AnswerStatus.IMPLEMENTED]
    page = client.get(f"/answer/{world['token']}").get_data(as_text=True)
    assert "Dal primo marzo un mediatore" in page and "Il mediatore è al CUP da marzo." in page
    assert "Latest answer: Implemented" in page


def test_a_token_answers_only_its_own_body_s_recommendations_of_its_own_process(make, client):
    world = linked_world(make)
    other_process = make.process(world["territory"], title="Un altro percorso")
    elsewhere = make.recommendation(other_process, title="Altrove")
    elsewhere.addressee = world["health"]
    db.session.commit()
    issue(other_process)
    for recommendation_id in (world["to_school"].id, elsewhere.id, 999999):
        url = f"/answer/{world['token']}/recommendations/{recommendation_id}"
        assert client.get(url).status_code == 404, url
        assert client.post(url, data=ACCEPTED).status_code == 404, url
    assert answers() == []
    assert "Altrove" not in client.get(f"/answer/{world['token']}").get_data(as_text=True)


def test_a_tampered_token_is_not_found_and_stores_nothing(make, client):
    world = linked_world(make)
    token = world["token"]
    changed = ("A" if token[0] != "A" else "B") + token[1:]
    for tampered in (changed, token[:-1], token + "x", token.upper(), "x" * 200):
        assert client.get(f"/answer/{tampered}").status_code == 404, tampered
        url = f"/answer/{tampered}/recommendations/{world['to_health'].id}"
        assert client.get(url).status_code == 404, tampered
        assert client.post(url, data=ACCEPTED).status_code == 404, tampered
    assert answers() == []


def test_a_revoked_link_stops_working_and_says_so(make, client):
    world = linked_world(make)
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    data = {**ACCEPTED, **_form_of(client, url)}
    links.revoke(world["link"], None)
    db.session.commit()
    response = client.get(f"/answer/{world['token']}")
    assert response.status_code == 410
    assert "This link was withdrawn" in response.get_data(as_text=True)
    assert client.post(url, data=data).status_code == 410
    assert answers() == []
    # The school's link still works.
    assert client.get(f"/answer/{world['school_token']}").status_code == 200


def test_an_account_answers_only_what_is_addressed_to_its_organisation(make, login):
    world = linked_world(make)
    client = login(world["addressee"])
    base = f"/t/borgo/addressed/processes/{world['process'].id}/recommendations"
    page = client.get("/t/borgo/addressed/").get_data(as_text=True)
    own = f"{base}/{world['to_health'].id}/answer"
    assert own in page and f"{base}/{world['to_school'].id}/answer" not in page
    response = client.post(own, data={**ACCEPTED, **_form_of(client, own)})
    assert response.status_code == 302
    [answer] = answers()
    assert answer.user_id == world["addressee"].id and answer.link_id is None
    page = client.get("/t/borgo/addressed/").get_data(as_text=True)
    assert "Latest answer: Accepted" in page
    assert client.get(f"{base}/{world['to_school'].id}/answer").status_code == 404
    assert client.post(f"{base}/{world['to_school'].id}/answer", data=ACCEPTED).status_code == 404
    make.territory("lago", name="Comune di Lago")  # where the addressee has no role
    assert (
        client.get(f"/t/lago/addressed/processes/{world['process'].id}/recommendations/1/answer").status_code
        == 403
    )
    loner = login(make.user(Role.ADDRESSEE, world["territory"]))
    assert loner.get(own).status_code == 404
    school_staff = make.user(Role.ADDRESSEE, world["territory"])
    make.membership(school_staff, world["school"])
    assert login(school_staff).get(own).status_code == 404
    assert len(answers()) == 1


def test_an_over_long_text_comes_back_whole_with_the_limit(make, client):
    world = linked_world(make)
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    long_text = "Risposta lunga " + "parola " * 800
    assert len(long_text) > TEXT_MAX
    response = client.post(url, data={**ACCEPTED, "text": long_text, **_form_of(client, url)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert long_text.strip() in page
    assert "the limit is 5,000" in page
    assert "Un mediatore arabo al CUP" in page  # the commitments typed come back too
    assert answers() == []


def test_required_fields_are_said_and_nothing_lost(make, client):
    world = linked_world(make)
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    data = {**ACCEPTED, "status": "not_our_competence", "competent_body": "", **_form_of(client, url)}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "Name the body that is competent." in response.get_data(as_text=True)
    data = {**ACCEPTED, "commitments-0-what": "", **_form_of(client, url)}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "Say what will be done" in response.get_data(as_text=True)
    assert answers() == []
    data = {
        **ACCEPTED,
        "status": "not_our_competence",
        "competent_body": "Prefettura",
        **_form_of(client, url),
    }
    assert client.post(url, data=data).status_code == 302
    assert answers()[0].competent_body == "Prefettura"


def test_an_expired_form_returns_the_words_typed(make, client):
    world = linked_world(make)
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    response = client.post(url, data={**ACCEPTED, "csrf_token": "expired"}, csrf=False)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Dal primo marzo un mediatore" in page and "Un mediatore arabo al CUP" in page
    assert "form expired" in page
    assert TOKEN.search(page)  # a fresh token, to send it again
    assert answers() == []


def test_a_form_sent_twice_is_stored_once(make, client):
    world = linked_world(make)
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    data = {**ACCEPTED, **_form_of(client, url)}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302
    assert len(answers()) == 1


def test_a_forwarded_recommendation_is_no_longer_answered_here(make, client):
    from datetime import UTC, datetime

    from toolkit.answers.models import Forwarding, ForwardingDecision

    world = linked_world(make)
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    data = {**ACCEPTED, "status": "not_our_competence", "competent_body": "Ufficio scuola di Borgo"}
    client.post(url, data={**data, **_form_of(client, url)})
    [answer] = answers()
    db.session.add(
        Forwarding(
            territory_id=world["territory"].id,
            process_id=world["process"].id,
            answer_id=answer.id,
            recommendation_id=world["to_health"].id,
            from_organisation_id=world["health"].id,
            to_organisation_id=world["school"].id,
            decision=ForwardingDecision.FORWARDED,
            decided_at=datetime.now(UTC),
        )
    )
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "forwarded this recommendation to" in page and "Ufficio scuola di Borgo" in page
    assert 'name="status"' not in page
    response = client.post(url, data={**ACCEPTED, "submission_key": "a-new-key"})
    assert response.status_code == 409 and "forwarded this recommendation" in response.get_data(as_text=True)
    assert len(answers()) == 1


def test_the_pages_speak_arabic_right_to_left(make, client):
    world = linked_world(make)
    client.set_cookie(LANGUAGE_COOKIE, "ar")
    page = client.get(f"/answer/{world['token']}").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert 'lang="it" dir="ltr"' in page  # the recommendation, in the words it was issued in
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    form = client.get(url).get_data(as_text=True)
    assert re.search(r'<option[^>]* selected value="ar"', form)  # the text's language: the page's


def test_the_link_records_when_it_was_last_opened(make, client):
    world = linked_world(make)
    assert world["link"].last_used_at is None
    client.get(f"/answer/{world['token']}")
    assert db.session.get(AnswerLink, world["link"].id).last_used_at is not None


def test_another_territory_s_office_is_not_a_way_in(make, client):
    world = linked_world(make)
    lake = make.territory("lago", name="Comune di Lago")
    lake_health = make.organisation(lake, "Azienda sanitaria di Lago", OrganisationKind.SERVICE_OWNER)
    process = make.process(lake)
    recommendation = make.recommendation(process, title="Sul lago")
    recommendation.addressee = lake_health
    db.session.commit()
    issue(process)
    url = f"/answer/{world['token']}/recommendations/{recommendation.id}"
    assert client.get(url).status_code == 404
    assert "Sul lago" not in client.get(f"/answer/{world['token']}").get_data(as_text=True)


def _answer_as_health(client, world) -> None:
    url = f"/answer/{world['token']}/recommendations/{world['to_health'].id}"
    assert client.post(url, data={**ACCEPTED, **_form_of(client, url)}).status_code == 302


def test_an_answered_recommendation_cannot_be_deleted(make, client, login):
    from toolkit.recommendations.models import Recommendation

    world = linked_world(make)
    _answer_as_health(client, world)
    facilitator = login(make.user(Role.FACILITATOR, world["territory"], locale="en"))
    recommendation_id = world["to_health"].id
    response = facilitator.post(f"/t/borgo/recommendations/{recommendation_id}/delete")
    assert response.status_code == 302
    assert response.location.endswith(f"/t/borgo/recommendations/{recommendation_id}")
    page = facilitator.get(response.location).get_data(as_text=True)
    assert "This recommendation has been answered" in page
    assert db.session.get(Recommendation, recommendation_id) is not None
    assert len(answers()) == 1
    # One nobody answered is deleted as before.
    school_id = world["to_school"].id
    assert facilitator.post(f"/t/borgo/recommendations/{school_id}/delete").status_code == 302
    assert db.session.get(Recommendation, school_id) is None


def test_an_organisation_that_answered_cannot_be_erased(make, client, login):
    from toolkit.territories.models import Organisation

    world = linked_world(make)
    _answer_as_health(client, world)
    coordinator = login(make.coordinator(world["territory"], locale="en"))
    url = f"/t/borgo/organisations/{world['health'].id}/erase"
    response = coordinator.post(url)
    assert response.status_code == 302 and response.location.endswith(url)
    page = coordinator.get(url).get_data(as_text=True)
    assert "cannot be erased" in page and "Archive it instead" in page
    assert db.session.get(Organisation, world["health"].id) is not None
    assert len(answers()) == 1
    # The school office answered nothing: it is erased, with its letter's link.
    school_id, school_link_id = world["school"].id, world["school_link"].id
    assert coordinator.post(f"/t/borgo/organisations/{school_id}/erase").status_code == 302
    assert db.session.get(Organisation, school_id) is None
    assert db.session.get(AnswerLink, school_link_id) is None
