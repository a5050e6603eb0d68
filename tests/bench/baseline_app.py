"""The baseline of `make bench`: a bare Flask app doing the same kind of work as a barrier submission in the
simplest possible way. GET renders a small form with a CSRF token (Flask-WTF); POST validates it, INSERTs one row
into SQLite with the toolkit's pragmas (WAL, the same ``synchronous``, busy timeout) and redirects.

Served by gunicorn with the toolkit's settings::

    BASELINE_DATABASE=/tmp/baseline.sqlite gunicorn -c python:toolkit.gunicorn_conf "tests.bench.baseline_app:create_app()"
"""

from __future__ import annotations

import os
import secrets
import sqlite3

from flask import Flask, g, redirect, render_template_string, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from toolkit.database import SQLITE_BUSY_TIMEOUT_MS

#: Same as the toolkit (toolkit/database.py); the bench can override it to compare settings.
SYNCHRONOUS = os.environ.get("BASELINE_SYNCHRONOUS", "NORMAL")

SCHEMA = """
CREATE TABLE IF NOT EXISTS barriers (
    id INTEGER PRIMARY KEY,
    submission_key VARCHAR(40) UNIQUE,
    text TEXT NOT NULL,
    severity VARCHAR(20) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Describe a barrier</title></head><body>
<form method="post">
  {{ form.csrf_token }}{{ form.submission_key }}
  <p>{{ form.text.label }} {{ form.text() }}</p>
  <p>{{ form.severity.label }} {{ form.severity() }}</p>
  <button type="submit">Send</button>
</form>
</body></html>"""


class BarrierForm(FlaskForm):
    text = TextAreaField("Text", validators=[DataRequired(), Length(max=5000)])
    severity = SelectField(
        "Severity", choices=["minor", "serious", "very_serious", "blocks_access"], validators=[DataRequired()]
    )
    submission_key = HiddenField(default=lambda: secrets.token_urlsafe(24))


def connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    return connection


def init_db(path: str) -> None:
    """Create the table (once, before the workers start)."""
    with connect(path) as connection:
        connection.execute(SCHEMA)
    connection.close()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    database = os.environ["BASELINE_DATABASE"]

    def db() -> sqlite3.Connection:
        if "db" not in g:
            g.db = connect(database)
        return g.db

    @app.teardown_appcontext
    def close_db(_error):
        connection = g.pop("db", None)
        if connection is not None:
            connection.close()

    @app.route("/", methods=["GET", "POST"])
    def form():
        form = BarrierForm()
        if form.validate_on_submit():
            with db() as connection:
                connection.execute(
                    "INSERT OR IGNORE INTO barriers (submission_key, text, severity) VALUES (?, ?, ?)",
                    (form.submission_key.data, form.text.data, form.severity.data),
                )
            return redirect(url_for("form"))
        return render_template_string(PAGE, form=form), 422 if form.errors else 200

    return app
