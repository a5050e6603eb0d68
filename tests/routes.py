"""Walk the application's URL map, so that every route is covered without anyone remembering to add it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from flask import Flask
from werkzeug.routing.converters import AnyConverter

from toolkit.extensions import db

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str
    arguments: frozenset[str]
    #: Values of arguments that take one of a few words (``<any(open, close):action>``): one route per word.
    fixed: tuple[tuple[str, str], ...] = ()

    def url(self, app: Flask, values: dict) -> str:
        values = {**values, **dict(self.fixed)}
        missing = self.arguments - values.keys()
        assert not missing, (
            f"{self.rule}: the walk does not know how to fill {sorted(missing)}; add it to the test"
        )
        with app.test_request_context():
            from flask import url_for

            return url_for(self.endpoint, **{name: values[name] for name in self.arguments})

    @property
    def access_rule(self):
        from flask import current_app

        return getattr(current_app.view_functions[self.endpoint], "access_rule", None)


def all_routes(app: Flask) -> list[Route]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        choices = [
            [(name, item) for item in sorted(converter.items)]
            for name, converter in rule._converters.items()
            if isinstance(converter, AnyConverter)
        ]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for fixed in itertools.product(*choices):
                routes.append(Route(rule.endpoint, rule.rule, method, frozenset(rule.arguments), fixed))
    return routes


def request(client, route: Route, url: str, **kwargs):
    """Send ``route``'s method to ``url``, with a valid CSRF token for a POST (as a browser form would)."""
    if route.method == "GET":
        return client.get(url)
    if route.method == "POST":
        return client.post(url, **kwargs)
    return client.open(url, method=route.method, **kwargs)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to prove a refused request changed nothing."""
    rows = {}
    for table in db.metadata.sorted_tables:
        result = db.session.execute(table.select().order_by(*table.primary_key.columns)).all()
        rows[table.name] = [tuple(row) for row in result]
    db.session.rollback()
    return rows
