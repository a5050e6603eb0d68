"""A return address (``next``) is only ever a path of this site: the known open-redirect bypasses fall back to the
home page, and a control character never reaches a header."""

import pytest

from toolkit.web import safe_target

#: Addresses that would leave the site, or put a control character in the Location header.
BYPASSES = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/%252F%252Fevil.example",
    "/%2509/evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "@evil.example",
    " //evil.example",
    "/ /evil.example",
    "/\x00/evil.example",
    "/\u202e/evil.example",
    "/\x1b[31m",
    "/" + "a" * 3000,
]
#: Addresses of this site that must be kept.
KEPT = ["/account", "/t/alpha/services/?q=casa%20popolare", "/t/alpha/?", "/w/ABC-DEF/live?step=2#now"]


@pytest.mark.parametrize("target", BYPASSES)
def test_a_bypass_is_not_a_safe_target(target):
    assert safe_target(target) is None


@pytest.mark.parametrize("target", KEPT)
def test_a_path_of_this_site_is_kept(target):
    assert safe_target(target) == target


@pytest.fixture
def person(make):
    territory = make.territory("alpha")
    return make.coordinator(territory)


@pytest.mark.parametrize("target", BYPASSES)
def test_login_never_sends_the_browser_elsewhere(client, person, target):
    response = client.post(
        "/login", data={"email": person.email, "password": "a long test password", "next": target}
    )
    if "\x00" in target:  # no browser sends one: the request is refused whole
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    # Once logged in, the login page itself sends to the same place.
    again = client.get("/login", query_string={"next": target})
    assert again.status_code == 302
    assert again.headers["Location"] == "/"


@pytest.mark.parametrize("target", BYPASSES)
def test_the_language_switch_never_sends_the_browser_elsewhere(client, target):
    response = client.post("/language", data={"language": "en", "next": target})
    if "\x00" in target:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_newline_in_next_at_login_is_not_a_server_error(client, person):
    response = client.post(
        "/login?next=/account%0d%0aSet-Cookie:%20x=1",
        data={"email": person.email, "password": "a long test password"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_the_page_one_was_on_is_kept(client, person):
    response = client.post(
        "/login",
        data={"email": person.email, "password": "a long test password", "next": "/t/alpha/services/?q=casa"},
    )
    assert response.headers["Location"] == "/t/alpha/services/?q=casa"
    switched = client.post("/language", data={"language": "ar", "next": "/t/alpha/services/?q=casa"})
    assert switched.headers["Location"] == "/t/alpha/services/?q=casa"
