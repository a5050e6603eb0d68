"""Proposals written from the barriers: on phones, by facilitators for the room, by associations and operators
outside the workshop, and edited together without losing anyone's words."""

from __future__ import annotations

from sqlalchemy import func, select

from toolkit.codesign.models import Proposal, ProposalStatus
from toolkit.extensions import db
from toolkit.processes.models import StepKind

from ..workshops.helpers import join
from .helpers import VERSION, codesign_room, go_to, proposal_fields


def _count() -> int:
    return db.session.scalar(select(func.count(Proposal.id)))


def test_a_participant_proposes_a_change_for_barriers_of_two_services(app, client, make):
    room = codesign_room(make)
    workshop, barriers = room["workshop"], room["barriers"]
    join(client, workshop, language="ar")
    page = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    for barrier in barriers:
        assert barrier.text.replace("'", "&#39;") in page
    data = proposal_fields(
        page, [barriers[0], barriers[2]], change="مترجم في مكتب السجل المدني وعند الطبيب", language="ar"
    )
    response = client.post(f"/w/{workshop.join_code}/proposals", data=data)
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert proposal.language == "ar" and proposal.workshop_id == workshop.id
    assert {b.id for b in proposal.barriers} == {barriers[0].id, barriers[2].id}
    assert proposal.service_ids == sorted({room["services"][0].id, room["services"][1].id})
    assert proposal.participant_id is not None and proposal.author_id is None
    board = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    assert 'lang="ar" dir="rtl">مترجم في مكتب السجل المدني وعند الطبيب' in board
    # The same form sent again (a double tap, a resend) is stored once.
    assert client.post(f"/w/{workshop.join_code}/proposals", data=data).status_code == 302
    assert _count() == 1


