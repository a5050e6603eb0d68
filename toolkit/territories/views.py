"""Site administration (territories, networks), network overviews, and a territory's dashboard,
organisations (its people: people.py)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func

from ..access import Permission, Role, Rule, access, form_page
from ..accounts import operations as accounts
from ..accounts.models import RoleAssignment, User
from ..extensions import db
from ..forms import render_form, saving
from ..services.models import BarrierCategory, Service
from . import operations
from .forms import (
    ConsentTextForm,
    NetworkCoordinatorForm,
    NetworkForm,
    OrganisationForm,
    TerritoryForm,
)
from .models import Network, Organisation, OrganisationKind, Territory

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


# The people of a territory register on territory_bp from their own module.
from . import people  # noqa: E402, F401
