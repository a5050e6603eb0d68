"""A whole live workshop in real browsers: a facilitator with the cockpit and the projector, and three phones
(one 360 px wide, one in Arabic, one with JavaScript switched off).

Each person reads the page in their own language: the words looked for come from the catalogues, as a person
would read them. After the workshop nothing in the database or the log holds the phones' address or browser.
"""

from __future__ import annotations

import logging
import re

import pytest
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import expect
from sqlalchemy import inspect, select, text

from toolkit.access import Role
from toolkit.barriers import operations as barrier_operations
from toolkit.barriers.models import Barrier, BarrierStatus
from toolkit.extensions import db
from toolkit.i18n import LANGUAGES
from toolkit.processes.models import Phase, Process, StepTemplate
from toolkit.workshops import operations, service_choice
from toolkit.workshops.models import Workshop

from .conftest import LIVE_UPDATE_TIMEOUT, assert_accessible

pytestmark = pytest.mark.browser

PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 9; TelefonoProva-4711) Chrome/120 Mobile"


def words(app, language: str, message: str, **values) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(message, **values)


def plural(app, language: str, singular: str, plural_: str, num: int) -> str:
    with app.test_request_context(), force_locale(language):
        return ngettext(singular, plural_, num)


@pytest.fixture
def room(make):
    territory = make.territory("alpha", name="Comune di Alpha")
    services = make.services_of(territory)
    process = Process(territory_id=territory.id, title="Servizi per tutti", phase=Phase.SERVICES)
    workshop = Workshop(
        territory_id=territory.id, title="Laboratorio di marzo", phase=Phase.SERVICES, process=process
    )
    db.session.add(process)
    db.session.flush()
    templates = db.session.scalars(select(StepTemplate).order_by(StepTemplate.position)).all()
    operations.build_agenda(workshop, list(templates))
    db.session.commit()
    facilitator = make.user(Role.FACILITATOR, territory, email="facilitatrice@example.org")
    return {"territory": territory, "services": services, "workshop": workshop, "facilitator": facilitator}


def _phone(new_page, locale: str, width: int, **options):
    return new_page(locale=locale, width=width, user_agent=PHONE_BROWSER, **options)


