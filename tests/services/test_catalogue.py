from toolkit.extensions import db
from toolkit.services.models import Service


def test_new_territory_starts_with_default_catalogue_and_taxonomy(make):
    territory = make.territory()
    services = make.services_of(territory)
    categories = make.categories_of(territory)
    assert len(services) == 11
    assert any(s.name["it"].startswith("Anagrafe") for s in services)
    assert all(s.owner is not None for s in services)
    assert [c.position for c in categories] == list(range(1, 12))
    assert categories[0].name["it"] == "Lingua e mancanza di mediazione culturale"


def test_coordinator_adds_service_and_finds_it_in_list(make, login):
    territory = make.territory()
    client = login(make.coordinator(territory))
    owner = make.services_of(territory)[0].owner
    response = client.post(
        f"/t/{territory.slug}/services/new",
        data={
            "name-it": "Sportello casa",
            "description-it": "Aiuto per trovare casa",
            "sector": "housing",
            "level": "municipality",
            "owner": owner.id,
            "languages": "it, en; ar",
        },
    )
    assert response.status_code == 302
    created = next(s for s in db.session.scalars(db.select(Service)) if s.name == {"it": "Sportello casa"})
    assert created.territory_id == territory.id
    assert created.languages == ["it", "en", "ar"]
    page = client.get(f"/t/{territory.slug}/services/?q=casa").get_data(as_text=True)
    assert "Sportello casa" in page
