"""The room prioritises proposals by dots or on the impact/effort grid; the ranking is frozen when the step closes."""

from __future__ import annotations

import contextlib
import threading

from sqlalchemy import func, select

from toolkit.codesign import operations as codesign
from toolkit.codesign import prioritisation
from toolkit.codesign.models import GridPlacement, ProposalVote
from toolkit.extensions import db
from toolkit.processes.models import StepKind
from toolkit.workshops import operations

from ..workshops.helpers import join
from .helpers import codesign_room, go_to, words


def _room(make, kind):
    room = codesign_room(make, slug="alpha")
    barriers = room["barriers"]
    room["proposals"] = [
        make.proposal_for(room["workshop"], barriers[:1], change="Mediatore all'anagrafe"),
        make.proposal_for(room["workshop"], barriers[1:2], change="Sito tradotto"),
        make.proposal_for(room["workshop"], barriers[2:], change="Elenco dei documenti in dieci lingue"),
    ]
    go_to(room["workshop"], kind)
    return room


def _dots(client, room, allocation: dict[int, int]):
    data = {f"dots-{room['proposals'][index].id}": str(dots) for index, dots in allocation.items()}
    return client.post(f"/w/{room['workshop'].join_code}/proposal-votes", data=data)


def _total(participant_dots=None) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(ProposalVote.dots), 0)))


def test_dots_within_the_limits_and_a_ranking_with_ties(app, make):
    room = _room(make, StepKind.PROPOSAL_VOTING)
    phones = [join(app.test_client(), room["workshop"]) for _ in range(3)]
    assert _dots(phones[0], room, {0: 3, 1: 2}).status_code == 302
    assert _dots(phones[1], room, {1: 3, 2: 2}).status_code == 302
    assert _dots(phones[2], room, {0: 2, 2: 1}).status_code == 302
    # Too many on one proposal, or in total: refused with the choices kept, nothing changed.
    refused = _dots(phones[2], room, {0: 4})
    assert refused.status_code == 422
    assert 'id="dots-{0}" name="dots-{0}" value="4"'.format(room["proposals"][0].id) in refused.get_data(
        as_text=True
    )
    assert _dots(phones[2], room, {0: 3, 1: 3}).status_code == 422
    assert _total() == 13
    step = room["workshop"].current_step
    ranking = prioritisation.results(step)
    # 5 dots each for the first two proposals (a tie for first place), 3 for the third.
    assert [(item.proposal.id, item.rank, item.dots, item.tied) for item in ranking] == [
        (room["proposals"][0].id, 1, 5, True),
        (room["proposals"][1].id, 1, 5, True),
        (room["proposals"][2].id, 3, 3, False),
    ]
    page = phones[0].get(f"/w/{room['workshop'].join_code}/now").get_data(as_text=True)
    assert page.count('class="chart-bar"') == 3 and words(app, "tie") in page


def test_the_ranking_is_frozen_when_the_step_closes_and_the_votes_are_kept(app, make, login):
    room = _room(make, StepKind.PROPOSAL_VOTING)
    workshop = room["workshop"]
    phone = join(app.test_client(), workshop)
    _dots(phone, room, {2: 3, 0: 1})
    step = workshop.current_step
    facilitator = login(room["facilitator"])
    assert facilitator.post(f"/t/alpha/workshops/{workshop.id}/next").status_code == 302
    db.session.refresh(step)
    assert step.frozen_at is not None
    frozen = [(row["proposal"], row["rank"], row["dots"]) for row in step.results]
    assert frozen[0] == (room["proposals"][2].id, 1, 3) and frozen[1] == (room["proposals"][0].id, 2, 1)
    # The votes stay; a vote in the closed step is refused, even if the phone still shows the old form.
    assert _total() == 4
    late = phone.post(
        f"/w/{workshop.join_code}/proposal-votes", data={f"dots-{room['proposals'][1].id}": "3"}
    )
    assert late.status_code == 422
    assert _total() == 4
    cockpit = facilitator.get(f"/t/alpha/workshops/{workshop.id}").get_data(as_text=True)
    assert words(app, "Vote closed") in cockpit
    # Back on the step, the vote stays closed until the facilitator opens it again.
    facilitator.post(f"/t/alpha/workshops/{workshop.id}/previous")
    cockpit = facilitator.get(f"/t/alpha/workshops/{workshop.id}").get_data(as_text=True)
    assert words(app, "Open the vote again") in cockpit
    refused = _dots(phone, room, {1: 3})
    closed = words(app, "This vote is closed: the room has moved on. Your earlier choices still count.")
    assert refused.status_code == 422 and closed in refused.get_data(as_text=True)
    assert _total() == 4
    assert facilitator.post(f"/t/alpha/workshops/{workshop.id}/steps/{step.id}/reopen").status_code == 302
    assert _dots(phone, room, {1: 3}).status_code == 302
    assert _total() == 3


