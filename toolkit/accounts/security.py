"""A territory's security settings: whether its coordinators must log in with a second factor."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _

from .. import audit
from ..access import Permission, Role, access, form_page
from ..extensions import db
from ..forms import render_form, saving
from .forms import TerritorySecurityForm
from .models import RoleAssignment, User

bp = Blueprint("security", __name__, url_prefix="/t/<territory_slug>")


@bp.route("/security", methods=["GET", "POST"])
@access(Permission.MANAGE_TERRITORY)
@form_page
def settings():
    territory = g.territory
    form = TerritorySecurityForm(obj=territory)
    if form.validate_on_submit():
        with saving(form) as outcome:
            if territory.require_two_factor != form.require_two_factor.data:
                territory.require_two_factor = form.require_two_factor.data
                audit.record(
                    "territory.two_factor_required",
                    territory,
                    territory_id=territory.id,
                    required=territory.require_two_factor,
                )
        if outcome.saved:
            flash(_("The security settings are saved."), "success")
            return redirect(url_for("security.settings"))
    coordinators = db.session.scalars(
        db.select(User)
        .join(RoleAssignment)
        .where(RoleAssignment.territory_id == territory.id, RoleAssignment.role == Role.COORDINATOR)
        .order_by(User.name)
    ).all()
    return render_form("accounts/territory_security.html", form, coordinators=coordinators)
