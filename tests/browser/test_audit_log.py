"""A coordinator opens the audit log from the territory's dashboard, reads it by its column headers and filters
it, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from toolkit.audit import AuditEntry
from toolkit.extensions import db
from toolkit.territories import operations as territories

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_a_coordinator_reads_and_filters_the_audit_log(make, live_server, new_page):
    territory = make.territory("borgo", name="Comune di Borgo")
    coordinator = make.coordinator(territory, email="giulia@example.org", name="Giulia Rossi")
    organisation = make.organisation(territory, name="Associazione Ponti")
    territories.set_organisation_archived(organisation, True)  # from the command line
    db.session.add(
        AuditEntry(
            territory_id=territory.id,
            user_id=coordinator.id,
            actor="person",
            action="organisation.restored",
            target_type="Organisation",
            target_id=organisation.id,
            details={},
        )
    )
    db.session.commit()

    page = new_page(locale="en")
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password", exact=True).fill(make.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Comune di Borgo").first.click()
    page.get_by_role("link", name="Audit log: who changed what").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    table = page.get_by_role("table", name=re.compile("Changes, newest first"))
    headers = table.get_by_role("columnheader").all_inner_texts()
    assert headers == ["When", "Who", "What was done", "Record changed", "Details"]
    who, what, record = headers.index("Who"), headers.index("What was done"), headers.index("Record changed")
    rows = table.get_by_role("row")
    expect(rows).to_have_count(1 + 4)  # the header; the territory made, the role given, two changes
    newest = rows.nth(1).get_by_role("cell")
    expect(newest.nth(who)).to_have_text("Giulia Rossi")
    expect(newest.nth(what)).to_have_text("Organisation restored")
    expect(newest.nth(record).get_by_role("link")).to_have_attribute(
        "href", f"/t/borgo/organisations/{organisation.id}/edit"
    )
    assert_accessible(page)

    page.get_by_label("What was done").select_option(label="Organisation archived")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"action=organisation\.archived"))
    rows = page.get_by_role("table", name=re.compile("Changes, newest first")).get_by_role("row")
    expect(rows).to_have_count(2)
    only = rows.nth(1).get_by_role("cell")
    expect(only.nth(who)).to_have_text("Command line")
    expect(only.nth(record)).to_contain_text("Associazione Ponti")
    expect(page.get_by_text("1 entry.")).to_be_visible()
    expect(page.get_by_role("link", name="Download these entries (CSV)")).to_have_attribute(
        "href", re.compile(r"/t/borgo/audit\.csv\?action=organisation\.archived")
    )
    assert_accessible(page)

    # On a phone the page is usable too: the table scrolls within its own box.
    phone = new_page(locale="en", width=360)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Audit log")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone)
