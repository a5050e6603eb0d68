"""The phone's step page is what a whole room opens at once: a few queries for every kind of step, however many
barriers, reasons, proposals and dots the room has written."""

from __future__ import annotations

import pytest

from toolkit.barriers import operations as barrier_operations
from toolkit.codesign.models import GridPlacement, ProposalVote
from toolkit.extensions import db
from toolkit.processes.models import StepKind
from toolkit.workshops import service_choice
from toolkit.workshops.models import DotVote, Participant, ParticipantRole

from .helpers import join

#: Most queries one view of the phone's step page may send.
MOST_QUERIES = 6

#: What the phone shows during each kind of step, once the room has written something.
SHOWN = {
    StepKind.WELCOME: "{title}",
    StepKind.SERVICE_PROPOSALS: "Code lunghissime 2",
    StepKind.SERVICE_VOTING: 'name="dots-{candidate}"',
    StepKind.BARRIER_ROUND: "Allo sportello non capiscono (#{latest})",
    StepKind.PROPOSAL_ROUND: "Un mediatore culturale allo sportello",
    StepKind.PROPOSAL_VOTING: 'name="dots-{proposal}"',
    StepKind.PROPOSAL_GRID: "Un mediatore culturale allo sportello",
    StepKind.SYNTHESIS: "Allo sportello non capiscono (#{latest})",
}


def other_phone(workshop) -> Participant:
    participant = Participant(
        territory_id=workshop.territory_id,
        workshop_id=workshop.id,
        role=ParticipantRole.RESIDENT,
        languages=["ar"],
        consent_version="test",
    )
    db.session.add(participant)
    db.session.flush()
    return participant


def fill_room(make, workshop, phones: list[Participant], written: list, barriers: int) -> None:
    """Bring the room to ``barriers`` barriers, each with two categories and a "me too" from another phone, and
    give every phone a reason, dots on each service and dots and places on each proposal."""
    categories = make.categories_of(workshop.process.territory)
    services = workshop.process.services
    while len(written) < barriers:
        number = len(written)
        author, supporter = phones[number % len(phones)], phones[(number + 1) % len(phones)]
        barrier = make.barrier(
            workshop,
            services[number % len(services)],
            text=f"Allo sportello non capiscono (#{number})",
            categories=categories[number % 5 : number % 5 + 2],
            participant=author,
        )
        barrier_operations.support_barrier(barrier, supporter, workshop)
        written.append(barrier)
    db.session.commit()


def room_with_everything(make, kind):
    """An open workshop on ``kind`` where four other phones proposed services and voted, wrote barriers and
    proposals, and placed their dots and their proposals on the grid."""
    workshop = make.live_workshop(make.territory(), kind)
    ids = make.contributions(workshop)
    phones = [other_phone(workshop) for _ in range(4)]
    for number, phone in enumerate(phones, start=1):
        for service in workshop.process.services:
            service_choice.propose_service(
                workshop.process,
                service=service,
                name="",
                reason=f"Code lunghissime {number}",
                language="it",
                submission_key=None,
                workshop=workshop,
                participant=phone,
            )
    db.session.flush()
    written = []
    fill_room(make, workshop, phones, written, 3)
    proposals = [make.proposal_for(workshop, written[:2], participant=phone) for phone in phones[:3]]
    step = workshop.current_step
    for phone in phones:
        for candidate in service_choice.candidates(workshop.process):
            db.session.add(
                DotVote(
                    territory_id=workshop.territory_id,
                    workshop_id=workshop.id,
                    participant_id=phone.id,
                    candidate_id=candidate.id,
                    dots=1,
                )
            )
        for proposal in proposals:
            common = {"territory_id": workshop.territory_id, "step_id": step.id, "participant_id": phone.id}
            db.session.add(ProposalVote(proposal_id=proposal.id, dots=1, **common))
            db.session.add(GridPlacement(proposal_id=proposal.id, impact=3, effort=1, **common))
    db.session.commit()
    return workshop, ids, phones, written, proposals


@pytest.mark.parametrize("kind", list(SHOWN))
@pytest.mark.parametrize(
    "language", ["it", "ar"]
)  # the room's language, and one whose translations are looked up
def test_a_phone_step_page_takes_a_few_queries_however_much_the_room_wrote(
    app, client, make, count_queries, kind, language
):
    workshop, ids, phones, written, proposals = room_with_everything(make, kind)
    join(client, workshop, language=language)
    page_address = f"/w/{workshop.join_code}/now"
    client.get(page_address)  # the first view after joining also shows the welcome message

    counts = []
    for barriers in (5, 50):
        fill_room(make, workshop, phones, written, barriers)
        with count_queries() as counted:
            response = client.get(page_address)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        shown = SHOWN[kind].format(
            title=workshop.current_step.title[language],
            candidate=ids["candidate_id"],
            latest=barriers - 1,
            proposal=proposals[-1].id,
        )
        assert shown in page
        counts.append(counted())

    assert counts[0] <= MOST_QUERIES, f"{counts[0]} queries with 5 barriers"
    assert counts[1] == counts[0], f"{counts[0]} queries with 5 barriers, {counts[1]} with 50"


def test_the_barrier_form_drawn_once_follows_the_language_and_a_renamed_category(app, make):
    workshop = make.live_workshop(make.territory(), StepKind.BARRIER_ROUND)
    category = make.categories_of(workshop.process.territory)[0]
    italian, arabic = (join(app.test_client(), workshop, language=code) for code in ("it", "ar"))
    page_address = f"/w/{workshop.join_code}/now"
    for _ in range(2):  # drawn for the first phone of each language, then shown again
        assert category.name["it"] in italian.get(page_address).get_data(as_text=True)
        assert category.name["ar"] in arabic.get(page_address).get_data(as_text=True)

    category.name = {**category.name, "it": "Sportello chiuso all'ora di pranzo"}
    db.session.commit()
    assert "Sportello chiuso all&#39;ora di pranzo" in italian.get(page_address).get_data(as_text=True)
