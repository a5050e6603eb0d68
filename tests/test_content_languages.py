"""Coordinators' texts in every language, fallbacks that show, and every page in the visitor's language."""

import pytest
from babel.messages.pofile import read_po

from toolkit.access import Role
from toolkit.extensions import db
from toolkit.i18n import LANGUAGES
from toolkit.processes.models import StepKind, StepTemplate
from toolkit.services.models import Service

from .test_translations import TRANSLATIONS, catalogue_path


@pytest.mark.parametrize(
    ("header", "lang", "direction", "login_word"),
    [
        ("ar", "ar", "rtl", "تسجيل الدخول"),
        ("zh-CN,zh;q=0.9", "zh-Hans", "ltr", None),
        ("bn-BD", "bn", "ltr", None),
        ("uk", "uk", "ltr", None),
        ("sq-AL,sq;q=0.8,en;q=0.5", "sq", "ltr", None),
        ("ro", "ro", "ltr", None),
    ],
)
def test_a_fresh_visitor_gets_the_browsers_language(client, header, lang, direction, login_word):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page
    code = lang.split("-")[0]
    title = _translation(code, "Log in")
    assert f"<h1>{title}</h1>" in page
    if login_word:
        assert login_word in title


def _translation(language, source):
    with catalogue_path(TRANSLATIONS, language).open("rb") as handle:
        return read_po(handle)[source].string


def test_a_service_without_a_name_in_the_page_language_falls_back_visibly(make, login):
    territory = make.territory("alpha")
    service = make.services_of(territory)[0]
    service.name = {"it": "Sportello unico comunale"}
    db.session.commit()
    client = login(make.coordinator(territory))
    for url in ("/t/alpha/services/", f"/t/alpha/services/{service.id}"):
        page = client.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in page
        assert '<span lang="it" dir="ltr">Sportello unico comunale</span>' in page
    # With a translation, the page shows it without a foreign-language marker.
    service.name = {"it": "Sportello unico comunale", "ar": "المكتب البلدي الموحد"}
    db.session.commit()
    page = client.get(f"/t/alpha/services/{service.id}", headers={"Accept-Language": "ar"}).get_data(
        as_text=True
    )
    assert "<h1><bdi>المكتب البلدي الموحد</bdi></h1>" in page
    assert "Sportello unico comunale" not in page


def test_the_fallback_is_the_territory_language_first(make, login):
    territory = make.territory("anglo", locale="en")
    category = make.categories_of(territory)[0]
    category.name = {"it": "Lingua", "en": "Language"}
    db.session.commit()
    page = login(make.coordinator(territory)).get("/t/anglo/categories/", headers={"Accept-Language": "uk"})
    assert '<span lang="en" dir="ltr">Language</span>' in page.get_data(as_text=True)


def test_the_default_catalogue_comes_in_all_ten_languages(make):
    territory = make.territory()
    texts = [territory.consent_text]
    for service in make.services_of(territory):
        texts += [service.name, service.description, service.documents_needed]
    for category in make.categories_of(territory):
        texts += [category.name, category.description]
    steps = db.session.scalars(db.select(StepTemplate).where(StepTemplate.territory_id == territory.id)).all()
    assert [step.kind for step in steps][:2] == [StepKind.WELCOME, StepKind.SERVICE_PROPOSALS]
    for step in steps:
        texts += [step.title, step.instructions]
    for text in texts:
        assert set(text) == set(LANGUAGES) and all(value.strip() for value in text.values()), text


