"""The second factor: setting up an authenticator app, logging in with its codes or a recovery code, and the
territory's and the site's requirement."""

import re
import time

import pyotp

from toolkit.access import Role
from toolkit.accounts import two_factor
from toolkit.accounts.models import RecoveryCode, User
from toolkit.audit import AuditEntry
from toolkit.extensions import db

from ..conftest import TOKEN

EN = {"Accept-Language": "en"}
KEY = re.compile(r'id="two-factor-key"><bdi dir="ltr"><code>([A-Z2-7 ]+)</code>')
RECOVERY = re.compile(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>")


def with_two_factor(user) -> tuple[str, list[str]]:
    """Turn the second factor on for ``user``; return its secret and recovery codes."""
    secret = pyotp.random_base32()
    codes = two_factor.turn_on(user, secret, pyotp.TOTP(secret).now())
    user.totp_last_step = None  # as if the set-up was a while ago, so the current code is new
    db.session.commit()
    return secret, codes


def password_step(client, user, password=None, **data):
    return client.post(
        "/login", data={"email": user.email, "password": password or "a long test password", **data}
    )


def next_code(secret: str) -> str:
    """The code of the next 30 seconds, accepted (for a phone whose clock is ahead) after the current one is used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def login_with_code(app, user, secret):
    client = app.test_client()
    password_step(client, user)
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    return client


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_setting_up_shows_a_key_and_qr_code_and_gives_recovery_codes_once(app, make, login):
    user = make.user()
    client = login(user)
    other_device = login(user)
    page = client.get("/account/two-factor/set-up", headers=EN).get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = KEY.search(page).group(1).replace(" ", "")
    # The same key on a reload, until it is confirmed.
    assert (
        KEY.search(client.get("/account/two-factor/set-up").get_data(as_text=True)).group(1).replace(" ", "")
        == secret
    )

    wrong = client.post("/account/two-factor/set-up", data={"code": "000000"}, headers=EN)
    assert wrong.status_code == 422
    assert "This code is not right" in wrong.get_data(as_text=True)
    assert not db.session.get(User, user.id).has_two_factor

    done = client.post("/account/two-factor/set-up", data={"code": pyotp.TOTP(secret).now()}, headers=EN)
    assert done.status_code == 200
    codes = RECOVERY.findall(done.get_data(as_text=True))
    assert len(codes) == 10
    user = db.session.get(User, user.id)
    assert user.totp_secret == secret
    stored = db.session.scalars(
        db.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
    ).all()
    plain = {code.replace("-", "") for code in codes} | set(codes)
    assert len(stored) == 10 and not set(stored) & plain
    assert logged_in(client)
    assert not logged_in(other_device)  # sessions that knew only the password end
    assert "two_factor_on" in [e.action.split(".")[1] for e in db.session.scalars(db.select(AuditEntry))]
    assert "You have 10 unused recovery codes." in client.get("/account/two-factor", headers=EN).get_data(
        as_text=True
    )


def test_login_needs_the_code_and_the_half_logged_in_state_opens_nothing(make, client):
    territory = make.territory("borgo")
    user = make.coordinator(territory)
    secret, _codes = with_two_factor(user)

    response = password_step(client, user)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/code")
    assert client.get("/account").status_code == 302
    assert client.get("/t/borgo/").status_code == 302
    assert client.get("/t/borgo/security").status_code == 302

    wrong = client.post("/login/code", data={"code": "123456"}, headers=EN)
    assert wrong.status_code == 422
    assert "This code is not right, or it was already used." in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).now()
    assert client.post("/login/code", data={"code": code}).status_code == 302
    assert logged_in(client)
    assert db.session.get(User, user.id).last_login_at is not None

    # The same code, seen over a shoulder, does not open a second login.
    client.post("/logout")
    password_step(client, user)
    assert client.post("/login/code", data={"code": code}).status_code == 422
    assert not logged_in(client)


def test_the_code_page_without_a_right_password_sends_to_login(client):
    response = client.get("/login/code")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_recovery_code_works_once(make, client):
    user = make.user()
    _secret, codes = with_two_factor(user)
    password_step(client, user)
    assert client.post("/login/code", data={"code": codes[0].lower().replace("-", " ")}).status_code == 302
    assert logged_in(client)
    used = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "user.recovery_code_used")
    ).all()
    assert [(entry.user_id, entry.details["left"]) for entry in used] == [(user.id, 9)]
    client.post("/logout")
    password_step(client, user)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 422
    assert client.post("/login/code", data={"code": codes[1]}).status_code == 302


def test_wrong_codes_are_limited_per_account(app, make, client):
    app.config["TWO_FACTOR_FAILURE_LIMIT"] = "3 per 5 minutes"
    user = make.user()
    secret, _codes = with_two_factor(user)
    password_step(client, user)
    for _ in range(3):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 422
    refused = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}, headers=EN)
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.get_data(as_text=True)
    # Another address, with the password again, meets the same count: it is the account's.
    elsewhere = app.test_client()
    elsewhere.post(
        "/login",
        data={"email": user.email, "password": make.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert (
        elsewhere.post(
            "/login/code", data={"code": pyotp.TOTP(secret).now()}, environ_base={"REMOTE_ADDR": "10.9.9.9"}
        ).status_code
        == 429
    )


def test_a_password_reset_still_asks_for_the_code(app, make):
    from toolkit.accounts import operations

    user = make.user()
    secret, _codes = with_two_factor(user)
    client = app.test_client()
    token = operations.make_token(user, operations.PASSWORD_RESET)
    response = client.post(
        f"/password/set/{token}",
        data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"},
    )
    assert response.headers["Location"] == "/login/code"
    assert not logged_in(client)
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert logged_in(client)


def test_turning_off_needs_the_password_and_a_code(app, make):
    user = make.user()
    secret, _codes = with_two_factor(user)
    client = login_with_code(app, user, secret)
    assert (
        client.post("/account/two-factor/turn-off", data={"password": "nope", "code": "000000"}).status_code
        == 422
    )
    assert (
        client.post(
            "/account/two-factor/turn-off", data={"password": make.PASSWORD, "code": "000000"}
        ).status_code
        == 422
    )
    assert db.session.get(User, user.id).has_two_factor
    response = client.post(
        "/account/two-factor/turn-off", data={"password": make.PASSWORD, "code": next_code(secret)}
    )
    assert response.status_code == 302
    user = db.session.get(User, user.id)
    assert not user.has_two_factor
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0


def test_new_recovery_codes_replace_the_old_ones(app, make):
    user = make.user()
    secret, old_codes = with_two_factor(user)
    client = login_with_code(app, user, secret)
    assert client.post("/account/two-factor/recovery-codes", data={"password": "nope"}).status_code == 422
    page = client.post("/account/two-factor/recovery-codes", data={"password": make.PASSWORD}).get_data(
        as_text=True
    )
    new_codes = RECOVERY.findall(page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    user = db.session.get(User, user.id)
    assert not two_factor.use_recovery_code(user, old_codes[0])
    assert two_factor.use_recovery_code(user, new_codes[0])


def test_a_territory_can_require_it_of_its_coordinators(make, login):
    territory = make.territory("borgo")
    coordinator = make.coordinator(territory)
    facilitator = make.user(Role.FACILITATOR, territory)
    client = login(coordinator)
    assert login(facilitator).get("/t/borgo/security").status_code == 403

    assert "Second factor" in client.get("/t/borgo/security", headers=EN).get_data(as_text=True)
    assert client.post("/t/borgo/security", data={"require_two_factor": "y"}).status_code == 302
    db.session.refresh(territory)
    assert territory.require_two_factor
    assert db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "territory.two_factor_required")
    ).details == {"required": True}

    # The coordinator, without a second factor yet, can do nothing but set it up (or log out).
    for address in ("/t/borgo/", "/account", "/t/borgo/security"):
        response = client.get(address)
        assert response.status_code == 302
        assert response.headers["Location"] == "/account/two-factor/set-up"
    page = client.get("/account/two-factor/set-up", headers=EN).get_data(as_text=True)
    assert "Your role requires a second factor" in page
    # Others of the territory are not concerned.
    assert login(facilitator).get("/t/borgo/").status_code == 200

    secret = KEY.search(page).group(1).replace(" ", "")
    form = {"code": pyotp.TOTP(secret).now(), "csrf_token": TOKEN.search(page).group(1)}
    assert client.post("/account/two-factor/set-up", data=form, csrf=False).status_code == 200
    assert client.get("/t/borgo/").status_code == 200
    # Required: it cannot be turned off.
    off = client.get("/account/two-factor/turn-off", headers=EN).get_data(as_text=True)
    assert "cannot be turned off" in off
    assert (
        client.post(
            "/account/two-factor/turn-off", data={"password": make.PASSWORD, "code": pyotp.TOTP(secret).now()}
        ).status_code
        == 200
    )
    assert db.session.get(User, coordinator.id).has_two_factor


def test_the_site_can_require_it_of_administrators(app, make, login):
    admin = make.user(admin=True)
    app.config["REQUIRE_TWO_FACTOR_FOR_ADMINS"] = False
    client = login(admin)
    assert client.get("/admin/").status_code == 200
    app.config["REQUIRE_TWO_FACTOR_FOR_ADMINS"] = True
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-factor/set-up"
    assert login(make.user()).get("/account").status_code == 200  # not an administrator: not required
    # Logging out stays possible.
    page = client.get("/account/two-factor/set-up").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    assert client.post("/logout", data={"csrf_token": token}, csrf=False).status_code == 302
    assert client.get("/account").headers["Location"].startswith("/login")


def test_an_administrator_turns_off_a_lost_second_factor_from_the_command_line(app, make, runner):
    user = make.user(email="giulia@example.org")
    secret, _codes = with_two_factor(user)
    device = login_with_code(app, user, secret)
    result = runner.invoke(args=["turn-off-two-factor", "Giulia@example.org"])
    assert result.exit_code == 0, result.output
    user = db.session.get(User, user.id)
    assert not user.has_two_factor
    assert not logged_in(device)
    assert runner.invoke(args=["turn-off-two-factor", "giulia@example.org"]).exit_code != 0


def test_a_key_offered_to_one_person_is_never_offered_to_the_next_on_the_same_browser(app, make, client):
    first, second = make.user(), make.user()
    client.login(first)
    offered = KEY.search(client.get("/account/two-factor/set-up").get_data(as_text=True)).group(1)
    client.post("/logout")
    client.login(second)
    assert KEY.search(client.get("/account/two-factor/set-up").get_data(as_text=True)).group(1) != offered
