"""A coordinator sets up an authenticator app and logs in with its code, in a real browser, on a phone's width."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def log_in(page, live_server, email, password):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_setting_up_the_second_factor_and_logging_in_with_a_code(make, live_server, new_page):
    territory = make.territory("borgo", name="Comune di Borgo")
    make.coordinator(territory, email="giulia@example.org", name="Giulia")
    page = new_page(locale="en", width=360)
    log_in(page, live_server, "giulia@example.org", make.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="Second factor: off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    assert_accessible(page)
    page.get_by_role("link", name="Set up the second factor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up the second factor")
    expect(page.get_by_role("img", name=re.compile("QR code for the authenticator app"))).to_be_visible()
    assert_accessible(page)

    key_step = page.get_by_role("listitem").filter(has_text="type this key into the app")
    secret = key_step.locator("code").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    # A wrong code is refused, the page stays accessible.
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("alert")).to_contain_text("Code from the app")
    assert_accessible(page)
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on the second factor").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("list", name="Your recovery codes").get_by_role("listitem")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have kept them").click()
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()

    page.get_by_role("link", name="New recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New recovery codes")
    assert_accessible(page)
    page.goto(f"{live_server}/account/two-factor/turn-off")
    expect(page.get_by_role("heading", level=1)).to_have_text("Turn the second factor off")
    assert_accessible(page)
    page.goto(f"{live_server}/t/borgo/security")
    expect(page.get_by_role("heading", level=1)).to_have_text("Security")
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out on every device.")).to_be_visible()
    log_in(page, live_server, "giulia@example.org", make.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Code of your authenticator app")
    assert_accessible(page)
    # The code of the next 30 seconds: the current one was used to turn the factor on.
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
