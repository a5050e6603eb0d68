"""Translating in real browsers: a participant writes a barrier in Arabic from a phone; a cultural mediator
reviews its Italian translation in the queue; the facilitator reads the Italian in the synthesis with the Arabic
one click away; an Italian proposal, translated into Arabic by another mediator, reaches the Arabic phone in
Arabic. The queue and the form are checked with axe-core in Italian and in Arabic."""

from __future__ import annotations

import pytest
from babel import Locale
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from toolkit.access import Role
from toolkit.extensions import db
from toolkit.processes.models import StepKind
from toolkit.translating.models import TranslationStatus
from toolkit.workshops import operations

from ..factories import PASSWORD
from ..translating.helpers import stored
from .conftest import LIVE_UPDATE_TIMEOUT, assert_accessible
from .test_codesign import _login
from .test_workshop import _describe, _join, _localized, _phone, words

pytestmark = pytest.mark.browser

ARABIC_BARRIER = "في مكتب السجل المدني لا أحد يتكلم العربية ولا يوجد وسيط ثقافي."
ITALIAN_OF_BARRIER = "All'anagrafe nessuno parla arabo e non c'è un mediatore culturale."
ITALIAN_PROPOSAL = "Un mediatore culturale all'anagrafe due mattine a settimana"
ARABIC_OF_PROPOSAL = "وسيط ثقافي في مكتب السجل المدني صباحين في الأسبوع"


def _say(app, page_language: str, message: str, **values) -> str:
    """``message`` as a page in ``page_language`` shows it."""
    with app.test_request_context(), force_locale(page_language):
        return gettext(message, **values)


def _language(code: str, page_language: str) -> str:
    return Locale.parse(code).get_display_name(page_language)


