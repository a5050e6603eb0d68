"""No input gives a server error. Every route of the URL map, as an anonymous visitor, a participant, a coordinator
and a site administrator: ids beyond what the database holds in every id of the address, control characters and
huge strings in every other part of it and in the query string, and every form field of the toolkit posted with
out-of-range numbers, control characters, NUL bytes, lists, huge values, JSON, files and bytes that are not UTF-8.
"""

from __future__ import annotations

import json
import logging
import traceback
from urllib.parse import urlencode

import pytest
from werkzeug.routing.converters import IntegerConverter, PathConverter, UnicodeConverter
from wtforms.fields.core import UnboundField

from toolkit.access import Role
from toolkit.accounts import operations as accounts
from toolkit.content import TranslationsField
from toolkit.extensions import db, limiter
from toolkit.forms import BaseForm
from toolkit.i18n import LANGUAGES
from toolkit.processes.models import StepTemplate
from toolkit.recommendations import issuing
from toolkit.territories.models import Territory
from toolkit.workshops.phones import SESSION_KEY

from . import factories
from .routes import all_routes

#: Ids no table holds: beyond 64 bits, at 64 bits, beyond PostgreSQL's INTEGER.
BAD_IDS = ("99999999999999999999999", str(2**63), str(2**31))
#: Values for the other parts of an address.
BAD_STRINGS = ("a\nb\r\x00\t\x1b", "x" * 3000, "\u202e..\\%FF", "99999999999999999999999")
#: Values sent in the query string.
BAD_VALUES = ("99999999999999999999999", "2147483648", "1\r\nSet-Cookie: x=1\x00\x1b/%09/evil.example")
HUGE = b"x" * 1_500_000
URLENCODED = "application/x-www-form-urlencoded"
BOUNDARY = "fuzzboundary"
#: Names read from the query string or the form outside a form class.
RAW_NAMES = ("q", "page", "process", "workshop", "language", "lang", "show", "archived", "filters", "next")
RAW_FORM_NAMES = ("template", "into", "support", "service", "language", "email", "next", "code")


def form_field_names() -> list[str]:
    """The input names of every form of the toolkit (a text written per language is one input per language)."""
    names = set(RAW_NAMES) | set(RAW_FORM_NAMES)
    forms, seen = [BaseForm], set()
    while forms:
        form = forms.pop()
        forms.extend(sub for sub in form.__subclasses__() if sub not in seen)
        seen.add(form)
        for attribute in dir(form):
            field = getattr(form, attribute, None)
            if not isinstance(field, UnboundField):
                continue
            name = field.kwargs.get("name") or attribute
            if issubclass(field.field_class, TranslationsField):
                names.update(f"{name}-{code}" for code in LANGUAGES)
            else:
                names.add(name)
    names.discard("csrf_token")
    return sorted(names)


def records(make, territory, people: dict) -> dict:
    """A live workshop with contributions, a recommendation, an issued version...: the URL values reaching them."""
    workshop = make.live_workshop(territory)
    contributions = make.contributions(workshop)
    process = workshop.process
    recommendation = make.recommendation(process)
    job = issuing.request_issue(process, ["it"], "", None)
    db.session.commit()
    document = make.issued_document(process)
    service = make.services_of(territory)[0]
    return {
        **contributions,
        "territory_slug": territory.slug,
        "network_slug": "north",
        "workshop_id": workshop.id,
        "workshop_code": workshop.join_code,
        "process_id": process.id,
        "recommendation_id": recommendation.id,
        "quote_id": 1,
        "job_id": job.id,
        "document_id": document.id,
        "filename": document.filename,
        "service_id": service.id,
        "category_id": make.categories_of(territory)[0].id,
        "organisation_id": service.owner_id,
        "user_id": people["invited"].id,
        "token": accounts.make_token(people["invited"], accounts.INVITATION),
        "lang": "ar",
        "kind": "barrier",
        "source_id": contributions["barrier_id"],
        "step_id": db.session.scalar(
            db.select(StepTemplate.id).where(StepTemplate.territory_id == territory.id).limit(1)
        ),
    }


@pytest.fixture
def place(app, make):
    """One territory with a record of every kind, the URL values that reach them, and the people who use them;
    ``renew()`` makes the records again after a route removed or closed them."""
    territory = make.territory("alpha")
    make.network(territory, slug="north")
    people = {
        "coordinator": make.coordinator(territory),
        "invited": make.user(Role.FACILITATOR, territory),
        "admin": make.user(admin=True),
    }
    place = {**people, "values": records(make, territory, people)}
    place["participant_id"] = place["values"]["participant_id"]

    def renew():
        renewed = records(make, territory, people)
        place["values"] = {**place["values"], **{k: v for k, v in renewed.items() if v is not None}}

    place["renew"] = renew
    return place


class Visitor:
    """A client as one kind of visitor; logged in again when a route (e.g. logging out) ended its session."""

    def __init__(self, app, kind: str, place: dict):
        self.app, self.kind, self.place = app, kind, place
        self.user = place.get(kind)
        self.client = app.test_client()
        if kind == "participant":
            with self.client.session_transaction() as session:
                session[SESSION_KEY] = [place["participant_id"]]
        self.log_in()

    def log_in(self) -> None:
        if self.user is not None:
            limiter.reset()  # this visitor's own failed logins would keep it out
            self.client.post("/login", data={"email": self.user.email, "password": factories.PASSWORD})
        self.token = self.client.csrf_token()

    def send(self, method: str, url: str, options=lambda token: {}):
        """Send the request made by ``options(token)``; again after logging in if the session had ended."""
        response = self.client.open(url, method=method, **options(self.token))
        if self.user is None or response.status_code != 302:
            return response
        location = response.headers["Location"]
        if "two-factor" in location:
            # A route sent before made the territory require a second factor of its coordinators: undo it.
            db.session.execute(db.update(Territory).values(require_two_factor=False))
            db.session.commit()
        elif "/login" not in location:
            return response
        self.log_in()
        return self.client.open(url, method=method, **options(self.token))