def test_a_proposal_without_a_barrier_comes_back_with_every_word(app, client, make):
    room = codesign_room(make)
    workshop = room["workshop"]
    join(client, workshop)
    page = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    data = proposal_fields(page, [], change="Moduli tradotti in dieci lingue 📄", timeline="Subito")
    response = client.post(f"/w/{workshop.join_code}/proposals", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Scegli almeno una barriera" in text or "Choose at least one barrier" in text
    assert "Moduli tradotti in dieci lingue 📄" in text and 'value="Subito"' in text
    assert _count() == 0


def test_proposals_are_written_only_during_the_proposal_round(app, client, make):
    room = codesign_room(make)
    workshop = room["workshop"]
    join(client, workshop)
    page = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    go_to(workshop, StepKind.PROPOSAL_VOTING)
    data = proposal_fields(page, room["barriers"][:1], change="Sportello aperto il sabato")
    response = client.post(f"/w/{workshop.join_code}/proposals", data=data)
    assert response.status_code == 422
    assert "Sportello aperto il sabato" in response.get_data(as_text=True)
    assert _count() == 0


def test_associations_operators_and_facilitators_write_outside_the_room(app, make, login):
    room = codesign_room(make, slug="alpha")
    process_id = room["workshop"].process_id
    for person in ("member", "operator"):
        client = login(room[person])
        page = client.get(f"/t/alpha/processes/{process_id}/proposals/new").get_data(as_text=True)
        data = proposal_fields(page, room["barriers"][1:2], change=f"Proposta di {person}")
        assert client.post(f"/t/alpha/processes/{process_id}/proposals/new", data=data).status_code == 302
    facilitator = login(room["facilitator"])
    page = facilitator.get(f"/t/alpha/workshops/{room['workshop'].id}/proposals/new").get_data(as_text=True)
    data = proposal_fields(page, room["barriers"][:2], change="Proposta della sala")
    assert (
        facilitator.post(f"/t/alpha/workshops/{room['workshop'].id}/proposals/new", data=data).status_code
        == 302
    )
    by_change = {p.change: p for p in db.session.scalars(select(Proposal))}
    assert by_change["Proposta di member"].organisation_id == room["association"].id
    assert by_change["Proposta di member"].author_id == room["member"].id
    assert by_change["Proposta di operator"].author_id == room["operator"].id
    assert by_change["Proposta della sala"].entered_by_facilitator
    assert by_change["Proposta della sala"].workshop_id == room["workshop"].id
    listing = facilitator.get(f"/t/alpha/processes/{process_id}/proposals").get_data(as_text=True)
    assert all(change in listing for change in by_change)
    # A translator may read but not write proposals.
    from toolkit.access import Role

    translator = login(make.user(Role.TRANSLATOR, room["territory"]))
    assert translator.get(f"/t/alpha/processes/{process_id}/proposals").status_code == 200
    assert translator.get(f"/t/alpha/processes/{process_id}/proposals/new").status_code == 403


def test_two_concurrent_edits_the_second_sees_both_versions_and_nothing_is_lost(app, make, login):
    room = codesign_room(make, slug="alpha")
    proposal = make.proposal_for(room["workshop"], room["barriers"][:1], change="Un mediatore il lunedì")
    first, second = login(room["facilitator"]), login(room["operator"])
    url = f"/t/alpha/proposals/{proposal.id}/edit"
    first_page, second_page = first.get(url).get_data(as_text=True), second.get(url).get_data(as_text=True)
    assert VERSION.search(first_page).group(1) == VERSION.search(second_page).group(1) == "1"

    first_data = proposal_fields(
        first_page, room["barriers"][:2], change="Un mediatore il lunedì e il giovedì"
    )
    assert first.post(url, data={**first_data, "version": "1"}).status_code == 302
    second_data = proposal_fields(
        second_page, room["barriers"][:1], change="Un mediatore il lunedì, con un numero di telefono"
    )
    refused = second.post(url, data={**second_data, "version": "1"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Un mediatore il lunedì e il giovedì" in page  # what the first saved
    assert "Un mediatore il lunedì, con un numero di telefono" in page  # what the second typed, kept
    db.session.refresh(proposal)
    assert proposal.change == "Un mediatore il lunedì e il giovedì" and proposal.version == 2
    assert len(proposal.barriers) == 2

    # Having seen both, the second saves on the current version.
    assert VERSION.search(page).group(1) == "2"
    assert second.post(url, data={**second_data, "version": "2"}).status_code == 302
    db.session.refresh(proposal)
    assert proposal.change == "Un mediatore il lunedì, con un numero di telefono"
    assert proposal.version == 3 and proposal.updated_by_id == room["operator"].id


def test_a_race_between_the_check_and_the_write_is_still_a_conflict(app, make, login, monkeypatch):
    """Two saves that both pass the version check: the database's version check refuses the second."""
    from toolkit.codesign import operations

    room = codesign_room(make, slug="alpha")
    proposal = make.proposal_for(room["workshop"], room["barriers"][:1], change="Orari più lunghi")
    client = login(room["facilitator"])
    url = f"/t/alpha/proposals/{proposal.id}/edit"
    page = client.get(url).get_data(as_text=True)
    original = operations.save_proposal

    def someone_saves_first(item, **kwargs):
        with db.engine.begin() as other_connection:  # another request, committed in between
            other_connection.execute(
                Proposal.__table__.update()
                .where(Proposal.__table__.c.id == item.id)
                .values(change="Salvato da un'altra persona", version=item.version + 1)
            )
        return original(item, **kwargs)

    monkeypatch.setattr(operations, "save_proposal", someone_saves_first)
    response = client.post(
        url, data={**proposal_fields(page, room["barriers"][:1], change="Mia versione"), "version": "1"}
    )
    assert response.status_code == 409
    assert "Mia versione" in response.get_data(as_text=True)
    assert "Salvato da un&#39;altra persona" in response.get_data(as_text=True)


def test_who_may_change_a_proposal(app, make, login):
    room = codesign_room(make, slug="alpha")
    other = make.organisation(room["territory"], name="Altra associazione")
    proposal = make.proposal_for(room["workshop"], room["barriers"][:1], author_id=room["facilitator"].id)
    member = login(room["member"])
    assert member.get(f"/t/alpha/proposals/{proposal.id}/edit").status_code == 403
    proposal.organisation_id = room["association"].id
    db.session.commit()
    assert member.get(f"/t/alpha/proposals/{proposal.id}/edit").status_code == 200
    proposal.organisation_id = other.id
    db.session.commit()
    assert member.post(f"/t/alpha/proposals/{proposal.id}/edit", data={"change": "x"}).status_code == 403
    assert login(room["operator"]).get(f"/t/alpha/proposals/{proposal.id}/edit").status_code == 200


def test_participants_change_and_withdraw_their_own_proposals_only(app, client, make):
    room = codesign_room(make)
    workshop = room["workshop"]
    join(client, workshop)
    page = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    client.post(f"/w/{workshop.join_code}/proposals", data=proposal_fields(page, room["barriers"][:1]))
    mine = db.session.scalar(select(Proposal))
    someone_else = make.proposal_for(workshop, room["barriers"][1:2], change="Di un'altra persona")

    edit = client.get(f"/w/{workshop.join_code}/proposals/{mine.id}/edit").get_data(as_text=True)
    data = {**proposal_fields(edit, room["barriers"][:2], change="Cambiata da me"), "version": "1"}
    assert client.post(f"/w/{workshop.join_code}/proposals/{mine.id}/edit", data=data).status_code == 302
    db.session.refresh(mine)
    assert mine.change == "Cambiata da me" and len(mine.barriers) == 2
    assert client.get(f"/w/{workshop.join_code}/proposals/{someone_else.id}/edit").status_code == 403
    assert client.post(f"/w/{workshop.join_code}/proposals/{someone_else.id}/withdraw").status_code == 403
    assert client.post(f"/w/{workshop.join_code}/proposals/{mine.id}/withdraw").status_code == 302
    db.session.refresh(mine)
    assert mine.status is ProposalStatus.WITHDRAWN
    assert "Cambiata da me" not in client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)


def test_a_hidden_proposal_leaves_the_board_and_its_author_reads_why(app, client, make, login):
    room = codesign_room(make, slug="alpha")
    workshop = room["workshop"]
    join(client, workshop)
    page = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    client.post(
        f"/w/{workshop.join_code}/proposals",
        data=proposal_fields(page, room["barriers"][:1], change="Telefono del funzionario Rossi"),
    )
    proposal = db.session.scalar(select(Proposal))
    facilitator = login(room["facilitator"])
    response = facilitator.post(f"/t/alpha/proposals/{proposal.id}/hide", data={"reason": "Contiene un nome"})
    assert response.status_code == 302
    assert "Telefono del funzionario Rossi" not in client.get(f"/w/{workshop.join_code}/now").get_data(
        as_text=True
    )
    assert "Contiene un nome" in client.get(f"/w/{workshop.join_code}/mine").get_data(as_text=True)
    facilitator.post(f"/t/alpha/proposals/{proposal.id}/show")
    db.session.refresh(proposal)
    assert proposal.status is ProposalStatus.NEW and proposal.hidden_reason == ""


def test_hidden_things_stay_hidden_from_those_who_do_not_moderate(app, client, make, login):
    from toolkit.access import Role
    from toolkit.barriers.models import BarrierStatus

    room = codesign_room(make, slug="alpha")
    workshop, barriers = room["workshop"], room["barriers"]
    shown = make.proposal_for(workshop, barriers[:2], change="Proposta visibile")
    hidden = make.proposal_for(workshop, barriers[2:], change="Proposta nascosta")
    hidden.status = ProposalStatus.HIDDEN
    barriers[1].status = BarrierStatus.WITHDRAWN  # its author took it back
    db.session.commit()
    join(client, workshop)
    phone = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    assert "Proposta visibile" in phone and "Proposta nascosta" not in phone
    assert barriers[1].text.replace("'", "&#39;") not in phone
    translator = login(make.user(Role.TRANSLATOR, room["territory"]))
    listing = translator.get(f"/t/alpha/processes/{workshop.process_id}/proposals").get_data(as_text=True)
    assert "Proposta visibile" in listing and "Proposta nascosta" not in listing
    assert translator.get(f"/t/alpha/proposals/{hidden.id}").status_code == 404
    facilitator = login(room["facilitator"])
    assert "Proposta nascosta" in facilitator.get(
        f"/t/alpha/processes/{workshop.process_id}/proposals"
    ).get_data(as_text=True)
    # An edit keeps the link to the withdrawn barrier, which the form no longer offers.
    page = facilitator.get(f"/t/alpha/proposals/{shown.id}/edit").get_data(as_text=True)
    data = {**proposal_fields(page, barriers[:1], change="Proposta cambiata"), "version": "1"}
    assert facilitator.post(f"/t/alpha/proposals/{shown.id}/edit", data=data).status_code == 302
    db.session.refresh(shown)
    assert {b.id for b in shown.barriers} == {barriers[0].id, barriers[1].id}


def test_a_refused_proposal_after_the_room_moved_on_still_gives_the_words_back(app, client, make):
    room = codesign_room(make)
    workshop = room["workshop"]
    join(client, workshop)
    page = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    go_to(workshop, StepKind.PROPOSAL_GRID)
    data = proposal_fields(page, [], change="Testo da non perdere", csrf_token="scaduto")
    response = client.post(f"/w/{workshop.join_code}/proposals", data=data)
    assert response.status_code == 400
    assert "Testo da non perdere" in response.get_data(as_text=True)
    data.pop("csrf_token")  # the token is fine: only the room moved on
    response = client.post(f"/w/{workshop.join_code}/proposals", data=data)
    assert response.status_code == 422
    assert "Testo da non perdere" in response.get_data(as_text=True)


def test_joining_duplicate_barriers_moves_the_proposals_to_the_one_kept(app, make, login):
    room = codesign_room(make, slug="alpha")
    workshop, barriers = room["workshop"], room["barriers"]
    both = make.proposal_for(workshop, barriers[:2], change="Risponde a entrambe")
    one = make.proposal_for(workshop, barriers[1:2], change="Risponde al duplicato")
    facilitator = login(room["facilitator"])
    response = facilitator.post(
        f"/t/alpha/workshops/{workshop.id}/barriers/{barriers[1].id}/merge", data={"into": barriers[0].id}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [b.id for b in db.session.get(Proposal, both.id).barriers] == [barriers[0].id]
    assert [b.id for b in db.session.get(Proposal, one.id).barriers] == [barriers[0].id]
