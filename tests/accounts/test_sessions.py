"""Sessions that end: logging out, changing or resetting the password end every session and stay-logged-in
cookie of the account, on every device, including copies of the cookies."""

from toolkit.accounts import operations
from toolkit.accounts.models import User
from toolkit.extensions import db

EN = {"Accept-Language": "en"}
REMEMBER = "remember_token"


def copy_cookies(source, target, only: str | None = None) -> None:
    """Put ``source``'s cookies (or only the one named ``only``) into ``target``, as a thief copying them would."""
    for cookie in list(source._cookies.values()):
        if only is None or cookie.key == only:
            target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_session_cookie_copied_before_logout_is_refused_after_it(app, make, login):
    user = make.coordinator(make.territory())
    first = login(user)
    second = app.test_client()
    copy_cookies(first, second)
    assert logged_in(second)

    assert first.post("/logout", headers=EN).status_code == 302
    assert "You are logged out on every device." in first.get("/", headers=EN).get_data(as_text=True)

    refused = second.get("/account")
    assert refused.status_code == 302
    assert "/login" in refused.headers["Location"]
    assert not logged_in(first)


def test_a_stay_logged_in_cookie_copied_before_logout_is_refused_after_it(app, make, client):
    user = make.user()
    client.post("/login", data={"email": user.email, "password": make.PASSWORD, "remember": "y"})
    assert client.get_cookie(REMEMBER) is not None
    thief = app.test_client()
    copy_cookies(client, thief, only=REMEMBER)
    assert logged_in(thief)  # the cookie alone opens the account, as "stay logged in" promises
    copied = client.get_cookie(REMEMBER).value

    client.post("/logout")

    assert not logged_in(thief)
    # The dead cookie is taken out of the browser that sent it...
    assert thief.get_cookie(REMEMBER) is None
    # ...and a copy of it sent again on its own still opens nothing.
    stolen = app.test_client()
    stolen.set_cookie(REMEMBER, copied)
    assert not logged_in(stolen)


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, make, login):
    user = make.user()
    other_device = login(user)
    this_device = app.test_client()
    this_device.post("/login", data={"email": user.email, "password": make.PASSWORD, "remember": "y"})

    response = this_device.post(
        "/account/password",
        data={
            "current_password": make.PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
        headers=EN,
    )
    assert response.status_code == 302
    page = this_device.get("/account", headers=EN).get_data(as_text=True)
    assert "You are logged out on every other device." in page
    assert logged_in(this_device)
    assert not logged_in(other_device)
    # This device's stay-logged-in cookie carries the new token, so it keeps working on its own.
    remembered = app.test_client()
    copy_cookies(this_device, remembered, only=REMEMBER)
    assert logged_in(remembered)


def test_a_password_reset_link_ends_every_session(app, make, login):
    user = make.user()
    old_device = login(user)
    token = operations.make_token(user, operations.PASSWORD_RESET)
    new_device = app.test_client()
    response = new_device.post(
        f"/password/set/{token}",
        data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"},
    )
    assert response.status_code == 302
    assert logged_in(new_device)
    assert not logged_in(old_device)


def test_deactivating_an_account_ends_its_sessions_for_good(app, make, login):
    user = make.user()
    device = login(user)
    operations.set_active(user, False)
    db.session.commit()
    assert not logged_in(device)
    operations.set_active(db.session.get(User, user.id), True)
    db.session.commit()
    assert not logged_in(device)  # reactivated: the old cookie stays dead
    assert logged_in(login(user))


def test_a_cookie_that_names_only_the_account_opens_nothing(app, make, client):
    """A session cookie of the old form (the account's id alone, as before sessions could end) is refused."""
    user = make.user()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not logged_in(client)
