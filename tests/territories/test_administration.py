import re

from toolkit.access import Role
from toolkit.accounts.models import User
from toolkit.extensions import db
from toolkit.territories.models import Network, Organisation, Territory


def test_site_administrator_creates_a_territory_with_the_default_catalogue(make, login):
    client = login(make.user(admin=True))
    response = client.post(
        "/admin/territories/new",
        data={
            "name": "Comune di Pontedera",
            "slug": "pontedera",
            "region": "Toscana",
            "default_locale": "it",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/t/pontedera/"
    territory = db.session.scalar(db.select(Territory).where(Territory.slug == "pontedera"))
    assert len(make.services_of(territory)) == 11
    duplicate = client.post(
        "/admin/territories/new",
        data={"name": "Altro", "slug": "pontedera", "default_locale": "it"},
        headers={"Accept-Language": "en"},
    )
    assert duplicate.status_code == 422
    assert "This short name is already used." in duplicate.get_data(as_text=True)
    bad_slug = client.post(
        "/admin/territories/new", data={"name": "X", "slug": "Due Parole!", "default_locale": "it"}
    )
    assert bad_slug.status_code == 422


def test_site_administrator_builds_a_network_and_invites_its_coordinator(make, login):
    a, b = make.territory("uno"), make.territory("due")
    client = login(make.user(admin=True))
    response = client.post(
        "/admin/networks/new",
        data={"name": "IncluCities", "slug": "inclucities", "territories": [a.id, b.id]},
    )
    assert response.status_code == 302
    network = db.session.scalar(db.select(Network).where(Network.slug == "inclucities"))
    assert {t.slug for t in network.territories} == {"uno", "due"}
    invited = client.post(
        "/admin/networks/inclucities/coordinators", data={"name": "Elena", "email": "elena@example.org"}
    )
    assert invited.status_code == 302
    person = db.session.scalar(db.select(User).where(User.email == "elena@example.org"))
    assert person.coordinates_network(network)
    refused = client.post("/admin/networks/inclucities/coordinators", data={"name": "", "email": "nope"})
    assert refused.status_code == 422
    assert 'value="nope"' in refused.get_data(as_text=True)


def test_coordinator_manages_organisations(make, login):
    territory = make.territory("alpha")
    client = login(make.coordinator(territory))
    response = client.post(
        "/t/alpha/organisations/new",
        data={"name": "Comunità Ivoriana", "kind": "association", "contact_email": "info@example.org"},
    )
    assert response.status_code == 302
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == "Comunità Ivoriana"))
    assert organisation.territory_id == territory.id
    assert client.post(f"/t/alpha/organisations/{organisation.id}/archive").status_code == 302
    db.session.refresh(organisation)
    assert organisation.archived_at is not None
    bad = client.post("/t/alpha/organisations/new", data={"name": "X", "kind": "club", "contact_email": "no"})
    assert bad.status_code == 422


def test_coordinator_archives_and_restores_a_service_and_edits_the_taxonomy(make, login):
    territory = make.territory("alpha")
    client = login(make.coordinator(territory))
    service = make.services_of(territory)[0]
    assert client.post(f"/t/alpha/services/{service.id}/archive").status_code == 302
    name = service.name["it"]
    listing = client.get("/t/alpha/services/").get_data(as_text=True)
    assert name not in listing
    assert name in client.get("/t/alpha/services/?archived=1").get_data(as_text=True)
    client.post(f"/t/alpha/services/{service.id}/archive")
    assert name in client.get("/t/alpha/services/").get_data(as_text=True)

    created = client.post(
        "/t/alpha/categories/new",
        data={
            "name-it": "Paura dei controlli",
            "description-it": "Timore di essere segnalati",
            "description-ar": "الخوف من التبليغ",
            "dimension": "acceptability",
        },
    )
    assert created.status_code == 302
    categories = make.categories_of(territory)
    assert categories[-1].name == {"it": "Paura dei controlli"} and categories[-1].position == 12
    assert categories[-1].description == {"it": "Timore di essere segnalati", "ar": "الخوف من التبليغ"}
    first = categories[0]
    client.post(
        f"/t/alpha/categories/{first.id}/edit",
        data={"name-it": "Lingua", "name-en": "Language", "dimension": "approachability"},
    )
    client.post(f"/t/alpha/categories/{first.id}/archive")
    db.session.refresh(first)
    assert first.name == {"it": "Lingua", "en": "Language"} and first.archived_at is not None


def test_roles_granted_through_the_people_page_open_the_territory(make, login):
    territory = make.territory("alpha")
    person = make.user(email="laura@example.org")
    assert login(person).get("/t/alpha/").status_code == 403
    coordinator = login(make.coordinator(territory))
    invited = coordinator.post(
        "/t/alpha/people/invite",
        data={"name": "Laura", "email": "laura@example.org", "roles": ["operator"], "locale": "it"},
    )
    page = coordinator.get(invited.headers["Location"]).get_data(as_text=True)
    link = re.search(r"https?://[^/\s\"]+(/invitation/[A-Za-z0-9_.\-]+)", page).group(
        1
    )  # no mail server here
    db.session.refresh(person)
    assert person.roles_in(territory) == []  # offered, not given: the person has not accepted yet
    holder = login(person)
    offer = holder.get(link).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', offer).group(1)
    holder.post(re.search(r'action="(/invitations/\d+/accept)"', offer).group(1), data={"token": token})
    db.session.refresh(person)
    assert person.roles_in(territory) == [Role.OPERATOR]
    assert holder.get("/t/alpha/").status_code == 200
