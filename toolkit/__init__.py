"""The participatory co-design toolkit: a Flask application factory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create the application: settings, extensions, blueprints, commands."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from .config import ENVIRONMENT_SETTINGS, Defaults

    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name, parse in ENVIRONMENT_SETTINGS.items():
            if os.environ.get(name):
                app.config[name] = parse(os.environ[name])
    else:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _configure_database_url(app)
    _configure_secret_key(app)
    _configure_site_address(app)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))

    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy: take the client's address and scheme from its headers (links, rate limits).
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    from . import privacy

    privacy.install()
    _init_extensions(app)
    _register_blueprints(app)

    from . import cli

    cli.register(app)
    return app


def _configure_database_url(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{Path(app.instance_path) / 'toolkit.sqlite'}"
    # psycopg 3 is the PostgreSQL driver; accept the usual spellings of the address.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("postgresql"):
        # A lock held too long by another writer ends in an error that the pages answer with 503 ("busy").
        from .database import POSTGRESQL_LOCK_TIMEOUT_MS

        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("options", f"-c lock_timeout={POSTGRESQL_LOCK_TIMEOUT_MS}")
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if url.startswith("sqlite"):
        # A file on this machine cannot drop a connection: no ping before each request.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _configure_site_address(app: Flask) -> None:
    """Absolute links come from ``SERVER_NAME``. Without it they would follow the request's Host header, so
    then only trusted host names are served: ``TRUSTED_HOSTS``, or this machine's own names."""
    from .web import LOOPBACK_HOSTS

    if not app.config.get("SERVER_NAME") and not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = list(LOOPBACK_HOSTS)


def _configure_secret_key(app: Flask) -> None:
    """Use the configured key, or create one in the instance folder on first start and keep it."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from . import background, database, models  # noqa: F401  (SQLite pragmas; every table known to the schema)
    from .access import enforce_access
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale
    from .web import register_web

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    background.init_app(app)  # first: its start-up recovery runs before a request reads anything
    register_web(app)
    # Each feature registers what translators translate of it and gives a new territory its defaults (the
    # territory_created signal); an edited original makes its translations outdated; the answers join the pages
    # of the people who took part.
    from .answers import guards as answer_guards  # noqa: F401  (answered records are not deleted)
    from .answers import letters as answer_letters  # noqa: F401  (the answer link on every letter)
    from .answers import participants as answers_for_participants  # noqa: F401
    from .answers import translatable as answer_texts  # noqa: F401
    from .barriers import translatable as barrier_texts  # noqa: F401
    from .codesign import translatable as proposal_texts  # noqa: F401
    from .processes import defaults as default_agenda  # noqa: F401
    from .recommendations import translatable as recommendation_texts  # noqa: F401
    from .services import defaults as default_catalogue  # noqa: F401
    from .translating import outdating  # noqa: F401

    app.before_request(enforce_access)


def _register_blueprints(app: Flask) -> None:
    from .accounts.invitations import bp as invitations_bp
    from .accounts.people import bp as people_bp
    from .accounts.security import bp as security_bp
    from .accounts.views import bp as accounts_bp
    from .answers.answering import bp as answering_bp
    from .answers.follow_up_report import bp as follow_up_report_bp
    from .answers.open_data import bp as open_data_bp
    from .answers.overview import bp as follow_up_bp
    from .answers.public import bp as results_bp
    from .answers.publishing import bp as publishing_bp
    from .answers.spreadsheet import bp as spreadsheet_bp
    from .answers.views import bp as answers_bp
    from .barriers.live import bp as barriers_live_bp
    from .barriers.views import bp as barriers_bp
    from .codesign.live import bp as codesign_live_bp
    from .codesign.views import bp as codesign_bp
    from .contributions.views import bp as contributions_bp
    from .main.admin import bp as admin_bp
    from .main.views import bp as main_bp
    from .processes import editing  # noqa: F401  (its routes sit on the processes blueprint)
    from .processes.agenda import bp as agenda_bp
    from .processes.views import bp as processes_bp
    from .recommendations.review import bp as review_bp
    from .recommendations.versions import bp as versions_bp
    from .recommendations.views import bp as recommendations_bp
    from .retention.views import bp as retention_bp
    from .retention.views import commands as retention_commands
    from .services.views import bp as services_bp
    from .territories.views import territory_bp
    from .translating.views import bp as translating_bp
    from .workshops import printables, service_views  # noqa: F401  (their routes sit on those blueprints)
    from .workshops.cockpit import bp as workshops_bp
    from .workshops.live import bp as live_bp

    for blueprint in (
        main_bp,
        accounts_bp,
        admin_bp,
        territory_bp,
        people_bp,
        invitations_bp,
        security_bp,
        services_bp,
        processes_bp,
        agenda_bp,
        workshops_bp,
        live_bp,
        barriers_bp,
        barriers_live_bp,
        codesign_bp,
        codesign_live_bp,
        contributions_bp,
        translating_bp,
        recommendations_bp,
        review_bp,
        versions_bp,
        retention_bp,
        retention_commands,
        answers_bp,
        follow_up_bp,
        open_data_bp,
        spreadsheet_bp,
        answering_bp,
        publishing_bp,
        results_bp,
        follow_up_report_bp,
    ):
        app.register_blueprint(blueprint)
    from .auditing.views import bp as auditing_bp

    app.register_blueprint(auditing_bp)