def test_votes_are_refused_once_the_workshop_is_closed(app, make):
    room = _room(make, StepKind.PROPOSAL_VOTING)
    phone = join(app.test_client(), room["workshop"])
    operations.close_workshop(room["workshop"])
    db.session.commit()
    assert _dots(phone, room, {0: 1}).status_code == 422
    assert _total() == 0


def test_racing_ballots_of_one_participant_never_exceed_the_dots(app, make, monkeypatch):
    """Two ballots of the same phone sent at the same moment (two tabs): each within the limit alone, together
    over it. They are applied one after the other, so the participant ends with one of them, never both."""
    room = _room(make, StepKind.PROPOSAL_VOTING)
    phone = join(app.test_client(), room["workshop"])
    token = phone.csrf_token()
    cookie = phone.get_cookie("session").value
    both_inside = threading.Barrier(2)
    original = prioritisation.visible_proposals

    def wait_for_the_other(process):
        # Each request waits here for the other one; with the ballot lock, the second cannot get here until the
        # first is committed, so the wait runs out and they go one after the other.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_inside.wait(timeout=1.5)
        return original(process)

    monkeypatch.setattr(prioritisation, "visible_proposals", wait_for_the_other)
    statuses = []

    def send(allocation):
        client = app.test_client()
        client.set_cookie("session", cookie)
        with app.app_context():
            data = {f"dots-{room['proposals'][i].id}": str(d) for i, d in allocation.items()}
            response = client.post(
                f"/w/{room['workshop'].join_code}/proposal-votes", data={**data, "csrf_token": token}
            )
            statuses.append(response.status_code)

    threads = [
        threading.Thread(target=send, args=(allocation,)) for allocation in ({0: 3, 1: 2}, {1: 3, 2: 2})
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert sorted(statuses) == [302, 302]
    assert _total() == 5
    assert db.session.scalar(select(func.count(ProposalVote.id))) == 2


def test_the_grid_places_proposals_by_impact_and_effort(app, make):
    room = _room(make, StepKind.PROPOSAL_GRID)
    workshop, proposals = room["workshop"], room["proposals"]
    phones = [join(app.test_client(), workshop) for _ in range(3)]
    places = [
        {0: "3-1", 1: "2-2", 2: "1-3"},
        {0: "3-2", 1: "2-2"},
        {0: "2-1", 1: "3-3", 2: ""},
    ]
    for phone, placement in zip(phones, places, strict=True):
        data = {f"cell-{proposals[i].id}": value for i, value in placement.items()}
        assert phone.post(f"/w/{workshop.join_code}/grid", data=data).status_code == 302
    assert db.session.scalar(select(func.count(GridPlacement.id))) == 7
    ranking = prioritisation.results(workshop.current_step)
    first, second, third = ranking
    assert first.proposal.id == proposals[0].id and (first.impact, first.effort) == (2.67, 1.33)
    assert second.proposal.id == proposals[1].id and (second.impact, second.effort) == (2.33, 2.33)
    assert third.proposal.id == proposals[2].id and third.placements == 1 and third.rank == 3
    # A cell outside the grid is refused, with nothing changed.
    bad = phones[0].post(f"/w/{workshop.join_code}/grid", data={f"cell-{proposals[0].id}": "4-1"})
    assert bad.status_code == 422
    assert db.session.scalar(select(func.count(GridPlacement.id))) == 7
    page = phones[0].get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    assert 'role="img"' in page and page.count('class="marker"') == 3
    assert f'id="cell-{proposals[0].id}-3-1" name="cell-{proposals[0].id}" value="3-1" checked' in page


def test_phones_and_the_projector_follow_the_results_live(app, make, login):
    room = _room(make, StepKind.PROPOSAL_VOTING)
    workshop = room["workshop"]
    phone = join(app.test_client(), workshop)
    first = phone.get(f"/w/{workshop.join_code}/results")
    assert first.status_code == 200 and "chart-bar" in first.get_json()["html"]
    etag = first.headers["ETag"]
    assert phone.get(f"/w/{workshop.join_code}/results", headers={"If-None-Match": etag}).status_code == 304
    _dots(join(app.test_client(), workshop), room, {1: 2})
    changed = phone.get(f"/w/{workshop.join_code}/results", headers={"If-None-Match": etag})
    two_dots = words(app, "%(num)d dot", plural="%(num)d dots", num=2)
    assert changed.status_code == 200 and two_dots in changed.get_json()["html"]
    board = login(room["facilitator"]).get(f"/t/alpha/workshops/{workshop.id}/board").get_json()
    assert "Sito tradotto" in board["html"] and two_dots in board["html"]
    # Someone not in the workshop gets nothing, not even a page: phones that lost their session keep polling.
    for polled in ("results", "live"):
        refused = app.test_client().get(f"/w/{workshop.join_code}/{polled}")
        assert (refused.status_code, refused.data) == (403, b"")


def test_a_vote_racing_the_room_moving_on_is_counted_or_refused_never_left_out(app, make, login, monkeypatch):
    """The facilitator presses "next step" while a phone's dots are on their way: the dots either make it into the
    frozen ranking or are refused; they are never stored and missing from it."""
    room = _room(make, StepKind.PROPOSAL_VOTING)
    workshop = room["workshop"]
    step_id = workshop.current_step_id
    phone = join(app.test_client(), workshop)
    token, cookie = phone.csrf_token(), phone.get_cookie("session").value
    facilitator = login(room["facilitator"])
    facilitator_token = facilitator.csrf_token()
    inside = threading.Event()
    original = prioritisation.visible_proposals

    def slow_phone(process):
        # The phone's request, past its checks: it waits here while the facilitator moves the room on.
        if threading.current_thread().name == "phone" and not inside.is_set():
            inside.set()
            threading.Event().wait(1.5)
        return original(process)

    monkeypatch.setattr(prioritisation, "visible_proposals", slow_phone)
    statuses = {}

    def send_dots():
        client = app.test_client()
        client.set_cookie("session", cookie)
        with app.app_context():
            data = {f"dots-{room['proposals'][0].id}": "3", "csrf_token": token}
            statuses["phone"] = client.post(f"/w/{workshop.join_code}/proposal-votes", data=data).status_code

    def move_on():
        inside.wait(5)
        with app.app_context():
            response = facilitator.post(
                f"/t/alpha/workshops/{workshop.id}/next", data={"csrf_token": facilitator_token}
            )
            statuses["next"] = response.status_code

    threads = [threading.Thread(target=send_dots, name="phone"), threading.Thread(target=move_on)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    from toolkit.workshops.models import WorkshopStep

    step = db.session.get(WorkshopStep, step_id)
    assert statuses["next"] == 302 and step.frozen_at is not None
    frozen = sum(row["dots"] for row in step.results)
    assert frozen == _total()
    assert (statuses["phone"], frozen) in ((302, 3), (422, 0))


def test_nothing_received_is_not_a_tie(app, make):
    room = _room(make, StepKind.PROPOSAL_VOTING)
    phone = join(app.test_client(), room["workshop"])
    _dots(phone, room, {0: 2})
    ranking = prioritisation.results(room["workshop"].current_step)
    assert [(item.rank, item.dots, item.tied) for item in ranking] == [
        (1, 2, False),
        (2, 0, False),
        (2, 0, False),
    ]


def test_strange_numbers_are_refused_with_a_clear_message(app, make):
    room = _room(make, StepKind.PROPOSAL_VOTING)
    phone = join(app.test_client(), room["workshop"])
    response = phone.post(
        f"/w/{room['workshop'].join_code}/proposal-votes",
        data={f"dots-{room['proposals'][0].id}": "²", "dots-²": "1"},
    )
    assert response.status_code == 422
    assert words(app, "Write the number of dots with digits, for example 2.") in response.get_data(
        as_text=True
    )
    assert _total() == 0


def test_a_hidden_proposal_leaves_the_frozen_ranking_and_a_vote_cannot_reopen_after_the_workshop(
    app, make, login
):
    from toolkit.codesign.models import ProposalStatus

    room = _room(make, StepKind.PROPOSAL_VOTING)
    workshop = room["workshop"]
    phone = join(app.test_client(), workshop)
    _dots(phone, room, {0: 3, 1: 1})
    step = workshop.current_step
    facilitator = login(room["facilitator"])
    facilitator.post(f"/t/alpha/workshops/{workshop.id}/close")
    facilitator.post(f"/t/alpha/proposals/{room['proposals'][0].id}/hide", data={"reason": "Un nome"})
    db.session.expire_all()
    assert [item.proposal.id for item in prioritisation.results(step)] == [
        p.id for p in room["proposals"][1:]
    ]
    facilitator.post(f"/t/alpha/workshops/{workshop.id}/steps/{step.id}/reopen")
    db.session.expire_all()
    assert db.session.get(type(step), step.id).frozen_at is not None
    # A withdrawn proposal stays withdrawn: "show" brings back only what a facilitator hid.
    withdrawn = room["proposals"][2]
    codesign.set_proposal_status(withdrawn, ProposalStatus.WITHDRAWN)
    db.session.commit()
    facilitator.post(f"/t/alpha/proposals/{withdrawn.id}/show")
    db.session.expire_all()
    assert db.session.get(type(withdrawn), withdrawn.id).status is ProposalStatus.WITHDRAWN
