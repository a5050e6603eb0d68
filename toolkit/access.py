"""Who may do what, where: roles, permissions, and the territory scope every request reads through.

Every view declares its access rule with :func:`access`. One ``before_request`` hook enforces the rule for every
route and sets the request's *scope*: the territories whose rows the request may read. The ORM hook below adds that
scope to every query of a :class:`TerritoryScoped` model, so a view cannot reach another territory's rows even by
forgetting a filter. A view without a declared rule is refused.
"""

from __future__ import annotations

import enum
import functools
import weakref
from collections.abc import Callable, Iterable

from flask import abort, current_app, g, has_request_context, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import Mapped, Session, mapped_column, with_loader_criteria
from werkzeug.exceptions import HTTPException
from wtforms.validators import ValidationError

from .extensions import csrf, login_manager


class Role(enum.StrEnum):
    """Roles are held per territory, except the network coordinator's, held per network."""

    COORDINATOR = "coordinator"
    FACILITATOR = "facilitator"
    ASSOCIATION_MEMBER = "association_member"
    OPERATOR = "operator"
    TRANSLATOR = "translator"
    ADDRESSEE = "addressee"
    NETWORK_COORDINATOR = "network_coordinator"


TERRITORY_ROLES = tuple(role for role in Role if role is not Role.NETWORK_COORDINATOR)


class Permission(enum.StrEnum):
    """What a person may do inside one territory."""

    #: The territory's shared pages: its dashboard, the catalogue of services and barrier categories, the
    #: organisations, the consent text and the workshop steps.
    VIEW_TERRITORY = "view_territory"
    #: The processes: workshops, evidence and testimonies, proposals, synthesis, draft recommendations, issued
    #: versions and every document.
    VIEW_PROCESSES = "view_processes"
    #: The issued recommendations addressed to one's own organisation, and its letters.
    RECEIVE_RECOMMENDATIONS = "receive_recommendations"
    MANAGE_CATALOGUE = "manage_catalogue"
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_PEOPLE = "manage_people"
    MANAGE_TERRITORY = "manage_territory"
    RUN_WORKSHOPS = "run_workshops"
    SUBMIT_INPUT = "submit_input"
    WRITE_PROPOSALS = "write_proposals"
    ASSESS_FEASIBILITY = "assess_feasibility"
    TRANSLATE = "translate"
    #: The follow-up of a process: every body's answers, the letters' answer links, forwarding a recommendation
    #: a body says is not its competence.
    FOLLOW_UP = "follow_up"
    #: Publishing a process's results (its public page and open data), and withdrawing them.
    PUBLISH_RESULTS = "publish_results"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.COORDINATOR: frozenset(Permission),
    Role.FACILITATOR: frozenset(
        {
            Permission.VIEW_TERRITORY,
            Permission.VIEW_PROCESSES,
            Permission.RUN_WORKSHOPS,
            Permission.SUBMIT_INPUT,
            Permission.WRITE_PROPOSALS,
            # On behalf of an operator's organisation, named with each assessment.
            Permission.ASSESS_FEASIBILITY,
            Permission.TRANSLATE,
            Permission.FOLLOW_UP,
        }
    ),
    # Members send their organisation's input and review the drafts in its name (toolkit.recommendations.review).
    Role.ASSOCIATION_MEMBER: frozenset(
        {
            Permission.VIEW_TERRITORY,
            Permission.VIEW_PROCESSES,
            Permission.SUBMIT_INPUT,
            Permission.WRITE_PROPOSALS,
        }
    ),
    # Operators assess feasibility only for the services their organisation runs (see toolkit.codesign).
    Role.OPERATOR: frozenset(
        {
            Permission.VIEW_TERRITORY,
            Permission.VIEW_PROCESSES,
            Permission.WRITE_PROPOSALS,
            Permission.ASSESS_FEASIBILITY,
        }
    ),
    Role.TRANSLATOR: frozenset({Permission.VIEW_TERRITORY, Permission.VIEW_PROCESSES, Permission.TRANSLATE}),
    # The bodies recommendations are addressed to read what is addressed to them, not how the process got there:
    # no evidence, testimonies, proposals or drafts, and no other body's letter (see toolkit.answers).
    Role.ADDRESSEE: frozenset({Permission.VIEW_TERRITORY, Permission.RECEIVE_RECOMMENDATIONS}),
    # Network coordinators read across the territories of their network; they manage nothing inside them.
    Role.NETWORK_COORDINATOR: frozenset({Permission.VIEW_TERRITORY, Permission.VIEW_PROCESSES}),
}


