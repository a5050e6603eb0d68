"""The follow-up from end to end, as its people live it: the health authority opens the link of its letter on a
phone (no account, no JavaScript), answers two recommendations and later sends a new answer to one; the
coordinator reads both answers and the history in the follow-up, publishes the results, and everyone reads them
on the public page; the follow-up report carries them; and the participant whose barrier led to the
recommendation, back with her return code on another phone, reads the answer in Arabic once a translator has
reviewed its translation."""

from __future__ import annotations

import re
import subprocess

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from toolkit.access import Role
from toolkit.answers import links
from toolkit.answers.models import Answer, AnswerStatus
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind
from toolkit.translating import operations as translating
from toolkit.translating.models import SourceKind
from toolkit.translating.sources import SOURCES
from toolkit.workshops import codes
from toolkit.workshops import operations as workshops
from toolkit.workshops.models import ParticipantRole

from ..answers.helpers import issue
from ..factories import PASSWORD
from .conftest import assert_accessible
from .test_answering import _answer, answer_words
from .test_codesign import _login

pytestmark = pytest.mark.browser

FIRST, SECOND = "Un mediatore al CUP", "Orari del CUP anche il pomeriggio"
ACCEPTED = "Da marzo un mediatore culturale al CUP il martedì."
REJECTED = "Mancano le persone per aprire il pomeriggio."
IMPLEMENTED = "Il mediatore è al CUP il martedì da marzo."
IMPLEMENTED_AR = "الوسيط الثقافي موجود في مكتب الحجز يوم الثلاثاء منذ مارس."


def _world(make) -> dict:
    territory = make.territory("borgo", name="Comune di Borgo")
    health = make.organisation(territory, "Azienda sanitaria di Borgo", OrganisationKind.SERVICE_OWNER)
    workshop = make.live_workshop(territory)
    process = workshop.process
    nour = workshops.join(workshop, language="ar", pseudonym="Nour", role=ParticipantRole.RESIDENT)
    db.session.flush()
    code = codes.issue_return_code(nour)
    db.session.commit()
    barrier = make.barrier(workshop, text="Al CUP nessuno parla arabo", participant=nour)
    first = make.recommendation(process, title=FIRST)
    first.addressee, first.barriers = health, [barrier]
    second = make.recommendation(process, title=SECOND)
    second.addressee = health
    db.session.commit()
    version = issue(process, ["it", "ar"])
    _link, token = links.new_link(process, health, version)
    coordinator = make.coordinator(territory, email="coordinatrice@example.org", locale="it")
    translator = make.user(Role.TRANSLATOR, territory, email="traduzioni@example.org", locale="it")
    db.session.commit()
    return {
        "process": process,
        "first": first,
        "second": second,
        "token": token,
        "code": codes.format_code(code, 4),
        "coordinator": coordinator,
        "translator": translator,
    }


def _words(locale: str) -> dict:
    with force_locale(locale):
        return {
            **answer_words(locale),
            "return code": gettext("Your return code"),
            "open mine": gettext("Open my contributions"),
        }


def _office_answers(world, live_server, new_page) -> None:
    words = _words("it")
    phone = new_page(locale="it", width=360, java_script_enabled=False)
    checker = new_page(locale="it", width=360)
    link = f"{live_server}/answer/{world['token']}"
    phone.goto(link)
    phone.get_by_role("link", name=re.compile(f"{re.escape(words['answer'])}.*{FIRST}")).click()
    _answer(phone, checker, words, AnswerStatus.ACCEPTED, ACCEPTED, ("Un mediatore il martedì", "2027-03-01"))
    phone.get_by_role("link", name=re.compile(f"{re.escape(words['answer'])}.*{SECOND}")).click()
    _answer(phone, checker, words, AnswerStatus.REJECTED, REJECTED)
    # Weeks later, from the same letter.
    phone.goto(link)
    phone.get_by_role("link", name=re.compile(f"{re.escape(words['new answer'])}.*{FIRST}")).click()
    _answer(phone, checker, words, AnswerStatus.IMPLEMENTED, IMPLEMENTED)


def test_from_the_letter_to_the_public_page_and_back_to_the_participant(app, make, live_server, new_page):
    world = _world(make)
    process_id = world["process"].id
    _office_answers(world, live_server, new_page)
    stored = db.session.scalars(db.select(Answer).order_by(Answer.id)).all()
    assert [(a.recommendation_id, a.status) for a in stored] == [
        (world["first"].id, AnswerStatus.ACCEPTED),
        (world["second"].id, AnswerStatus.REJECTED),
        (world["first"].id, AnswerStatus.IMPLEMENTED),
    ]
    words = _words("it")

    # The coordinator follows up: both answers in the overview, and the first one's history in order.
    desk = new_page(locale="it")
    _login(desk, live_server, world["coordinator"], PASSWORD)
    desk.goto(f"{live_server}/t/borgo/processes/{process_id}/follow-up")
    expect(desk.get_by_role("row", name=FIRST).first).to_contain_text(words[AnswerStatus.IMPLEMENTED])
    expect(desk.get_by_role("row", name=SECOND).first).to_contain_text(words[AnswerStatus.REJECTED])
    assert_accessible(desk)
    desk.get_by_role("link", name=FIRST).first.click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(FIRST)
    timeline = desk.locator("main").inner_text()
    assert timeline.index(ACCEPTED) < timeline.index(IMPLEMENTED)

    # The follow-up report carries every answer.
    report = desk.request.get(f"{live_server}/t/borgo/processes/{process_id}/follow-up/report.pdf")
    assert report.ok and report.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=report.body(), capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    for said in (ACCEPTED, REJECTED, IMPLEMENTED):
        assert said in flat, said

    # Not public until the coordinator publishes; then the public page shows both answers and the history.
    public = f"{live_server}/results/borgo/{process_id}/"
    visitor = new_page(locale="it", width=360, java_script_enabled=False)
    assert visitor.goto(public).status == 404
    desk.goto(f"{live_server}/t/borgo/processes/{process_id}/versions")
    with force_locale("it"):
        confirm = gettext("I confirm that anyone may read version %(number)s and its answers", number="1")
        publish = gettext("Publish the results")
    desk.get_by_label(confirm).check()
    desk.get_by_role("button", name=publish).click()
    assert visitor.goto(public).status == 200
    for said in (ACCEPTED, REJECTED, IMPLEMENTED):
        expect(visitor.get_by_text(said).first).to_be_attached()
    page_text = visitor.locator("main").inner_text()
    assert page_text.index(ACCEPTED) < page_text.index(IMPLEMENTED)
    assert "Nour" not in page_text and "Dott.ssa Rossi" not in page_text

    # A translator reviews the Arabic of the latest answer; the participant reads it on her phone.
    latest = stored[-1]
    translating.save_translation(
        SOURCES[SourceKind.ANSWER],
        latest,
        "ar",
        {"text": IMPLEMENTED_AR},
        reviewed=True,
        user=world["translator"],
    )
    db.session.commit()
    arabic = _words("ar")
    phone = new_page(locale="ar", width=360, java_script_enabled=False)
    phone.goto(f"{live_server}/return")
    phone.get_by_label(arabic["return code"]).fill(world["code"])
    phone.get_by_role("button", name=arabic["open mine"]).click()
    answer = phone.get_by_text(IMPLEMENTED_AR)
    expect(answer).to_be_visible()
    expect(answer).to_have_attribute("lang", "ar")
    expect(answer).to_have_attribute("dir", "rtl")
    expect(phone.get_by_text(arabic[AnswerStatus.IMPLEMENTED]).first).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
