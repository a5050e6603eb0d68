"""Arabic and Bengali coordinators at work, on a phone and on a laptop: the layout mirrors and nothing overflows.

Screenshots of the dashboards and the service form go to ``test-artifacts/`` for people to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from toolkit.i18n import LANGUAGES

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)


def _no_sideways_scrolling(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def _log_in_and_choose(page, live_server, user, password, language):
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    # The switcher names each language in its own script.
    page.locator(".language-switcher summary").click()
    page.get_by_role("button", name=LANGUAGES[language]["name"]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["ar", "bn"])
@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_and_service_form(language, width, make, live_server, new_page, artifacts_dir):
    territory = make.territory("alpha", name="Comune di Alpha")
    coordinator = make.coordinator(territory, email="coordinatrice@example.org", name="Giulia")
    page = new_page(locale="it", width=width)
    _log_in_and_choose(page, live_server, coordinator, make.PASSWORD, language)
    direction = LANGUAGES[language]["dir"]
    expect(page.locator("html")).to_have_attribute("dir", direction)

    page.goto(f"{live_server}/t/alpha/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comune di Alpha")
    _no_sideways_scrolling(page)
    assert_accessible(page)
    if width == 1280:
        # The brand sits at the start of the line: on the right in Arabic, on the left in Bengali.
        brand = page.locator(".brand").bounding_box()
        assert (brand["x"] > width / 2) == (direction == "rtl")
    page.screenshot(path=artifacts_dir / f"{language}-dashboard-{width}.png", full_page=True)

    page.goto(f"{live_server}/t/alpha/services/new")
    own_input = page.locator(f"#name-{language}")
    expect(own_input).to_have_attribute("dir", direction)
    own_input.fill("مكتب السكن" if language == "ar" else "আবাসন অফিস")
    page.locator("form.narrow-form button[type=submit]").click()
    # The territory's language (Italian) is required: the error names it, and what was typed is kept.
    expect(page.get_by_role("alert")).to_contain_text("Italiano")
    expect(page.locator(f"#name-{language}")).to_have_value("مكتب السكن" if language == "ar" else "আবাসন অফিস")
    _no_sideways_scrolling(page)
    assert_accessible(page)
    page.screenshot(path=artifacts_dir / f"{language}-service-form-{width}.png", full_page=True)

    page.locator("#name-it").fill("Ufficio casa")
    page.locator("#sector").select_option("housing")
    page.locator("#level").select_option("municipality")
    page.locator("form.narrow-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "مكتب السكن" if language == "ar" else "আবাসন অফিস"
    )
    _no_sideways_scrolling(page)
    assert_accessible(page)
