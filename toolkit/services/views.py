"""The services catalogue and the barrier taxonomy of a territory."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import archivable
from ..access import Permission, access, form_page
from ..content import localize, matches
from ..extensions import db
from ..forms import SHORT_TEXT, render_form, saving
from ..territories.models import Organisation
from . import operations
from .forms import CategoryForm, ServiceForm
from .models import AccessDimension, BarrierCategory, GovernmentLevel, Sector, Service

bp = Blueprint("services", __name__, url_prefix="/t/<territory_slug>")

SERVICE_ARCHIVE_BUTTON = archivable.ArchiveButton(
    operations.set_service_archived,
    _l("The service is archived."),
    _l("The service is back in the catalogue."),
)
CATEGORY_ARCHIVE_BUTTON = archivable.ArchiveButton(
    operations.set_category_archived, _l("The category is withdrawn."), _l("The category is back in use.")
)


def _owners():
    return db.session.scalars(
        db.select(Organisation).where(Organisation.archived_at.is_(None)).order_by(Organisation.name)
    ).all()


@bp.get("/services/")
@access(Permission.VIEW_TERRITORY)
def services():
    """The catalogue, with a search box; archived services on request."""
    search = request.args.get("q", "").strip()[:SHORT_TEXT]
    show_archived = request.args.get("archived") == "1"
    query = db.select(Service).options(db.joinedload(Service.owner))
    if not show_archived:
        query = query.where(Service.archived_at.is_(None))
    items = db.session.scalars(query).all()
    if search:
        # A territory's catalogue is small; searching every language's text in Python finds a service by any
        # of its names, whichever language the person types in.
        items = [item for item in items if matches(search, item.name, item.description)]
    items.sort(key=lambda item: localize(item.name).text.casefold())
    return render_template("services/list.html", services=items, search=search, show_archived=show_archived)


@bp.get("/services/<int:service_id>")
@access(Permission.VIEW_TERRITORY)
def service(service_id: int):
    return render_template("services/detail.html", service=db.get_or_404(Service, service_id))


@bp.post("/services/<int:service_id>/archive")
@access(Permission.MANAGE_CATALOGUE)
def archive_service(service_id: int):
    """Archive an active service, or bring back an archived one."""
    then = url_for("services.service", service_id=service_id)
    return SERVICE_ARCHIVE_BUTTON.press(db.get_or_404(Service, service_id), then)


@bp.route("/services/new", methods=["GET", "POST"])
@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@access(Permission.MANAGE_CATALOGUE)
@form_page
def edit_service(service_id: int | None = None):
    service = archivable.entry_or_new(Service, service_id)
    form = ServiceForm(obj=service, organisations=_owners())
    if not form.is_submitted():
        form.owner.data = service.owner_id or 0
        form.languages.data = ", ".join(service.languages or [])
    if form.validate_on_submit():
        with saving(form) as outcome:
            operations.save_service(
                service,
                name=form.name.data,
                description=form.description.data,
                sector=Sector(form.sector.data),
                level=GovernmentLevel(form.level.data),
                owner_id=form.owner.data or None,
                location=form.location.data or "",
                opening_hours=form.opening_hours.data or "",
                languages=form.language_codes(),
                documents_needed=form.documents_needed.data,
            )
        if outcome.saved:
            flash(_("The service is saved."), "success")
            return redirect(url_for("services.service", service_id=service.id))
    return render_form("services/form.html", form, service=service)


@bp.get("/categories/")
@access(Permission.VIEW_TERRITORY)
def categories():
    items = db.session.scalars(db.select(BarrierCategory).order_by(BarrierCategory.position)).all()
    return render_template("services/categories.html", categories=items)


@bp.post("/categories/<int:category_id>/archive")
@access(Permission.MANAGE_CATALOGUE)
def archive_category(category_id: int):
    """Withdraw a barrier category, or bring it back."""
    return CATEGORY_ARCHIVE_BUTTON.press(
        db.get_or_404(BarrierCategory, category_id), url_for("services.categories")
    )


@bp.route("/categories/new", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@access(Permission.MANAGE_CATALOGUE)
@form_page
def edit_category(category_id: int | None = None):
    category = archivable.entry_or_new(BarrierCategory, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        with saving(form) as outcome:
            operations.save_category(
                category,
                name=form.name.data,
                description=form.description.data,
                dimension=AccessDimension(form.dimension.data),
            )
        if outcome.saved:
            flash(_("The category is saved."), "success")
            return redirect(url_for("services.categories"))
    return render_form("services/category_form.html", form, category=category)
