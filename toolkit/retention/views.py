"""Retention pages for a territory's coordinators: the retention period and when each process is purged, and an
organisation's data, exported as JSON or erased. The ``purge`` command (``flask --app toolkit purge``) is here
too, for cron."""

from __future__ import annotations

import json
from datetime import date

import click
from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import Permission, access, form_page
from ..extensions import db
from ..forms import render_form, saving
from ..territories.models import Organisation, Territory
from . import organisations as organisation_data
from . import purge
from .forms import RetentionForm

bp = Blueprint("retention", __name__, url_prefix="/t/<territory_slug>")
commands = Blueprint("retention_commands", __name__, cli_group=None)


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    if organisation.territory_id != g.territory.id:
        abort(404)
    return organisation


@bp.route("/data-retention", methods=["GET", "POST"])
@access(Permission.MANAGE_TERRITORY)
@form_page
def settings():
    """How long participants' data is kept, when each process is purged, and each organisation's data."""
    territory = g.territory
    form = RetentionForm(data={"months": territory.retention_months})
    if form.validate_on_submit():
        with saving(form) as outcome:
            purge.set_retention(territory, form.months.data)
        if outcome.saved:
            flash(_("The retention period is saved."), "success")
            return redirect(url_for("retention.settings"))
    plans = [plan for plan in purge.plans() if plan.territory.id == territory.id]
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_form("retention/settings.html", form, plans=plans, organisations=organisations)


@bp.get("/organisations/<int:organisation_id>/export.json")
@access(Permission.MANAGE_TERRITORY)
def export_organisation(organisation_id: int):
    """Everything of one organisation, as a JSON download (structure in the README, "Data protection")."""
    organisation = _organisation(organisation_id)
    data = organisation_data.export_organisation(organisation)
    db.session.commit()  # the export is audited
    response = make_response(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    filename = f"organisation-{organisation.id}-{date.today().isoformat()}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/organisations/<int:organisation_id>/erase", methods=["GET", "POST"])
@access(Permission.MANAGE_TERRITORY)
def erase_organisation(organisation_id: int):
    """First what erasing the organisation removes (with counts), then the button that erases it."""
    organisation = _organisation(organisation_id)
    if request.method == "POST":
        name = organisation.name
        try:
            organisation_data.erase_organisation(organisation)
        except organisation_data.StillNeeded as refusal:
            flash(str(refusal), "error")
            return redirect(url_for("retention.erase_organisation", organisation_id=organisation.id))
        db.session.commit()
        flash(_("%(name)s and the words it sent are erased.", name=name), "success")
        return redirect(url_for("retention.settings"))
    return render_template(
        "retention/erase_organisation.html",
        organisation=organisation,
        counts=organisation_data.organisation_counts(organisation),
    )


# --- the command line ---------------------------------------------------------------------------------------------


def _counts_text(counts) -> str:
    return (
        ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in sorted(counts.items()))
        or "nothing left"
    )


@commands.cli.command("purge")
@click.option(
    "--dry-run", is_flag=True, help="Say what would be purged, per territory and process; change nothing."
)
def purge_command(dry_run: bool) -> None:
    """Purge participants' data of the processes whose territory's retention period is over (meant for cron)."""
    plans = purge.purge(dry_run=dry_run)
    for territory in db.session.scalars(select(Territory).order_by(Territory.slug)):
        click.echo(f"{territory.name} ({territory.slug}): kept {territory.retention_months} months")
        of_territory = [plan for plan in plans if plan.territory.id == territory.id]
        if not of_territory:
            click.echo("  no process")
        for plan in of_territory:
            click.echo(f"  process {plan.process.id} {plan.process.title!r}: {_plan_text(plan, dry_run)}")
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was changed.")
    else:
        db.session.commit()
        done = sum(1 for plan in plans if plan.due and plan.counts)
        click.echo(f"Purged {done} process(es).")


def _plan_text(plan: purge.PurgePlan, dry_run: bool) -> str:
    if plan.ended_on is None:
        return "not ended (a workshop is planned or open, or it has no end date): kept"
    if not plan.due:
        return f"ended {plan.ended_on}, kept until {plan.purge_on}"
    verb = "would purge" if dry_run else "purged"
    return f"ended {plan.ended_on}, due {plan.purge_on}: {verb} {_counts_text(plan.counts)}"
