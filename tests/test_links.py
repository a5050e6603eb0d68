"""Absolute links (join link and QR code, return link, invitations, password resets) are built from the site's
configured address, never from the Host header a request brings; without one, other host names are refused."""

import pytest
from flask import url_for

from toolkit import create_app
from toolkit.accounts import operations as accounts
from toolkit.extensions import db
from toolkit.workshops.phones import SESSION_KEY

from .conftest import TOKEN, CsrfClient, _config

SITE = "toolkit.example.org"
EVIL = {"Host": "evil.example"}


@pytest.fixture
def site(database_url, app):
    """The application on the test's database, with its address configured."""
    served = create_app({**_config(database_url), "SERVER_NAME": SITE})
    served.test_client_class = CsrfClient
    yield served
    with served.app_context():
        db.engine.dispose()


def test_the_join_link_and_its_qr_code_follow_the_site_address(site, make):
    territory = make.territory("alpha")
    workshop = make.live_workshop(territory)
    coordinator = make.coordinator(territory)
    client = site.test_client()
    token = TOKEN.search(client.get("/login", headers=EVIL).get_data(as_text=True)).group(1)
    login = client.post(
        "/login",
        data={"email": coordinator.email, "password": "a long test password", "csrf_token": token},
        headers=EVIL,
        csrf=False,
    )
    assert login.status_code == 302
    for url in (f"/t/alpha/workshops/{workshop.id}", f"/t/alpha/workshops/{workshop.id}/projector"):
        page = client.get(url, headers=EVIL).get_data(as_text=True)
        assert f"http://{SITE}/w/{workshop.join_code}" in page, url
        assert "evil.example" not in page, url


def test_the_return_link_follows_the_site_address(site, make):
    workshop = make.live_workshop(make.territory("alpha"))
    participant_id = make.contributions(workshop)["participant_id"]
    phone = site.test_client()
    with phone.session_transaction(headers=EVIL) as session:
        session[SESSION_KEY] = [participant_id]
    token = TOKEN.search(
        phone.get(f"/w/{workshop.join_code}/mine", headers=EVIL).get_data(as_text=True)
    ).group(1)
    page = phone.post(
        f"/w/{workshop.join_code}/return-code", data={"csrf_token": token}, headers=EVIL, csrf=False
    ).get_data(as_text=True)
    assert f"http://{SITE}/return?code=" in page
    assert "evil.example" not in page


def test_invitation_and_reset_links_follow_the_site_address(site, make):
    territory = make.territory("alpha")
    person = make.coordinator(territory)
    with site.test_request_context("/", headers=EVIL):
        link, _sent = accounts.send_link(person, accounts.PASSWORD_RESET)
        assert link.startswith(f"http://{SITE}/password/set/")
        assert url_for("live.enter_code", _external=True) == f"http://{SITE}/join"


def test_links_made_outside_a_request_use_the_configured_scheme(database_url, app):
    served = create_app({**_config(database_url), "SERVER_NAME": SITE, "PREFERRED_URL_SCHEME": "https"})
    with served.app_context():
        assert url_for("live.enter_code", _external=True) == f"https://{SITE}/join"
        db.engine.dispose()


def test_without_a_site_address_other_host_names_are_refused(client, make):
    make.territory("alpha")
    refused = client.get("/", headers=EVIL)
    assert refused.status_code == 400
    assert "evil.example" not in refused.get_data(as_text=True)
    assert client.post("/login", data={"email": "a@example.org"}, headers=EVIL).status_code == 400
    for host in ("localhost", "localhost:5000", "127.0.0.1:5000"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_trusted_host_names_are_served(database_url, app):
    served = create_app({**_config(database_url), "TRUSTED_HOSTS": [SITE, ".example.net"]})
    client = served.test_client()
    assert client.get("/", headers={"Host": SITE}).status_code == 200
    assert client.get("/", headers={"Host": "www.example.net"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/", headers=EVIL).status_code == 400
    with served.app_context():
        db.engine.dispose()
