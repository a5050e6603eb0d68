"""On a 360 px phone with JavaScript switched off, a participant comes back with their return code, withdraws a
barrier the issued documents already hold (the page says so first), then erases everything they wrote; the same
pages, and the coordinators' retention pages, have no accessibility violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from toolkit.barriers.models import Barrier, BarrierStatus
from toolkit.extensions import db
from toolkit.workshops import codes
from toolkit.workshops.models import Participant

from ..retention import helpers
from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def _come_back(page, live_server, code: str) -> None:
    page.goto(f"{live_server}/return")
    page.get_by_label("Your return code").fill(code)
    page.get_by_role("button", name="Open my contributions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My contributions")


def test_a_participant_withdraws_an_issued_barrier_and_erases_the_rest_without_javascript(
    make, live_server, new_page
):
    room = helpers.room(make, ended_days_ago=1)
    first = room.participants[0]
    code = codes.format_code(codes.issue_return_code(db.session.get(Participant, first.id)), 4)
    db.session.commit()

    phone = new_page(locale="en", width=360, java_script_enabled=False)
    _come_back(phone, live_server, code)
    phone.locator(f'a[href$="/barriers/{room.printed.id}/withdraw"]').click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Withdraw your contribution")
    expect(phone.get_by_text("This is already in the documents issued to the council on")).to_be_visible()
    expect(phone.get_by_text("not from documents already issued")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Withdraw and erase").click()
    expect(phone.get_by_text("Your contribution is withdrawn and its words are erased")).to_be_visible()
    expect(phone.get_by_text("The documents already issued on")).to_be_visible()
    db.session.expire_all()  # what the server committed
    barrier = db.session.get(Barrier, room.printed.id)
    assert (barrier.status, barrier.text) == (BarrierStatus.WITHDRAWN, "")

    phone.goto(f"{live_server}/return")
    phone.get_by_label("Your return code").fill(code)
    phone.get_by_role("button", name="Erase everything I wrote").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Erase everything you wrote")
    expect(phone.get_by_text("1 proposed change")).to_be_visible()
    expect(phone.get_by_text("Some of it is already in the documents issued to the council")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Erase everything I wrote").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("What you wrote is erased")
    db.session.expire_all()
    person = db.session.get(Participant, first.id)
    assert (person.pseudonym, person.return_code_digest) == ("", None)
    assert db.session.scalar(select(Barrier.text).where(Barrier.id == room.unprinted.id)) == helpers.UNPRINTED


def test_the_withdrawal_erasure_and_retention_pages_are_accessible(make, live_server, new_page):
    room = helpers.room(make, ended_days_ago=1)
    second = db.session.get(Participant, room.participants[1].id)
    code = codes.format_code(codes.issue_return_code(second), 4)
    territory = room.process.territory
    organisation = make.organisation(territory, "Associazione Ponti")
    coordinator = make.coordinator(territory, email="giulia@example.org")
    db.session.commit()
    organisation_id, Organisation = organisation.id, type(organisation)

    phone = new_page(locale="en", width=360)
    _come_back(phone, live_server, code)
    phone.locator(f'a[href$="/barriers/{room.unprinted.id}/withdraw"]').click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Withdraw your contribution")
    assert_accessible(phone)
    phone.goto(f"{live_server}/return")
    assert_accessible(phone)
    phone.get_by_label("Your return code").fill(code)
    phone.get_by_role("button", name="Erase everything I wrote").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Erase everything you wrote")
    assert_accessible(phone)

    page = new_page(locale="en", width=360)
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password", exact=True).fill(make.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server}/t/{territory.slug}/")
    page.get_by_role("link", name="Data retention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data retention")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Erase\W+Associazione Ponti$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase Associazione Ponti")
    assert_accessible(page)
    page.get_by_role("button", name="Erase the organisation").click()
    expect(page.get_by_text("Associazione Ponti and the words it sent are erased.")).to_be_visible()
    db.session.expunge_all()
    assert db.session.scalar(select(Organisation).where(Organisation.id == organisation_id)) is None
