"""A coordinator logs in, adds a service and finds it in the list, in a real browser, in Italian and English."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

WORDS = {
    "it": {
        "email": "Indirizzo e-mail",
        "password": "Password",
        "login": "Accedi",
        "dashboard": "Pannello",
        "services": "Servizi",
        "new": "Nuovo servizio",
        "name": "Nome",
        "sector": "Settore",
        "level": "Livello amministrativo",
        "owner": "Organizzazione titolare",
        "languages": "Lingue parlate dal personale",
        "save": "Salva il servizio",
        "search": "Cerca i servizi",
        "search_button": "Cerca",
        "required": "Scrivilo in Italiano.",
        "processes": "Percorsi",
    },
    "en": {
        "email": "E-mail address",
        "password": "Password",
        "login": "Log in",
        "dashboard": "Dashboard",
        "services": "Services",
        "new": "New service",
        "name": "Name",
        "sector": "Sector",
        "level": "Level of government",
        "owner": "Owner organisation",
        "languages": "Languages spoken by staff",
        "save": "Save the service",
        "search": "Search services",
        "search_button": "Search",
        "required": "Write it in Italiano.",
        "processes": "Processes",
    },
}


@pytest.mark.parametrize("locale", ["it", "en"])
def test_coordinator_adds_a_service_and_finds_it(locale, make, live_server, new_page):
    words = WORDS[locale]
    territory = make.territory("borgo", name="Comune di Borgo")
    coordinator = make.coordinator(territory, email="giulia@example.org", name="Giulia")
    page = new_page(locale=locale)

    page.goto(f"{live_server}/login")
    expect(page.locator("html")).to_have_attribute("lang", locale)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["login"])
    assert_accessible(page)
    page.get_by_label(words["email"]).fill(coordinator.email)
    page.get_by_label(words["password"], exact=True).fill(make.PASSWORD)
    page.get_by_role("button", name=words["login"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words["dashboard"])
    assert_accessible(page)
    page.get_by_role("link", name="Comune di Borgo").first.click()
    page.get_by_role("navigation").get_by_role("link", name=words["services"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["services"])
    assert_accessible(page)

    page.get_by_role("link", name=words["new"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["new"])
    assert_accessible(page)
    # Sending the form empty shows the errors, and the form stays accessible.
    page.get_by_label(words["languages"]).fill("it, ar")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_role("alert")).to_contain_text(words["required"])
    expect(page.get_by_label(words["languages"])).to_have_value("it, ar")
    assert_accessible(page)

    # The name is written per language; the territory's language (Italian) comes first.
    page.get_by_role("group", name=words["name"], exact=True).get_by_label("Italiano").fill(
        "Sportello Casa Comune"
    )
    page.get_by_label(words["sector"]).select_option("housing")
    page.get_by_label(words["level"]).select_option("municipality")
    page.get_by_label(words["owner"]).select_option(label="Comune - Ufficio casa")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sportello Casa Comune")

    page.get_by_role("navigation").get_by_role("link", name=words["services"], exact=True).click()
    page.get_by_label(words["search"]).fill("Casa Comune")
    page.get_by_role("button", name=words["search_button"], exact=True).click()
    expect(page).to_have_url(re.compile(r"q=Casa\+Comune"))
    results = page.get_by_role("list", name=words["services"])
    expect(results.get_by_role("link", name="Sportello Casa Comune")).to_be_visible()
    expect(results.get_by_role("listitem")).to_have_count(1)


@pytest.mark.parametrize("locale", ["it", "en"])
def test_demo_process_page_reads_well_and_is_accessible(locale, app, live_server, new_page):
    from toolkit.demo.seed import DEMO_PASSWORD, load_demo
    from toolkit.extensions import db

    load_demo()
    db.session.commit()
    words = WORDS[locale]
    page = new_page(locale=locale, width=360)
    page.goto(f"{live_server}/login")
    page.get_by_label(words["email"]).fill("facilitatore@example.org")
    page.get_by_label(words["password"], exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.get_by_role("link", name="Comune di Borgo San Vitale").click()
    page.get_by_role("navigation").get_by_role("link", name=words["processes"]).click()
    assert_accessible(page)
    page.get_by_role("link", name="Servizi più vicini").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Servizi più vicini")
    arabic = page.locator('p[lang="ar"]').first
    expect(arabic).to_have_attribute("dir", "rtl")
    expect(page.locator('p[lang="zh-Hans"]').first).to_contain_text("办理居住登记")
    assert_accessible(page)
