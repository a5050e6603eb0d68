"""Site administration: the territories and city networks, and the coordinators of each network."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from ..access import Role, Rule, access, form_page
from ..accounts import operations as accounts
from ..accounts.forms import NetworkCoordinatorForm
from ..accounts.models import RoleAssignment, User
from ..accounts.people import hand_over
from ..extensions import db
from ..forms import render_form, saving
from ..territories import operations as territories
from ..territories.forms import NetworkForm, TerritoryForm
from ..territories.models import Network, Territory

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _all_territories():
    return db.session.scalars(db.select(Territory).order_by(Territory.name)).all()


def _slug_taken(model, slug: str, current=None) -> bool:
    existing = db.session.scalar(db.select(model).where(model.slug == slug))
    return existing is not None and existing is not current


@bp.get("/")
@access(Rule.ADMIN)
def overview():
    networks = db.session.scalars(db.select(Network).order_by(Network.name)).all()
    return render_template("admin/overview.html", territories=_all_territories(), networks=networks)


@bp.route("/territories/new", methods=["GET", "POST"])
@access(Rule.ADMIN)
@form_page
def new_territory():
    form = TerritoryForm()
    if form.validate_on_submit():
        if _slug_taken(Territory, form.slug.data):
            form.slug.errors.append(_("This short name is already used."))
        else:
            with saving(form) as outcome:
                territory = territories.create_territory(
                    form.slug.data, form.name.data, form.region.data or "", form.default_locale.data
                )
            if outcome.saved:
                flash(
                    _("The territory is created with the default services and barrier categories."), "success"
                )
                return redirect(url_for("main.territory_dashboard", territory_slug=territory.slug))
    return render_form("admin/territory_form.html", form)


@bp.route("/networks/new", methods=["GET", "POST"])
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
                network = territories.create_network(
                    form.slug.data, form.name.data, form.description.data or "", chosen
                )
            if outcome.saved:
                flash(_("The network is created."), "success")
                return redirect(url_for("admin.edit_network", network_slug=network.slug))
    return render_form("admin/network_form.html", form)


@bp.route("/networks/<network_slug>", methods=["GET", "POST"])
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
                territories.set_network_territories(
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


@bp.route("/networks/<network_slug>/coordinators", methods=["POST"])
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
                hand_over(*accounts.send_link(user, accounts.INVITATION), email=user.email)
            else:
                flash(_("%(email)s is now a coordinator of this network.", email=user.email), "success")
            return redirect(url_for("admin.edit_network", network_slug=network.slug))
    network_form = NetworkForm(formdata=None, obj=network, territories=_all_territories())
    network_form.territories.data = [t.id for t in network.territories]
    return _network_page(network, network_form, form)
