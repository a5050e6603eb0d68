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
            "answer_id": 999999,
            "forwarding_id": 999999,
            "link_id": 999999,
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
            if route.method != "GET" or "user_id" in route.arguments or route.access_rule is Rule.PUBLIC:
                continue  # a public page answers everyone alike (published or not): the matrix checks it
            response = client.get(url)
            expected = (
                200 if route.access_rule in (Permission.VIEW_TERRITORY, Permission.VIEW_PROCESSES) else 403
            )
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
    with app.test_request_context():
        invitation = accounts.invite_to_territory(
            world["a"], email="invitata@example.org", name="Invitata", roles=[Role.FACILITATOR]
        )
        db.session.commit()  # a new address: an account without a password yet
        tokens = {
            "accounts.set_password": accounts.make_token(invitation.user, accounts.INVITATION),
            "invitations.open_invitation": accounts.invitation_token(invitation),
        }
    values = {**world["ids"](world["a"]), "network_slug": "north", "invitation_id": invitation.id}
    before = snapshot()
    checked = 0
    for route in all_routes(app):
        if route.method not in UNSAFE_METHODS:
            continue
        url = route.url(app, {**values, "token": tokens.get(route.endpoint, "not-a-token")})
        response = client.open(
            url, method=route.method, data={"name": "Senza token", "email": "x@example.org", "language": "en"}
        )
        assert response.status_code == 400, f"{route.method} {url} answered {response.status_code}"
        checked += 1
    assert checked >= 15
    assert snapshot() == before


# --- an addressee sees what is theirs -------------------------------------------------------------------------


def test_an_addressee_reads_nothing_of_the_process_and_no_other_addressees_letter(app, make, login):
    """What an addressee reached before: the process page with every testimony, proposals, the synthesis and its
    CSV, the drafts and their preview, the versions and every document. They get their own letters only."""
    from toolkit.territories.models import OrganisationKind

    from .answers.helpers import issue, letter, report

    territory = make.territory("borgo")
    health = make.organisation(territory, "Azienda sanitaria", OrganisationKind.SERVICE_OWNER)
    school = make.organisation(territory, "Ufficio scuola", OrganisationKind.MUNICIPAL_OFFICE)
    workshop = make.live_workshop(territory)
    ids = make.contributions(workshop)
    process = workshop.process
    to_health, to_school = make.recommendation(process), make.recommendation(process, title="Moduli tradotti")
    to_health.addressee, to_school.addressee = health, school
    db.session.commit()
    version = issue(process)
    addressee = make.user(Role.ADDRESSEE, territory)
    make.membership(addressee, health)
    client = login(addressee)
    base = f"/t/borgo/processes/{process.id}"
    for url in (
        "/t/borgo/processes/",
        base,
        f"{base}/proposals",
        f"/t/borgo/proposals/{ids['proposal_id']}",
        f"{base}/synthesis",
        f"{base}/synthesis.csv",
        f"{base}/recommendations",
        f"/t/borgo/recommendations/{to_health.id}",
        f"{base}/recommendations/report.pdf",
        f"{base}/versions",
        f"/t/borgo/documents/{report(version).id}.pdf",
        f"/t/borgo/documents/{letter(version, school).id}.pdf",
        f"/t/borgo/addressed/letters/{letter(version, school).id}.pdf",
        f"/t/borgo/addressed/letters/{report(version).id}.pdf",
        "/t/borgo/translations/",
        f"/t/borgo/workshops/{workshop.id}/moderation",
    ):
        assert client.get(url).status_code in (403, 404), url
    own = letter(version, health)
    assert client.get(f"/t/borgo/addressed/letters/{own.id}.pdf").data == own.pdf
    # The territory's shared pages stay open to them.
    for url in ("/t/borgo/", "/t/borgo/services/", "/t/borgo/organisations/", "/t/borgo/addressed/"):
        assert client.get(url).status_code == 200, url


# --- the route x role x territory matrix ----------------------------------------------------------------------
#
# Every route of the URL map, with GET and POST, in the two territories of a world shaped like the demo's (A with
# people of every role, processes, workshops, contributions, drafts and an issued version; B with its own
# coordinator and records of the same kinds; both in one network), called by each person below. Who may reach a
# route is written by hand from DESIGN.md section 5, never read from the code's own rules. A reached route must
# answer neither 401, 403, 404 nor a 5xx, and not send to the login or join page; a refused one answers 403 or
# 404 (or sends to the login page, or, on a phone's page, refuses in the page: 409, 410, 422, or sends to the
# join page), and a refused POST changes nothing in the database.

ANYONE = "anyone"  #: anyone at all, with or without an account
ACCOUNT = "account"  #: anyone logged in
INVITEE = "invitee"  #: the person an invitation is for

