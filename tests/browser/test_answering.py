"""An office opens the link printed on its letter on a phone, without an account, answers two recommendations and
later sends a new answer to one: the page shows both answers and the history. With JavaScript and without, in
Italian and in Arabic (right to left), with zero axe-core violations on the link's page and on the answer form."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from toolkit.answers import links
from toolkit.answers.labels import ANSWER_STATUSES
from toolkit.answers.models import Answer, AnswerStatus
from toolkit.extensions import db

from ..answers.helpers import issue
from ..answers.test_addressed import addressed_world
from .conftest import assert_accessible

pytestmark = pytest.mark.browser

#: A phone's screen width, in CSS pixels.
PHONE = 360


def _world(make) -> dict:
    world = addressed_world(make)
    second = make.recommendation(world["process"], title="Orari del CUP anche il pomeriggio")
    second.addressee = world["health"]
    db.session.commit()
    world["second"] = second
    version = issue(world["process"])
    _link, world["token"] = links.new_link(world["process"], world["health"], version)
    db.session.commit()
    return world


def answer_words(locale: str) -> dict:
    """The words of the answer pages, as a reader of ``locale`` reads them."""
    with force_locale(locale):
        return {
            "answer": gettext("Answer"),
            "new answer": gettext("Send a new answer"),
            "text": gettext("What you say"),
            "language": gettext("Language you write in"),
            "what": gettext("What will be done"),
            "by when": gettext("By when"),
            "signed": gettext("Signed by (optional)"),
            "send": gettext("Send the answer"),
            "recorded": gettext("Answer recorded"),
            "history": gettext("Your answers"),
            **{status: str(label) for status, label in ANSWER_STATUSES.items()},
        }


def _checked(page, checker) -> None:
    """Zero axe-core violations on the page, and nothing wider than the phone's screen. Without JavaScript the
    page cannot run axe-core: a second page, with JavaScript and the same language, opens the same address."""
    if checker is not None:
        checker.goto(page.url)
        page = checker
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def _answer(page, checker, words, status: AnswerStatus, text: str, commitment=None) -> None:
    """Fill the answer form the page shows, and send it."""
    _checked(page, checker)
    page.get_by_label(words[status], exact=True).check()
    page.get_by_label(words["text"], exact=True).fill(text)
    page.get_by_label(words["language"]).select_option("it")
    if commitment is not None:
        page.get_by_label(words["what"]).first.fill(commitment[0])
        page.get_by_label(words["by when"]).first.fill(commitment[1])
    page.get_by_label(words["signed"]).fill("Dott.ssa Rossi")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("status").filter(has_text=words["recorded"])).to_be_visible()


@pytest.mark.parametrize(("locale", "javascript"), [("it", False), ("ar", True)])
def test_an_office_answers_from_its_letter_on_a_phone(app, live_server, new_page, make, locale, javascript):
    world = _world(make)
    words = answer_words(locale)
    page = new_page(locale=locale, width=PHONE, java_script_enabled=javascript)
    checker = None if javascript else new_page(locale=locale, width=PHONE)
    link = f"{live_server}/answer/{world['token']}"
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Servizi più vicini")
    expect(page.get_by_text("Moduli di iscrizione tradotti")).to_have_count(0)  # the school office's
    _checked(page, checker)

    first, second = "Un mediatore al CUP", "Orari del CUP anche il pomeriggio"
    page.get_by_role("link", name=re.compile(f"{re.escape(words['answer'])}.*{first}")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first)
    _answer(
        page,
        checker,
        words,
        AnswerStatus.ACCEPTED,
        "Da marzo un mediatore al CUP il martedì.",
        ("Un mediatore arabo al CUP", "2027-03-01"),
    )
    page.get_by_role("link", name=re.compile(f"{re.escape(words['answer'])}.*{second}")).click()
    _answer(page, checker, words, AnswerStatus.REJECTED, "Mancano le persone per il pomeriggio.")

    # Weeks later, from the same letter: a new answer to the first one.
    page.goto(link)
    page.get_by_role("link", name=re.compile(f"{re.escape(words['new answer'])}.*{first}")).click()
    _answer(page, checker, words, AnswerStatus.IMPLEMENTED, "Il mediatore è al CUP da marzo.")

    first_card = page.locator(f"#recommendation-{world['to_health'].id}")
    history = first_card.locator(".answer-entry")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text(words[AnswerStatus.ACCEPTED])
    expect(history.nth(0)).to_contain_text("Un mediatore arabo al CUP")
    expect(history.nth(1)).to_contain_text(words[AnswerStatus.IMPLEMENTED])
    expect(history.nth(1)).to_contain_text("Il mediatore è al CUP da marzo.")
    expect(first_card.locator('.user-text[lang="it"]').first).to_be_visible()
    second_card = page.locator(f"#recommendation-{world['second'].id}")
    expect(second_card.locator(".answer-entry")).to_have_count(1)
    expect(second_card).to_contain_text("Mancano le persone per il pomeriggio.")
    _checked(page, checker)

    stored = db.session.scalars(db.select(Answer).order_by(Answer.id)).all()
    assert [a.status for a in stored] == [
        AnswerStatus.ACCEPTED,
        AnswerStatus.REJECTED,
        AnswerStatus.IMPLEMENTED,
    ]
    assert all(a.language == "it" and a.signed_by == "Dott.ssa Rossi" and a.user_id is None for a in stored)
    assert [len(a.commitments) for a in stored] == [1, 0, 0]  # a new answer starts from an empty form
