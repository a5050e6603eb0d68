"""Accounts belong to people: a coordinator offers roles in their own territory, learns nothing of an account
elsewhere, and changes nothing of it beyond their territory's roles and the organisation the person works for
there."""

from __future__ import annotations

import re

import pytest

from toolkit.access import Role, permissions_in
from toolkit.accounts import operations as accounts
from toolkit.accounts.models import User
from toolkit.audit import AuditEntry
from toolkit.codesign.ownership import assessable_services
from toolkit.extensions import db
from toolkit.territories.models import Organisation, TerritoryInvitation

from ..codesign.helpers import codesign_room
from ..smtp_sink import SmtpSink

ENGLISH = {"Accept-Language": "en"}
INVITATION_LINK = re.compile(r"https?://[^/\s\"]+(/invitation/[A-Za-z0-9_.\-]+)")
ANY_LINK = re.compile(r"https?://[^/\s\"]+(/[^\s\"<]*)")
ACCEPT = re.compile(r'action="(/invitations/\d+/accept)"')
DECLINE = re.compile(r'action="(/invitations/\d+/decline)"')


@pytest.fixture
def login(login):
    """Clients of people who read the toolkit in English (the messages these tests read)."""

    def log_in(user, *args, **kwargs):
        client = login(user, *args, **kwargs)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return log_in


def _borgo_and_lagoverde(make):
    """Borgo San Vitale, where Laura Nencini works for the registry office that runs the first service and
    assesses proposals about it; Lagoverde, whose coordinator is Stefano Barbieri."""
    room = codesign_room(make, slug="borgo")
    operator = room["operator"]
    operator.name = "Laura Nencini"
    db.session.commit()
    room["proposal"] = make.proposal_for(
        room["workshop"], room["barriers"][:1], change="Mediatore all'anagrafe"
    )
    room["lagoverde"] = make.territory("lagoverde", name="Comune di Lagoverde")
    room["lagoverde_coordinator"] = make.coordinator(room["lagoverde"], name="Stefano Barbieri")
    room["lagoverde_office"] = make.organisation(room["lagoverde"], name="Ufficio di Lagoverde")
    return room


def _invite(client, territory, email, **data):
    fields = {"name": "Chiunque", "email": email, "roles": ["operator"], "locale": "it"}
    fields.update(data)
    return client.post(f"/t/{territory.slug}/people/invite", data=fields, headers=ENGLISH)


