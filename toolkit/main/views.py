"""The home pages, each gathering what several features hold: the site's (the dashboard), a network's, a
territory's and a process's; and the language switcher."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, g, make_response, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from ..access import Permission, Role, Rule, access
from ..accounts.models import RoleAssignment
from ..answers import participants as answers
from ..barriers.models import Barrier, BarrierStatus
from ..extensions import db
from ..i18n import LANGUAGE_COOKIE, LANGUAGES
from ..processes.models import Process
from ..recommendations import issuing
from ..services.models import BarrierCategory, Service
from ..territories.models import Network, Organisation, Territory
from ..translating import operations as translating
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


@bp.get("/n/<network_slug>/")
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
    return render_template("main/network.html", services=services, organisations=organisations)


@bp.get("/t/<territory_slug>/")
@access(Permission.VIEW_TERRITORY)
def territory_dashboard():
    """A territory at a glance: how many services, barrier categories, organisations and people it has."""
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
    return render_template("main/territory.html", counts=counts, my_roles=my_roles)


@bp.get("/t/<territory_slug>/processes/<int:process_id>")
@access(Permission.VIEW_PROCESSES)
def process(process_id: int):
    """A process: its workshops, its services, the evidence gathered per service, how far its translation is,
    the documents last issued, and, for an association, what the bodies answered to the recommendations it took
    part in."""
    item = db.get_or_404(
        Process, process_id, options=[selectinload(Process.workshops), selectinload(Process.services)]
    )
    barriers = db.session.scalars(
        db.select(Barrier)
        .where(Barrier.process_id == item.id, Barrier.status.in_(BarrierStatus.visible()))
        .options(selectinload(Barrier.categories), selectinload(Barrier.testimonies))
        .order_by(Barrier.created_at, Barrier.id)
    ).all()
    by_service = defaultdict(list)
    for barrier in barriers:
        by_service[barrier.service_id].append(barrier)
    organisation = current_user.organisation_in(g.territory)
    return render_template(
        "main/process.html",
        answered=answers.for_organisation(item, organisation) if organisation is not None else [],
        process=item,
        barriers_by_service=by_service,
        translation_counts=translating.counts(item),
        latest_issue=issuing.latest(item),
    )


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
