"""A territory's consent text and its organisations (its dashboard: main/views.py; its people:
accounts/people.py; territories and networks are created in main/admin.py)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import archivable
from ..access import Permission, access, form_page
from ..extensions import db
from ..forms import render_form, saving
from . import operations
from .forms import ConsentTextForm, OrganisationForm
from .models import Organisation, OrganisationKind

territory_bp = Blueprint("territories", __name__, url_prefix="/t/<territory_slug>")

ORGANISATION_ARCHIVE_BUTTON = archivable.ArchiveButton(
    operations.set_organisation_archived, _l("The organisation is saved."), _l("The organisation is saved.")
)


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


@territory_bp.post("/organisations/<int:organisation_id>/archive")
@access(Permission.MANAGE_ORGANISATIONS)
def archive_organisation(organisation_id: int):
    """Archive an organisation that no longer takes part, or bring it back."""
    organisation = db.get_or_404(Organisation, organisation_id)
    return ORGANISATION_ARCHIVE_BUTTON.press(organisation, url_for("territories.organisations"))


@territory_bp.route("/organisations/new", methods=["GET", "POST"])
@territory_bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@access(Permission.MANAGE_ORGANISATIONS)
@form_page
def edit_organisation(organisation_id: int | None = None):
    organisation = archivable.entry_or_new(Organisation, organisation_id)
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
