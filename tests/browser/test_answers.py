"""The demo's addressee logs in, finds the recommendations addressed to his organisation from the dashboard, and
downloads the letter addressed to it, in a real browser."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from toolkit.demo.seed import DEMO_ADDRESSEE, DEMO_PASSWORD, issue_demo_version, load_demo
from toolkit.extensions import db
from toolkit.recommendations.models import DocumentKind, IssuedDocument

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_the_addressee_finds_and_downloads_their_letter(app, live_server, new_page):
    load_demo()
    db.session.commit()
    issue_demo_version()
    letters = db.session.scalars(
        db.select(IssuedDocument).where(IssuedDocument.kind == DocumentKind.LETTER)
    ).all()
    own = next(d for d in letters if d.addressee_name == DEMO_ADDRESSEE)
    page = new_page(locale="en", width=360)  # a phone: the page works without a wide screen

    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail address").fill("ufficio@example.org")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.get_by_role("link", name="Recommendations addressed to us").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendations addressed to us")
    assert_accessible(page)
    expect(
        page.get_by_role("heading", name="Il medico di famiglia anche con un contratto temporaneo")
    ).to_be_visible()
    # The other demo recommendation has no addressee: it is not his to read.
    expect(page.get_by_text("Documenti per la residenza chiari, in dieci lingue")).to_have_count(0)
    expect(page.get_by_role("link", name="Processes")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Letter to {DEMO_ADDRESSEE}").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == own.sha256
    assert download.value.suggested_filename == own.filename
