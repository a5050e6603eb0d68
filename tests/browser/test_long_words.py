"""A word longer than a line (a pasted address, a name without spaces) on a 360 px phone: the room's pages, the
cockpit, the projector and moderation break it rather than scrolling sideways, in Italian and in Arabic."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from toolkit.access import Role
from toolkit.extensions import db
from toolkit.processes.models import StepKind
from toolkit.workshops import operations, service_choice

from .test_workshop import _join, _phone

pytestmark = pytest.mark.browser

#: A title of one word: as long as a title may be, with room for the process's own prefix.
LONG_TITLE = "Laboratorio" + "x" * 150
LONG_WORD = "https://comune.example.org/" + "documenti" * 40


#: The elements that stick out of the page on either side, for the failure message.
STICKING_OUT = """() => [...document.querySelectorAll("body *")]
    .filter(e => { const box = e.getBoundingClientRect();
                   return box.right > document.documentElement.clientWidth + 1 || box.left < -1; })
    .slice(0, 6)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().width)} px)`)"""


def _no_sideways_scrolling(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px: {page.evaluate(STICKING_OUT)}"


@pytest.mark.parametrize("language", ["it", "ar"])
def test_a_word_longer_than_the_line_never_pushes_a_page_sideways(app, make, live_server, new_page, language):
    territory = make.territory("alpha")
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND, title=LONG_TITLE)
    make.barrier(workshop, text=f"Il modulo è solo su {LONG_WORD}")
    service_choice.propose_service(
        workshop.process,
        service=None,
        name="Sportello" + "y" * 150,
        reason=LONG_WORD,
        language="it",
        submission_key=None,
        workshop=workshop,
    )
    db.session.commit()
    facilitator = make.user(Role.FACILITATOR, territory)

    phone = _phone(new_page, language, 360, java_script_enabled=False)
    _join(app, phone, live_server, workshop.join_code, language, axe=False)
    expect(phone.get_by_text(LONG_WORD, exact=False).first).to_be_visible()
    _no_sideways_scrolling(phone)
    operations.go_to_step(workshop, 1)  # the room moves on, through to the synthesis
    while workshop.current_step.kind is not StepKind.SYNTHESIS:
        operations.go_to_step(workshop, 1)
    db.session.commit()
    phone.reload()
    expect(phone.get_by_text("Sportello" + "y" * 150).first).to_be_visible()
    _no_sideways_scrolling(phone)

    staff = new_page(locale=language, width=360)
    staff.goto(f"{live_server}/login")
    staff.locator("input[name=email]").fill(facilitator.email)
    staff.locator("input[name=password]").fill(make.PASSWORD)
    staff.locator("form button[type=submit]").last.click()
    for page, shown in (
        ("", LONG_TITLE),
        ("/projector", "Sportello" + "y" * 150),
        ("/moderation", LONG_WORD),
    ):
        staff.goto(f"{live_server}/t/alpha/workshops/{workshop.id}{page}")
        expect(staff.get_by_text(shown, exact=False).first).to_be_visible()
        _no_sideways_scrolling(staff)