def _join(app, page, live_server, code: str, language: str, choose: str | None = None, axe: bool = True):
    """Join as a person does; ``axe`` checks each page (not possible with JavaScript switched off)."""
    check = assert_accessible if axe else (lambda _page: None)
    page.goto(f"{live_server}/join")
    expect(page.locator("html")).to_have_attribute("lang", language)
    check(page)
    page.get_by_label(words(app, language, "Workshop code")).fill(code.lower().replace("-", " "))
    page.get_by_role("button", name=words(app, language, "Join"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words(app, language, "Choose your language"))
    check(page)
    if choose:
        page.get_by_role("button", name=LANGUAGES[choose]["name"]).click()
        language = choose
    else:
        page.get_by_role("link", name=words(app, language, "Continue in this language")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words(app, language, "Before you start"))
    check(page)
    page.get_by_label(words(app, language, "I have read how my contributions are used, and I agree")).check()
    page.get_by_role("button", name=words(app, language, "Take part")).click()
    return language


def _next_step(app, facilitator):
    facilitator.get_by_role("button", name=words(app, "it", "Next step")).click()


def _follow(page, javascript: bool, title: str):
    """Phones with JavaScript follow the room by themselves; without it, the person reloads."""
    if not javascript:
        page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(title, timeout=LIVE_UPDATE_TIMEOUT)


def _step_title(room, kind) -> dict:
    step = next(s for s in room["workshop"].steps if s.kind.value == kind)
    return step.title


def test_a_workshop_from_joining_to_the_return_code(
    app, room, make, live_server, new_page, caplog, artifacts_dir
):
    caplog.set_level(logging.INFO)
    workshop = room["workshop"]
    first_service, second_service = room["services"][0], room["services"][1]

    # The facilitator starts the workshop from the cockpit; the projector shows how to join.
    facilitator = new_page(locale="it", width=1280)
    facilitator.goto(f"{live_server}/login")
    facilitator.locator("input[name=email]").fill(room["facilitator"].email)
    facilitator.locator("input[name=password]").fill(make.PASSWORD)
    facilitator.locator("form button[type=submit]").last.click()
    facilitator.goto(f"{live_server}/t/alpha/workshops/{workshop.id}")
    facilitator.get_by_role("button", name=words(app, "it", "Start the workshop")).click()
    code = facilitator.locator(".join-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", code)
    assert_accessible(facilitator)

    projector = facilitator.context.new_page()
    projector.goto(f"{live_server}/t/alpha/workshops/{workshop.id}/projector")
    expect(projector.locator(".join-code")).to_have_text(code)
    assert_accessible(projector)

    # Three phones join with the code.
    small = _phone(new_page, "it", 360)
    arabic = _phone(new_page, "ar", 412)
    offline = _phone(new_page, "it", 412, java_script_enabled=False)
    _join(app, small, live_server, code, "it")
    assert_accessible(small)
    _join(app, arabic, live_server, code, "ar", choose="ar")
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(arabic)
    _join(app, offline, live_server, code, "it", axe=False)
    welcome = {lang: str(_localized(app, _step_title(room, "welcome"), lang)) for lang in ("it", "ar")}
    expect(small.get_by_role("heading", level=1)).to_have_text(welcome["it"])
    expect(arabic.get_by_role("heading", level=1)).to_have_text(welcome["ar"])

    # Proposing services: the phones with scripts follow the room by themselves.
    _next_step(app, facilitator)
    proposals = {lang: _localized(app, _step_title(room, "service_proposals"), lang) for lang in ("it", "ar")}
    _follow(small, True, proposals["it"])
    _follow(arabic, True, proposals["ar"])
    _follow(offline, False, proposals["it"])
    assert_accessible(small)
    assert_accessible(arabic)
    service_label = {lang: words(app, lang, "Service") for lang in ("it", "ar")}
    first_name = {lang: _localized(app, first_service.name, lang) for lang in ("it", "ar")}
    small.get_by_label(service_label["it"], exact=True).select_option(label=first_name["it"])
    small.get_by_label(words(app, "it", "Why is it hard to use?")).fill("Le code sono lunghissime")
    small.get_by_role("button", name=words(app, "it", "Send")).click()
    arabic.get_by_label(service_label["ar"], exact=True).select_option(label=first_name["ar"])
    arabic.get_by_label(words(app, "ar", "Why is it hard to use?")).fill("لا يوجد مترجم في المكتب")
    arabic.get_by_role("button", name=words(app, "ar", "Send")).click()
    offline.get_by_label(service_label["it"], exact=True).select_option(
        label=words(app, "it", "Another service, not in the list")
    )
    offline.get_by_label(words(app, "it", "Another service (if it is not in the list)")).fill(
        "Mensa scolastica"
    )
    offline.get_by_label(words(app, "it", "Why is it hard to use?")).fill("Il modulo è solo online")
    offline.get_by_role("button", name=words(app, "it", "Send")).click()
    expect(offline.get_by_text("Il modulo è solo online")).to_be_visible()
    # The projector shows them as they arrive, without a reload.
    expect(projector.get_by_text("Mensa scolastica")).to_be_visible(timeout=LIVE_UPDATE_TIMEOUT)
    expect(projector.locator(".ranked-name", has_text=first_name["it"])).to_be_visible()

    # Voting with dots.
    _next_step(app, facilitator)
    voting = {lang: _localized(app, _step_title(room, "service_voting"), lang) for lang in ("it", "ar")}
    _follow(small, True, voting["it"])
    _follow(arabic, True, voting["ar"])
    _follow(offline, False, voting["it"])
    assert_accessible(arabic)
    assert_accessible(small)
    small.get_by_label(first_name["it"]).fill("3")
    small.get_by_label("Mensa scolastica").fill("2")
    small.get_by_role("button", name=words(app, "it", "Place my dots")).click()
    arabic.get_by_label(first_name["ar"]).fill("2")
    arabic.get_by_role("button", name=words(app, "ar", "Place my dots")).click()
    offline.get_by_label("Mensa scolastica").fill("4")
    offline.get_by_label(first_name["it"]).fill("1")
    offline.get_by_role("button", name=words(app, "it", "Place my dots")).click()
    # Too many dots on one service: refused, with the choices kept and the reason in the person's language.
    expect(offline.get_by_role("alert")).to_contain_text(
        plural(
            app,
            "it",
            "You can place at most %(num)d dot on one service.",
            "You can place at most %(num)d dots on one service.",
            3,
        )
        % {"num": 3}
    )
    expect(offline.get_by_label("Mensa scolastica")).to_have_value("4")
    offline.get_by_label("Mensa scolastica").fill("2")
    offline.get_by_role("button", name=words(app, "it", "Place my dots")).click()
    # 3 + 2 + 1 = 6 dots for the first service, 2 + 2 = 4 for the school canteen.
    ranking = projector.locator(".ranking .ranked")
    expect(ranking.first).to_contain_text(first_name["it"], timeout=LIVE_UPDATE_TIMEOUT)
    expect(ranking.first).to_contain_text(plural(app, "it", "%(num)d dot", "%(num)d dots", 6) % {"num": 6})
    expect(ranking.nth(1)).to_contain_text(plural(app, "it", "%(num)d dot", "%(num)d dots", 4) % {"num": 4})
    db.session.expire_all()
    ranked = service_choice.ranking(db.session.get(Process, workshop.process_id))
    assert [(r.rank, r.dots) for r in ranked] == [(1, 6), (2, 4)]
    assert ranked[1].candidate.name == "Mensa scolastica"

    # The facilitator confirms the services in scope.
    facilitator.goto(f"{live_server}/t/alpha/workshops/{workshop.id}/moderation")
    scope = facilitator.get_by_role("group", name=words(app, "it", "Services in scope for the process"))
    scope.get_by_label(first_name["it"], exact=True).check()
    scope.get_by_label(_localized(app, second_service.name, "it"), exact=True).check()
    facilitator.get_by_role("button", name=words(app, "it", "Confirm the services")).click()
    expect(facilitator.get_by_role("status")).to_have_text(
        words(app, "it", "The services in scope are confirmed.")
    )

    # The barrier round.
    facilitator.goto(f"{live_server}/t/alpha/workshops/{workshop.id}")
    _next_step(app, facilitator)
    barriers = {lang: _localized(app, _step_title(room, "barrier_round"), lang) for lang in ("it", "ar")}
    _follow(small, True, barriers["it"])
    _follow(arabic, True, barriers["ar"])
    _follow(offline, False, barriers["it"])
    # A draft survives a reload (a dropped connection, a tap on the wrong button) on a phone with scripts.
    draft = small.get_by_label(
        words(app, "it", "What stops you, or people you know, from using this service?")
    )
    draft.fill("Bozza che non deve perdersi")
    small.reload()
    expect(draft).to_have_value("Bozza che non deve perdersi")
    _describe(app, small, "it", first_name["it"], "Allo sportello nessuno spiega quali documenti servono.")
    expect(draft).to_have_value("")
    assert_accessible(small)
    _describe(app, small, "it", first_name["it"], "L'impiegato Mario R. mi ha trattato male.")
    _describe(app, arabic, "ar", first_name["ar"], "لا أحد يشرح الوثائق المطلوبة 📄")
    _describe(app, offline, "it", first_name["it"], "Nessuno dice quali documenti portare.")
    assert_accessible(arabic)
    for sentence in ("لا أحد يشرح الوثائق المطلوبة 📄", "Nessuno dice quali documenti portare."):
        expect(projector.get_by_text(sentence)).to_be_visible(timeout=LIVE_UPDATE_TIMEOUT)
    arabic_card = projector.locator("p", has_text="الوثائق المطلوبة")
    expect(arabic_card).to_have_attribute("lang", "ar")
    expect(arabic_card).to_have_attribute("dir", "rtl")

    # Moderation: a duplicate is joined with the first, a barrier naming a person is hidden with a reason.
    db.session.expire_all()
    by_text = {b.text: b for b in db.session.scalars(select(Barrier))}
    original = by_text["Allo sportello nessuno spiega quali documenti servono."]
    duplicate = by_text["Nessuno dice quali documenti portare."]
    named = by_text["L'impiegato Mario R. mi ha trattato male."]
    facilitator.goto(f"{live_server}/t/alpha/workshops/{workshop.id}/moderation")
    assert_accessible(facilitator)
    facilitator.get_by_label(f"{words(app, 'it', 'Same as')} (#{duplicate.id})").select_option(
        str(original.id)
    )
    facilitator.locator(f"#barrier-{duplicate.id}").get_by_role(
        "button", name=words(app, "it", "Join them")
    ).click()
    facilitator.get_by_label(f"{words(app, 'it', 'Reason for hiding')} (#{named.id})").fill(
        "Contiene un nome"
    )
    facilitator.locator(f"#barrier-{named.id}").get_by_role("button", name=words(app, "it", "Hide")).click()
    expect(projector.get_by_text("Mario R.")).to_have_count(0, timeout=LIVE_UPDATE_TIMEOUT)
    expect(projector.get_by_text("Nessuno dice quali documenti portare.")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(Barrier, duplicate.id).status is BarrierStatus.MERGED
    assert db.session.get(Barrier, named.id).hidden_reason == "Contiene un nome"
    assert barrier_operations.evidence_count(db.session.get(Barrier, original.id)) == 2

    # The small phone keeps a return code, and comes back with it in a new browser.
    small.get_by_role("link", name=words(app, "it", "My contributions")).click()
    small.get_by_role("button", name=words(app, "it", "Get my return code")).click()
    return_code = small.locator(".return-code").inner_text()
    assert_accessible(small)
    small.screenshot(path=artifacts_dir / "workshop-return-code-360.png", full_page=True)
    later = _phone(new_page, "it", 360)
    later.goto(f"{live_server}/return")
    later.get_by_label(words(app, "it", "Your return code")).fill(return_code)
    later.get_by_role("button", name=words(app, "it", "Open my contributions")).click()
    expect(later.get_by_role("heading", level=1)).to_have_text(words(app, "it", "My contributions"))
    expect(later.get_by_text("Allo sportello nessuno spiega quali documenti servono.")).to_be_visible()
    expect(later.get_by_text("Contiene un nome")).to_be_visible()
    expect(later.get_by_text("لا أحد يشرح")).to_have_count(0)
    assert_accessible(later)

    # The Arabic participant's own page, and the facilitator's pages in Arabic.
    arabic.get_by_role("link", name=words(app, "ar", "My contributions")).click()
    assert_accessible(arabic)
    arabic.get_by_role("button", name=words(app, "ar", "Get my return code")).click()
    expect(arabic.locator(".return-code")).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    assert_accessible(arabic)
    arabic.screenshot(path=artifacts_dir / "workshop-return-code-ar.png", full_page=True)
    facilitator.context.add_cookies([{"name": "lang", "value": "ar", "url": live_server}])
    for path in (f"/t/alpha/workshops/{workshop.id}", f"/t/alpha/workshops/{workshop.id}/projector"):
        facilitator.goto(f"{live_server}{path}")
        expect(facilitator.locator("html")).to_have_attribute("dir", "rtl")
        assert_accessible(facilitator)
    projector.screenshot(path=artifacts_dir / "workshop-projector.png")

    # Nothing identifies the phones: no address, no browser, in any table or in the log.
    _assert_nowhere(["127.0.0.1", "TelefonoProva-4711"], caplog.text)


def _localized(app, texts, language: str) -> str:
    from toolkit.content import localize

    with app.test_request_context(), force_locale(language):
        return str(localize(texts, language))


def _describe(app, page, language: str, service_name: str, sentence: str) -> None:
    form = page.locator("form.keeps-draft")
    form.get_by_label(words(app, language, "Service"), exact=True).select_option(label=service_name)
    form.get_by_label(
        words(app, language, "What stops you, or people you know, from using this service?")
    ).fill(sentence)
    form.get_by_role("group", name=words(app, language, "How often does it happen?")).get_by_role(
        "radio"
    ).nth(2).check()
    form.get_by_role("group", name=words(app, language, "How serious is it?")).get_by_role("radio").nth(
        1
    ).check()
    kinds = form.get_by_role(
        "group", name=words(app, language, "What kind of problem is it? (you may choose several)")
    )
    kinds.get_by_role("checkbox").nth(1).check()
    form.get_by_role("button", name=words(app, language, "Send")).click()
    expect(page.get_by_role("status")).to_have_text(
        words(app, language, "Thank you: your contribution is saved.")
    )


def _assert_nowhere(needles: list[str], log_text: str) -> None:
    for needle in needles:
        assert needle not in log_text, f"{needle!r} is in the application log"
    with db.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 (table names from the schema)
                for value in row:
                    for needle in needles:
                        assert needle not in str(value), f"{needle!r} is stored in {table}"
