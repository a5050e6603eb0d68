"""The letters' answer links of a process, as the facilitator manages them: listed, and revoked once confirmed."""

from __future__ import annotations

from datetime import UTC, datetime

from toolkit.access import Role
from toolkit.answers import links
from toolkit.answers.models import AnswerLink
from toolkit.audit import AuditEntry
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind

from .helpers import issue
from .test_overview import follow_up_world


def _links(world):
    process = world["process"]
    printed, token = links.new_link(process, world["health"], world["version"])
    other, _other_token = links.new_link(process, world["school"], world["version"])
    other.last_used_at = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    db.session.commit()
    return printed, token, other


def test_the_links_are_listed_with_their_body_letter_and_use(make, login):
    world = follow_up_world(make)
    printed, token, other = _links(world)
    client = login(world["people"]["facilitator"])
    page = client.get(f"/t/borgo/processes/{world['process'].id}/follow-up/links").get_data(as_text=True)
    assert "Azienda sanitaria di Borgo" in page and "Ufficio scuola di Borgo" in page
    assert f"the letter of version {world['version'].number}" in page
    assert "Never" in page and "2026" in page  # one never opened, one last used in March 2026
    assert token not in page and printed.token_hash not in page  # the token is printed on the letter only
    assert f'action="/t/borgo/answer-links/{printed.id}/revoke"' in page
    assert f'id="link-{other.id}"' in page


def test_revoking_needs_a_confirmation_and_stops_the_link(make, login):
    world = follow_up_world(make)
    printed, token, _other = _links(world)
    client = login(world["people"]["coordinator"])
    url = f"/t/borgo/answer-links/{printed.id}/revoke"
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 303
    assert db.session.get(AnswerLink, printed.id).revoked_at is None
    assert links.link_for(token) is not None
    confirmed = client.post(url, data={"confirm": "yes"})
    assert confirmed.status_code == 303 and f"#link-{printed.id}" in confirmed.headers["Location"]
    db.session.expire_all()
    revoked = db.session.get(AnswerLink, printed.id)
    assert revoked.revoked_at is not None and revoked.revoked_by_id == world["people"]["coordinator"].id
    assert links.link_for(token) is None
    assert "answers.link_revoked" in db.session.scalars(db.select(AuditEntry.action)).all()
    page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "The link no longer works" in page and "Revoked on" in page
    assert f'action="{url}"' not in page  # nothing more to revoke there


def test_revoking_without_the_csrf_token_is_refused(make, login):
    world = follow_up_world(make)
    printed, _token, _other = _links(world)
    client = login(world["people"]["facilitator"])
    response = client.post(
        f"/t/borgo/answer-links/{printed.id}/revoke", data={"confirm": "yes", "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert db.session.get(AnswerLink, printed.id).revoked_at is None


def test_only_those_who_follow_up_manage_links_and_another_territorys_are_not_found(make, login):
    world = follow_up_world(make)
    printed, _token, _other = _links(world)
    member = login(world["people"]["member"])
    assert member.get(f"/t/borgo/processes/{world['process'].id}/follow-up/links").status_code == 403
    assert (
        member.post(f"/t/borgo/answer-links/{printed.id}/revoke", data={"confirm": "yes"}).status_code == 403
    )
    other = make.territory("lago")
    body = make.organisation(other, "Ufficio di Lago", OrganisationKind.MUNICIPAL_OFFICE)
    process = make.process(other)
    recommendation = make.recommendation(process)
    recommendation.addressee = body
    db.session.commit()
    theirs, _ = links.new_link(process, body, issue(process))
    db.session.commit()
    facilitator = login(world["people"]["facilitator"])
    assert (
        facilitator.post(f"/t/borgo/answer-links/{theirs.id}/revoke", data={"confirm": "yes"}).status_code
        == 404
    )
    assert facilitator.get(f"/t/borgo/processes/{process.id}/follow-up/links").status_code == 404
    assert db.session.get(AnswerLink, theirs.id).revoked_at is None
    assert (
        login(make.user(Role.FACILITATOR, other))
        .get(f"/t/lago/processes/{process.id}/follow-up/links")
        .status_code
        == 200
    )
