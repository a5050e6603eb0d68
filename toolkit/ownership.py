"""Which records are a person's to touch: the object-level rules next to the permissions of :mod:`toolkit.access`.

:mod:`toolkit.access` says what a person may do inside a territory; this module says which of its records are
theirs: the proposals they may change, the services whose feasibility they may assess, the organisation they speak
for, the barriers and proposals a participant wrote. Each rule is a predicate (for a page that shows or hides a
link) and, where a view needs one, a loader that fetches the record and refuses the request when it is not the
person's: 403, or 404 when they may not even learn that it exists.

A form page's POST whose CSRF token fails is refused as forged rather than with these answers (see
:func:`toolkit.access.form_page`), so the loaders need not check the token themselves.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, NoReturn, TypeVar

from flask import abort, g, make_response, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .access import Permission
from .barriers.models import Barrier
from .codesign.models import Proposal
from .extensions import db

if TYPE_CHECKING:
    from .accounts.models import User
    from .services.models import Service
    from .territories.models import Organisation, OrganisationKind, Territory
    from .workshops.models import Participant

#: A barrier or a proposal: a record a participant may have written.
Contribution = TypeVar("Contribution", bound=db.Model)

#: What the rules about a proposal read: the services of the barriers it answers.
PROPOSAL_RULES_READ = (selectinload(Proposal.barriers).selectinload(Barrier.service),)


def refuse(template: str | None = None, **context) -> NoReturn:
    """End the request with 403: ``template`` rendered with ``context`` to say why, or the common refusal page."""
    if template is None:
        abort(403)
    abort(make_response(render_template(template, **context), 403))


# --- organisations -----------------------------------------------------------------------------------------------


def organisation_spoken_for(
    user: User, territory: Territory | int, kinds: Collection[OrganisationKind] | None = None
) -> Organisation | None:
    """The organisation ``user`` speaks for in ``territory``: the one they work for there, when it is of one of
    ``kinds`` (of any kind when ``kinds`` is not given); None when they speak for none."""
    organisation = user.organisation_in(territory)
    if organisation is None or (kinds is not None and organisation.kind not in kinds):
        return None
    return organisation


def speaks_for(user: User, organisation: Organisation | None) -> bool:
    """True when ``user`` works for ``organisation``, and so writes and answers in its name."""
    if organisation is None:
        return False
    own = user.organisation_in(organisation.territory_id)
    return own is not None and own.id == organisation.id


def own_organisation_or_403(
    template: str | None = None, *, kinds: Collection[OrganisationKind] | None = None, **context
) -> Organisation:
    """The organisation the current person speaks for in the request's territory (see
    :func:`organisation_spoken_for`); a person who speaks for none is refused, with ``template`` when given."""
    organisation = organisation_spoken_for(current_user, g.territory, kinds)
    if organisation is None:
        refuse(template, **context)
    return organisation


# --- proposals and their feasibility ---------------------------------------------------------------------------


def assessable_services(user: User, permissions: Collection[Permission], proposal: Proposal) -> list[Service]:
    """The services of ``proposal`` for which ``user`` may record feasibility: facilitators for any of them
    (naming the operator's organisation), operators only for those their organisation runs."""
    services = {barrier.service_id: barrier.service for barrier in proposal.barriers}
    ordered = [services[service_id] for service_id in sorted(services)]
    if Permission.RUN_WORKSHOPS in permissions:
        return ordered
    organisation = user.organisation_in(proposal.territory_id)
    if Permission.ASSESS_FEASIBILITY not in permissions or organisation is None:
        return []
    return [service for service in ordered if service.owner_id == organisation.id]


def may_assess(
    user: User, permissions: Collection[Permission], proposal: Proposal, service_id: int | None
) -> bool:
    """True when ``user`` may record the feasibility of ``proposal`` for the service ``service_id``."""
    return any(service.id == service_id for service in assessable_services(user, permissions, proposal))


def may_edit_proposal(user: User, permissions: Collection[Permission], proposal: Proposal) -> bool:
    """Facilitators edit every proposal of their territory; operators those about the services their organisation
    runs (they co-design for their services); everyone who writes proposals, their own and their organisation's."""
    if Permission.RUN_WORKSHOPS in permissions:
        return True
    if Permission.WRITE_PROPOSALS not in permissions:
        return False
    if proposal.author_id == user.id:
        return True
    organisation = user.organisation_in(proposal.territory_id)
    if organisation is not None and proposal.organisation_id == organisation.id:
        return True
    return bool(assessable_services(user, permissions, proposal))


def readable_proposal_or_404(proposal_id: int, *options) -> Proposal:
    """A proposal the current person may open (loaded with ``options``): a hidden or withdrawn one only for the
    people who may edit it; for anyone else it does not exist (404)."""
    proposal = db.get_or_404(Proposal, proposal_id, options=[*PROPOSAL_RULES_READ, *options])
    if not proposal.is_visible and not may_edit_proposal(current_user, g.permissions, proposal):
        abort(404)
    return proposal


def editable_proposal_or_403(proposal_id: int, *options) -> Proposal:
    """A proposal the current person may change (loaded with ``options``); anyone else is refused (403)."""
    proposal = db.get_or_404(Proposal, proposal_id, options=[*PROPOSAL_RULES_READ, *options])
    if not may_edit_proposal(current_user, g.permissions, proposal):
        refuse()
    return proposal


def assessable_service_or_403(proposal: Proposal, service_id: int | None) -> Service:
    """The service ``service_id`` of ``proposal`` when the current person may record its feasibility; anyone
    else gets the page saying the service is not theirs to assess (403)."""
    for service in assessable_services(current_user, g.permissions, proposal):
        if service.id == service_id:
            return service
    refuse("codesign/not_your_service.html", proposal=proposal, process=proposal.process)


# --- participants' contributions -------------------------------------------------------------------------------


def wrote(participant: Participant, contribution) -> bool:
    """True when ``participant`` wrote ``contribution`` (a barrier or a proposal), from their phone or with their
    return code."""
    return contribution.participant_id is not None and contribution.participant_id == participant.id


def own_contribution_or_403(
    model: type[Contribution], record_id: int, participant: Participant
) -> Contribution:
    """The barrier or proposal ``record_id`` when ``participant`` wrote it; someone else's gets a clear page
    saying so (403), one that does not exist 404."""
    contribution = db.get_or_404(model, record_id)
    if not wrote(participant, contribution):
        workshop = g.get("workshop") or abort(404)
        refuse("live/not_yours.html", workshop=workshop, participant=participant)
    return contribution