def _answer(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"], headers=ENGLISH).get_data(as_text=True)


def _link(client, response) -> str:
    """The path of the invitation link shown to the coordinator (no mail server here)."""
    return INVITATION_LINK.search(_answer(client, response)).group(1)


def _token_field(page: str) -> dict[str, str]:
    """The invitation's token that the answer buttons of its page carry."""
    return {"token": re.search(r'name="token" value="([^"]+)"', page).group(1)}


def _actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_coordinator_of_another_territory_cannot_take_over_an_account(make, login, app):
    room = _borgo_and_lagoverde(make)
    operator, lagoverde = room["operator"], room["lagoverde"]
    registry = room["services"][0]
    stefano = login(room["lagoverde_coordinator"])

    page = _answer(
        stefano,
        _invite(
            stefano,
            lagoverde,
            operator.email.upper(),
            roles=["coordinator", "operator"],
            organisation=room["lagoverde_office"].id,
        ),
    )
    # Nothing says the address has an account, let alone whose.
    assert "Laura Nencini" not in page and "already" not in page.lower()
    assert "Borgo" not in page and "/password/set/" not in page
    people = stefano.get("/t/lagoverde/people/", headers=ENGLISH).get_data(as_text=True)
    assert "Chiunque" in people and "Laura Nencini" not in people

    # Nothing is granted and nothing of the account changes before she accepts.
    db.session.refresh(operator)
    assert operator.roles_in(lagoverde) == []
    assert operator.organisation_in(room["territory"]).id == registry.owner_id
    assert operator.organisation_in(lagoverde) is None
    assert operator.name == "Laura Nencini"
    # She still assesses the feasibility of her office's services in Borgo.
    permissions = permissions_in(operator, room["territory"])
    assert assessable_services(operator, permissions, room["proposal"]) == [registry]
    assessor = login(operator)
    assert 'name="verdict"' in assessor.get(f"/t/borgo/proposals/{room['proposal'].id}").get_data(
        as_text=True
    )

    # The link shown to Stefano (no mail server here) sets no password: it only leads to a login page, and
    # says nothing of the account to anyone logged in as another.
    link = INVITATION_LINK.search(page).group(1)
    as_stefano = stefano.get(link).get_data(as_text=True)
    assert "This invitation is for another account." in as_stefano
    assert (
        "Laura Nencini" not in as_stefano
        and operator.email not in as_stefano
        and not ACCEPT.search(as_stefano)
    )
    anonymous = app.test_client()
    opened = anonymous.get(link)
    assert opened.status_code == 302 and opened.headers["Location"] == f"/login?next={link}"
    tried = anonymous.post(link, data={"password": "presa di possesso", "confirm": "presa di possesso"})
    assert tried.status_code == 302 and tried.headers["Location"].startswith("/login")
    db.session.refresh(operator)
    assert not operator.check_password("presa di possesso")
    assert (
        anonymous.post("/login", data={"email": operator.email, "password": "presa di possesso"}).status_code
        != 302
    )
    # Nor is her account one of Lagoverde's people, to resend links to or change.
    assert stefano.post(f"/t/lagoverde/people/{operator.id}/invitation").status_code == 404
    assert stefano.get(f"/t/lagoverde/people/{operator.id}").status_code == 404
    # And Borgo's cockpit stays closed to Lagoverde's coordinator.
    assert stefano.get(f"/t/borgo/workshops/{room['workshop'].id}").status_code == 403
    assert stefano.get(f"/t/borgo/proposals/{room['proposal'].id}").status_code == 403


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(make, login, app):
    room = _borgo_and_lagoverde(make)
    stefano = login(room["lagoverde_coordinator"])
    known, unknown = room["operator"].email, "nessuno@example.org"

    def normalised(page: str, email: str) -> str:
        page = page.split("<h1>")[0]  # the messages of the answer, before the page of people
        page = page.replace(email, "EMAIL")
        page = INVITATION_LINK.sub("LINK", page)
        return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "TOKEN", page)

    first = _invite(stefano, room["lagoverde"], known)
    first_page = _answer(stefano, first)
    second = _invite(stefano, room["lagoverde"], unknown)
    assert first.headers["Location"] == second.headers["Location"]
    second_page = _answer(stefano, second)
    assert "No mail server is set up" in first_page
    assert normalised(first_page, known) == normalised(second_page, unknown)

    with SmtpSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_USE_TLS=False)
        first_page = _answer(stefano, _invite(stefano, room["lagoverde"], known, name="Altro nome"))
        second_page = _answer(stefano, _invite(stefano, room["lagoverde"], unknown, name="Altro nome"))
    assert normalised(first_page, known) == normalised(second_page, unknown)
    assert "An invitation was sent to" in first_page and not INVITATION_LINK.search(first_page)
    # Each address got its invitation; the holder of the existing account gets no link that sets a password
    # or logs in: only one to the login page and her invitations.
    bodies = {m["To"]: m.get_payload(decode=True).decode() for m in sink.messages}
    assert set(bodies) == {known, unknown}
    assert "/password/set/" not in bodies[known]
    anonymous = app.test_client()
    for path in ANY_LINK.findall(bodies[known]):
        response = anonymous.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    # The invitations renewed, not doubled; names are what Stefano typed.
    invitations = db.session.scalars(db.select(TerritoryInvitation).order_by(TerritoryInvitation.id)).all()
    assert [(i.email, i.name) for i in invitations] == [(known, "Altro nome"), (unknown, "Altro nome")]
    people = stefano.get("/t/lagoverde/people/", headers=ENGLISH).get_data(as_text=True)
    assert "Laura Nencini" not in people and people.count("<td><bdi>Altro nome</bdi></td>") == 2