#: Everyone with a role in the territory (or in a network it belongs to, or the site's administration).
HERE = frozenset(
    {"coordinator", "facilitator", "member", "operator", "translator", "addressee", "network", "admin"}
)
#: Who reads the processes: everyone here but the addressee, who reads what is addressed to them.
PROCESS_READERS = HERE - {"addressee"}
#: Who runs processes and workshops, moderates and writes the recommendations and documents.
RUNNING = frozenset({"coordinator", "facilitator", "admin"})
#: Who manages the territory (catalogue, organisations, people, settings).
MANAGING = frozenset({"coordinator", "admin"})
TRANSLATING = frozenset({"coordinator", "facilitator", "translator", "admin"})
#: Co-design: associations and operators write proposals with the facilitators.
WRITING_PROPOSALS = frozenset({"coordinator", "facilitator", "member", "operator", "admin"})
#: Feasibility: the operator of the service the proposal is about (the world's operator works for its owner),
#: facilitators and coordinators writing it on behalf of one.
ASSESSING = frozenset({"coordinator", "facilitator", "operator", "admin"})
#: An association's own input and its review of the drafts: its member only (the world's coordinator,
#: facilitator and administrator work for no association).
THEIR_ORGANISATION = frozenset({"member"})
#: A phone's pages: the participant of the open workshop and the one who came back to their closed workshop, each
#: in their own workshop, with their own contributions.
THEIR_WORKSHOP = frozenset({"participant", "returning"})
#: What adds to the room: only while the workshop is open.
WHILE_OPEN = frozenset({"participant"})


def _both(who) -> dict:
    return {"GET": frozenset(who), "POST": frozenset(who)}


def _get(who) -> dict:
    return {"GET": frozenset(who)}


def _post(who) -> dict:
    return {"POST": frozenset(who)}


