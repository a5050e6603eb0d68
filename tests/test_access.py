"""Territory isolation, network reach and the declared access rule of every route, walked from the URL map."""

import pytest

from toolkit.access import Permission, Role, Rule
from toolkit.accounts import operations as accounts
from toolkit.extensions import db
from toolkit.processes.models import StepTemplate
from toolkit.recommendations import issuing

from .routes import UNSAFE_METHODS, all_routes, request, snapshot


@pytest.fixture
def world(make):
    """Territories A and C in one network, B outside it, each with its own records."""
    a, b, c = make.territory("alpha"), make.territory("beta"), make.territory("gamma")
    network = make.network(a, c, slug="north")
    other_network = make.network(b, slug="south")
    people = {
        "coordinator_a": make.coordinator(a),
        "coordinator_b": make.coordinator(b),
        "network_coordinator": make.user(Role.NETWORK_COORDINATOR, network=network),
        "facilitator_a": make.user(Role.FACILITATOR, a),
    }

    processes = {t.id: make.process(t) for t in (a, b, c)}
    workshops = {t.id: make.live_workshop(t) for t in (a, b, c)}
    contributions = {t.id: make.contributions(workshops[t.id]) for t in (a, b, c)}
    recommendations = {t.id: make.recommendation(processes[t.id]) for t in (a, b, c)}
    jobs = {t.id: issuing.request_issue(processes[t.id], ["it"], "", None) for t in (a, b, c)}
    documents = {t.id: make.issued_document(processes[t.id]) for t in (a, b, c)}
    invitations = {
        t.id: accounts.invite_to_territory(
            t, email=f"invited-{t.slug}@example.org", name="Persona invitata", roles=[Role.TRANSLATOR]
        )
        for t in (a, b, c)
    }
    db.session.commit()

    def ids(territory):
        service = make.services_of(territory)[0]
        workshop = workshops[territory.id]
        return {
            **contributions[territory.id],
            "workshop_id": workshop.id,
            "workshop_code": workshop.join_code,
            "lang": "ar",
            "kind": "barrier",
            "source_id": contributions[territory.id]["barrier_id"],
            "recommendation_id": recommendations[territory.id].id,
            "quote_id": 999999,
            "job_id": jobs[territory.id].id,
            "document_id": documents[territory.id].id,
            "process_id": processes[territory.id].id,
            "territory_slug": territory.slug,
            "service_id": service.id,
            "category_id": make.categories_of(territory)[0].id,
            "organisation_id": service.owner_id,
            "user_id": people["coordinator_b"].id if territory is b else people["coordinator_a"].id,
            "token": "not-a-token",
            "invitation_id": invitations[territory.id].id,
            "step_id": db.session.scalar(
                db.select(StepTemplate.id).where(StepTemplate.territory_id == territory.id).limit(1)
            ),
        }

    return {
        "a": a,
        "b": b,
        "c": c,
        "network": network,
        "other_network": other_network,
        "people": people,
        "ids": ids,
    }


def territory_routes(app):
    return [r for r in all_routes(app) if "territory_slug" in r.arguments]


def test_every_view_declares_an_access_rule(app):
    undeclared = [r.endpoint for r in all_routes(app) if r.access_rule is None]
    assert undeclared == []


def test_coordinator_of_a_is_refused_on_every_route_of_territory_b(app, world, login):
    client = login(world["people"]["coordinator_a"])
    b_values = world["ids"](world["b"])
    before = snapshot()
    checked = 0
    for route in territory_routes(app):
        url = route.url(app, b_values)
        response = request(client, route, url, data={"name": "Intruso", "roles": ["coordinator"]})
        assert response.status_code in (403, 404), f"{route.method} {url} answered {response.status_code}"
        checked += 1
    assert checked >= 15
    assert snapshot() == before


def test_ids_of_territory_b_are_not_found_inside_territory_a(app, world, login):
    """Putting B's record ids in A's addresses finds nothing: every record is read through the territory."""
    client = login(world["people"]["coordinator_a"])
    values = {**world["ids"](world["b"]), "territory_slug": world["a"].slug}
    before = snapshot()
    for route in territory_routes(app):
        if not route.arguments & {
            "service_id",
            "category_id",
            "organisation_id",
            "user_id",
            "workshop_id",
            "barrier_id",
            "candidate_id",
            "proposal_id",
        }:
            continue
        url = route.url(app, values)
        response = request(client, route, url, data={"name": "Intruso", "roles": ["coordinator"]})
        assert response.status_code == 404, f"{route.method} {url} answered {response.status_code}"
    assert snapshot() == before


def test_network_coordinator_reads_territories_of_the_network_only(app, world, login):
    client = login(world["people"]["network_coordinator"])
    for territory in (world["a"], world["c"]):
        for route in territory_routes(app):
            url = route.url(app, world["ids"](territory))
            if route.method != "GET" or "user_id" in route.arguments:
                continue
            response = client.get(url)
            expected = 200 if route.access_rule is Permission.VIEW_TERRITORY else 403
            assert response.status_code == expected, f"GET {url} answered {response.status_code}"
    before = snapshot()
    for route in territory_routes(app):
        url = route.url(app, world["ids"](world["b"]))
        response = request(client, route, url, data={"name": "Intruso"})
        assert response.status_code in (403, 404), f"{route.method} {url} answered {response.status_code}"
    assert snapshot() == before
    assert client.get("/n/north/").status_code == 200
    assert client.get("/n/south/").status_code == 403


def test_network_overview_shows_only_member_territories(world, login):
    page = login(world["people"]["network_coordinator"]).get("/n/north/").get_data(as_text=True)
    assert world["a"].name in page and world["c"].name in page
    assert world["b"].name not in page


def test_anonymous_visitors_are_sent_to_login_on_every_non_public_page(app, world, client):
    for route in all_routes(app):
        if route.access_rule in (Rule.PUBLIC, Rule.PARTICIPANT) or route.method != "GET":
            continue
        url = route.url(app, {**world["ids"](world["a"]), "network_slug": "north"})
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_site_administration_is_refused_to_coordinators(app, world, login):
    client = login(world["people"]["coordinator_a"])
    for route in all_routes(app):
        if route.access_rule is not Rule.ADMIN:
            continue
        url = route.url(app, {"network_slug": "north"})
        assert request(client, route, url).status_code == 403, url


def test_facilitator_can_read_but_not_change_the_catalogue(world, login, make):
    client = login(world["people"]["facilitator_a"])
    service = make.services_of(world["a"])[0]
    assert client.get(f"/t/alpha/services/{service.id}").status_code == 200
    assert client.get(f"/t/alpha/services/{service.id}/edit").status_code == 403
    assert client.post(f"/t/alpha/services/{service.id}/archive").status_code == 403
    assert client.get("/t/alpha/people/").status_code == 403


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, world, make):
    admin = make.user(admin=True)
    client = app.test_client()
    client.login(admin)
    invited = make.user(Role.FACILITATOR, world["a"])
    token = accounts.make_token(invited, accounts.INVITATION)
    values = {**world["ids"](world["a"]), "network_slug": "north", "token": token}
    before = snapshot()
    checked = 0
    for route in all_routes(app):
        if route.method not in UNSAFE_METHODS:
            continue
        url = route.url(app, values)
        response = client.open(
            url, method=route.method, data={"name": "Senza token", "email": "x@example.org", "language": "en"}
        )
        assert response.status_code == 400, f"{route.method} {url} answered {response.status_code}"
        checked += 1
    assert checked >= 15
    assert snapshot() == before
