import re

from toolkit.access import Role
from toolkit.accounts.models import User
from toolkit.extensions import db

from ..smtp_sink import SmtpSink

INVITATION_LINK = re.compile(r"https?://[^/\s\"]+/invitation/[A-Za-z0-9_.\-]+")
PASSWORD_LINK = re.compile(r"https?://[^/\s\"]+/password/set/[A-Za-z0-9_.\-]+")
ENGLISH = {"Accept-Language": "en"}


def invite(client, territory, **data):
    fields = {"name": "Laura Nencini", "email": "laura@example.org", "roles": ["operator"], "locale": "it"}
    fields.update(data)
    return client.post(f"/t/{territory.slug}/people/invite", data=fields, headers=ENGLISH)


def followed(client, response) -> str:
    return client.get(response.headers["Location"], headers=ENGLISH).get_data(as_text=True)


def test_without_mail_server_the_link_is_shown_to_the_coordinator(make, login, app):
    territory = make.territory()
    coordinator = login(make.coordinator(territory))
    response = invite(coordinator, territory)
    assert response.status_code == 302
    page = followed(coordinator, response)
    assert "No mail server is set up" in page
    link = INVITATION_LINK.search(page).group(0)
    person = db.session.scalar(db.select(User).where(User.email == "laura@example.org"))
    assert person.roles_in(territory) == [] and not person.has_password

    newcomer = app.test_client()
    form = newcomer.get(link, headers=ENGLISH)
    assert form.status_code == 200
    assert "Choose your password" in form.get_data(as_text=True)
    done = newcomer.post(link, data={"password": "un lungo segreto", "confirm": "un lungo segreto"})
    assert done.status_code == 302 and done.headers["Location"] == f"/t/{territory.slug}/"
    assert newcomer.get("/account").status_code == 200
    # Choosing the password accepted the invitation.
    db.session.refresh(person)
    assert person.roles_in(territory) == [Role.OPERATOR] and person.check_password("un lungo segreto")
    # The link is used up once the password is chosen.
    assert app.test_client().get(link).status_code == 404


def test_invitation_is_sent_by_email_when_a_server_is_set(make, login, app):
    territory = make.territory()
    coordinator = login(make.coordinator(territory))
    with SmtpSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_USE_TLS=False)
        response = invite(coordinator, territory, locale="it")
    assert response.status_code == 302
    page = followed(coordinator, response)
    assert "An invitation was sent to laura@example.org." in page
    assert not INVITATION_LINK.search(page)
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message["To"] == "laura@example.org"
    assert territory.name in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert INVITATION_LINK.search(body)


def test_an_existing_account_is_invited_and_gets_the_role_only_when_it_accepts(make, login):
    territory, other = make.territory(), make.territory()
    existing = make.user(Role.FACILITATOR, other, email="laura@example.org", name="Laura Nencini")
    coordinator = login(make.coordinator(territory))
    response = invite(coordinator, territory, roles=["translator"], name="L. N.")
    link = INVITATION_LINK.search(followed(coordinator, response)).group(0)
    db.session.refresh(existing)
    assert existing.roles_in(territory) == []

    holder = login(existing)
    listing = holder.get("/invitations/", headers=ENGLISH).get_data(as_text=True)
    assert territory.name in listing and "Translator" in listing
    assert "/accept" not in listing  # answered from the invitation's link only
    offer = holder.get(link, headers=ENGLISH).get_data(as_text=True)
    assert territory.name in offer and "Translator" in offer
    invitation_id = int(re.search(r"/invitations/(\d+)/accept", offer).group(1))
    token = re.search(r'name="token" value="([^"]+)"', offer).group(1)
    assert holder.post(f"/invitations/{invitation_id}/accept").status_code == 404
    assert existing.roles_in(territory) == []
    accepted = holder.post(f"/invitations/{invitation_id}/accept", data={"token": token})
    assert accepted.status_code == 302 and accepted.headers["Location"] == f"/t/{territory.slug}/"
    db.session.refresh(existing)
    assert existing.roles_in(territory) == [Role.TRANSLATOR]
    assert existing.roles_in(other) == [Role.FACILITATOR]
    assert existing.name == "Laura Nencini"  # what the coordinator typed never renames the account
    assert "You have no invitation to answer." in holder.get("/invitations/", headers=ENGLISH).get_data(
        as_text=True
    )


def test_invitation_with_bad_email_keeps_what_was_typed(make, login):
    territory = make.territory()
    coordinator = login(make.coordinator(territory))
    response = invite(coordinator, territory, email="not-an-address", roles=[])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Invalid email address." in page or "e-mail" in page.lower()
    assert 'value="not-an-address"' in page
    assert 'value="Laura Nencini"' in page
    assert "Choose at least one role." in page


def test_password_reset_by_email(make, app):
    user = make.user(email="marco@example.org")
    client = app.test_client()
    with SmtpSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_USE_TLS=False)
        response = client.post("/password/forgot", data={"email": "marco@example.org"})
        unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert response.status_code == unknown.status_code == 302
    assert len(sink.messages) == 1
    link = PASSWORD_LINK.search(sink.messages[0].get_payload(decode=True).decode()).group(0)
    assert (
        client.post(
            link, data={"password": "nuova frase segreta", "confirm": "nuova frase segreta"}
        ).status_code
        == 302
    )
    db.session.refresh(user)
    assert user.check_password("nuova frase segreta")


def test_coordinator_changes_roles_but_cannot_demote_themselves(make, login):
    territory = make.territory()
    me = make.coordinator(territory)
    colleague = make.user(Role.FACILITATOR, territory)
    client = login(me)
    response = client.post(
        f"/t/{territory.slug}/people/{colleague.id}", data={"roles": ["facilitator", "translator"]}
    )
    assert response.status_code == 302
    db.session.refresh(colleague)
    assert colleague.roles_in(territory) == [Role.FACILITATOR, Role.TRANSLATOR]
    refused = client.post(
        f"/t/{territory.slug}/people/{me.id}",
        data={"roles": ["facilitator"]},
        headers=ENGLISH,
    )
    assert refused.status_code == 422
    assert "You cannot remove your own coordinator role." in refused.get_data(as_text=True)


def test_forgotten_password_without_mail_server_says_so(make, client):
    make.user(email="marco@example.org")
    response = client.post("/password/forgot", data={"email": "marco@example.org"}, headers=ENGLISH)
    page = client.get(response.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "This site cannot send e-mail yet." in page