EXPECTED: dict[str, dict[str, frozenset[str]]] = {
    # The site.
    "main.index": _get({ANYONE}),
    "main.set_language": _post({ANYONE}),
    "accounts.login": _both({ANYONE}),
    "accounts.login_code": _both({ANYONE}),
    "accounts.logout": _post({ANYONE}),
    "accounts.forgot_password": _both({ANYONE}),
    "accounts.set_password": _both({ANYONE}),
    "accounts.account": _both({ACCOUNT}),
    "accounts.change_password": _both({ACCOUNT}),
    "accounts.two_factor_status": _get({ACCOUNT}),
    "accounts.two_factor_setup": _both({ACCOUNT}),
    "accounts.two_factor_off": _both({ACCOUNT}),
    "accounts.recovery_codes": _both({ACCOUNT}),
    "invitations.invitations": _get({ACCOUNT}),
    "invitations.accept": _post({INVITEE}),
    "invitations.decline": _post({INVITEE}),
    "invitations.open_invitation": _both({ANYONE}),
    # Site administration: territories and networks.
    "admin.overview": _get({"admin"}),
    "admin.new_territory": _both({"admin"}),
    "admin.new_network": _both({"admin"}),
    "admin.edit_network": _both({"admin"}),
    "admin.add_network_coordinator": _post({"admin"}),
    "auditing.site_log": _get({"admin"}),
    "auditing.site_csv": _get({"admin"}),
    # The network layer.
    "main.network_overview": _get({"network", "admin"}),
    # A territory's shared pages, and its management.
    "main.territory_dashboard": _get(HERE),
    "territories.consent_text": _get(HERE),
    "territories.edit_consent_text": _both(MANAGING),
    "territories.organisations": _get(HERE),
    "territories.edit_organisation": _both(MANAGING),
    "territories.archive_organisation": _post(MANAGING),
    "people.people": _get(MANAGING),
    "people.invite_person": _both(MANAGING),
    "people.send_invitation_again": _post(MANAGING),
    "people.withdraw_invitation": _post(MANAGING),
    "people.edit_person": _both(MANAGING),
    "people.resend_invitation": _post(MANAGING),
    "security.settings": _both(MANAGING),
    # Retention, erasure and export of an organisation's data; the audit log of the territory.
    "retention.settings": _both(MANAGING),
    "retention.export_organisation": _get(MANAGING),
    "retention.erase_organisation": _both(MANAGING),
    "auditing.territory_log": _get(MANAGING),
    "auditing.territory_csv": _get(MANAGING),
    "services.services": _get(HERE),
    "services.service": _get(HERE),
    "services.edit_service": _both(MANAGING),
    "services.archive_service": _post(MANAGING),
    "services.categories": _get(HERE),
    "services.edit_category": _both(MANAGING),
    "services.archive_category": _post(MANAGING),
    "agenda.steps": _get(HERE),
    "agenda.edit_step": _both(MANAGING),
    "agenda.archive_step": _post(MANAGING),
    # Processes and workshops.
    "processes.processes": _get(PROCESS_READERS),
    "main.process": _get(PROCESS_READERS),
    "processes.edit_process": _both(RUNNING),
    "workshops.edit_workshop": _both(RUNNING),
    "workshops.add_step": _post(RUNNING),
    "workshops.change_step": _post(RUNNING),
    "workshops.cockpit": _get(RUNNING),
    "workshops.run": _post(RUNNING),
    "workshops.projector": _get(RUNNING),
    "workshops.board": _get(RUNNING),
    "barriers.moderation": _get(RUNNING),
    "barriers.keep_barrier": _post(RUNNING),
    "barriers.hide_barrier": _post(RUNNING),
    "barriers.merge_barrier": _post(RUNNING),
    "barriers.recategorise_barrier": _post(RUNNING),
    "barriers.type_in_barrier": _both(RUNNING),
    "workshops.moderate_candidate": _post(RUNNING),
    "workshops.confirm_services": _post(RUNNING),
    "workshops.poster": _get(RUNNING),
    "barriers.paper_form": _get(RUNNING),
    "barriers.organisation_input": _both(THEIR_ORGANISATION),
    "contributions.withdraw_organisation_barrier": _both(THEIR_ORGANISATION),
    # Co-design.
    "codesign.proposals": _get(PROCESS_READERS),
    "codesign.proposal": _get(PROCESS_READERS),
    "codesign.new_proposal": _both(WRITING_PROPOSALS),
    "codesign.type_in_proposal": _both(RUNNING),
    "codesign.record_feasibility": _post(ASSESSING),
    # The world's proposal is a participant's, about a service the operator's organisation runs: operators
    # co-design the proposals about their services; members edit only their own organisation's.
    "codesign.edit_proposal": _both(RUNNING | {"operator"}),
    "codesign.moderate_proposal": _post(RUNNING),
    "codesign.reopen_vote": _post(RUNNING),
    "codesign.synthesis": _get(PROCESS_READERS),
    "codesign.synthesis_csv": _get(PROCESS_READERS),
    # Translations.
    "translating.queue": _get(TRANSLATING),
    "translating.translate": _both(TRANSLATING),
    "translating.ask_machine": _post(TRANSLATING),
    "translating.ask_machine_one": _post(TRANSLATING),
    # Recommendations: drafts, review, issued versions.
    "recommendations.recommendations": _get(PROCESS_READERS),
    "recommendations.recommendation": _get(PROCESS_READERS),
    "recommendations.report_preview": _get(PROCESS_READERS),
    "recommendations.new_recommendation": _both(RUNNING),
    "recommendations.edit_recommendation": _both(RUNNING),
    "recommendations.move_recommendation": _post(RUNNING),
    "recommendations.delete_recommendation": _post(RUNNING),
    "recommendations.add_quote": _post(RUNNING),
    "recommendations.edit_quote": _post(RUNNING),
    "recommendations.remove_quote": _post(RUNNING),
    "review.review_round": _post(RUNNING),
    "review.organisation_review": _get(THEIR_ORGANISATION),
    "review.organisation_endorse": _post(THEIR_ORGANISATION),
    "review.organisation_comment": _post(THEIR_ORGANISATION),
    "versions.versions": _get(PROCESS_READERS),
    "versions.issue": _post(RUNNING),
    "versions.job": _get(PROCESS_READERS),
    "versions.job_progress": _get(PROCESS_READERS),
    "versions.download": _get(PROCESS_READERS),
    # What is addressed to an organisation: the addressee's page (a coordinator, who may read everything of the
    # territory, opens it too: without an organisation it lists nothing), and their organisation's letters only.
    "answers.recommendations": _get({"addressee", "coordinator", "admin"}),
    "answers.letter": _get({"addressee"}),
    # Answering: the addressee's account, for its own organisation's recommendations only (a coordinator, with
    # none, finds nothing there).
    "answers.answer": _both({"addressee"}),
    # A letter's link: whoever holds it answers for the body it was printed for, without an account.
    "answering.link": _get({ANYONE}),
    "answering.answer": _both({ANYONE}),
    # The follow-up of a process: its overview and each recommendation's history for whoever reads the processes
    # (an association's member sees the recommendations it took part in: the matrix's member co-designed one);
    # forwarding, the forwarding letters and the letters' links for those who follow up.
    "follow_up.overview": _get(PROCESS_READERS),
    "follow_up.recommendation": _get(PROCESS_READERS),
    "follow_up.forward": _both(RUNNING),
    "follow_up.forwarding_letter": _get(RUNNING),
    "follow_up.links_page": _get(RUNNING),
    "follow_up.revoke_link": _post(RUNNING),
    # Open data of a published process (the matrix's processes are): anyone.
    "open_data.json_export": _get({ANYONE}),
    "open_data.csv_export": _get({ANYONE}),
    # Answering in a spreadsheet: whoever holds the letter's link (the matrix's health authority's), and the
    # addressee for their own organisation (a coordinator, with none, finds nothing there).
    "spreadsheet.link_download": _get({ANYONE}),
    "spreadsheet.link_upload": _both({ANYONE}),
    "spreadsheet.account_download": _get({"addressee"}),
    "spreadsheet.account_upload": _both({"addressee"}),
    # A process's public results: anyone, once its coordinator published them (the matrix's processes are);
    # publishing and withdrawing them: its coordinator.
    "results.page": _get({ANYONE}),
    "results.feed": _get({ANYONE}),
    "publishing.publish_results": _post(MANAGING),
    "publishing.unpublish_results": _post(MANAGING),
    # The follow-up report (PDF): whoever reads the processes.
    "follow_up_report.follow_up_pdf": _get(PROCESS_READERS),
    # Phones. Joining is open to whoever has the code of an open workshop; the rest is the participant's own.
    "live.enter_code": _both({ANYONE}),
    "live.join": _get({ANYONE}),
    "live.consent": _both({ANYONE}),
    "contributions.return_code": _both({ANYONE}),
    # Erasing one's contributions: whoever holds the return code, typed in the form.
    "contributions.erase_contributions": _post({ANYONE}),
    "live.step": _get(THEIR_WORKSHOP),
    "live.poll": _get(THEIR_WORKSHOP),
    "live.propose_service": _post(WHILE_OPEN),
    "live.vote": _post(WHILE_OPEN),
    "barriers_live.new_barrier": _post(WHILE_OPEN),
    "barriers_live.edit_barrier": _both(THEIR_WORKSHOP),
    "contributions.withdraw_barrier": _both(THEIR_WORKSHOP),
    "barriers_live.support_barrier": _post(WHILE_OPEN),
    "contributions.mine": _get(THEIR_WORKSHOP),
    "contributions.issue_return_code": _post(THEIR_WORKSHOP),
    "codesign_live.new_proposal": _post(WHILE_OPEN),
    "codesign_live.edit_proposal": _both(THEIR_WORKSHOP),
    "contributions.withdraw_proposal": _both(THEIR_WORKSHOP),
    "codesign_live.vote": _post(WHILE_OPEN),
    "codesign_live.place": _post(WHILE_OPEN),
    # The live chart of their room's vote (empty once the workshop is closed).
    "codesign_live.results": _get(THEIR_WORKSHOP),
    # The drafts, while the facilitator has them open for review.
    "review.participant_review": _get(THEIR_WORKSHOP),
    "review.participant_endorse": _post(THEIR_WORKSHOP),
    "review.participant_comment": _post(THEIR_WORKSHOP),
}

