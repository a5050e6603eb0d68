from toolkit.accounts.models import User
from toolkit.extensions import db


def test_login_and_logout(make, client):
    user = make.coordinator(make.territory(), email="giulia@example.org")
    response = client.post("/login", data={"email": "Giulia@Example.org ", "password": make.PASSWORD})
    assert response.status_code == 302
    assert "Persona di prova" in client.get("/", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is not None
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_wrong_password_is_refused_and_keeps_the_email(make, client):
    make.user(email="giulia@example.org")
    response = client.post(
        "/login", data={"email": "giulia@example.org", "password": "wrong"}, headers={"Accept-Language": "en"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The e-mail address or the password is not right." in page
    assert 'value="giulia@example.org"' in page
    assert "wrong" not in page


def test_logout_needs_a_csrf_token(make, login):
    client = login(make.user())
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.get("/account").status_code == 200


def test_failed_logins_are_rate_limited_but_successes_are_not(app, make, client):
    app.config["LOGIN_FAILURE_LIMIT"] = "3 per 15 minutes"
    user = make.user(email="amina@example.org")
    for _ in range(3):
        client.login(user)
        client.post("/logout")
    for _ in range(3):
        assert client.post("/login", data={"email": user.email, "password": "nope"}).status_code == 422
    refused = client.post(
        "/login", data={"email": user.email, "password": make.PASSWORD}, headers={"Accept-Language": "en"}
    )
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.get_data(as_text=True)


def test_failed_logins_are_limited_per_account_across_addresses(app, make):
    app.config["LOGIN_FAILURE_LIMIT"] = "2 per 15 minutes"
    user = make.user(email="target@example.org")
    for number in range(2):
        client = app.test_client()
        environ = {"REMOTE_ADDR": f"10.0.0.{number + 1}"}
        client.post("/login", data={"email": user.email, "password": "nope"}, environ_base=environ)
    other = app.test_client()
    response = other.post(
        "/login", data={"email": user.email, "password": "nope"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert response.status_code == 429


def test_change_password(make, login):
    user = make.user()
    client = login(user)
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "nope",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
        headers={"Accept-Language": "en"},
    )
    assert wrong.status_code == 422
    assert "This is not your current password." in wrong.get_data(as_text=True)
    short = client.post(
        "/account/password", data={"current_password": make.PASSWORD, "password": "short", "confirm": "short"}
    )
    assert short.status_code == 422
    ok = client.post(
        "/account/password",
        data={
            "current_password": make.PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.check_password("a brand new passphrase")


def test_profile_language_is_used_for_the_interface(make, login):
    client = login(make.user(name="Amina"))
    response = client.post(
        "/account", data={"name": "Amina D.", "locale": "en"}, headers={"Accept-Language": "it"}
    )
    assert response.status_code == 302
    page = client.get("/", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Hello, Amina D." in page


def test_login_redirects_only_to_local_addresses(make, client):
    user = make.user()
    response = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": make.PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/account", data={"email": user.email, "password": make.PASSWORD})
    assert response.headers["Location"] == "/account"
