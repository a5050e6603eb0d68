"""The schema comes from the migrations, and the migrations match the models; the command line works."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from toolkit import create_app
from toolkit.access import Role
from toolkit.accounts.models import User
from toolkit.extensions import db
from toolkit.territories.models import Territory

from .conftest import worker_database


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database of the kind under test."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    url = worker_database(
        url.replace("postgresql://", "postgresql+psycopg://", 1), "toolkit_migrations", fresh=True
    )
    yield url
    base, name = url.rsplit("/", 1)
    server = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def test_db_upgrade_creates_the_schema_and_matches_the_models(empty_database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"territories", "users", "services", "barrier_categories", "role_assignments"} <= tables
        with db.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
            )
        assert differences == [], (
            "The models changed without a migration: run `flask --app toolkit db migrate -m '...'`"
        )
        db.engine.dispose()


def test_texts_already_written_become_the_territory_language_and_come_back(empty_database_url):
    """Migration 0003 keeps each existing service, category and organisation text as the territory's language."""
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO territories (id, slug, name, region, default_locale) VALUES (1, 'x', 'X', '', 'en')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO organisations (id, territory_id, kind, name, contact_email, contact_phone, "
                    "description) VALUES (1, 1, 'association', 'Club', '', '', 'Helps families')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO services (id, territory_id, name, description, sector, level, location, "
                    "opening_hours, languages, documents_needed) VALUES "
                    "(1, 1, 'Registry', '', 'civil_registry', 'municipality', '', '', '[]', 'Passport')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO barrier_categories (id, territory_id, position, name, description, dimension) "
                    "VALUES (1, 1, 1, 'Language', 'No interpreter', 'approachability')"
                )
            )
        upgrade()
        service = db.session.execute(text("SELECT name, description, documents_needed FROM services")).one()
        assert [_json(value) for value in service] == [{"en": "Registry"}, {}, {"en": "Passport"}]
        category = db.session.execute(text("SELECT name, description FROM barrier_categories")).one()
        assert [_json(value) for value in category] == [{"en": "Language"}, {"en": "No interpreter"}]
        assert _json(db.session.execute(text("SELECT description FROM organisations")).scalar()) == {
            "en": "Helps families"
        }
        assert _json(db.session.execute(text("SELECT consent_text FROM territories")).scalar()) == {}
        db.session.rollback()
        downgrade(revision="0002")
        assert db.session.execute(text("SELECT name, documents_needed FROM services")).one() == (
            "Registry",
            "Passport",
        )
        db.session.rollback()
        db.engine.dispose()


def test_territories_from_before_co_design_get_its_step_templates(empty_database_url):
    """Migration 0006 adds the three co-design steps, in ten languages, after a territory's own templates."""
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO territories (id, slug, name, region, default_locale, consent_text) VALUES (1, 'x', 'X', '', 'it', '{}')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO step_templates (territory_id, position, kind, title, instructions, minutes) "
                    "VALUES (1, 4, 'welcome', '{\"it\": \"Ciao\"}', '{}', 10)"
                )
            )
        upgrade()
        rows = db.session.execute(
            text("SELECT position, kind, title FROM step_templates WHERE territory_id = 1 ORDER BY position")
        ).all()
        assert [(position, kind) for position, kind, _title in rows] == [
            (4, "welcome"),
            (5, "proposal_round"),
            (6, "proposal_voting"),
            (7, "proposal_grid"),
        ]
        assert all(len(_json(title)) == 10 for _position, _kind, title in rows[1:])
        db.session.rollback()
        downgrade(revision="0005")
        assert db.session.execute(text("SELECT count(*) FROM step_templates")).scalar() == 1
        db.session.rollback()
        db.engine.dispose()


def _json(value):
    import json

    return value if isinstance(value, dict) else json.loads(value)


def test_create_territory_and_user_commands(runner):
    result = runner.invoke(
        args=["create-territory", "pontedera", "Comune di Pontedera", "--region", "Toscana"]
    )
    assert result.exit_code == 0, result.output
    territory = db.session.scalar(db.select(Territory).where(Territory.slug == "pontedera"))
    assert territory.region == "Toscana"
    result = runner.invoke(
        args=[
            "create-user",
            "anna@example.org",
            "Anna",
            "--password",
            "una password lunga",
            "--role",
            "coordinator",
            "--territory",
            "pontedera",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "anna@example.org"))
    assert user.roles_in(territory) == [Role.COORDINATOR]
    assert user.check_password("una password lunga")
    again = runner.invoke(args=["create-territory", "pontedera", "Altro"])
    assert again.exit_code != 0 and "exists already" in again.output
    admin = runner.invoke(
        args=["create-user", "root@example.org", "Admin", "--password", "x" * 12, "--admin"]
    )
    assert admin.exit_code == 0
    assert db.session.scalar(db.select(User).where(User.email == "root@example.org")).is_admin


def test_seed_demo_loads_once_and_prints_the_logins(runner):
    first = runner.invoke(args=["seed-demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "coordinatrice@example.org" in first.output
    count = db.session.scalar(db.select(db.func.count()).select_from(User))
    second = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded again" in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == count


def test_organisations_become_memberships_and_old_sessions_end(empty_database_url):
    """Migration 0010 keeps each person's organisation as a membership in its territory, marks the accounts
    still waiting for a password as created by their one territory, and gives every account a session token."""
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO territories (id, slug, name, region, default_locale, consent_text) "
                    "VALUES (1, 'x', 'X', '', 'it', '{}'), (2, 'y', 'Y', '', 'it', '{}')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO organisations (id, territory_id, kind, name, contact_email, contact_phone, "
                    "description) VALUES (7, 2, 'association', '{}', '', '', '{}')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, locale, organisation_id, is_admin, active) "
                    "VALUES (1, 'a@example.org', 'A', 'hash', '', 7, false, true), "
                    "(2, 'b@example.org', 'B', '', '', NULL, false, true)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO role_assignments (user_id, role, territory_id) VALUES "
                    "(1, 'association_member', 2), (2, 'facilitator', 1)"
                )
            )
        upgrade()
        memberships = db.session.execute(
            text("SELECT user_id, territory_id, organisation_id FROM organisation_memberships")
        ).all()
        assert [tuple(row) for row in memberships] == [(1, 2, 7)]
        created_by = dict(db.session.execute(text("SELECT id, created_by_territory_id FROM users")).all())
        assert created_by == {1: None, 2: 1}
        tokens = db.session.scalars(text("SELECT session_token FROM users")).all()
        assert len(set(tokens)) == 2 and all(len(token) >= 24 for token in tokens)
        db.session.rollback()
        downgrade(revision="0009")
        organisations = dict(db.session.execute(text("SELECT id, organisation_id FROM users")).all())
        assert organisations == {1: 7, 2: None}
        db.session.rollback()
        db.engine.dispose()