def test_the_holder_accepts_or_declines_after_logging_in(make, login):
    room = _borgo_and_lagoverde(make)
    operator, lagoverde, borgo = room["operator"], room["lagoverde"], room["territory"]
    stefano = login(room["lagoverde_coordinator"])
    lagoverde_link = _link(
        stefano,
        _invite(
            stefano, lagoverde, operator.email, roles=["translator"], organisation=room["lagoverde_office"].id
        ),
    )
    third = make.territory("terzo", name="Comune di Terzo")
    terzo = login(make.coordinator(third))
    terzo_link = _link(terzo, _invite(terzo, third, operator.email, name="Laura", roles=["facilitator"]))

    laura = login(operator)
    dashboard = laura.get("/", headers=ENGLISH).get_data(as_text=True)
    assert "You have 2 invitations to answer." in dashboard
    listing = laura.get("/invitations/", headers=ENGLISH).get_data(as_text=True)
    assert "Comune di Lagoverde" in listing and "Comune di Terzo" in listing
    assert "Ufficio di Lagoverde" in listing and "Translator" in listing and "Facilitator" in listing
    # The list only tells her where to answer: the link of each invitation.
    assert not ACCEPT.search(listing) and not DECLINE.search(listing)
    assert "Open the link in the invitation message to accept or decline it." in listing
    offer = laura.get(lagoverde_link, headers=ENGLISH).get_data(as_text=True)
    assert "Comune di Lagoverde" in offer and "Ufficio di Lagoverde" in offer and "Translator" in offer
    assert "Comune di Terzo" not in offer
    accept_lagoverde, answer_lagoverde = ACCEPT.search(offer).group(1), _token_field(offer)
    offer = laura.get(terzo_link, headers=ENGLISH).get_data(as_text=True)
    assert "Comune di Terzo" in offer and "Facilitator" in offer
    accept_terzo, decline_terzo, answer_terzo = (
        ACCEPT.search(offer).group(1),
        DECLINE.search(offer).group(1),
        _token_field(offer),
    )

    assert laura.post(accept_lagoverde, data=answer_lagoverde).headers["Location"] == "/t/lagoverde/"
    assert laura.post(decline_terzo, data=answer_terzo).status_code == 302
    db.session.refresh(operator)
    assert operator.roles_in(lagoverde) == [Role.TRANSLATOR]
    assert operator.roles_in(third) == []
    assert operator.organisation_in(lagoverde) == room["lagoverde_office"]
    assert operator.organisation_in(borgo).id == room["services"][0].owner_id  # Borgo's stays
    assert laura.get("/t/lagoverde/").status_code == 200
    assert laura.get("/t/terzo/").status_code == 403
    # Answered invitations cannot be answered again, and their links stop working.
    assert laura.post(accept_terzo, data=answer_terzo).status_code == 404
    assert laura.post(accept_lagoverde, data=answer_lagoverde).status_code == 404
    assert laura.get(lagoverde_link).status_code == 404
    assert "You have no invitation to answer." in laura.get("/invitations/", headers=ENGLISH).get_data(
        as_text=True
    )
    assert "invitation to answer" not in laura.get("/", headers=ENGLISH).get_data(as_text=True)
    # Now she is one of Lagoverde's people, under her own name; Terzo's list no longer shows its invitation.
    assert "Laura Nencini" in stefano.get("/t/lagoverde/people/").get_data(as_text=True)
    assert "Laura" not in login(make.coordinator(third)).get("/t/terzo/people/").get_data(as_text=True)
    actions = _actions()
    assert actions.count("invitation.made") == 2
    assert {"invitation.accepted", "invitation.declined", "membership.changed"} <= set(actions)


def test_nobody_else_answers_an_invitation(make, login):
    room = _borgo_and_lagoverde(make)
    stefano = login(room["lagoverde_coordinator"])
    link = _link(stefano, _invite(stefano, room["lagoverde"], room["operator"].email))
    invitation = db.session.scalar(db.select(TerritoryInvitation))
    answer = {"token": link.rsplit("/", 1)[1]}
    # Not even with the invitation's link.
    for someone in (room["lagoverde_coordinator"], room["facilitator"]):
        client = login(someone)
        assert client.post(f"/invitations/{invitation.id}/accept", data=answer).status_code == 404
        assert client.post(f"/invitations/{invitation.id}/decline", data=answer).status_code == 404
    # Without the form's token the holder's own answer is refused too.
    refused = login(room["operator"]).post(f"/invitations/{invitation.id}/accept", data=answer, csrf=False)
    assert refused.status_code == 400
    db.session.refresh(invitation)
    assert invitation.is_open and room["operator"].roles_in(room["lagoverde"]) == []