def test_a_barrier_in_arabic_and_a_proposal_in_italian_each_reach_the_other_language(
    app, make, live_server, new_page, artifacts_dir
):
    territory = make.territory("alpha", name="Comune di Alpha")
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    service = workshop.process.services[0]
    mediator = make.user(Role.TRANSLATOR, territory, email="mediatrice@example.org")
    arabic_mediator = make.user(Role.TRANSLATOR, territory, email="mediatore@example.org", locale="ar")
    facilitator = make.user(Role.FACILITATOR, territory, email="facilitatrice@example.org")
    process_id, workshop_id = workshop.process_id, workshop.id

    # A participant writes a barrier in Arabic from a small phone.
    phone = _phone(new_page, "ar", 360)
    _join(app, phone, live_server, workshop.join_code, "ar", axe=False)
    _describe(app, phone, "ar", _localized(app, service.name, "ar"), ARABIC_BARRIER)

    # A mediator finds it in the queue, beside an empty Italian translation, and reviews one.
    page = new_page(locale="it")
    _login(page, live_server, mediator, PASSWORD)
    page.get_by_role("link", name="Comune di Alpha").click()
    page.get_by_role("navigation", name=words(app, "it", "Main menu")).get_by_role(
        "link", name=words(app, "it", "Translations")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words(app, "it", "Translations"))
    expect(page.get_by_text(ARABIC_BARRIER)).to_have_attribute("lang", "ar")
    assert_accessible(page)
    page.get_by_role("link", name=words(app, "it", "Translate")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        _say(app, "it", "Translate into %(language)s", language=_language("it", "it"))
    )
    original = page.get_by_text(ARABIC_BARRIER)
    expect(original).to_have_attribute("dir", "rtl")
    field = page.get_by_label(f"{words(app, 'it', 'Description')} · {_language('it', 'it')}")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("lang", "it")
    assert_accessible(page)
    page.screenshot(path=artifacts_dir / "translation-form-it.png", full_page=True)
    field.fill(ITALIAN_OF_BARRIER)
    page.get_by_role("button", name=words(app, "it", "Save as reviewed")).click()
    expect(page.get_by_role("status").first).to_have_text(
        words(app, "it", "The translation is saved as reviewed.")
    )
    barrier_translation = stored(_only_barrier(process_id), "it")
    assert barrier_translation.status is TranslationStatus.REVIEWED

    # The facilitator's synthesis shows the Italian; the Arabic original is one click away.
    desk = new_page(locale="it")
    _login(desk, live_server, facilitator, PASSWORD)
    desk.goto(f"{live_server}/t/alpha/processes/{process_id}/synthesis")
    expect(desk.get_by_text(ITALIAN_OF_BARRIER)).to_be_visible()
    expect(desk.get_by_text(ARABIC_BARRIER)).to_be_hidden()
    desk.get_by_text(words(app, "it", "Show the original")).first.click()
    expect(desk.get_by_text(ARABIC_BARRIER)).to_be_visible()
    expect(desk.get_by_text(ARABIC_BARRIER)).to_have_attribute("lang", "ar")
    assert_accessible(desk)

    # The facilitator types in the room's proposal, in Italian; the barrier is offered in Italian too.
    desk.goto(f"{live_server}/t/alpha/workshops/{workshop_id}/proposals/new")
    desk.get_by_label(ITALIAN_OF_BARRIER).check()
    desk.get_by_label(words(app, "it", "What should change?")).fill(ITALIAN_PROPOSAL)
    desk.get_by_role("button", name=words(app, "it", "Save")).click()
    expect(desk.get_by_role("status").first).to_have_text(words(app, "it", "The proposal is saved."))

    # A mediator who reads Arabic translates it into Arabic, with the interface in Arabic.
    arabic_desk = new_page(locale="ar")
    _login(arabic_desk, live_server, arabic_mediator, PASSWORD)
    arabic_desk.goto(f"{live_server}/t/alpha/translations/")
    expect(arabic_desk.locator("html")).to_have_attribute("dir", "rtl")
    arabic_desk.get_by_label(words(app, "ar", "Translate into")).select_option("ar")
    arabic_desk.get_by_role("button", name=words(app, "ar", "Show"), exact=True).click()
    expect(arabic_desk.get_by_text(ITALIAN_PROPOSAL)).to_have_attribute("lang", "it")
    assert_accessible(arabic_desk)
    arabic_desk.get_by_role("link", name=words(app, "ar", "Translate")).first.click()
    field = arabic_desk.get_by_label(f"{words(app, 'ar', 'What should change')} · {_language('ar', 'ar')}")
    expect(field).to_have_attribute("dir", "rtl")
    assert_accessible(arabic_desk)
    field.fill(ARABIC_OF_PROPOSAL)
    arabic_desk.screenshot(path=artifacts_dir / "translation-form-ar.png", full_page=True)
    arabic_desk.get_by_role("button", name=words(app, "ar", "Save as reviewed")).click()
    expect(arabic_desk.get_by_role("status").first).to_have_text(
        words(app, "ar", "The translation is saved as reviewed.")
    )

    # The room moves on to the proposals; the Arabic phone shows the proposal in Arabic, the Italian folded.
    operations.go_to_step(workshop, 1)
    while workshop.current_step.kind is not StepKind.PROPOSAL_ROUND:
        operations.go_to_step(workshop, 1)
    db.session.commit()
    title = _localized(app, workshop.current_step.title, "ar")
    expect(phone.get_by_role("heading", level=1)).to_have_text(title, timeout=LIVE_UPDATE_TIMEOUT)
    proposal = phone.get_by_text(ARABIC_OF_PROPOSAL).first
    expect(proposal).to_be_visible()
    expect(proposal).to_have_attribute("lang", "ar")
    expect(phone.get_by_text(ITALIAN_PROPOSAL)).to_be_hidden()
    phone.get_by_text(words(app, "ar", "Show the original")).first.click()
    expect(phone.get_by_text(ITALIAN_PROPOSAL).first).to_be_visible()
    assert_accessible(phone)
    phone.screenshot(path=artifacts_dir / "translation-phone-ar.png", full_page=True)


def _only_barrier(process_id: int):
    from toolkit.barriers.models import Barrier

    db.session.expire_all()
    return db.session.scalars(db.select(Barrier).where(Barrier.process_id == process_id)).one()
