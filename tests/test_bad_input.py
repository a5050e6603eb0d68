"""Bad input gets field errors with the typed values kept, or a clear 4xx page in the person's language."""

import pytest
from sqlalchemy import text

from toolkit import create_app
from toolkit.extensions import db
from toolkit.services.models import Service

EN = {"Accept-Language": "en"}


@pytest.fixture
def coordinator_client(make, login):
    territory = make.territory("alpha")
    return territory, login(make.coordinator(territory))


TRANSLATED_FIELDS = ("name", "description", "documents_needed")


def service_data(**overrides):
    """A service form as posted; texts written per language go in the Italian input (the territory's)."""
    data = {"name": "Sportello casa", "sector": "housing", "level": "municipality", "owner": 0}
    data.update(overrides)
    return {f"{key}-it" if key in TRANSLATED_FIELDS else key: value for key, value in data.items()}


def service_named(name):
    return next((s for s in db.session.scalars(db.select(Service)) if s.name.get("it") == name), None)


def test_empty_required_fields_are_refused_with_values_kept(coordinator_client):
    _territory, client = coordinator_client
    response = client.post(
        "/t/alpha/services/new",
        data=service_data(name="   ", location="Via Roma 1", documents_needed="Passaporto"),
        headers=EN,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write it in Italiano." in page
    assert 'value="Via Roma 1"' in page
    assert "Passaporto</textarea>" in page
    assert 'aria-invalid="true"' in page


def test_ten_thousand_characters_are_refused_not_truncated(coordinator_client):
    _territory, client = coordinator_client
    before = db.session.scalar(db.select(db.func.count()).select_from(Service))
    long_text = "ب" * 10_000
    response = client.post(
        "/t/alpha/services/new", data=service_data(name=long_text, description=long_text), headers=EN
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Italiano: write at most 200 characters." in page
    assert "Italiano: write at most 5000 characters." in page
    assert long_text in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Service)) == before


def test_invalid_choices_and_codes_are_field_errors(coordinator_client):
    _territory, client = coordinator_client
    response = client.post(
        "/t/alpha/services/new",
        data=service_data(sector="spaceport", owner=999_999, languages="italiano!!"),
        headers=EN,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not a valid choice." in page
    assert "Write language codes separated by commas" in page
    assert 'value="italiano!!"' in page


def test_unknown_ids_give_a_clear_not_found_page_in_the_persons_language(coordinator_client):
    _territory, client = coordinator_client
    for url in (
        "/t/alpha/services/999999",
        "/t/nowhere/services/",
        "/t/alpha/categories/999/edit",
        "/nothing",
    ):
        english = client.get(url, headers=EN)
        assert english.status_code == 404
        assert "Page not found" in english.get_data(as_text=True)
        italian = client.get(url, headers={"Accept-Language": "it"})
        assert "Pagina non trovata" in italian.get_data(as_text=True)
        assert '<html lang="it"' in italian.get_data(as_text=True)


def test_malformed_utf8_never_gives_a_server_error(coordinator_client):
    _territory, client = coordinator_client
    token = client.csrf_token()
    body = b"csrf_token=" + token.encode() + b"&name=%FF%FE%C3&sector=housing&level=municipality&owner=0"
    response = client.post(
        "/t/alpha/services/new",
        data=body,
        content_type="application/x-www-form-urlencoded",
        csrf=False,
    )
    assert response.status_code in (302, 400, 422)
    for url in ("/t/alpha/services/?q=%FF%FE", "/t/%FF%FE/services/", "/login?next=%C3%28"):
        assert client.get(url).status_code < 500, url
    raw = client.post(
        "/login",
        data=b"email=\xff\xfe@example.org&password=\xc3\x28",
        content_type="application/x-www-form-urlencoded",
    )
    assert raw.status_code == 400


def test_expired_csrf_token_returns_the_form_with_everything_typed(coordinator_client):
    _territory, client = coordinator_client
    response = client.post(
        "/t/alpha/services/new",
        data={
            **service_data(name="Sportello casa", description="Aiuto per l'affitto"),
            "csrf_token": "expired",
        },
        headers=EN,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This page was open for too long" in page
    assert 'value="Sportello casa"' in page
    assert "Aiuto per l&#39;affitto</textarea>" in page
    assert 'name="csrf_token" type="hidden" value="' in page
    assert service_named("Sportello casa") is None


def _app_that_waits_little_for_locks(tmp_path, monkeypatch):
    """An app on its own SQLite file that gives up waiting for another writer's lock after 50 ms."""
    from toolkit import database

    from .conftest import CsrfClient

    url = f"sqlite:///{tmp_path / 'busy.sqlite'}"
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 50)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "WTF_CSRF_SSL_STRICT": False,
        }
    )
    app.test_client_class = CsrfClient
    return app


def _post_while_another_writer_holds_the_lock(client, url: str, data: dict):
    """POST ``data`` with a valid token while another connection holds SQLite's write lock."""
    token = client.csrf_token()
    with db.engine.connect() as blocker:
        blocker.exec_driver_sql("BEGIN IMMEDIATE")
        response = client.post(url, data={**data, "csrf_token": token}, headers=EN)
        blocker.exec_driver_sql("ROLLBACK")
    return response


