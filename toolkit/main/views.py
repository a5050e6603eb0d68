"""Home page, dashboard and language switcher."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request
from flask_login import current_user

from ..access import Role, Rule, access
from ..extensions import db
from ..i18n import LANGUAGE_COOKIE, LANGUAGES
from ..territories.models import Network, Territory
from ..web import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
@access(Rule.PUBLIC)
def index():
    """The dashboard for people with an account; a short introduction for everyone else."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    if current_user.is_admin:
        territories = db.session.scalars(db.select(Territory).order_by(Territory.name)).all()
        networks = db.session.scalars(db.select(Network).order_by(Network.name)).all()
    else:
        territories = sorted(
            {a.territory for a in current_user.role_assignments if a.territory is not None},
            key=lambda t: t.name,
        )
        networks = sorted(
            {a.network for a in current_user.role_assignments if a.role is Role.NETWORK_COORDINATOR},
            key=lambda n: n.name,
        )
    return render_template("main/dashboard.html", territories=territories, networks=networks)


@bp.post("/language")
@access(Rule.PUBLIC)
def set_language():
    """Remember the chosen interface language: in the profile for users, in a cookie for everyone."""
    code = request.form.get("language", "")
    response = make_response(redirect(safe_next()))
    if code not in LANGUAGES:
        return response
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response