def test_a_coordinator_writes_a_service_in_several_languages(make, login):
    territory = make.territory("alpha")
    client = login(make.coordinator(territory))
    form = client.get("/t/alpha/services/new", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    # The territory's language comes first and is required; each input carries its language and direction.
    assert form.index('id="name-it"') < form.index('id="name-ar"') < form.index('id="name-fr"')
    assert 'id="name-ar" lang="ar" maxlength="200" name="name-ar"' in form.replace('dir="rtl" ', "")
    assert 'dir="rtl" id="name-ar"' in form
    response = client.post(
        "/t/alpha/services/new",
        data={
            "name-it": "Sportello casa",
            "name-ar": "مكتب السكن",
            "name-zh": "住房窗口",
            "name-bn": "   ",
            "sector": "housing",
            "level": "municipality",
            "owner": 0,
        },
    )
    assert response.status_code == 302
    service = db.session.get(Service, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert service.name == {"it": "Sportello casa", "ar": "مكتب السكن", "zh": "住房窗口"}
    chinese = client.get(f"/t/alpha/services/{service.id}", headers={"Accept-Language": "zh"}).get_data(
        as_text=True
    )
    assert "<h1><bdi>住房窗口</bdi></h1>" in chinese
    found = client.get("/t/alpha/services/?q=مكتب", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "Sportello casa" in found


def test_the_territory_language_is_required(make, login):
    territory = make.territory("alpha")
    client = login(make.coordinator(territory))
    response = client.post(
        "/t/alpha/categories/new",
        data={"name-ar": "الخوف", "dimension": "acceptability"},
        headers={"Accept-Language": "en"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write it in Italiano." in page
    assert "الخوف</" not in page and 'value="الخوف"' in page


def test_wtforms_messages_come_in_the_persons_language(make, login):
    territory = make.territory("alpha")
    client = login(make.coordinator(territory))
    for language in ("bn", "sq", "ar"):
        response = client.post(
            "/t/alpha/organisations/new",
            data={"name": "", "kind": "club"},
            headers={"Accept-Language": language},
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert _translation(language, "This field is required.") in page
        assert _translation(language, "Not a valid choice.") in page
        assert "This field is required." not in page


def test_coordinator_edits_the_consent_text_per_language(make, login):
    territory = make.territory("alpha")
    client = login(make.coordinator(territory))
    texts = {f"consent_text-{code}": text for code, text in territory.consent_text.items()}
    texts["consent_text-uk"] = "Участь добровільна."
    assert client.post("/t/alpha/consent/edit", data=texts).status_code == 302
    db.session.refresh(territory)
    assert territory.consent_text["uk"] == "Участь добровільна."
    page = client.get("/t/alpha/consent", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert "Участь добровільна." in page
    facilitator = login(make.user(Role.FACILITATOR, territory))
    assert facilitator.get("/t/alpha/consent").status_code == 200
    assert facilitator.post("/t/alpha/consent/edit", data=texts).status_code == 403


def test_text_written_per_language_is_escaped_also_as_a_fallback(make, login):
    territory = make.territory("alpha")
    service = make.services_of(territory)[0]
    service.name = {"it": '<script>alert("x")</script>', "fr": "<b>Guichet</b>"}
    db.session.commit()
    client = login(make.coordinator(territory))
    for language in ("it", "ar", "fr"):
        page = client.get(f"/t/alpha/services/{service.id}", headers={"Accept-Language": language})
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html and "<b>Guichet" not in html
    assert "&lt;b&gt;Guichet&lt;/b&gt;" in html
    arabic = client.get(f"/t/alpha/services/{service.id}", headers={"Accept-Language": "ar"}).get_data(
        as_text=True
    )
    assert '<span lang="it" dir="ltr">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</span>' in arabic


def test_dates_numbers_and_lists_follow_the_page_language(make, login):
    from datetime import date

    territory = make.territory("alpha")
    process = make.process(territory)
    process.starts_on = date(2026, 9, 15)
    db.session.commit()
    client = login(make.coordinator(territory))
    french = client.get(f"/t/alpha/processes/{process.id}", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "15 septembre 2026" in french
    ukrainian = client.get(f"/t/alpha/processes/{process.id}", headers={"Accept-Language": "uk"})
    assert "15 вересня 2026" in ukrainian.get_data(as_text=True)
    chinese = client.get(f"/t/alpha/processes/{process.id}", headers={"Accept-Language": "zh"})
    assert "2026年9月15日" in chinese.get_data(as_text=True)
    # Plural forms: Ukrainian counts 11 services with the "many" form.
    dashboard = client.get("/t/alpha/", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert "служб у каталозі" in dashboard


def test_a_coordinator_writes_workshop_step_instructions_per_language(make, login):
    territory = make.territory("alpha")
    client = login(make.coordinator(territory))
    refused = client.post(
        "/t/alpha/agenda-steps/new",
        data={"title-it": "Giro di nomi", "instructions-ar": "قل اسمك", "kind": "other", "minutes": "tanti"},
        headers={"Accept-Language": "ar"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _translation("ar", "Not a valid integer value.") in page
    assert 'value="Giro di nomi"' in page and "قل اسمك</textarea>" in page
    created = client.post(
        "/t/alpha/agenda-steps/new",
        data={
            "title-it": "Giro di nomi",
            "title-ar": "جولة الأسماء",
            "instructions-it": "Di' il tuo nome.",
            "instructions-ar": "قل اسمك",
            "kind": "other",
            "minutes": "10",
        },
    )
    assert created.status_code == 302
    step = db.session.scalars(db.select(StepTemplate).order_by(StepTemplate.position.desc())).first()
    assert step.title == {"it": "Giro di nomi", "ar": "جولة الأسماء"} and step.minutes == 10
    from toolkit.services.defaults import AGENDA_STEPS

    assert step.position == len(AGENDA_STEPS) + 1  # after the territory's default steps
    arabic = client.get("/t/alpha/agenda-steps/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "<bdi>جولة الأسماء</bdi>" in arabic and "قل اسمك" in arabic
    french = client.get("/t/alpha/agenda-steps/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<span lang="it" dir="ltr">Giro di nomi</span>' in french
    facilitator = login(make.user(Role.FACILITATOR, territory))
    assert facilitator.get("/t/alpha/agenda-steps/").status_code == 200
    assert facilitator.post(f"/t/alpha/agenda-steps/{step.id}/archive").status_code == 403
    assert client.post(f"/t/alpha/agenda-steps/{step.id}/archive").status_code == 302
    db.session.refresh(step)
    assert step.archived_at is not None