#: The people of the matrix: who they are in territory A and in territory B.
ACTORS = (
    "anonymous",
    "coordinator",
    "facilitator",
    "member",
    "operator",
    "translator",
    "addressee",
    "other_coordinator",
    "network",
    "admin",
    "participant",
    "returning",
)
WITHOUT_ACCOUNT = {"anonymous", "participant", "returning"}
TERRITORY_ROLES_OF_A = {"coordinator", "facilitator", "member", "operator", "translator", "addressee"}

#: What a refused POST sends: enough for most forms to be valid if a view let it through.
POSTED = {
    "name": "Intruso",
    "title": "Scritto da chi non può",
    "text": "Scritto da chi non può",
    "change": "Scritto da chi non può",
    "email": "intruso@example.org",
    "roles": ["coordinator"],
    "language": "it",
    "languages": ["xx"],  # never a valid language: a permitted issue is refused by its form, not rendered
    "support": "1",
}


def test_the_matrix_lists_every_route(app):
    """A route nobody wrote a row for fails here: add it to EXPECTED, from DESIGN.md section 5."""
    listed = {(endpoint, method) for endpoint, methods in EXPECTED.items() for method in methods}
    routed = {(route.endpoint, route.method) for route in all_routes(app)}
    assert sorted(routed - listed) == [], "routes without a row in EXPECTED"
    assert sorted(listed - routed) == [], "rows of EXPECTED without a route"


