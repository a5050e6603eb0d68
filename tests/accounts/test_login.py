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


def _attempt(app, email, password, address):
    return app.test_client().post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_failures_from_other_addresses_never_lock_the_owner_out(app, make):
    """Eleven failures (and more) from strangers' addresses: the owner's right password still opens the account."""
    user = make.user(email="target@example.org")
    for number in range(12):
        assert _attempt(app, user.email, "nope", f"10.0.0.{number + 1}").status_code == 422
    for _ in range(11):
        _attempt(app, user.email, "nope", "10.0.1.1")
    assert _attempt(app, user.email, "nope", "10.0.1.1").status_code == 429
    assert _attempt(app, user.email, make.PASSWORD, "192.168.1.20").status_code == 302


def test_one_address_failing_on_one_account_is_stopped_for_that_account(app, make):
    app.config["LOGIN_ACCOUNT_FAILURE_LIMIT"] = "3 per 15 minutes"
    user = make.user(email="target@example.org")
    other = make.user(email="other@example.org")
    for _ in range(3):
        assert _attempt(app, user.email, "nope", "10.0.0.1").status_code == 422
    refused = _attempt(app, user.email, make.PASSWORD, "10.0.0.1")
    assert refused.status_code == 429
    assert 'value="target@example.org"' in refused.get_data(as_text=True)
    # The same address may still log in to another account, and the owner from their own address.
    assert _attempt(app, other.email, make.PASSWORD, "10.0.0.1").status_code == 302
    assert _attempt(app, user.email, make.PASSWORD, "10.0.0.2").status_code == 302


def test_an_account_under_attack_gives_each_failing_address_one_guess(app, make):
    app.config["LOGIN_ACCOUNT_ATTACK_LIMIT"] = "4 per hour"
    user = make.user(email="target@example.org")
    for number in range(4):
        assert _attempt(app, user.email, "nope", f"10.0.0.{number + 1}").status_code == 422
    # Under attack: an address that failed on the account is refused even with the right password...
    assert _attempt(app, user.email, make.PASSWORD, "10.0.0.1").status_code == 429
    # ...a new address gets one guess, then no more...
    assert _attempt(app, user.email, "nope", "10.0.0.50").status_code == 422
    assert _attempt(app, user.email, "nope", "10.0.0.50").status_code == 429
    # ...and the owner, from an address that has not been failing, logs in.
    assert _attempt(app, user.email, make.PASSWORD, "192.168.1.20").status_code == 302


def test_a_successful_login_forgets_the_typos_before_it(app, make):
    app.config["LOGIN_ACCOUNT_FAILURE_LIMIT"] = "3 per 15 minutes"
    user = make.user(email="target@example.org")
    for _ in range(2):
        _attempt(app, user.email, "nope", "10.0.0.1")
    assert _attempt(app, user.email, make.PASSWORD, "10.0.0.1").status_code == 302
    for _ in range(2):
        assert _attempt(app, user.email, "nope", "10.0.0.1").status_code == 422
    assert _attempt(app, user.email, make.PASSWORD, "10.0.0.1").status_code == 302


def test_unknown_emails_cost_the_same_password_check(app, make, client, monkeypatch):
    """An unknown e-mail, an account without a password and a wrong password each run one hash check of the
    configured method, so the answer's time does not tell which e-mails have an account."""
    from toolkit.accounts import models

    checked = []
    real_check = models.check_password_hash

    def counting_check(password_hash, password):
        checked.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(models, "check_password_hash", counting_check)
    make.user(email="known@example.org")
    invited = make.user(email="invited@example.org")
    invited.password_hash = ""
    db.session.commit()
    method = app.config["PASSWORD_HASH_METHOD"]
    for email in ("nobody@example.org", "invited@example.org", "known@example.org"):
        checked.clear()
        response = client.post("/login", data={"email": email, "password": "wrong password"})
        assert response.status_code == 422
        assert len(checked) == 1, email
        assert checked[0].startswith(method + "$"), email


def test_a_busy_database_at_login_keeps_the_email(tmp_path, make, monkeypatch):
    """The login's own commit is inside the busy-database handling: the form comes back, never a 500."""
    from toolkit import create_app, database

    from ..conftest import CsrfClient, _config

    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 50)
    app = create_app(_config(f"sqlite:///{tmp_path / 'busy.sqlite'}"))
    app.test_client_class = CsrfClient
    with app.app_context():
        db.create_all()
        user = make.user(email="giulia@example.org")
        client = app.test_client()
        token = client.csrf_token()
        with db.engine.connect() as blocker:
            blocker.exec_driver_sql("BEGIN IMMEDIATE")
            response = client.post(
                "/login",
                data={"email": user.email, "password": make.PASSWORD, "csrf_token": token},
                headers={"Accept-Language": "en"},
            )
            blocker.exec_driver_sql("ROLLBACK")
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "The database is busy for a moment" in page
        assert 'value="giulia@example.org"' in page
        # Not logged in by the refused attempt; the next one works.
        assert client.get("/account").status_code == 302
        client.login(user)
        assert client.get("/account").status_code == 200
        db.session.remove()
        db.engine.dispose()


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
