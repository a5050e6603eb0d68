"""Site administration (territories, networks), network overviews, and a territory's dashboard,
organisations and people."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from ..access import Permission, Role, Rule, access, form_page
from ..accounts import operations as accounts
from ..accounts.models import RoleAssignment, User
from ..extensions import db
from ..forms import render_form, saving
from ..services.models import BarrierCategory, Service
from . import operations
from .forms import (
    ConsentTextForm,
    InvitationForm,
    NetworkCoordinatorForm,
    NetworkForm,
    OrganisationForm,
    PersonRolesForm,
    TerritoryForm,
)
from .models import Network, Organisation, OrganisationKind, Territory, TerritoryInvitation

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")
network_bp = Blueprint("networks", __name__, url_prefix="/n/<network_slug>")
territory_bp = Blueprint("territories", __name__, url_prefix="/t/<territory_slug>")


# --- site administration -------------------------------------------------------------------------------------


def _all_territories():
    return db.session.scalars(db.select(Territory).order_by(Territory.name)).all()


def _slug_taken(model, slug: str, current=None) -> bool:
    existing = db.session.scalar(db.select(model).where(model.slug == slug))
    return existing is not None and existing is not current


@admin_bp.get("/")
@access(Rule.ADMIN)
def overview():
    networks = db.session.scalars(db.select(Network).order_by(Network.name)).all()
    return render_template("admin/overview.html", territories=_all_territories(), networks=networks)


@admin_bp.route("/territories/new", methods=["GET", "POST"])
@access(Rule.ADMIN)
@form_page
def new_territory():
    form = TerritoryForm()
    if form.validate_on_submit():
        if _slug_taken(Territory, form.slug.data):
            form.slug.errors.append(_("This short name is already used."))
        else:
            with saving(form) as outcome:
                territory = operations.create_territory(
                    form.slug.data, form.name.data, form.region.data or "", form.default_locale.data
                )
            if outcome.saved:
                flash(
                    _("The territory is created with the default services and barrier categories."), "success"
                )
                return redirect(url_for("territories.dashboard", territory_slug=territory.slug))
    return render_form("admin/territory_form.html", form)


@admin_bp.route("/networks/new", methods=["GET", "POST"])
@access(Rule.ADMIN)
@form_page
def new_network():
    form = NetworkForm(territories=_all_territories())
    if form.validate_on_submit():
        if _slug_taken(Network, form.slug.data):
            form.slug.errors.append(_("This short name is already used."))
        else:
            with saving(form) as outcome:
                chosen = [t for t in _all_territories() if t.id in form.territories.data]
                network = operations.create_network(
                    form.slug.data, form.name.data, form.description.data or "", chosen
                )
            if outcome.saved:
                flash(_("The network is created."), "success")
                return redirect(url_for("admin.edit_network", network_slug=network.slug))
    return render_form("admin/network_form.html", form)


@admin_bp.route("/networks/<network_slug>", methods=["GET", "POST"])
@access(Rule.ADMIN)
@form_page
def edit_network():
    network = g.network
    form = NetworkForm(obj=network, territories=_all_territories())
    if not form.is_submitted():
        form.territories.data = [t.id for t in network.territories]
    if form.validate_on_submit():
        if _slug_taken(Network, form.slug.data, network):
            form.slug.errors.append(_("This short name is already used."))
        else:
            with saving(form) as outcome:
                network.name, network.slug = form.name.data, form.slug.data
                network.description = form.description.data or ""
                operations.set_network_territories(
                    network, [t for t in _all_territories() if t.id in form.territories.data]
                )
            if outcome.saved:
                flash(_("The network is saved."), "success")
                return redirect(url_for("admin.edit_network", network_slug=network.slug))
    return _network_page(network, form, NetworkCoordinatorForm(formdata=None))


def _network_page(network: Network, form: NetworkForm, coordinator_form: NetworkCoordinatorForm):
    coordinators = db.session.scalars(
        db.select(User)
        .join(RoleAssignment)
        .where(RoleAssignment.network_id == network.id)
        .order_by(User.name)
    ).all()
    return render_form(
        "admin/network_form.html",
        form,
        coordinator_form,
        coordinator_form=coordinator_form,
        coordinators=coordinators,
    )


@admin_bp.route("/networks/<network_slug>/coordinators", methods=["POST"])
@access(Rule.ADMIN)
@form_page
def add_network_coordinator():
    network = g.network
    form = NetworkCoordinatorForm()
    if form.validate_on_submit():
        with saving(form) as outcome:
            user = accounts.find_user(form.email.data)
            if user is None:
                user = accounts.create_user(form.email.data, form.name.data)
            accounts.grant_role(user, Role.NETWORK_COORDINATOR, network=network)
        if outcome.saved:
            # A link only for an account that never had a password and that no territory created: a territory's
            # new account gets its link from that territory's invitation.
            if not user.has_password and user.created_by_territory_id is None:
                _hand_over(*accounts.send_link(user, accounts.INVITATION), email=user.email)
            else:
                flash(_("%(email)s is now a coordinator of this network.", email=user.email), "success")
            return redirect(url_for("admin.edit_network", network_slug=network.slug))
    network_form = NetworkForm(formdata=None, obj=network, territories=_all_territories())
    network_form.territories.data = [t.id for t in network.territories]
    return _network_page(network, network_form, form)


def _hand_over(link: str, sent: bool, *, email: str) -> None:
    """Say that the invitation was e-mailed; when no mail server is set, hand its link to the inviter."""
    if sent:
        flash(_("An invitation was sent to %(email)s.", email=email), "success")
    else:
        flash(link, "invitation-link")


# --- networks --------------------------------------------------------------------------------------------------


@network_bp.get("/")
@access(Rule.NETWORK)
def network_overview():
    """The territories of a network side by side."""
    territory_ids = [t.id for t in g.network.territories]
    services = dict(
        db.session.execute(
            db.select(Service.territory_id, func.count())
            .where(Service.archived_at.is_(None), Service.territory_id.in_(territory_ids))
            .group_by(Service.territory_id)
        ).all()
    )
    organisations = dict(
        db.session.execute(
            db.select(Organisation.territory_id, func.count())
            .where(Organisation.territory_id.in_(territory_ids))
            .group_by(Organisation.territory_id)
        ).all()
    )
    return render_template("networks/overview.html", services=services, organisations=organisations)


# --- a territory -----------------------------------------------------------------------------------------------


@territory_bp.get("/")
@access(Permission.VIEW_TERRITORY)
def dashboard():
    counts = {
        "services": db.session.scalar(
            db.select(func.count()).select_from(Service).where(Service.archived_at.is_(None))
        ),
        "categories": db.session.scalar(
            db.select(func.count()).select_from(BarrierCategory).where(BarrierCategory.archived_at.is_(None))
        ),
        "organisations": db.session.scalar(
            db.select(func.count()).select_from(Organisation).where(Organisation.archived_at.is_(None))
        ),
        "people": db.session.scalar(
            db.select(func.count(func.distinct(RoleAssignment.user_id))).where(
                RoleAssignment.territory_id == g.territory.id
            )
        ),
    }
    my_roles = current_user.roles_in(g.territory)
    return render_template("territories/dashboard.html", counts=counts, my_roles=my_roles)


@territory_bp.get("/consent")
@access(Permission.VIEW_TERRITORY)
def consent_text():
    """What participants of this territory agree to, in the reader's language."""
    return render_template("territories/consent.html")