class Rule(enum.StrEnum):
    """Access rules that do not depend on a territory."""

    PUBLIC = "public"  #: anyone, logged in or not
    USER = "user"  #: any logged-in person
    ADMIN = "admin"  #: site administrators only
    NETWORK = "network"  #: coordinators of the network named in the URL
    PARTICIPANT = "participant"  #: anyone, inside the workshop whose code is in the URL (and nothing else)


#: The methods that change nothing, and so carry no CSRF token.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
#: The status of a form page whose form refused its CSRF token (see :func:`toolkit.forms.form_status`).
FORM_REFUSED_TOKEN = 400

#: The scope of a request that may read every territory (site administration, command line).
ALL_TERRITORIES = None


class TerritoryScoped:
    """Mixin for every model whose rows belong to one territory."""

    #: The territory this row belongs to.
    territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id", ondelete="CASCADE"), index=True)


def access(rule: Rule | Permission) -> Callable:
    """Declare who may call a view; enforced for every request by :func:`enforce_access`."""

    def decorate(view):
        view.access_rule = rule
        return view

    return decorate


def form_page(view):
    """Mark a view whose POST is a :class:`~toolkit.forms.BaseForm` that checks its own CSRF token.

    Such a view re-renders the form with everything typed and a fresh token when the token is missing or expired,
    instead of the bare refusal page that the global check gives. Any other answer it would give to that request
    (a refusal of the person, a redirect) becomes the bare refusal page: a forged request is refused as such,
    whoever sends it, without the view checking the token itself.
    """

    @functools.wraps(view)
    def refuse_forged_unless_answered_by_form(*args, **kwargs):
        forged = _token_refusal()
        if forged is None:
            return view(*args, **kwargs)
        try:
            answer = current_app.make_response(view(*args, **kwargs))
        except HTTPException:
            raise forged from None
        if answer.status_code != FORM_REFUSED_TOKEN:
            raise forged
        return answer

    refuse_forged_unless_answered_by_form.csrf_in_form = True
    return refuse_forged_unless_answered_by_form


def _token_refusal() -> CSRFError | None:
    """The refusal of a state-changing request whose form carries no valid CSRF token (checked as its form checks
    it), or None."""
    if request.method in SAFE_METHODS or not current_app.config["WTF_CSRF_ENABLED"]:
        return None
    try:
        validate_csrf(request.form.get(current_app.config["WTF_CSRF_FIELD_NAME"]))
    except ValidationError as error:
        return CSRFError(error.args[0])
    return None


