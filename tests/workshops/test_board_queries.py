"""The projector's board is polled every two seconds while the room writes: what it reads does not grow with
what the room wrote."""

from __future__ import annotations

import pytest

from toolkit.access import Role
from toolkit.processes.models import StepKind

from .test_step_queries import other_phone


@pytest.mark.parametrize("kind", [StepKind.BARRIER_ROUND, StepKind.SYNTHESIS, StepKind.SERVICE_VOTING])
def test_the_board_reads_as_many_queries_for_5_as_for_50_barriers(app, make, login, count_queries, kind):
    territory = make.territory("alpha")
    workshop = make.live_workshop(territory, kind)
    client = login(make.user(Role.FACILITATOR, territory))
    phones = [other_phone(workshop) for _ in range(3)]
    categories = make.categories_of(territory)
    board = f"/t/alpha/workshops/{workshop.id}/board"
    written = 0
    counts = []
    for barriers in (5, 50):
        while written < barriers:
            make.barrier(
                workshop,
                workshop.process.services[written % 2],
                text=f"Allo sportello non capiscono (#{written})",
                categories=categories[written % 4 : written % 4 + 2],
                participant=phones[written % 3],
            )
            written += 1
        with count_queries() as counted:
            answer = client.get(board)
        assert answer.status_code == 200
        html = answer.json["html"]
        if kind is StepKind.SERVICE_VOTING:
            assert "Services proposed, by dots" in html or "Servizi proposti" in html
        else:
            assert f"Allo sportello non capiscono (#{barriers - 1})" in html
        counts.append(counted())
    assert counts[0] == counts[1], f"{counts[0]} queries with 5 barriers, {counts[1]} with 50"