def _matrix_territory(make, slug: str, name: str) -> dict:
    """A territory shaped like the demo's Borgo: organisations, an open workshop with a participant's
    contributions, a closed workshop whose participant has a return code, drafts with a quote, an issued
    version with letters, and a version being issued."""
    from datetime import timedelta

    from toolkit.answers import links as answer_links
    from toolkit.answers import publishing
    from toolkit.barriers.models import Barrier, Testimony
    from toolkit.processes.models import StepKind
    from toolkit.recommendations import operations as recommendations
    from toolkit.territories.models import OrganisationKind
    from toolkit.workshops import codes
    from toolkit.workshops import operations as workshops
    from toolkit.workshops.models import Participant, WorkshopStep

    from .answers.helpers import issue, letter, report

    territory = make.territory(slug, name=name)
    association = make.organisation(territory, "Associazione Donne del Mondo", OrganisationKind.ASSOCIATION)
    health = make.organisation(territory, "Azienda sanitaria di prova", OrganisationKind.SERVICE_OWNER)
    school = make.organisation(territory, "Ufficio scuola di prova", OrganisationKind.MUNICIPAL_OFFICE)
    room = make.live_workshop(territory, StepKind.BARRIER_ROUND, title="Laboratorio aperto")
    mine = make.contributions(room)
    closed = make.live_workshop(territory, title="Laboratorio chiuso")
    theirs = make.contributions(closed)
    process = room.process
    barrier = db.session.get(Barrier, mine["barrier_id"])
    testimony = Testimony(
        territory_id=territory.id,
        process_id=process.id,
        text="Sono andata tre volte all'anagrafe di via Roma",
        language="it",
        participant_id=mine["participant_id"],
        may_quote=True,
        barriers=[barrier],
    )
    db.session.add(testimony)
    sent = make.barrier(
        process, barrier.service, text="Il modulo per il medico è solo in italiano", organisation=association
    )
    to_health = make.recommendation(process, title="Un mediatore al CUP")
    to_school = make.recommendation(process, title="Moduli di iscrizione tradotti")
    to_health.addressee, to_school.addressee = health, school
    quote = recommendations.add_quote(to_health, testimony, "Sono andata tre volte all'anagrafe")
    later = make.recommendation(closed.process, title="Orari più lunghi")
    for reviewed in (process, closed.process):
        reviewed.review_until = recommendations.today() + timedelta(days=30)
    db.session.commit()
    version = issue(process)
    _answer_link, answer_token = answer_links.new_link(process, health, version)
    publishing.publish(process, None)  # its results are public
    follow_up = _follow_up_records(process, version, association, health, school, to_health, to_school)
    job = issuing.request_issue(process, ["it"], "", None)
    returning = db.session.get(Participant, theirs["participant_id"])
    return_code = codes.issue_return_code(returning)
    workshops.close_workshop(closed)
    db.session.commit()
    steps = db.session.scalars(
        db.select(WorkshopStep).where(WorkshopStep.workshop_id == room.id).order_by(WorkshopStep.position)
    ).all()
    voting = next(step for step in steps if step.kind.prioritises)
    service = barrier.service
    staff = {
        **mine,
        "territory_slug": slug,
        "process_id": process.id,
        "workshop_id": room.id,
        "workshop_code": room.join_code,
        "recommendation_id": to_health.id,
        "quote_id": quote.id,
        "job_id": job.id,
        "document_id": report(version).id,
        "service_id": service.id,
        "category_id": make.categories_of(territory)[0].id,
        "organisation_id": association.id,
        "step_id": db.session.scalar(
            db.select(StepTemplate.id).where(StepTemplate.territory_id == territory.id).limit(1)
        ),
        **follow_up,
        "lang": "ar",
        "kind": "barrier",
        "source_id": mine["barrier_id"],
    }
    return {
        "territory": territory,
        "association": association,
        "health": health,
        "service_owner": service.owner,
        "staff": staff,
        # Values that differ by route: a workshop's own steps, the addressee's own letter.
        "by_endpoint": {
            "workshops.change_step": {"step_id": steps[-1].id},
            "codesign.reopen_vote": {"step_id": voting.id},
            "answers.letter": {"document_id": letter(version, health).id},
            "answering.link": {"token": answer_token},
            "answering.answer": {"token": answer_token},
            "spreadsheet.link_download": {"token": answer_token},
            "spreadsheet.link_upload": {"token": answer_token},
            "contributions.withdraw_organisation_barrier": {"barrier_id": sent.id},
        },
        # A phone's values in the returning participant's closed workshop.
        "returning": {
            **staff,
            **theirs,
            "workshop_code": closed.join_code,
            "recommendation_id": later.id,
        },
        "return_code": return_code,
    }