def permissions_in(user, territory) -> frozenset[Permission]:
    """The permissions ``user`` holds in ``territory``, through territory roles or network roles."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_admin:
        return frozenset(Permission)
    granted: set[Permission] = set()
    network_ids = {network.id for network in territory.networks}
    for assignment in user.role_assignments:
        if assignment.territory_id == territory.id or (
            assignment.network_id is not None and assignment.network_id in network_ids
        ):
            granted |= ROLE_PERMISSIONS[assignment.role]
    return frozenset(granted)


def can(permission: Permission) -> bool:
    """True when the current person holds ``permission`` in the territory of this request.

    Only a :class:`Permission` is accepted (templates have ``Permission`` too): a misspelt name would otherwise
    read as a permission nobody holds, and hide its link from everyone without a word.
    """
    if not isinstance(permission, Permission):
        raise TypeError(f"can() takes a Permission, not {permission!r}")
    return permission in g.get("permissions", frozenset())


def enforce_access():
    """Apply the declared rule of the requested view, and set the territory scope of the request."""
    g.scope = ()  # no territory rows until a rule grants some
    if request.endpoint is None:
        return None  # 404 or 405 follows
    view = current_app.view_functions[request.endpoint]
    if request.endpoint == "static":
        return None
    if request.method not in SAFE_METHODS and not getattr(view, "csrf_in_form", False):
        csrf.protect()
    rule = getattr(view, "access_rule", None)
    if rule is None:
        current_app.logger.error("view %s declares no access rule", request.endpoint)
        abort(403)
    return _apply_rule(rule)


def _apply_rule(rule: Rule | Permission):
    """Refuse the request unless the current person passes ``rule``; set the request's territory scope."""
    if rule is Rule.PUBLIC:
        if g.get("workshop") is not None:
            # A public page of a workshop (its join page) reads only its territory's rows.
            g.scope = (g.workshop.territory_id,)
        return None
    if rule is Rule.PARTICIPANT:
        # Anonymous participants: the workshop named by its code in the URL, and only its territory's rows.
        workshop = g.get("workshop")
        if workshop is None:
            abort(404)
        g.scope = (workshop.territory_id,)
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if rule is Rule.USER:
        return None
    if rule is Rule.ADMIN:
        if not current_user.is_admin:
            abort(403)
        g.scope = ALL_TERRITORIES
        return None
    if rule is Rule.NETWORK:
        network = g.get("network")
        if network is None or not (current_user.is_admin or current_user.coordinates_network(network)):
            abort(403)
        g.scope = tuple(territory.id for territory in network.territories)
        return None
    territory = g.get("territory")
    if territory is None:
        abort(404)
    g.permissions = permissions_in(current_user, territory)
    if rule not in g.permissions:
        abort(403)
    g.scope = (territory.id,)
    return None


def admit_return_code_holder(participant) -> None:
    """A return code identifies its participant: the request may then read that participant's territory.

    The one other way, besides the rules above, that a request is given a territory: the pages where someone
    comes back with their return code, on a phone that may not be the one they joined with.
    """
    g.scope = (participant.territory_id,)


def admit_holder_of(record: TerritoryScoped) -> None:
    """A public page opened with what ``record`` stands for (a letter's answer link, a published process) may
    read ``record``'s territory: the other way, with :func:`admit_return_code_holder`, that a request without a
    role is given a territory. Call it only once ``record`` has been found by its credential."""
    g.scope = (record.territory_id,)


def current_scope() -> Iterable[int] | None:
    """Territory ids the current request may read; ``None`` means all (outside requests, or administrators)."""
    if not has_request_context():
        return ALL_TERRITORIES
    return g.get("scope", ())


@event.listens_for(Session, "do_orm_execute")
def _scope_to_territories(execute_state):
    """Add the request's territory scope to every ORM query of a territory-scoped model."""
    if not execute_state.is_select or execute_state.execution_options.get("all_territories", False):
        return
    scope = current_scope()
    if scope is ALL_TERRITORIES:
        return
    execute_state.statement = _scoped(execute_state.statement, tuple(scope))


#: The statements of the queries built once (see :func:`_scoped`), with the criteria of each scope they ran in.
_SCOPED_STATEMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _scoped(statement, scope: tuple[int, ...]):
    """``statement`` with the criteria of ``scope``, made once for each statement and scope: a query built once
    and run by every phone then keeps one statement per territory, whose cache key SQLAlchemy works out once
    instead of at every execution."""
    by_scope = _SCOPED_STATEMENTS.get(statement)
    if by_scope is None:
        by_scope = _SCOPED_STATEMENTS[statement] = {}
    scoped = by_scope.get(scope)
    if scoped is None:
        scoped = by_scope[scope] = statement.options(_scope_criteria(scope))
    return scoped


@functools.lru_cache(maxsize=1024)
def _scope_criteria(territory_ids: tuple[int, ...]):
    """The criteria of one scope, built once and shared: building them (SQLAlchemy analyses the lambda each time)
    cost more than many of the queries they go into."""
    return with_loader_criteria(
        TerritoryScoped,
        lambda cls: cls.territory_id.in_(territory_ids),
        include_aliases=True,
    )
