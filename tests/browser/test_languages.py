"""Every page of the toolkit, in each of the ten languages, read in a real browser.

For each page: the document's ``lang`` and ``dir``; no interface string left in Italian or English (the source
languages) outside the language switcher and text marked with its own ``lang``; zero axe-core violations.
The pages come from the URL map, so a new page joins the tour without anyone adding it here.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import current_app
from playwright.sync_api import expect

from toolkit.access import Permission, Role, Rule
from toolkit.accounts import operations as accounts
from toolkit.accounts.operations import INVITATION
from toolkit.extensions import db
from toolkit.i18n import LANGUAGES, html_language, text_direction
from toolkit.processes.models import StepKind, StepTemplate
from toolkit.recommendations import issuing

from ..routes import all_routes
from .conftest import assert_accessible

pytestmark = [
    pytest.mark.browser,
    # Pages read the same whatever the database; this long tour runs in the SQLite pass only.
    pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="language tour runs on SQLite"),
]

ROOT = Path(__file__).resolve().parents[2]

#: Addresses that answer data for scripts or files to download rather than a page (PDF documents are checked on
#: their own).
NOT_PAGES = {
    "live.poll",
    "workshops.board",
    "codesign_live.results",
    "codesign.synthesis_csv",
    "auditing.territory_csv",
    "auditing.site_csv",
    "retention.export_organisation",
    "versions.job_progress",
    # Downloads and feeds, not pages.
    "open_data.json_export",
    "open_data.csv_export",
    "spreadsheet.link_download",
    "spreadsheet.account_download",
    "results.feed",
}

#: Texts of the page a person reads: text nodes and the attributes read aloud, outside the language switcher and
#: outside any element that declares its own language (user content, fallbacks, language names).
READ_TEXTS = """() => {
  const foreign = (el) => el.closest(".language-switcher")
    || (el.closest("[lang]") && el.closest("[lang]") !== document.documentElement);
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (text && !foreign(node.parentElement)) texts.push(text);
  }
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    if (foreign(el)) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      if (el.getAttribute(name)) texts.push(el.getAttribute(name).trim());
    }
  }
  return texts;
}"""


@functools.cache
def _catalogue(language: str) -> dict[str, str]:
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {
            m.id: m.string for m in read_po(handle) if m.id and isinstance(m.id, str) and "%(" not in m.id
        }


@functools.cache
def source_strings_left_for(language: str) -> set[str]:
    """Italian and English interface strings that must not appear on a page in ``language``."""
    target, italian = _catalogue(language), _catalogue("it")
    own_words = set(target.values())
    left = set()
    for source, translation in target.items():
        for original in (source, italian.get(source, "")):
            if original and original != translation and original not in own_words and len(original) > 2:
                left.add(original)
    return left


def untranslated_on(texts: list[str], sources: set[str]) -> list[str]:
    long_sources = [s for s in sources if len(s) >= 15]
    return sorted(
        {text for text in texts if text in sources}
        | {f"{source!r} in {text!r}" for text in texts for source in long_sources if source in text}
    )


#: The blueprints whose pages are about a process's follow-up.
FOLLOW_UP_BLUEPRINTS = {"follow_up", "follow_up_report", "results", "open_data", "spreadsheet", "publishing"}


def _follow_up(process, recommendation_id: int, organisation_id: int, coordinator) -> dict:
    """An issued version of ``process`` addressed to one body, its letter's link, an answer awaiting a decision
    on forwarding, and its results published."""
    from toolkit.answers import links, operations, publishing, threads
    from toolkit.answers.models import AnswerStatus
    from toolkit.recommendations.models import Recommendation
    from toolkit.territories.models import Organisation

    from ..answers.helpers import issue

    organisation = db.session.get(Organisation, organisation_id)
    db.session.get(Recommendation, recommendation_id).addressee = organisation
    db.session.commit()
    version = issue(process)
    link, token = links.new_link(process, organisation, version)
    answer = operations.record_answer(
        threads.thread_of(process, organisation, recommendation_id),
        status=AnswerStatus.NOT_OUR_COMPETENCE,
        text="Non è nostra competenza.",
        language="it",
        competent_body="Questura",
    )
    publishing.publish(process, coordinator)
    db.session.commit()
    return {"answer_id": answer.id, "link_id": link.id, "token": token}


@pytest.fixture
def tour(make, app):
    """A territory with a network, a process, an invited person, and someone to visit each kind of page."""
    territory = make.territory("alpha", name="Comune di Alpha")
    network = make.network(territory, slug="rete")
    make.process(territory)
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    coordinator = make.coordinator(territory, email="coordinatrice@example.org", name="Giulia")
    invited = accounts.create_user("nuova@example.org", "Nuova persona")
    accounts.grant_role(invited, Role.OPERATOR, territory=territory)
    db.session.commit()
    people = {
        "anonymous": None,
        "coordinator": coordinator,
        "admin": make.user(admin=True, email="admin@example.org"),
        "network": make.user(Role.NETWORK_COORDINATOR, network=network, email="rete@example.org"),
    }
    with current_app.test_request_context():
        token = accounts.make_token(invited, INVITATION)
    service = make.services_of(territory)[0]
    values = {
        "territory_slug": "alpha",
        "network_slug": "rete",
        "process_id": make.process(territory, title="Secondo percorso").id,
        "service_id": service.id,
        "category_id": make.categories_of(territory)[0].id,
        "organisation_id": service.owner_id,
        "user_id": coordinator.id,
        "token": token,
        "step_id": db.session.scalar(db.select(StepTemplate.id).limit(1)),
        **make.contributions(workshop),
        "workshop_id": workshop.id,
        "workshop_code": workshop.join_code,
        "lang": "ar",
        "kind": "barrier",
    }
    values["source_id"] = values["barrier_id"]
    values["recommendation_id"] = make.recommendation(workshop.process).id
    values["quote_id"] = 999999
    values["job_id"] = issuing.request_issue(workshop.process, ["it"], "", None).id
    db.session.commit()
    follow_up = _follow_up(workshop.process, values["recommendation_id"], service.owner_id, coordinator)
    values |= {"answer_id": follow_up["answer_id"], "link_id": follow_up["link_id"], "forwarding_id": 999999}
    people["participant"] = workshop
    visits: dict[str, list[str]] = {actor: [] for actor in people}
    for route in all_routes(app):
        if route.method != "GET" or route.rule.endswith(".pdf") or route.endpoint in NOT_PAGES:
            continue
        rule = route.access_rule
        actor = {
            Rule.PUBLIC: "anonymous",
            Rule.ADMIN: "admin",
            Rule.NETWORK: "network",
            Rule.PARTICIPANT: "participant",
        }.get(rule, "coordinator")
        assert rule in (*Rule, *Permission), route
        # The follow-up's pages are those of the process that issued its version, and a letter's pages are
        # opened with the letter's token (an invitation's token opens the invitation).
        answered = route.endpoint.split(".")[0] in FOLLOW_UP_BLUEPRINTS or route.endpoint == "answers.answer"
        letter = route.endpoint.startswith(("answering.", "spreadsheet.link_"))
        visits[actor].append(
            route.url(
                app,
                {
                    **values,
                    **({"process_id": workshop.process.id} if answered else {}),
                    **({"token": follow_up["token"]} if letter else {}),
                },
            )
        )
    visits["coordinator"] += ["/", "/t/alpha/services/999999"]  # the dashboard, and a page that is not found
    visits["anonymous"] = [url for url in visits["anonymous"] if url != "/"] + ["/"]
    return people, visits


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_page_in_every_language(tour, make, live_server, new_page, language):
    """One language per test, so that the tour can share the machine's cores."""
    people, visits = tour
    assert sum(len(urls) for urls in visits.values()) >= 25
    checked = 0
    for actor, urls in visits.items():
        page = new_page(locale="it")
        if actor == "participant":
            # Someone who joined the workshop with its code.
            page.goto(f"{live_server}/w/{people[actor].join_code}/consent")
            page.locator("input[name=consent]").check()
            page.locator("form.narrow-form button[type=submit]").click()
            expect(page.locator("form.keeps-draft")).to_have_count(1)
        elif people[actor] is not None:
            page.goto(f"{live_server}/login")
            page.locator("input[name=email]").fill(people[actor].email)
            page.locator("input[name=password]").fill(make.PASSWORD)
            page.locator("form button[type=submit]").last.click()
            expect(page.locator("input[name=password]")).to_have_count(0)
        # The language a person chose with the switcher, remembered in a cookie.
        page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        sources = source_strings_left_for(language)
        for url in urls:
            page.goto(f"{live_server}{url}")
            where = f"{actor} {language} {url}"
            html = page.locator("html")
            assert html.get_attribute("lang") == html_language(language), where
            assert html.get_attribute("dir") == text_direction(language), where
            assert untranslated_on(page.evaluate(READ_TEXTS), sources) == [], where
            assert_accessible(page)
            checked += 1
    assert checked == sum(len(urls) for urls in visits.values())