def _follow_up_records(process, version, association, health, school, to_health, to_school) -> dict:
    """What the follow-up pages need: the health authority's "not our competence" answer, not decided yet; the
    school office's, forwarded to another body with its letter; a letter's link; the association co-designing
    the recommendation to the health authority."""
    from datetime import UTC, datetime

    from toolkit.answers import links as answer_links
    from toolkit.answers.models import AnswerStatus, Forwarding, ForwardingDecision
    from toolkit.answers.operations import record_answer
    from toolkit.answers.threads import thread_of
    from toolkit.territories.models import OrganisationKind

    from .factories import organisation

    to_health.organisations = [association]
    region = organisation(process.territory, "Regione di prova", OrganisationKind.SERVICE_OWNER)
    not_ours = record_answer(
        thread_of(process, health, to_health.id),
        status=AnswerStatus.NOT_OUR_COMPETENCE,
        text="Non è di nostra competenza.",
        language="it",
        competent_body="Regione di prova",
    )
    theirs = record_answer(
        thread_of(process, school, to_school.id),
        status=AnswerStatus.NOT_OUR_COMPETENCE,
        text="Non è di nostra competenza.",
        language="it",
        competent_body="Regione di prova",
    )
    letter_pdf = b"%PDF-1.7 forwarding letter"
    forwarded = Forwarding(
        territory_id=process.territory_id,
        process_id=process.id,
        answer_id=theirs.id,
        recommendation_id=to_school.id,
        from_organisation_id=school.id,
        to_organisation_id=region.id,
        decision=ForwardingDecision.FORWARDED,
        respond_by=version.issued_at.date(),
        decided_at=datetime.now(UTC),
        letter_language="it",
        letter_sha256="0" * 64,
        letter_pdf=letter_pdf,
    )
    db.session.add(forwarded)
    link, _token = answer_links.new_link(process, school, version)
    db.session.commit()
    return {"answer_id": not_ours.id, "forwarding_id": forwarded.id, "link_id": link.id}


@pytest.fixture
def matrix_world(app, make):
    from toolkit.accounts.operations import INVITATION, invitation_token, invite_to_territory, make_token

    a = _matrix_territory(make, "borgo", "Comune di Borgo")
    b = _matrix_territory(make, "lago", "Comune di Lago")
    network = make.network(a["territory"], b["territory"], slug="citta-accoglienti")
    territory = a["territory"]
    people = {
        "coordinator": make.coordinator(territory),
        "facilitator": make.user(Role.FACILITATOR, territory),
        "member": make.user(Role.ASSOCIATION_MEMBER, territory),
        "operator": make.user(Role.OPERATOR, territory),
        "translator": make.user(Role.TRANSLATOR, territory),
        "addressee": make.user(Role.ADDRESSEE, territory),
        "other_coordinator": make.coordinator(b["territory"]),
        "network": make.user(Role.NETWORK_COORDINATOR, network=network),
        "admin": make.user(admin=True),
    }
    make.membership(people["member"], a["association"])
    make.membership(people["operator"], a["service_owner"])
    make.membership(people["addressee"], a["health"])
    # B's coordinator is invited into A; a new address is invited too (its account has no password yet).
    with app.test_request_context():
        offered = invite_to_territory(
            territory, email=people["other_coordinator"].email, name="Ospite", roles=[Role.TRANSLATOR]
        )
        newcomer = invite_to_territory(
            territory, email="nuova@example.org", name="Nuova", roles=[Role.OPERATOR]
        )
        db.session.commit()
        tokens = {
            "accounts.set_password": {"token": make_token(newcomer.user, INVITATION)},
            "invitations.open_invitation": {"token": invitation_token(newcomer)},
        }
        # The answer to an invitation carries its link's token.
        answer = {"token": invitation_token(offered)}
    # B's coordinator invites a newcomer into B: B's own invitation, for B's pages of invitations.
    with app.test_request_context():
        in_b = invite_to_territory(
            b["territory"], email="altra@example.org", name="Altra", roles=[Role.OPERATOR]
        )
        db.session.commit()
    for side in (a, b):
        side["staff"]["invitation_id"] = offered.id if side is a else in_b.id
        # A feasibility form names the service assessed: the one the proposal is about.
        side["posted"] = {"codesign.record_feasibility": {"service": side["staff"]["service_id"]}}
        side["posted"].update({"invitations.accept": answer, "invitations.decline": answer})
        side["staff"]["user_id"] = people["translator"].id if side is a else people["other_coordinator"].id
        side["staff"]["network_slug"] = network.slug
        side["returning"].update({k: side["staff"][k] for k in ("invitation_id", "user_id", "network_slug")})
        side["by_endpoint"].update(tokens)
    return {"a": a, "b": b, "people": people}


def _tokens_of(actor: str, side: str, territory_route: bool) -> set[str]:
    """What ``actor`` is, for a route of territory ``side`` (or, ``territory_route`` false, of the site)."""
    tokens = {ANYONE}
    if actor not in WITHOUT_ACCOUNT:
        tokens.add(ACCOUNT)
    if actor == "other_coordinator":
        tokens.add(INVITEE)
    if actor in ("network", "admin"):
        tokens.add(actor)
    if not territory_route:
        return tokens
    if side == "a" and (actor in TERRITORY_ROLES_OF_A or actor in ("participant", "returning")):
        tokens.add(actor)
    if side == "b" and actor == "other_coordinator":
        tokens.add("coordinator")
    return tokens


