"""Which records are a person's to touch (toolkit/ownership.py): one test per rule, who may and who may not."""

from __future__ import annotations

import pytest
from flask import g
from werkzeug.exceptions import HTTPException

from toolkit.access import Permission, Role, can, permissions_in
from toolkit.codesign.models import ProposalStatus
from toolkit.codesign.ownership import assessable_services, may_assess, may_edit_proposal
from toolkit.extensions import db
from toolkit.ownership import organisation_spoken_for, own_contribution_or_403, speaks_for, wrote
from toolkit.territories.models import OrganisationKind
from toolkit.workshops.models import Participant, ParticipantRole

from .codesign.helpers import codesign_room


def _rules(user, territory):
    """``user`` with the permissions they hold in ``territory``, as a request would give them."""
    return user, permissions_in(user, territory)


def test_who_may_edit_a_proposal(app, make):
    room = codesign_room(make)
    territory = room["territory"]
    first, second = room["services"]
    # Written by a facilitator for the room, about the second service only: nobody's own but the writer's.
    proposal = make.proposal_for(room["workshop"], room["barriers"][2:], author_id=room["facilitator"].id)
    writer = make.user(Role.ASSOCIATION_MEMBER, territory)
    other_member = make.user(Role.ASSOCIATION_MEMBER, territory)
    make.membership(other_member, make.organisation(territory, "Altra associazione"))
    translator = make.user(Role.TRANSLATOR, territory)

    assert may_edit_proposal(*_rules(room["facilitator"], territory), proposal)
    assert not may_edit_proposal(*_rules(room["member"], territory), proposal)
    assert not may_edit_proposal(*_rules(room["operator"], territory), proposal)  # not their service
    assert not may_edit_proposal(*_rules(other_member, territory), proposal)
    proposal.author_id = writer.id
    proposal.organisation_id = room["association"].id
    db.session.commit()
    assert may_edit_proposal(*_rules(writer, territory), proposal)  # their own
    assert may_edit_proposal(*_rules(room["member"], territory), proposal)  # their organisation's
    assert not may_edit_proposal(*_rules(other_member, territory), proposal)
    assert not may_edit_proposal(*_rules(translator, territory), proposal)  # writes no proposals
    about_first = make.proposal_for(room["workshop"], room["barriers"][:1])
    assert may_edit_proposal(*_rules(room["operator"], territory), about_first)  # their organisation runs it
    assert first.owner_id != second.owner_id


def test_who_may_assess_which_service_of_a_proposal(app, make):
    room = codesign_room(make)
    territory = room["territory"]
    first, second = room["services"]
    both = make.proposal_for(room["workshop"], [room["barriers"][0], room["barriers"][2]])

    assert assessable_services(*_rules(room["facilitator"], territory), both) == [first, second]
    assert assessable_services(*_rules(room["operator"], territory), both) == [first]
    assert assessable_services(*_rules(room["member"], territory), both) == []
    assert may_assess(*_rules(room["operator"], territory), both, first.id)
    assert not may_assess(*_rules(room["operator"], territory), both, second.id)
    assert not may_assess(*_rules(room["operator"], territory), both, None)
    # An operator who works for no organisation assesses nothing.
    loner = make.user(Role.OPERATOR, territory)
    assert assessable_services(*_rules(loner, territory), both) == []


def test_who_speaks_for_an_organisation(app, make):
    room = codesign_room(make)
    territory, association = room["territory"], room["association"]
    elsewhere = make.territory()
    namesake = make.organisation(elsewhere, association.name)

    assert speaks_for(room["member"], association)
    assert not speaks_for(room["member"], namesake)  # the same name in another territory is not theirs
    assert not speaks_for(room["facilitator"], association)
    assert not speaks_for(room["member"], None)
    assert organisation_spoken_for(room["member"], territory) == association
    assert organisation_spoken_for(room["member"], elsewhere) is None
    assert organisation_spoken_for(room["facilitator"], territory) is None
    # Only organisations of the kinds asked for: an operator's service owner reviews no drafts.
    reviewing = (OrganisationKind.ASSOCIATION, OrganisationKind.THIRD_SECTOR)
    assert organisation_spoken_for(room["member"], territory, reviewing) == association
    assert organisation_spoken_for(room["operator"], territory) is not None
    assert organisation_spoken_for(room["operator"], territory, reviewing) is None


def _participant(workshop) -> Participant:
    participant = Participant(
        territory_id=workshop.territory_id,
        workshop_id=workshop.id,
        role=ParticipantRole.RESIDENT,
        languages=["it"],
        consent_version="test",
    )
    db.session.add(participant)
    db.session.commit()
    return participant


def test_who_wrote_a_contribution(app, make):
    workshop = make.live_workshop(make.territory())
    ids = make.contributions(workshop)
    author = db.session.get(Participant, ids["participant_id"])
    someone_else = _participant(workshop)
    from toolkit.barriers.models import Barrier
    from toolkit.codesign.models import Proposal

    for model, key in ((Barrier, "barrier_id"), (Proposal, "proposal_id")):
        record = db.session.get(model, ids[key])
        assert wrote(author, record)
        assert not wrote(someone_else, record)
    # Typed in by a facilitator: no participant wrote it.
    typed_in = make.proposal_for(workshop, [db.session.get(Barrier, ids["barrier_id"])])
    assert not wrote(someone_else, typed_in)


def test_someone_elses_contribution_gets_the_not_yours_page(app, make):
    from toolkit.barriers.models import Barrier

    workshop = make.live_workshop(make.territory())
    ids = make.contributions(workshop)
    author = db.session.get(Participant, ids["participant_id"])
    someone_else = _participant(workshop)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        g.workshop, g.scope = workshop, (workshop.territory_id,)  # as the participant rule sets them
        assert own_contribution_or_403(Barrier, ids["barrier_id"], author).id == ids["barrier_id"]
        with pytest.raises(HTTPException) as refused:
            own_contribution_or_403(Barrier, ids["barrier_id"], someone_else)
        page = refused.value.get_response()
        assert page.status_code == 403
        assert "This is not your contribution" in page.get_data(as_text=True)
        with pytest.raises(HTTPException) as missing:
            own_contribution_or_403(Barrier, ids["barrier_id"] + 1000, author)
        assert missing.value.code == 404


def test_a_hidden_proposal_opens_only_for_those_who_may_edit_it(app, make, login):
    room = codesign_room(make, slug="alpha")
    proposal = make.proposal_for(room["workshop"], room["barriers"][2:], author_id=room["member"].id)
    proposal.status = ProposalStatus.HIDDEN
    db.session.commit()
    url = f"/t/alpha/proposals/{proposal.id}"
    assert login(room["member"]).get(url).status_code == 200  # its author
    assert login(room["facilitator"]).get(url).status_code == 200
    assert (
        login(room["operator"]).get(url).status_code == 404
    )  # not their service: it does not exist for them


def test_can_takes_permissions_only(app):
    with app.test_request_context():
        g.permissions = frozenset({Permission.RUN_WORKSHOPS})
        assert can(Permission.RUN_WORKSHOPS)
        assert not can(Permission.MANAGE_PEOPLE)
        with pytest.raises(TypeError):
            can("run_workshops")  # the right name as a string: refused too, so a misspelt one cannot pass
