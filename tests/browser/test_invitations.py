"""A coordinator of another territory invites a person who already has an account; she opens the invitation's
link, logs in and accepts it, in a real browser on a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from toolkit.access import Role
from toolkit.extensions import db

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def _log_in(page, live_server, user, password):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_the_holder_accepts_an_invitation_from_its_link_after_logging_in(make, live_server, new_page):
    borgo = make.territory("borgo", name="Comune di Borgo San Vitale")
    lagoverde = make.territory("lagoverde", name="Comune di Lagoverde")
    laura = make.user(Role.OPERATOR, borgo, email="laura@example.org", name="Laura Nencini")
    registry = make.services_of(borgo)[0].owner_id
    make.membership(laura, registry)
    office = make.organisation(lagoverde, name="Ufficio stranieri di Lagoverde")
    stefano = make.coordinator(lagoverde, email="stefano@example.org", name="Stefano Barbieri")

    # Stefano invites her address, not knowing whether it has an account.
    coordinator = new_page(locale="en", width=360)
    _log_in(coordinator, live_server, stefano, make.PASSWORD)
    coordinator.goto(f"{live_server}/t/lagoverde/people/invite")
    coordinator.get_by_label("Name").fill("Laura N.")
    coordinator.get_by_label("E-mail address").fill("laura@example.org")
    coordinator.get_by_role("group", name="Roles in this territory").get_by_label("Translator").check()
    coordinator.get_by_label("Organisation").select_option(label="Ufficio stranieri di Lagoverde")
    coordinator.get_by_role("button", name="Invite").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("People")
    # No mail server here: the link is shown to him, the same kind of link for every address.
    link_field = coordinator.get_by_label("Invitation link")
    expect(link_field).to_have_value(re.compile(r"/invitation/[\w.-]+$"))
    link = link_field.input_value()
    waiting = coordinator.get_by_role("table", name="Invitations waiting for an answer")
    expect(waiting.get_by_role("cell", name="Laura N.", exact=True)).to_be_visible()
    expect(coordinator.locator("main")).not_to_contain_text("Laura Nencini")
    assert_accessible(coordinator)

    # Laura logs in and finds the invitation on her dashboard; the list sends her to the invitation's link.
    listing = new_page(locale="en", width=360)
    _log_in(listing, live_server, laura, make.PASSWORD)
    listing.get_by_role("link", name="You have 1 invitation to answer.").click()
    expect(listing.get_by_role("heading", level=1)).to_have_text("Invitations")
    expect(listing.get_by_role("region", name="Comune di Lagoverde")).to_contain_text("Translator")
    expect(listing.locator("main")).to_contain_text(
        "Open the link in the invitation message to accept or decline it."
    )
    expect(listing.get_by_role("button", name=re.compile("Accept"))).to_have_count(0)
    assert_accessible(listing)

    # He hands her the link: it asks her to log in, then shows the invitation to answer.
    holder = new_page(locale="en", width=360)
    holder.goto(link)
    expect(holder.get_by_role("heading", level=1)).to_have_text("Log in")
    holder.get_by_label("E-mail address").fill(laura.email)
    holder.get_by_label("Password", exact=True).fill(make.PASSWORD)
    holder.get_by_role("button", name="Log in").click()
    expect(holder.get_by_role("heading", level=1)).to_have_text("Invitation")
    offer = holder.get_by_role("region", name="Comune di Lagoverde")
    expect(offer).to_contain_text("Translator")
    expect(offer).to_contain_text("Ufficio stranieri di Lagoverde")
    assert_accessible(holder)
    offer.get_by_role("button", name="Accept").click()

    expect(holder.get_by_role("status")).to_contain_text("Welcome to Comune di Lagoverde.")
    expect(holder.get_by_role("navigation").get_by_role("link", name="Comune di Lagoverde")).to_be_visible()
    db.session.expire_all()
    assert laura.roles_in(lagoverde) == [Role.TRANSLATOR]
    assert laura.organisation_in(lagoverde) == office
    assert laura.organisation_in(borgo).id == registry

    coordinator.reload()
    expect(
        coordinator.get_by_role("table", name="People").get_by_role("cell", name="Laura Nencini", exact=True)
    ).to_be_visible()
    expect(coordinator.get_by_text("No invitation is waiting.")).to_be_visible()


def test_a_new_address_chooses_its_password_from_the_invitation(make, live_server, new_page):
    lagoverde = make.territory("lagoverde", name="Comune di Lagoverde")
    stefano = make.coordinator(lagoverde, email="stefano@example.org", name="Stefano Barbieri")
    coordinator = new_page(locale="en")
    _log_in(coordinator, live_server, stefano, make.PASSWORD)
    coordinator.goto(f"{live_server}/t/lagoverde/people/invite")
    coordinator.get_by_label("Name").fill("Awa Ndiaye")
    coordinator.get_by_label("E-mail address").fill("awa@example.org")
    coordinator.get_by_role("group", name="Roles in this territory").get_by_label(
        "Association member"
    ).check()
    coordinator.get_by_label("Language of the invitation").select_option("en")
    coordinator.get_by_role("button", name="Invite").click()
    link = coordinator.get_by_label("Invitation link").input_value()

    newcomer = new_page(locale="en", width=360)
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Choose your password")
    expect(newcomer.locator("main")).to_contain_text(
        "Comune di Lagoverde invites you as: Association member."
    )
    assert_accessible(newcomer)
    newcomer.get_by_label("New password", exact=True).fill("una frase lunga e mia")
    newcomer.get_by_label("Repeat the new password").fill("una frase lunga e mia")
    newcomer.get_by_role("button", name="Save the password").click()
    expect(newcomer.get_by_role("status")).to_contain_text("Your password is saved. Welcome!")
    expect(newcomer.get_by_role("navigation").get_by_role("link", name="Comune di Lagoverde")).to_be_visible()
