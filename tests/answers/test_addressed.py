"""An addressee's page: the recommendations issued to their organisation, as issued, and their letters only."""

from __future__ import annotations

from markupsafe import escape

from toolkit.access import Role
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind

from .helpers import issue, letter, report


def addressed_world(make):
    """A process with one recommendation to the health authority and one to the school office, issued once."""
    territory = make.territory("borgo", name="Comune di Borgo")
    health = make.organisation(territory, "Azienda sanitaria di Borgo", OrganisationKind.SERVICE_OWNER)
    school = make.organisation(territory, "Ufficio scuola di Borgo", OrganisationKind.MUNICIPAL_OFFICE)
    process = make.process(territory, title="Servizi più vicini")
    to_health = make.recommendation(process, title="Un mediatore al CUP")
    to_health.addressee = health
    to_school = make.recommendation(process, title="Moduli di iscrizione tradotti")
    to_school.addressee = school
    db.session.commit()
    # Reads the toolkit in English, the words of these tests.
    addressee = make.user(Role.ADDRESSEE, territory, email="ufficio.asl@example.org", locale="en")
    make.membership(addressee, health)
    return {
        "territory": territory,
        "health": health,
        "school": school,
        "process": process,
        "to_health": to_health,
        "to_school": to_school,
        "addressee": addressee,
    }


def test_the_addressee_reads_what_was_issued_to_their_organisation_and_nothing_else(make, login):
    from toolkit.barriers.models import Testimony
    from toolkit.recommendations import operations

    world = addressed_world(make)
    barrier = make.barrier(world["process"], text="Al CUP nessuno parla arabo")
    world["to_health"].barriers = [barrier]
    testimony = Testimony(
        barriers=[barrier],
        territory_id=world["territory"].id,
        process_id=world["process"].id,
        text="Sono andata tre volte al CUP di via Roma",
        language="it",
        may_quote=True,
    )
    db.session.add(testimony)
    db.session.flush()
    operations.add_quote(world["to_health"], testimony, "Sono andata tre volte al CUP")
    db.session.commit()
    version = issue(world["process"], ["it", "ar"])
    # Changed after issuing: the page shows the words as issued, not the draft of today.
    world["to_health"].title = "Un mediatore al CUP, anche il sabato"
    db.session.commit()
    page = login(world["addressee"]).get("/t/borgo/addressed/").get_data(as_text=True)
    assert "Un mediatore al CUP" in page and "anche il sabato" not in page
    assert "<strong>arabo</strong>" in page  # the problem, as issued, in the Markdown subset
    assert "Sono andata tre volte al CUP" in page and "via Roma" not in page  # the quote as redacted, only
    assert "Moduli di iscrizione tradotti" not in page  # addressed to the school office
    own = [letter(version, world["health"], "it"), letter(version, world["health"], "ar")]
    for document in own:
        assert f"/t/borgo/addressed/letters/{document.id}.pdf" in page
    assert f"/letters/{letter(version, world['school']).id}.pdf" not in page
    assert f"{report(version).id}.pdf" not in page
    assert "/t/borgo/processes/" not in page  # no way into the process (only into what is addressed to them)


def test_the_addressee_downloads_their_letters_only(make, login):
    world = addressed_world(make)
    version = issue(world["process"])
    client = login(world["addressee"])
    own = letter(version, world["health"])
    response = client.get(f"/t/borgo/addressed/letters/{own.id}.pdf")
    assert response.status_code == 200 and response.data == own.pdf
    assert response.headers["Content-Type"] == "application/pdf"
    assert own.filename in response.headers["Content-Disposition"]
    assert response.get_etag()[0] == own.sha256
    for other in (letter(version, world["school"]), report(version)):
        assert client.get(f"/t/borgo/addressed/letters/{other.id}.pdf").status_code == 404
        assert client.get(f"/t/borgo/documents/{other.id}.pdf").status_code == 403
    assert client.get("/t/borgo/addressed/letters/999999.pdf").status_code == 404