def payloads(names: list[str]):
    """(label, options) of each malformed form submission; ``options(token)`` gives the request's keywords."""

    def every(value):
        return lambda token: {"data": {"csrf_token": token, **{name: value for name in names}}}

    def body(data, content_type):
        return lambda token: {"data": data(token), "content_type": content_type}

    yield "ids beyond 64 bits, as lists", every(["99999999999999999999999", str(2**31), "-1"])
    yield "an id beyond 32 bits", every(str(2**31))
    yield "control characters and NUL", every("a\x00\r\n\t\x1b\x7f\u202e")
    yield "long values", every("x" * 5001)
    # Large and multipart bodies are built once, as bytes: building them per request would cost more than sending.
    yield "a value of 1.5 MB", body(lambda token: f"csrf_token={token}&name=".encode() + HUGE, URLENCODED)
    yield "a body of 3 MB", body(lambda token: b"text=" + HUGE + HUGE, URLENCODED)
    yield (
        "JSON",
        body(lambda token: json.dumps({"csrf_token": token, **dict.fromkeys(names, 1)}), "application/json"),
    )
    files = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="a.txt"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + b"\xff\x00\r\n"
        for name in names
    )
    yield (
        "files where texts are expected",
        body(
            lambda token: (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode()
                + files
                + f"--{BOUNDARY}--\r\n".encode()
            ),
            f"multipart/form-data; boundary={BOUNDARY}",
        ),
    )
    garbage = "&".join(f"{name}=%FF%FE%C3" for name in names)
    yield (
        "bytes that are not UTF-8",
        body(lambda token: f"csrf_token={token}&{garbage}".encode(), URLENCODED),
    )
    yield "an unknown content type", body(lambda token: b"\xff\xfe\x00", "text/plain; charset=utf-16")


def addresses(app, route, values: dict):
    """(label, URL) of the route with bad ids, bad strings and a bad query string."""
    rule = next(r for r in app.url_map._rules_by_endpoint[route.endpoint] if r.rule == route.rule)
    converters = dict(rule._converters)
    # An argument the place has no record for (a route added since) still gets a well-formed value.
    values = {
        **{name: 1 if isinstance(c, IntegerConverter) else "x" for name, c in converters.items()},
        **values,
    }
    for bad in BAD_IDS:
        ids = {name: bad for name, c in converters.items() if isinstance(c, IntegerConverter)}
        if ids:
            yield f"ids {bad[:12]}", route.url(app, {**values, **ids})
    for name, converter in converters.items():
        if type(converter) in (UnicodeConverter, PathConverter):
            for bad in BAD_STRINGS:
                yield f"{name}={bad[:12]!r}", route.url(app, {**values, name: bad})
    base = route.url(app, values)
    yield "valid", base
    # A form reads its query string only for ``next``; pages read theirs whole.
    for bad in BAD_VALUES if route.method == "GET" else BAD_VALUES[-1:]:
        yield f"query {bad[:12]!r}", base + "?" + urlencode({name: bad for name in RAW_NAMES})
    if route.method == "GET":
        yield "query with lists", base + "?" + urlencode([(n, v) for n in RAW_NAMES for v in BAD_VALUES])


def _log_errors(caplog) -> list[str]:
    return [f"{r.name}: {r.getMessage()[:200]}" for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("kind", ["anonymous", "participant", "coordinator", "admin"])
def test_no_input_gives_a_server_error(app, place, kind, caplog):
    caplog.set_level(logging.ERROR)
    visitor = Visitor(app, kind, place)
    names = form_field_names()
    failures: list[str] = []
    sent = 0

    def check(label: str, method: str, url: str, options=lambda token: {}) -> None:
        nonlocal sent
        sent += 1
        try:
            status = visitor.send(method, url, options).status_code
        except Exception as error:
            where = traceback.extract_tb(error.__traceback__)[-1]
            failures.append(
                f"{method} {url[:100]} ({label}): {error!r:.150} at {where.filename}:{where.lineno}"
            )
            return None
        if status >= 500:
            failures.append(f"{method} {url[:100]} ({label}): {status}")
        return status

    routes = all_routes(app)
    for route in routes:
        for label, url in addresses(app, route, place["values"]):
            form = (
                (lambda token: {})
                if route.method == "GET"
                else (lambda t: {"data": {"csrf_token": t, "name": "a\nb"}})
            )
            check(label, route.method, url, form)
    for route in routes:
        if route.method == "GET":
            continue
        url = next(url for label, url in addresses(app, route, place["values"]) if label == "valid")
        statuses = {check(label, route.method, url, options) for label, options in payloads(names)}
        if statuses & {302, 303}:
            # Accepted (a button needs no field): it may have closed or removed what the next routes need.
            place["renew"]()
    assert sent > 1000
    assert failures == [], "\n".join(failures)
    assert _log_errors(caplog) == []