def test_a_busy_database_keeps_the_form(tmp_path, make, monkeypatch):
    """While another writer holds SQLite's lock, the form comes back whole with a clear message."""
    app = _app_that_waits_little_for_locks(tmp_path, monkeypatch)
    with app.app_context():
        db.create_all()
        territory = make.territory("busy")
        user = make.coordinator(territory)
        client = app.test_client()
        client.login(user)
        response = _post_while_another_writer_holds_the_lock(
            client, "/t/busy/services/new", service_data(name="Servizio in attesa")
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "The database is busy for a moment" in page
        assert 'value="Servizio in attesa"' in page
        db.session.execute(text("SELECT 1"))
        db.engine.dispose()


HUGE_ID = "99999999999999999999999"


def test_ids_beyond_what_the_database_holds_are_not_found(coordinator_client, make):
    territory, client = coordinator_client
    process = make.process(territory)
    for bad in (HUGE_ID, str(2**63), str(2**31), f"000{process.id}", "١"):
        for url in (
            f"/t/alpha/processes/{bad}",
            f"/t/alpha/services/{bad}",
            f"/t/alpha/services/{bad}/edit",
            f"/t/alpha/workshops/{bad}",
            f"/t/alpha/organisations/{bad}/edit",
            f"/t/alpha/processes/{process.id}/versions/jobs/{bad}",
        ):
            response = client.get(url, headers=EN)
            assert response.status_code == 404, url
            assert "Page not found" in response.get_data(as_text=True)
    assert client.get(f"/t/alpha/processes/{process.id}").status_code == 200


def test_numbers_beyond_what_the_database_holds_are_field_errors(coordinator_client):
    _territory, client = coordinator_client
    response = client.post("/t/alpha/services/new", data=service_data(owner=HUGE_ID), headers=EN)
    assert response.status_code == 422
    assert "Not a valid choice." in response.get_data(as_text=True)
    listing = client.get("/t/alpha/services/", query_string={"q": "\x01\u202e", "archived": HUGE_ID})
    assert listing.status_code == 200
    # A NUL character (which no browser sends, and PostgreSQL cannot look for) is refused.
    assert client.get("/t/alpha/services/", query_string={"q": "a\x00"}).status_code == 400
    assert client.get("/t/alpha%00/services/").status_code == 404


def test_a_form_body_too_large_is_refused_clearly(coordinator_client):
    _territory, client = coordinator_client
    response = client.post("/t/alpha/services/new", data=service_data(name="x" * 3_000_000), headers=EN)
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)


def test_json_and_files_are_not_read_as_a_form(coordinator_client):
    _territory, client = coordinator_client
    token = client.csrf_token()
    as_json = client.post(
        "/t/alpha/services/new", json={"csrf_token": token, "name-it": 7, "sector": ["housing"]}, headers=EN
    )
    assert as_json.status_code == 400  # no form was sent, so not its token either
    import io

    as_files = client.post(
        "/t/alpha/services/new",
        data={**service_data(), "csrf_token": token, "name-it": (io.BytesIO(b"\xff"), "a.txt")},
        content_type="multipart/form-data",
        csrf=False,
        headers=EN,
    )
    assert as_files.status_code == 422
    assert "Write it in Italiano." in as_files.get_data(as_text=True)


def test_a_busy_database_answers_clearly_where_no_form_keeps_the_text(tmp_path, make, monkeypatch):
    """A commit outside the form helpers (here: remembering the chosen language) answers 503 in the person's
    language, not a server error."""
    app = _app_that_waits_little_for_locks(tmp_path, monkeypatch)
    with app.app_context():
        db.create_all()
        user = make.coordinator(make.territory("busy"))
        client = app.test_client()
        client.login(user)
        response = _post_while_another_writer_holds_the_lock(
            client, "/language", {"language": "ar", "next": "/"}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "The service is busy" in page
        assert client.get("/").status_code == 200
        db.engine.dispose()


def test_a_lock_held_too_long_on_postgresql_answers_busy(database_url, app, make, monkeypatch):
    """PostgreSQL waits for a lock at most ``lock_timeout``; then the page says the service is busy."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's lock timeout")
    from toolkit import database

    from .conftest import CsrfClient, _config

    monkeypatch.setattr(database, "POSTGRESQL_LOCK_TIMEOUT_MS", 200)
    served = create_app(_config(database_url))
    served.test_client_class = CsrfClient
    user = make.coordinator(make.territory("busy"))
    client = served.test_client()
    client.login(user)
    token = client.csrf_token()
    user_id = user.id
    db.session.rollback()
    with db.engine.connect() as blocker:
        # Another writer holds the person's row: saving their language waits for it.
        blocker.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": user_id})
        response = client.post("/language", data={"language": "ar", "csrf_token": token}, headers=EN)
        blocker.rollback()
    assert response.status_code == 503
    assert "The service is busy" in response.get_data(as_text=True)
    with served.app_context():
        db.engine.dispose()
