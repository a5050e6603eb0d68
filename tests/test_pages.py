"""Every page shares the layout rules: languages, security headers, no inline script or style."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_accept_language_chooses_the_interface_language(client):
    assert '<html lang="en" dir="ltr">' in client.get(
        "/", headers={"Accept-Language": "en-GB,en;q=0.9"}
    ).get_data(as_text=True)
    italian = client.get("/", headers={"Accept-Language": "it-IT"}).get_data(as_text=True)
    assert '<html lang="it" dir="ltr">' in italian and "Accedi" in italian


def test_the_language_switcher_choice_beats_the_browser(client):
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert '<html lang="en"' in page and "Log in" in page


def test_the_territory_language_is_used_when_the_browser_says_nothing(make, login, app):
    territory = make.territory("anglo", locale="en")
    client = login(make.coordinator(territory))
    page = client.get("/t/anglo/", headers={"Accept-Language": ""}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_or_style():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        # The documents are rendered to PDF by WeasyPrint, never served as pages under the Content-Security-Policy:
        # a chart's rows may carry their computed sizes there.
        if template.parent.name != "documents":
            assert not re.search(r"\sstyle\s*=", text), template
        assert "<style" not in text, template
        assert not re.search(r"\son[a-z]+\s*=", text), template
