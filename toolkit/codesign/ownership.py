"""Which proposals are a person's to touch: the rules of co-design's records (see :mod:`toolkit.ownership` for
the rules every feature shares). Each rule is a predicate, for a page that shows or hides a link, and a loader
that fetches the proposal and refuses the request when it is not the person's."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from flask import abort, g
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..access import Permission
from ..barriers.models import Barrier
from ..extensions import db
from ..ownership import refuse
from .models import Proposal

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..services.models import Service

#: What the rules about a proposal read: the services of the barriers it answers.
PROPOSAL_RULES_READ = (selectinload(Proposal.barriers).selectinload(Barrier.service),)


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
