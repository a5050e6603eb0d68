"""The synthesis of the phase, per service, on screen and as CSV for the steering group."""

from __future__ import annotations

import csv
import io

from toolkit.codesign import operations as codesign
from toolkit.codesign.models import Feasibility
from toolkit.codesign.synthesis import synthesis
from toolkit.extensions import db
from toolkit.processes.models import StepKind

from ..workshops.helpers import join
from .helpers import codesign_room, go_to, words


def _synthesis_room(app, make):
    room = codesign_room(make, slug="alpha")
    workshop, barriers = room["workshop"], room["barriers"]
    first, second = room["services"]
    mediator = make.proposal_for(workshop, barriers[:1], change="=Mediatore all'anagrafe")
    crossing = make.proposal_for(workshop, [barriers[0], barriers[2]], change="Un unico sportello")
    codesign.record_feasibility(
        mediator,
        service=first,
        verdict=Feasibility.FEASIBLE_NOW,
        resources_needed="",
        competent_service=None,
        competent_body="",
        comment="",
        organisation=None,
        recorded_by_id=None,
        on_behalf=False,
    )
    codesign.record_feasibility(
        crossing,
        service=second,
        verdict=Feasibility.NOT_OUR_COMPETENCE,
        resources_needed="",
        competent_service=None,
        competent_body="Regione",
        comment="",
        organisation=None,
        recorded_by_id=None,
        on_behalf=False,
    )
    db.session.commit()
    go_to(workshop, StepKind.PROPOSAL_VOTING)
    phone = join(app.test_client(), workshop)
    phone.post(
        f"/w/{workshop.join_code}/proposal-votes",
        data={f"dots-{crossing.id}": "3", f"dots-{mediator.id}": "1"},
    )
    go_to(workshop, StepKind.PROPOSAL_GRID)  # the vote closes
    return room, mediator, crossing


def test_the_synthesis_shows_each_service_and_flags_unanswered_barriers(app, make, login):
    room, mediator, crossing = _synthesis_room(app, make)
    first, second = room["services"]
    sections, votes = synthesis(room["workshop"].process)
    by_service = {section.service.id: section for section in sections}
    assert [line.barrier.id for line in by_service[first.id].unaddressed] == [room["barriers"][1].id]
    assert by_service[second.id].unaddressed == []
    lines = {line.proposal.id: line for line in by_service[first.id].proposals}
    assert lines[crossing.id].dots.rank == 1 and lines[crossing.id].dots.dots == 3
    assert lines[mediator.id].assessment.verdict is Feasibility.FEASIBLE_NOW
    assert lines[crossing.id].assessment is None  # nothing said yet for the first service
    assert by_service[second.id].proposals[0].assessment.competent_body == "Regione"
    assert votes[StepKind.PROPOSAL_VOTING].final

    page = login(room["facilitator"]).get(f"/t/alpha/processes/{room['workshop'].process_id}/synthesis")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        words(
            app, "%(num)d barrier has no proposal yet", plural="%(num)d barriers have no proposal yet", num=1
        )
        in text
    )
    assert "Il sito per prenotare è solo in italiano." in text and "Regione" in text


def test_the_synthesis_as_csv_for_the_steering_group(app, make, login):
    room, mediator, crossing = _synthesis_room(app, make)
    response = login(room["operator"]).get(f"/t/alpha/processes/{room['workshop'].process_id}/synthesis.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert len(header) == 23 and all(len(row) == 23 for row in body)
    # Barrier 1 has two proposals (two rows), barrier 2 none (one row, flagged), barrier 3 one.
    assert len(body) == 4
    by_proposal = {row[10]: row for row in body}
    assert by_proposal[str(crossing.id)][18:20] == ["3", "1"]
    assert by_proposal[str(mediator.id)][11] == "'=Mediatore all'anagrafe"  # never read as a formula
    unanswered = [row for row in body if row[10] == ""]
    assert [row[2] for row in unanswered] == ["Il sito per prenotare è solo in italiano."]
    answering = {row[1]: row[9] for row in body}
    assert answering == {str(b.id): count for b, count in zip(room["barriers"], ("2", "0", "1"), strict=True)}
