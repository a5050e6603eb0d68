"""A participant reaches only the workshop they joined: walked over every participant route of the URL map."""

from __future__ import annotations

from toolkit.access import Rule
from toolkit.processes.models import StepKind

from ..routes import all_routes, request, snapshot
from .helpers import join

#: Where anyone holding a workshop's code may go: that is how people join.
ENTRY_POINTS = {"live.join", "live.consent"}
FOREIGN_TEXT = "Nessuno spiega quali documenti servono"


def test_participants_of_one_workshop_reach_nothing_of_another(app, make):
    alpha, beta = make.territory("alpha"), make.territory("beta")
    x = make.live_workshop(alpha, StepKind.BARRIER_ROUND, title="X")
    y = make.live_workshop(alpha, StepKind.BARRIER_ROUND, title="Y")
    z = make.live_workshop(beta, StepKind.BARRIER_ROUND, title="Z")
    others = [
        (w, {**make.contributions(w), "recommendation_id": make.recommendation(w.process).id}) for w in (y, z)
    ]
    client = join(app.test_client(), x)
    routes = [
        r for r in all_routes(app) if r.access_rule is Rule.PARTICIPANT and r.endpoint not in ENTRY_POINTS
    ]
    assert len(routes) >= 9
    before = snapshot()
    checked = 0
    for route in routes:
        for workshop, ids in others:
            attempts = [{**ids, "workshop_code": workshop.join_code}]
            if route.arguments & ids.keys():
                attempts.append({**ids, "workshop_code": x.join_code})  # X's address, someone else's record
            for values in attempts:
                url = route.url(app, values)
                response = request(client, route, url, data={"text": "Intruso", "reason": "Intruso"})
                where = f"{route.method} {url} answered {response.status_code}"
                if response.status_code == 302:
                    assert response.headers["Location"].endswith(f"/w/{workshop.join_code}"), where
                else:
                    assert response.status_code in (400, 403, 404, 409), where
                assert FOREIGN_TEXT not in response.get_data(as_text=True), where
                checked += 1
    assert checked >= 2 * len(routes)
    assert snapshot() == before
