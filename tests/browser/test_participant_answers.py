"""On a 360 px phone with JavaScript switched off, a participant comes back with their return code, in Arabic, and
reads what the health authority answered to the recommendation their barrier led to, in the translation a person
reviewed, right to left, with the Italian original one click away; the page has no accessibility violation."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from ..answers.test_participants import (
    ANSWER,
    ANSWER_AR,
    COMMITMENT_AR,
    OTHER_TITLE,
    TITLE_AR,
    _review_in_arabic,
    participants_world,
)
from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def _arabic(app, message: str) -> str:
    with app.test_request_context(), force_locale("ar"):
        return gettext(message)


def _come_back(app, phone, live_server, code: str) -> None:
    phone.goto(f"{live_server}/return")
    phone.get_by_label(_arabic(app, "Your return code")).fill(code)
    phone.get_by_role("button", name=_arabic(app, "Open my contributions")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(_arabic(app, "My contributions"))


def test_a_participant_reads_the_answer_in_arabic_on_a_phone_without_javascript(
    app, make, live_server, new_page
):
    world = participants_world(make)
    _review_in_arabic(world)

    phone = new_page(locale="ar", width=360, java_script_enabled=False)
    _come_back(app, phone, live_server, world["nour_code"])

    expect(phone.get_by_role("heading", level=3, name=TITLE_AR)).to_be_visible()
    answer = phone.get_by_text(ANSWER_AR)
    expect(answer).to_be_visible()
    expect(answer).to_have_attribute("lang", "ar")
    expect(answer).to_have_attribute("dir", "rtl")
    expect(phone.get_by_text(COMMITMENT_AR)).to_be_visible()
    # The Italian original is folded under the translation: one click (no script needed) shows it.
    original = phone.get_by_text(ANSWER)
    expect(original).to_be_hidden()
    phone.locator("details.original-text summary").first.click()
    expect(original).to_be_visible()
    expect(original).to_have_attribute("lang", "it")
    # What another participant's words led to is not shown.
    expect(phone.get_by_text(OTHER_TITLE)).to_have_count(0)

    # The same page, checked by axe-core (which needs the script the participant's phone went without).
    checked = new_page(locale="ar", width=360)
    _come_back(app, checked, live_server, world["nour_code"])
    expect(checked.get_by_text(ANSWER_AR)).to_be_visible()
    assert checked.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(checked)
