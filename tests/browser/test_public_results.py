"""Someone without an account reads a process's public results on a phone, with JavaScript off, in Italian and in
Arabic, and prints them: no navigation on paper, the links written out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from toolkit.answers import publishing
from toolkit.extensions import db
from toolkit.i18n import LANGUAGES

from ..answers.test_public import SECRETS, public_world
from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def _published(make) -> dict:
    world = public_world(make)
    publishing.publish(world["process"], world["coordinator"])
    db.session.commit()
    return world


def _no_sideways_scrolling(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("language", ["it", "ar"])
def test_the_public_results_on_a_phone_without_javascript(language, make, live_server, new_page):
    world = _published(make)
    page = new_page(locale=language, width=360, java_script_enabled=False)
    page.goto(live_server + world["url"])

    expect(page.locator("html")).to_have_attribute("dir", LANGUAGES[language]["dir"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Servizi più vicini")
    recommendation = page.get_by_role("heading", name="Un mediatore al CUP")
    expect(recommendation).to_have_attribute("lang", "it")
    expect(recommendation).to_have_attribute("dir", "ltr")
    # Both answers of the health authority, the history in order; the school office has not answered.
    history = page.locator("#recommendation-{} .answer-entry".format(world["to_health"].id))
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Stiamo cercando un mediatore per il CUP")
    expect(history.nth(1)).to_contain_text("Dal primo marzo c'è un mediatore <b>al CUP</b>")
    expect(page.get_by_role("heading", name="Moduli di iscrizione tradotti")).to_be_visible()
    for name in ("open-data.json", "recommendations.csv", "answers.csv", "barriers.csv"):
        expect(page.locator(f'a[href$="{world["url"]}{name}"]')).to_have_count(1)
    body = page.content()
    for secret in SECRETS:
        assert secret not in body
    _no_sideways_scrolling(page)
    # axe-core runs in the page: the same page, in a browser with JavaScript on.
    checked = new_page(locale=language, width=360)
    checked.goto(live_server + world["url"])
    expect(checked.get_by_role("heading", level=1)).to_have_text("Servizi più vicini")
    assert_accessible(checked)


def test_the_language_switch_and_printing(make, live_server, new_page):
    world = _published(make)
    page = new_page(locale="it", width=360, java_script_enabled=False)
    page.goto(live_server + world["url"])
    page.locator(".language-switcher summary").click()
    page.get_by_role("button", name=LANGUAGES["ar"]["name"]).click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.url == live_server + world["url"]  # back on the results, now in Arabic

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".language-switcher")).to_be_hidden()
    expect(page.get_by_role("heading", name="Un mediatore al CUP")).to_be_visible()
    feed = page.locator('a[href$="/feed.atom"]')
    expect(feed).to_be_hidden()
    download = page.locator(f'a[href$="{world["url"]}answers.csv"]')
    written_out = download.evaluate("link => getComputedStyle(link, '::after').content")
    assert f"{world['url']}answers.csv" in written_out
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()