def test_another_territorys_letter_is_not_found(make, login):
    world = addressed_world(make)
    issue(world["process"])
    other = make.territory("lago", name="Comune di Lago")
    lake_health = make.organisation(other, "Azienda sanitaria di Borgo", OrganisationKind.SERVICE_OWNER)
    process = make.process(other)
    recommendation = make.recommendation(process)
    recommendation.addressee = lake_health
    db.session.commit()
    lake_letter = letter(issue(process), lake_health)
    client = login(world["addressee"])
    assert client.get(f"/t/borgo/addressed/letters/{lake_letter.id}.pdf").status_code == 404
    assert client.get(f"/t/lago/addressed/letters/{lake_letter.id}.pdf").status_code == 403
    assert client.get("/t/lago/addressed/").status_code == 403


def test_a_later_version_that_no_longer_addresses_them_says_so(make, login):
    world = addressed_world(make)
    first = issue(world["process"], days_ago=30)
    world["to_health"].addressee = world["school"]
    db.session.commit()
    issue(world["process"])
    page = login(world["addressee"]).get("/t/borgo/addressed/").get_data(as_text=True)
    assert "Un mediatore al CUP" in page  # what was issued to them, in version 1
    assert str(escape("Version 2")) in page and "addresses no recommendation to you any more" in page
    assert f"/letters/{letter(first, world['health']).id}.pdf" in page


def test_earlier_versions_keep_their_letters(make, login):
    world = addressed_world(make)
    first = issue(world["process"], days_ago=30)
    world["to_health"].title = "Un mediatore al CUP tre mattine"
    db.session.commit()
    second = issue(world["process"])
    page = login(world["addressee"]).get("/t/borgo/addressed/").get_data(as_text=True)
    assert "Un mediatore al CUP tre mattine" in page
    assert "Earlier versions" in page
    assert f"/letters/{letter(first, world['health']).id}.pdf" in page
    assert f"/letters/{letter(second, world['health']).id}.pdf" in page


def test_nothing_issued_yet_and_no_organisation_are_said_plainly(make, login):
    world = addressed_world(make)
    page = login(world["addressee"]).get("/t/borgo/addressed/").get_data(as_text=True)
    assert "No recommendation has been issued to" in page and "Azienda sanitaria di Borgo" in page
    loner = make.user(Role.ADDRESSEE, world["territory"], locale="en")
    response = login(loner).get("/t/borgo/addressed/")
    assert response.status_code == 200
    assert "not linked to an organisation of this territory" in response.get_data(as_text=True)


def test_the_dashboard_leads_addressees_to_their_page(make, login):
    world = addressed_world(make)
    dashboard = login(world["addressee"]).get("/").get_data(as_text=True)
    assert 'href="/t/borgo/addressed/"' in dashboard
    territory_page = login(world["addressee"]).get("/t/borgo/").get_data(as_text=True)
    assert 'href="/t/borgo/addressed/"' in territory_page  # in the menu
    assert "/t/borgo/processes/" not in territory_page
    facilitator = login(make.user(Role.FACILITATOR, world["territory"]))
    assert "/t/borgo/addressed/" not in facilitator.get("/").get_data(as_text=True)
    assert "/t/borgo/processes/" in facilitator.get("/t/borgo/").get_data(as_text=True)


def test_an_addressee_who_also_holds_another_role_keeps_its_rights(make, login):
    from toolkit.accounts import operations as accounts

    world = addressed_world(make)
    issue(world["process"])
    accounts.grant_role(world["addressee"], Role.TRANSLATOR, territory=world["territory"])
    db.session.commit()
    client = login(world["addressee"])
    process_id = world["process"].id
    assert client.get(f"/t/borgo/processes/{process_id}").status_code == 200
    assert client.get("/t/borgo/translations/").status_code == 200
    assert "Un mediatore al CUP" in client.get("/t/borgo/addressed/").get_data(as_text=True)