def test_a_coordinator_withdraws_an_invitation(make, login, app):
    room = _borgo_and_lagoverde(make)
    stefano = login(room["lagoverde_coordinator"])
    page = _answer(stefano, _invite(stefano, room["lagoverde"], "nuova@example.org", name="Nuova Persona"))
    link = INVITATION_LINK.search(page).group(1)
    invitation = db.session.scalar(db.select(TerritoryInvitation))
    # Another territory cannot see or withdraw it.
    borgo = login(make.coordinator(room["territory"]))
    assert borgo.post(f"/t/borgo/people/invitations/{invitation.id}/withdraw").status_code == 404
    assert "Nuova Persona" not in borgo.get("/t/borgo/people/").get_data(as_text=True)

    # Sent again, it stays open for another 14 days, with the same kind of link.
    first_expiry = invitation.expires_at
    resent = _answer(stefano, stefano.post(f"/t/lagoverde/people/invitations/{invitation.id}/send"))
    assert INVITATION_LINK.search(resent)
    db.session.refresh(invitation)
    assert invitation.expires_at > first_expiry and "invitation.renewed" in _actions()

    withdrawn = stefano.post(f"/t/lagoverde/people/invitations/{invitation.id}/withdraw")
    assert "is withdrawn" in _answer(stefano, withdrawn)
    assert "Nuova Persona" not in stefano.get("/t/lagoverde/people/").get_data(as_text=True)
    # Its link stops working, and it can be withdrawn only once.
    assert app.test_client().get(link).status_code == 404
    again = stefano.post(f"/t/lagoverde/people/invitations/{invitation.id}/withdraw")
    assert "This invitation is already answered or withdrawn." in _answer(stefano, again)
    resent = stefano.post(f"/t/lagoverde/people/invitations/{invitation.id}/send")
    assert "/invitation/" not in _answer(stefano, resent)
    assert _actions().count("invitation.withdrawn") == 1


def test_another_territory_changes_nothing_of_a_shared_person_but_its_own(make, login):
    room = _borgo_and_lagoverde(make)
    operator, lagoverde, borgo = room["operator"], room["lagoverde"], room["territory"]
    registry_owner = room["services"][0].owner_id
    stefano = login(room["lagoverde_coordinator"])
    link = _link(stefano, _invite(stefano, lagoverde, operator.email, roles=["operator"]))
    laura = login(operator)
    offer = laura.get(link).get_data(as_text=True)
    assert laura.post(ACCEPT.search(offer).group(1), data=_token_field(offer)).status_code == 302

    url = f"/t/lagoverde/people/{operator.id}"
    # Borgo's organisation is not Lagoverde's to give.
    refused = stefano.post(url, data={"roles": ["operator"], "organisation": registry_owner}, headers=ENGLISH)
    assert refused.status_code == 422
    other_borgo = make.organisation(borgo, name="Altra di Borgo")
    assert stefano.post(url, data={"roles": ["operator"], "organisation": other_borgo.id}).status_code == 422
    db.session.refresh(operator)
    assert operator.organisation_in(borgo).id == registry_owner

    assert (
        stefano.post(
            url, data={"roles": ["operator"], "organisation": room["lagoverde_office"].id}
        ).status_code
        == 302
    )
    db.session.refresh(operator)
    assert operator.organisation_in(lagoverde) == room["lagoverde_office"]
    assert operator.organisation_in(borgo).id == registry_owner
    assert operator.roles_in(borgo) == [Role.OPERATOR]

    # Taking every Lagoverde role away ends her Lagoverde organisation; Borgo's stays as it was.
    assert (
        stefano.post(url, data={"roles": [], "organisation": room["lagoverde_office"].id}).status_code == 302
    )
    db.session.refresh(operator)
    assert operator.roles_in(lagoverde) == [] and operator.organisation_in(lagoverde) is None
    assert operator.organisation_in(borgo).id == registry_owner and operator.roles_in(borgo) == [
        Role.OPERATOR
    ]
    assert db.session.get(Organisation, registry_owner) is not None
    permissions = permissions_in(operator, borgo)
    assert assessable_services(operator, permissions, room["proposal"]) == [room["services"][0]]