@territory_bp.route("/consent/edit", methods=["GET", "POST"])
@access(Permission.MANAGE_TERRITORY)
@form_page
def edit_consent_text():
    form = ConsentTextForm(data={"consent_text": g.territory.consent_text})
    if form.validate_on_submit():
        with saving(form) as outcome:
            operations.set_consent_text(g.territory, form.consent_text.data)
        if outcome.saved:
            flash(_("The consent text is saved."), "success")
            return redirect(url_for("territories.consent_text"))
    return render_form("territories/consent_form.html", form)


def _organisations(include_archived: bool = False):
    query = db.select(Organisation).order_by(Organisation.name)
    if not include_archived:
        query = query.where(Organisation.archived_at.is_(None))
    return db.session.scalars(query).all()


@territory_bp.get("/organisations/")
@access(Permission.VIEW_TERRITORY)
def organisations():
    return render_template(
        "territories/organisations.html", organisations=_organisations(include_archived=True)
    )


@territory_bp.route("/organisations/new", methods=["GET", "POST"])
@territory_bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@access(Permission.MANAGE_ORGANISATIONS)
@form_page
def edit_organisation(organisation_id: int | None = None):
    organisation = (
        Organisation(territory_id=g.territory.id)
        if organisation_id is None
        else db.get_or_404(Organisation, organisation_id)
    )
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        with saving(form) as outcome:
            operations.save_organisation(
                organisation,
                name=form.name.data,
                kind=OrganisationKind(form.kind.data),
                contact_email=form.contact_email.data or "",
                contact_phone=form.contact_phone.data or "",
                description=form.description.data,
            )
        if outcome.saved:
            flash(_("The organisation is saved."), "success")
            return redirect(url_for("territories.organisations"))
    return render_form("territories/organisation_form.html", form, organisation=organisation)


@territory_bp.post("/organisations/<int:organisation_id>/archive")
@access(Permission.MANAGE_ORGANISATIONS)
def archive_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    operations.set_organisation_archived(organisation, organisation.archived_at is None)
    db.session.commit()
    flash(_("The organisation is saved."), "success")
    return redirect(url_for("territories.organisations"))


# --- people of a territory --------------------------------------------------------------------------------------


def _person_or_404(user_id: int) -> User:
    """A person holding a role in this territory; anyone else is not found here."""
    user = db.session.scalar(
        db.select(User)
        .join(RoleAssignment)
        .where(User.id == user_id, RoleAssignment.territory_id == g.territory.id)
    )
    if user is None:
        abort(404)
    return user