def _is_phone(route) -> bool:
    return "workshop_code" in route.arguments


def _is_territory_route(route) -> bool:
    return bool(route.arguments & {"territory_slug", "workshop_code"})


def _location(response) -> str:
    return response.headers.get("Location", "") if 300 <= response.status_code < 400 else ""


def _sent_away(route, response) -> bool:
    """Sent to the login page, or (a phone's page) to the join page."""
    location = _location(response)
    if "/login" in location:
        return True
    return _is_phone(route) and ("/join" in location or location.rstrip("/").split("/")[-2:-1] == ["w"])


def _reached(route, response) -> bool:
    if response.status_code in (401, 403, 404) or response.status_code >= 500:
        return False
    return route.access_rule is Rule.PUBLIC or not _sent_away(route, response)


def _refused(route, response) -> bool:
    if _sent_away(route, response):
        return True
    refusals = (401, 403, 404, 409, 410, 422) if _is_phone(route) else (401, 403, 404)
    return response.status_code in refusals


def _restore(rows: dict[str, list[tuple]], changed: list[str]) -> None:
    """Put the rows of the ``changed`` tables back as they were (foreign keys unchecked meanwhile)."""
    tables = [t for t in db.metadata.sorted_tables if t.name in changed]
    db.session.rollback()
    with db.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.exec_driver_sql("SET session_replication_role = replica")
        else:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in reversed(tables):
            connection.execute(table.delete())
        for table in tables:
            if rows[table.name]:
                keys = [column.key for column in table.columns]
                connection.execute(
                    table.insert(), [dict(zip(keys, row, strict=True)) for row in rows[table.name]]
                )
        connection.commit()
        if postgres:
            connection.exec_driver_sql("SET session_replication_role = DEFAULT")
        else:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
    db.session.expire_all()


def _clients(app, world) -> dict:
    from toolkit.workshops.phones import SESSION_KEY

    clients = {}
    for actor in ACTORS:
        client = app.test_client()
        if actor in world["people"]:
            client.login(world["people"][actor])
        elif actor == "participant":
            with client.session_transaction() as session:
                session[SESSION_KEY] = [world["a"]["staff"]["participant_id"]]
        elif actor == "returning":
            # Another phone, days later: the return code brings the contributions back.
            response = client.post("/return", data={"code": world["a"]["return_code"]})
            assert response.status_code == 302, response.get_data(as_text=True)
        clients[actor] = (client, client.csrf_token())
    return clients


def _copy(app, client):
    """A new client holding the same cookies: what it is told to forget, the original keeps."""
    fresh = app.test_client()
    fresh._cookies = dict(client._cookies)
    return fresh


