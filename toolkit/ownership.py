"""Which records are a person's to touch: the object-level rules next to the permissions of :mod:`toolkit.access`.

:mod:`toolkit.access` says what a person may do inside a territory; this module says which of its records are
theirs: the organisation they speak for, the barriers and proposals a participant wrote. The rules about one
feature's records sit in that feature, beside its models, as :mod:`toolkit.codesign.ownership` for proposals
(which proposals a person may change, which services' feasibility they may assess). Each rule is a predicate (for a page that shows or hides a
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

from .extensions import db

if TYPE_CHECKING:
    from .accounts.models import User
    from .territories.models import Organisation, OrganisationKind, Territory
    from .workshops.models import Participant

#: A barrier or a proposal: a record a participant may have written.
Contribution = TypeVar("Contribution", bound=db.Model)


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