@territory_bp.get("/people/")
@access(Permission.MANAGE_PEOPLE)
def people():
    users = db.session.scalars(
        db.select(User)
        .join(RoleAssignment)
        .where(RoleAssignment.territory_id == g.territory.id)
        .distinct()
        .order_by(User.name)
    ).all()
    invitations = db.session.scalars(
        db.select(TerritoryInvitation)
        .where(
            TerritoryInvitation.accepted_at.is_(None),
            TerritoryInvitation.declined_at.is_(None),
            TerritoryInvitation.withdrawn_at.is_(None),
        )
        .options(selectinload(TerritoryInvitation.organisation))
        .order_by(TerritoryInvitation.created_at.desc(), TerritoryInvitation.id.desc())
    ).all()
    return render_template(
        "territories/people.html", people=users, invitations=invitations, now=datetime.now(UTC)
    )


@territory_bp.route("/people/invite", methods=["GET", "POST"])
@access(Permission.MANAGE_PEOPLE)
@form_page
def invite_person():
    """Invite a person by e-mail; the answer is the same whether or not the address has an account."""
    organisations = _organisations()
    form = InvitationForm(organisations=organisations)
    if not form.is_submitted():
        form.locale.data = g.territory.default_locale
    if form.validate_on_submit():
        with saving(form) as outcome:
            invitation = accounts.invite_to_territory(
                g.territory,
                email=form.email.data,
                name=form.name.data,
                roles=[Role(value) for value in form.roles.data],
                organisation=next((o for o in organisations if o.id == form.organisation.data), None),
                locale=form.locale.data,
                invited_by=current_user,
            )
        if outcome.saved:
            _hand_over(*accounts.send_invitation(invitation), email=invitation.email)
            flash(_("The roles are given when the person accepts the invitation."), "info")
            return redirect(url_for("territories.people"))
    return render_form("territories/invite.html", form)


@territory_bp.post("/people/invitations/<int:invitation_id>/send")
@access(Permission.MANAGE_PEOPLE)
def send_invitation_again(invitation_id: int):
    """Send an open invitation again, for another 14 days."""
    invitation = db.get_or_404(TerritoryInvitation, invitation_id)  # only this territory's are found
    if not invitation.is_open:
        flash(_("This invitation is already answered or withdrawn."), "info")
    else:
        accounts.renew_invitation(invitation)
        db.session.commit()
        _hand_over(*accounts.send_invitation(invitation), email=invitation.email)
    return redirect(url_for("territories.people"))


@territory_bp.post("/people/invitations/<int:invitation_id>/withdraw")
@access(Permission.MANAGE_PEOPLE)
def withdraw_invitation(invitation_id: int):
    """Take back an open invitation: it can no longer be accepted, and its link stops working."""
    invitation = db.get_or_404(TerritoryInvitation, invitation_id)
    if not invitation.is_open:
        flash(_("This invitation is already answered or withdrawn."), "info")
    else:
        accounts.withdraw_invitation(invitation)
        db.session.commit()
        flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("territories.people"))


@territory_bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@access(Permission.MANAGE_PEOPLE)
@form_page
def edit_person(user_id: int):
    """A person's roles in this territory and the organisation they work for here; nothing else of the
    account (name, e-mail, password, roles and organisations elsewhere) is this territory's to change."""
    person = _person_or_404(user_id)
    organisations = _organisations()
    form = PersonRolesForm(organisations=organisations)
    current = person.organisation_in(g.territory)
    if not form.is_submitted():
        form.roles.data = [role.value for role in person.roles_in(g.territory)]
        form.organisation.data = current.id if current is not None else 0
    if form.validate_on_submit():
        wanted = {Role(value) for value in form.roles.data}
        if person.id == current_user.id and Role.COORDINATOR not in wanted and not current_user.is_admin:
            form.roles.errors.append(_("You cannot remove your own coordinator role."))
        else:
            chosen = next((o for o in organisations if o.id == form.organisation.data), None)
            if chosen is None and form.organisation.data:
                chosen = current  # an archived organisation is not offered, and stays until changed
            with saving(form) as outcome:
                for role in set(person.roles_in(g.territory)) - wanted:
                    accounts.revoke_role(person, role, g.territory)
                for role in wanted:
                    accounts.grant_role(person, role, territory=g.territory)
                # Without a role here the person no longer works here for anyone.
                accounts.set_organisation(person, g.territory, chosen if wanted else None)
            if outcome.saved:
                flash(_("The roles of %(name)s are saved.", name=person.name), "success")
                return redirect(url_for("territories.people"))
    return render_form("territories/person_form.html", form, person=person)


@territory_bp.post("/people/<int:user_id>/invitation")
@access(Permission.MANAGE_PEOPLE)
def resend_invitation(user_id: int):
    """The link that chooses a first password, again: only for an account this territory created that has
    never had a password."""
    person = _person_or_404(user_id)
    if person.has_password:
        flash(_("%(name)s has already chosen a password.", name=person.name), "info")
    elif person.created_by_territory_id != g.territory.id:
        flash(_("Only the territory that created this account can send its invitation link."), "error")
    else:
        _hand_over(*accounts.send_link(person, accounts.INVITATION), email=person.email)
    return redirect(url_for("territories.people"))