class _MatrixRun:
    """One person's pass over every route of the matrix, gathering every cell that differs from EXPECTED."""

    def __init__(self, app, world, routes, failures: list[str]):
        self.app, self.world, self.routes, self.failures = app, world, routes, failures

    def cell_url(self, route, actor: str, side: str) -> str:
        world = self.world
        values = world[side]["returning" if actor == "returning" and _is_phone(route) else "staff"]
        return route.url(self.app, {**values, **world[side]["by_endpoint"].get(route.endpoint, {})})

    def send(self, client, route, url, token, side):
        """POST one cell; an exception is recorded as a failure (every cell is reported, not only the first)."""
        data = {**POSTED, **self.world[side]["posted"].get(route.endpoint, {}), "csrf_token": token}
        try:
            return client.post(url, data=data)
        except Exception as error:
            db.session.rollback()
            self.failures.append(f"{url}: raised {error!r}")
            return None

    def cells(self, actor: str) -> tuple[list, list, list]:
        """The reads, refused POSTs and allowed POSTs of ``actor``, each as (route, url, side, allowed, where)."""
        reads, refused_posts, allowed_posts = [], [], []
        for route in self.routes:
            for side in ("a", "b") if _is_territory_route(route) else ("a",):
                try:
                    url = self.cell_url(route, actor, side)
                except AssertionError as missing:
                    self.failures.append(str(missing))
                    continue
                allowed = bool(
                    _tokens_of(actor, side, _is_territory_route(route))
                    & EXPECTED[route.endpoint][route.method]
                )
                cell = (route, url, side, allowed, f"{actor} {route.method} {url} (territory {side.upper()})")
                if route.method == "GET":
                    reads.append(cell)
                else:
                    (allowed_posts if allowed else refused_posts).append(cell)
        return reads, refused_posts, allowed_posts

    def check_reads(self, client, reads) -> None:
        for route, url, _side, allowed, where in reads:
            try:
                response = client.get(url)
            except Exception as error:
                db.session.rollback()
                self.failures.append(f"{where}: raised {error!r}")
                continue
            if allowed and not _reached(route, response):
                self.failures.append(f"{where}: should be reached, answered {response.status_code}")
            elif not allowed and not _refused(route, response):
                self.failures.append(f"{where}: should be refused, answered {response.status_code}")

    def check_refused_posts(self, client, token, refused_posts, rows) -> None:
        """Refused POSTs all at once against one snapshot; should anything change, one by one to find which."""
        from toolkit.background import wait_for_jobs

        for route, url, side, _allowed, where in refused_posts:
            response = self.send(client, route, url, token, side)
            if response is not None and not _refused(route, response):
                self.failures.append(f"{where}: should be refused, answered {response.status_code}")
        wait_for_jobs(self.app, timeout=60)
        after = snapshot()
        if after == rows:
            return
        _restore(rows, [name for name in rows if after[name] != rows[name]])
        for route, url, side, _allowed, where in refused_posts:
            self.send(client, route, url, token, side)
            after = snapshot()
            changed = [name for name in rows if after[name] != rows[name]]
            if changed:
                self.failures.append(f"{where}: refused, but changed {', '.join(changed)}")
                _restore(rows, changed)

    def check_allowed_posts(self, client, token, allowed_posts, rows) -> None:
        """Permitted POSTs change things: each from a copy of the person's client, and the rows put back after."""
        from toolkit.background import wait_for_jobs

        for route, url, side, _allowed, where in allowed_posts:
            response = self.send(_copy(self.app, client), route, url, token, side)
            wait_for_jobs(self.app, timeout=60)
            if response is not None and not _reached(route, response):
                self.failures.append(f"{where}: should be reached, answered {response.status_code}")
            after = snapshot()
            changed = [name for name in rows if after[name] != rows[name]]
            if changed:
                _restore(rows, changed)


def test_route_role_territory_matrix(app, matrix_world, monkeypatch):
    """Every route x every person x both territories against EXPECTED; one world, every cell checked."""
    from toolkit import documents

    # Access, not layout, is checked here: documents are "rendered" at once, machine translation goes nowhere.
    monkeypatch.setattr(documents, "html_to_pdf", lambda html: documents.RenderedPDF(b"%PDF-1.7 matrix", 1))
    app.config["MACHINE_TRANSLATION_URL"] = "http://127.0.0.1:9/"
    clients = _clients(app, matrix_world)
    failures: list[str] = []
    unlisted = sorted(
        {f"{r.method} {r.endpoint}" for r in all_routes(app) if r.method not in EXPECTED.get(r.endpoint, {})}
    )
    routes = [route for route in all_routes(app) if route.method in EXPECTED.get(route.endpoint, {})]
    run = _MatrixRun(app, matrix_world, routes, failures)
    checked = 0
    for actor in ACTORS:
        client, token = clients[actor]
        reads, refused_posts, allowed_posts = run.cells(actor)
        checked += len(reads) + len(refused_posts) + len(allowed_posts)
        run.check_reads(client, reads)
        rows = snapshot()
        run.check_refused_posts(client, token, refused_posts, rows)
        run.check_allowed_posts(client, token, allowed_posts, rows)
    assert unlisted == [], "routes without a row in EXPECTED (see test_the_matrix_lists_every_route)"
    assert checked > 2000
    assert failures == [], f"{len(failures)} cells differ from DESIGN.md section 5:\n" + "\n".join(
        failures[:80]
    )


def test_operators_edit_the_proposals_about_their_own_services_only(app, make, login):
    """Operators co-design for their services (DESIGN.md section 5): a proposal about another body's service is
    theirs to read, not to change."""
    from toolkit.territories.models import OrganisationKind

    territory = make.territory("borgo")
    workshop = make.live_workshop(territory)
    ids = make.contributions(workshop)
    from toolkit.codesign.models import Proposal

    proposal = db.session.get(Proposal, ids["proposal_id"])
    owner = proposal.barriers[0].service.owner
    elsewhere = make.organisation(territory, "Ufficio tributi", OrganisationKind.MUNICIPAL_OFFICE)
    own, other = make.user(Role.OPERATOR, territory), make.user(Role.OPERATOR, territory)
    make.membership(own, owner)
    make.membership(other, elsewhere)
    url = f"/t/borgo/proposals/{proposal.id}/edit"
    assert login(own).get(url).status_code == 200
    outsider = login(other)
    assert outsider.get(url).status_code == 403
    assert outsider.get(f"/t/borgo/proposals/{proposal.id}").status_code == 200
    before = proposal.change
    assert outsider.post(url, data={"change": "Cambiato da fuori", "language": "it"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).change == before
