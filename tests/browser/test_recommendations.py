"""Recommendations in real browsers: a facilitator drafts two from the room's proposals and opens the review; an
association supports one; a participant who took part comes back with their return code, reads the drafts on a
phone in Arabic and comments; the facilitator reads both, issues version 1 and downloads the report and a
letter. Every page is read like a person does and checked with axe-core."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from toolkit.extensions import db
from toolkit.recommendations.models import Comment, Endorsement, IssuedDocument, Recommendation
from toolkit.recommendations.operations import today

from ..codesign.helpers import codesign_room
from ..factories import PASSWORD, proposal_for
from .conftest import assert_accessible
from .test_codesign import _login
from .test_workshop import _join, _phone, plural, words

pytestmark = pytest.mark.browser

ARABIC_COMMENT = "نحتاج أيضا إلى وسيط في المساء لمن يعمل نهارا."


def _draft(app, page, live_server, process_id: int, title: str, proposal_text: str, problem: str):
    page.goto(f"{live_server}/t/alpha/processes/{process_id}/recommendations")
    page.get_by_role("link", name=words(app, "it", "New recommendation")).click()
    page.get_by_label(words(app, "it", "Title"), exact=True).fill(title)
    page.get_by_label(proposal_text).check()
    page.get_by_label(words(app, "it", "The problem")).fill(problem)
    page.get_by_label(words(app, "it", "The change proposed")).fill(
        "Un mediatore **due mattine** a settimana."
    )
    page.get_by_role("radio", name=words(app, "it", "High priority")).check()
    page.get_by_role("button", name=words(app, "it", "Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_drafting_and_reviewing_recommendations(app, make, live_server, new_page):
    room = codesign_room(make, slug="alpha")
    workshop, process_id = room["workshop"], room["workshop"].process_id
    first = proposal_for(workshop, room["barriers"][:2], change="Un mediatore culturale all'anagrafe")
    second = proposal_for(
        workshop, room["barriers"][2:], change="Il medico anche con un contratto temporaneo"
    )
    code = workshop.join_code

    # A participant who took part in the workshop, reading in Arabic on a small phone.
    phone = _phone(new_page, "ar", 360)
    _join(app, phone, live_server, code, "ar", axe=False)
    phone.get_by_role("link", name=words(app, "ar", "My contributions")).click()
    phone.get_by_role("button", name=words(app, "ar", "Get my return code")).click()
    return_code = phone.locator(".return-code").inner_text()

    # The facilitator drafts two recommendations and opens the review for a week.
    desk = new_page(locale="it")
    _login(desk, live_server, room["facilitator"], PASSWORD)
    _draft(
        app, desk, live_server, process_id, "Mediatori all'anagrafe", first.change, "Nessuno parla **arabo**."
    )
    expect(desk.locator(".markup strong").first).to_have_text("arabo")
    assert_accessible(desk)
    _draft(
        app,
        desk,
        live_server,
        process_id,
        "Medico con contratto temporaneo",
        second.change,
        "Mesi senza medico.",
    )
    desk.goto(f"{live_server}/t/alpha/processes/{process_id}/recommendations")
    desk.get_by_label(words(app, "it", "Open for review until")).fill(
        (today() + timedelta(days=7)).isoformat()
    )
    desk.get_by_role("button", name=words(app, "it", "Save the review dates")).click()
    expect(desk.get_by_role("status").first).to_have_text(words(app, "it", "The drafts are open for review."))
    assert_accessible(desk)

    # The association supports the first from the process page.
    association = new_page(locale="it")
    _login(association, live_server, room["member"], PASSWORD)
    association.goto(f"{live_server}/t/alpha/processes/{process_id}")
    association.get_by_role("link", name=words(app, "it", "Review the draft recommendations")).click()
    supported = association.locator("#recommendation-" + str(_id("Mediatori all'anagrafe")))
    supported.get_by_role("button", name=words(app, "it", "I support this recommendation")).click()
    expect(
        association.locator("#recommendation-" + str(_id("Mediatori all'anagrafe"))).get_by_role(
            "button", name=words(app, "it", "I support this recommendation")
        )
    ).to_have_attribute("aria-pressed", "true")
    assert_accessible(association)

    # Days later, on another phone, the participant comes back with the return code, finds the drafts from
    # their contributions and comments on the second, in Arabic.
    phone = _phone(new_page, "ar", 360)
    phone.goto(f"{live_server}/return")
    phone.get_by_label(words(app, "ar", "Your return code")).fill(return_code)
    phone.get_by_role("button", name=words(app, "ar", "Open my contributions")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(words(app, "ar", "My contributions"))
    phone.get_by_role(
        "link", name=words(app, "ar", "Read the draft recommendations, support them and comment")
    ).click()
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    draft = phone.locator("#recommendation-" + str(_id("Medico con contratto temporaneo")))
    expect(draft.get_by_role("heading", level=2)).to_have_attribute("lang", "it")
    draft.get_by_label(words(app, "ar", "Your comment")).fill(ARABIC_COMMENT)
    draft.get_by_role("button", name=words(app, "ar", "Send the comment")).click()
    expect(phone.get_by_role("status").first).to_have_text(
        words(app, "ar", "Thank you: your comment is sent.")
    )
    assert_accessible(phone)

    # The facilitator reads the support and the comment, marked as Arabic.
    desk.goto(f"{live_server}/t/alpha/processes/{process_id}/recommendations")
    expect(
        desk.get_by_text(plural(app, "it", "%(num)d endorsement", "%(num)d endorsements", 1)).first
    ).to_be_visible()
    desk.goto(f"{live_server}/t/alpha/recommendations/{_id('Medico con contratto temporaneo')}")
    expect(desk.get_by_text(ARABIC_COMMENT)).to_have_attribute("lang", "ar")
    assert_accessible(desk)
    assert db.session.scalar(db.select(db.func.count()).select_from(Endorsement)) == 1
    assert db.session.scalars(db.select(Comment.language)).all() == ["ar"]

    # The facilitator issues version 1, follows the rendering, and downloads the report and a letter.
    _issue_and_download(app, desk, live_server, process_id)


def _issue_and_download(app, desk, live_server, process_id: int) -> None:
    desk.goto(f"{live_server}/t/alpha/processes/{process_id}/recommendations")
    desk.get_by_role("link", name=words(app, "it", "Issue, and the issued versions")).click()
    issue_button = words(app, "it", "Issue version %(number)s", number=1)
    expect(desk.get_by_role("heading", name=issue_button)).to_be_visible()
    languages = desk.get_by_role("group", name=words(app, "it", "Languages of the documents"))
    expect(languages.get_by_role("checkbox", name="Italiano")).to_be_checked()
    languages.get_by_role("checkbox", name="العربية").check()
    assert_accessible(desk)
    desk.get_by_role("button", name=issue_button).click()
    # The progress display, while the documents are rendered in the background...
    expect(desk.get_by_role("heading", level=1)).to_have_text(words(app, "it", "Issuing the recommendations"))
    expect(desk.get_by_role("progressbar", name=words(app, "it", "Progress"))).to_be_attached()
    # ...then the list of versions, once every document is stored.
    expect(desk.get_by_role("heading", level=1)).to_have_text(
        words(app, "it", "Issued versions"), timeout=120_000
    )
    expect(desk.get_by_role("status").first).to_have_text(
        words(app, "it", "Version %(number)s is issued.", number=1)
    )
    assert_accessible(desk)
    version = desk.locator("#version-1")
    documents = version.get_by_role(
        "table", name=words(app, "it", "Documents of version %(number)s", number=1)
    )
    reports = documents.get_by_role("link", name=words(app, "it", "Council report"))
    expect(reports).to_have_count(2)  # Italian and Arabic
    with desk.expect_download() as download:
        reports.first.click()
    report = Path(download.value.path()).read_bytes()
    letters = documents.get_by_role(
        "link", name=re.compile("^" + re.escape(words(app, "it", "Letter to %(addressee)s", addressee="")))
    )
    expect(letters.first).to_be_visible()
    with desk.expect_download() as download:
        letters.first.click()
    letter = Path(download.value.path()).read_bytes()
    stored = {d.sha256 for d in db.session.scalars(db.select(IssuedDocument))}
    for pdf in (report, letter):
        assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() in stored
        expect(version.get_by_text(hashlib.sha256(pdf).hexdigest())).to_be_visible()


def _id(title: str) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(Recommendation.id).where(Recommendation.title == title))
