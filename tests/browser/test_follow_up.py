"""A facilitator follows up a process in a real browser, in Italian and in Arabic: reads the overview and a
recommendation's history, and forwards a recommendation a body says is not its own to the body it named."""

import pytest
from playwright.sync_api import expect

from toolkit.access import Role
from toolkit.answers.models import Forwarding
from toolkit.extensions import db

from ..answers.test_overview import follow_up_world
from ..factories import PASSWORD
from .conftest import assert_accessible
from .test_codesign import _login
from .test_workshop import words

pytestmark = pytest.mark.browser

#: Rendering the forwarding letter takes a few seconds on a busy machine.
RENDERING_TIMEOUT = 60_000


@pytest.mark.parametrize("language", ["it", "ar"])
def test_the_facilitator_reads_the_follow_up_and_forwards_a_recommendation(
    app, make, live_server, new_page, language
):
    world = follow_up_world(make)
    facilitator = make.user(Role.FACILITATOR, world["territory"], locale=language)
    page = new_page(locale=language)
    _login(page, live_server, facilitator, PASSWORD)

    page.goto(f"{live_server}/t/borgo/processes/{world['process'].id}")
    page.get_by_role("link", name=words(app, language, "Follow-up of the answers")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(app, language, "Follow-up of the answers")
    )
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    assert_accessible(page)
    statistics = page.locator("table.statistics")
    expect(statistics.get_by_role("row", name=words(app, language, "No answer yet"))).to_be_visible()
    expect(
        statistics.get_by_role("row", name=words(app, language, "Acknowledged (received)"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name=words(app, language, "How this is counted"))).to_be_visible()

    # A recommendation's history: issued, then the health authority's answer with its commitment.
    page.get_by_role("link", name="Un mediatore al CUP").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Un mediatore al CUP")
    history = page.locator("ol.timeline")
    expect(history.get_by_text("Dal mese prossimo un mediatore il martedì.")).to_be_visible()
    expect(history.get_by_text("Un mediatore il martedì", exact=True)).to_be_visible()
    assert_accessible(page)

    # The registry office said the residence rules are not its own: forward them to the region.
    page.get_by_role("link", name=words(app, language, "Follow-up of the answers")).click()
    page.get_by_role("link", name=words(app, language, "Decide whether to forward it")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(app, language, "Forward a recommendation")
    )
    assert_accessible(page)
    page.get_by_label(words(app, language, "Forward it to the body named")).check()
    expect(page.get_by_label(words(app, language, "Forward to"))).to_have_value(str(world["region"].id))
    page.get_by_role("button", name=words(app, language, "Record the decision")).click()
    letter = page.get_by_role(
        "link",
        name=words(app, language, "Letter to %(addressee)s", addressee="Regione - Ufficio immigrazione"),
    )
    expect(letter).to_be_visible(timeout=RENDERING_TIMEOUT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Residenza con un contratto temporaneo")
    forwarding = db.session.scalars(db.select(Forwarding)).one()
    assert forwarding.to_organisation_id == world["region"].id and forwarding.letter_pdf.startswith(b"%PDF-")
    with page.expect_download() as download:
        letter.click()
    assert download.value.suggested_filename.endswith(".pdf")