def test_only_the_territory_that_created_an_account_hands_out_its_password_link(make, login, app):
    room = _borgo_and_lagoverde(make)
    borgo, lagoverde = room["territory"], room["lagoverde"]
    giulia = login(make.coordinator(borgo))
    stefano = login(room["lagoverde_coordinator"])
    # Borgo invites a new address: the account is Borgo's creation, still without a password.
    borgo_page = _answer(giulia, _invite(giulia, borgo, "nuovo@example.org", name="Nuovo Arrivato"))
    borgo_link = INVITATION_LINK.search(borgo_page).group(1)
    newcomer = db.session.scalar(db.select(User).where(User.email == "nuovo@example.org"))
    assert newcomer.created_by_territory_id == borgo.id and not newcomer.has_password

    # Lagoverde invites the same address while Borgo's invitation waits: its link sets no password.
    lagoverde_page = _answer(stefano, _invite(stefano, lagoverde, "nuovo@example.org"))
    lagoverde_link = INVITATION_LINK.search(lagoverde_page).group(1)
    anonymous = app.test_client()
    assert anonymous.get(lagoverde_link).headers["Location"].startswith("/login")
    anonymous.post(lagoverde_link, data={"password": "presa di possesso", "confirm": "presa di possesso"})
    db.session.refresh(newcomer)
    assert not newcomer.has_password

    # An account of Borgo's making with a role in Lagoverde (as older versions granted them): Lagoverde may not
    # send it the link that chooses its password; Borgo may.
    accounts.grant_role(newcomer, Role.TRANSLATOR, territory=lagoverde)
    accounts.grant_role(newcomer, Role.TRANSLATOR, territory=borgo)
    db.session.commit()
    with SmtpSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_USE_TLS=False)
        refused = stefano.post(f"/t/lagoverde/people/{newcomer.id}/invitation", headers=ENGLISH)
        refused_page = _answer(stefano, refused)
    assert sink.messages == []
    assert "Only the territory that created this account" in refused_page
    assert "/password/set/" not in refused_page and not INVITATION_LINK.search(refused_page)
    lagoverde_people = stefano.get("/t/lagoverde/people/").get_data(as_text=True)
    assert f"/t/lagoverde/people/{newcomer.id}/invitation" not in lagoverde_people
    assert f"/t/borgo/people/{newcomer.id}/invitation" in giulia.get("/t/borgo/people/").get_data(
        as_text=True
    )
    app.config.update(MAIL_SERVER="")
    allowed = _answer(giulia, giulia.post(f"/t/borgo/people/{newcomer.id}/invitation", headers=ENGLISH))
    password_link = re.search(r"https?://[^/\s\"]+(/password/set/[A-Za-z0-9_.\-]+)", allowed).group(1)
    # The password link is bound to the territory that created the account.
    newcomer.created_by_territory_id = lagoverde.id
    db.session.commit()
    assert app.test_client().get(password_link).status_code == 404
    newcomer.created_by_territory_id = borgo.id
    db.session.commit()
    assert app.test_client().get(password_link).status_code == 200

    # The person takes Borgo's invitation with its link, then finds Lagoverde's after logging in.
    person = app.test_client()
    chosen = person.post(borgo_link, data={"password": "la mia frase", "confirm": "la mia frase"})
    assert chosen.headers["Location"] == "/t/borgo/"
    db.session.refresh(newcomer)
    assert newcomer.check_password("la mia frase") and newcomer.name == "Nuovo Arrivato"
    listing = person.get("/invitations/", headers=ENGLISH).get_data(as_text=True)
    assert "Comune di Lagoverde" in listing
    assert app.test_client().get(borgo_link).status_code == 404  # used up


def test_a_site_administrator_names_a_network_coordinator(make, login):
    a, b = make.territory("uno"), make.territory("due")
    network = make.network(a, b, slug="rete")
    admin = login(make.user(admin=True))
    new = _answer(
        admin,
        admin.post("/admin/networks/rete/coordinators", data={"name": "Elena", "email": "elena@example.org"}),
    )
    assert "/password/set/" in new
    elena = db.session.scalar(db.select(User).where(User.email == "elena@example.org"))
    assert elena.coordinates_network(network) and elena.created_by_territory_id is None
    # An account a territory created gets no password link from here: that territory's invitation has it.
    giulia = login(make.coordinator(a))
    _invite(giulia, a, "marta@example.org", name="Marta")
    existing = _answer(
        admin,
        admin.post("/admin/networks/rete/coordinators", data={"name": "M", "email": "marta@example.org"}),
    )
    assert "/password/set/" not in existing and not INVITATION_LINK.search(existing)
    assert "marta@example.org is now a coordinator of this network." in existing


def test_an_account_taken_with_one_invitation_cannot_accept_another_without_its_link(make, login, app):
    room = _borgo_and_lagoverde(make)
    borgo, lagoverde = room["territory"], room["lagoverde"]
    stefano = login(room["lagoverde_coordinator"])
    # Lagoverde invites an address no one has yet; the link is shown on his screen (no mail server).
    lagoverde_link = INVITATION_LINK.search(
        _answer(stefano, _invite(stefano, lagoverde, "squat@example.org", name="Squat", locale="en"))
    ).group(1)
    # He opens it himself and chooses the password: the account is his.
    squatter = app.test_client()
    squatter.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    squatter.post(
        lagoverde_link, data={"password": "la frase di chi occupa", "confirm": "la frase di chi occupa"}
    )
    account = db.session.scalar(db.select(User).where(User.email == "squat@example.org"))
    assert account.check_password("la frase di chi occupa")

    # Later Borgo's coordinator invites the same address as coordinator; her link is meant for the real person.
    giulia = login(make.coordinator(borgo))
    borgo_page = _answer(
        giulia, _invite(giulia, borgo, "squat@example.org", roles=["coordinator"], locale="en")
    )
    borgo_link = INVITATION_LINK.search(borgo_page).group(1)
    invitation = db.session.scalar(
        db.select(TerritoryInvitation).where(TerritoryInvitation.territory_id == borgo.id)
    )

    # Logged in as the account, without Borgo's link, he cannot answer it.
    assert squatter.post(f"/invitations/{invitation.id}/accept").status_code == 404
    assert squatter.post(f"/invitations/{invitation.id}/decline").status_code == 404
    listing = squatter.get("/invitations/").get_data(as_text=True)
    assert borgo.name in listing
    assert not ACCEPT.search(listing) and not DECLINE.search(listing)
    assert "Open the link in the invitation message to accept or decline it." in listing
    # Nor does the link of his own invitation, or a made-up token, answer Borgo's.
    lagoverde_token = lagoverde_link.rsplit("/", 1)[1]
    for token in (lagoverde_token, "not-a-token"):
        assert squatter.post(f"/invitations/{invitation.id}/accept", data={"token": token}).status_code == 404
    db.session.refresh(invitation)
    db.session.refresh(account)
    assert invitation.is_open and account.roles_in(borgo) == []
    assert squatter.get("/t/borgo/").status_code == 403

    # Logged in as another account, Borgo's link says so, and names nobody.
    other = login(room["operator"])
    elsewhere = other.get(borgo_link).get_data(as_text=True)
    assert "This invitation is for another account." in elsewhere
    assert "squat@example.org" not in elsewhere and "Squat" not in elsewhere
    assert not ACCEPT.search(elsewhere)
    borgo_token = borgo_link.rsplit("/", 1)[1]
    assert other.post(f"/invitations/{invitation.id}/accept", data={"token": borgo_token}).status_code == 404

    # Whoever holds Borgo's link and logs in as the invited account accepts it.
    holder = app.test_client()
    holder.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    opened = holder.get(borgo_link)
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/login")
    logged_in = holder.post(
        opened.headers["Location"], data={"email": "squat@example.org", "password": "la frase di chi occupa"}
    )
    assert logged_in.headers["Location"] == borgo_link
    offer = holder.get(borgo_link).get_data(as_text=True)
    assert borgo.name in offer and "Coordinator" in offer
    assert f'name="token" value="{borgo_token}"' in offer
    accepted = holder.post(ACCEPT.search(offer).group(1), data={"token": borgo_token})
    assert accepted.headers["Location"] == "/t/borgo/"
    db.session.refresh(account)
    assert account.roles_in(borgo) == [Role.COORDINATOR]
    assert account.roles_in(lagoverde) == [Role.OPERATOR]
