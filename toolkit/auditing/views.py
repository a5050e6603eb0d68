"""The audit page of a territory (its coordinators) and of the whole site (administrators), and their CSV."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, g, render_template, request
from flask_babel import get_timezone
from flask_babel import gettext as _

from ..access import Permission, Rule, access
from ..codesign.views import FORMULA_START
from ..extensions import db
from ..forms import request_int
from ..territories.models import Territory
from . import log
from .forms import NO_TERRITORY, NOBODY, AuditFilterForm

bp = Blueprint("auditing", __name__)


@bp.get("/t/<territory_slug>/audit")
@access(Permission.MANAGE_TERRITORY)
def territory_log():
    """What was changed in this territory, by whom and when, newest first."""
    return _page([g.territory.id])


@bp.get("/t/<territory_slug>/audit.csv")
@access(Permission.MANAGE_TERRITORY)
def territory_csv():
    return _csv([g.territory.id], f"audit-{g.territory.slug}.csv")


@bp.get("/admin/audit")
@access(Rule.ADMIN)
def site_log():
    """Every entry of every territory, and those of none (site administration, accounts)."""
    return _page(None)


@bp.get("/admin/audit.csv")
@access(Rule.ADMIN)
def site_csv():
    return _csv(None, "audit.csv")


def _filters(territory_ids) -> tuple[AuditFilterForm, log.Filters]:
    territories = None
    if territory_ids is None:
        territories = db.session.scalars(db.select(Territory).order_by(Territory.name)).all()
    form = AuditFilterForm(
        request.args,
        people=log.people(territory_ids),
        kinds=log.kinds(territory_ids),
        territories=territories,
    )
    filters = log.Filters()
    if request.args:
        form.validate()
    if not form.person.errors and form.person.data:
        filters.user_id = log.NOBODY if form.person.data == NOBODY else int(form.person.data)
    if not form.action.errors:
        filters.action = form.action.data or None
    if not form.kind.errors:
        filters.kind = form.kind.data or None
    if not form.since.errors:
        filters.since = form.since.data
    if not form.until.errors:
        filters.until = form.until.data
    if territories is not None and not form.territory.errors and form.territory.data:
        if form.territory.data == NO_TERRITORY:
            filters.without_territory = True
        else:
            filters.territory_id = int(form.territory.data)
    return form, filters


def _page(territory_ids):
    form, filters = _filters(territory_ids)
    query = log.entries(territory_ids, filters)
    total = log.count(query)
    pages = max(1, -(-total // log.PAGE_SIZE))
    number = min(max(request_int(request.args, "page", 1), 1), pages)
    shown = log.rows(log.page(query, number), link_networks=territory_ids is None)
    arguments = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "auditing/log.html",
        form=form,
        rows=shown,
        total=total,
        page=number,
        pages=pages,
        arguments=arguments,
        site_wide=territory_ids is None,
        time_zone=str(get_timezone()),
    )


def _csv(territory_ids, filename: str) -> Response:
    """The entries the filters select, every page of them, as a spreadsheet."""
    _form, filters = _filters(territory_ids)
    site_wide = territory_ids is None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = [_("When (UTC)"), _("Who"), _("What was done"), _("Action"), _("Kind of record"), _("Number")]
    header += [_("Name"), _("Details")]
    if site_wide:
        header.insert(1, _("Territory"))
    writer.writerow(header)
    for row in log.all_rows(log.entries(territory_ids, filters)):
        cells = [log.aware(row.entry.at).isoformat(timespec="seconds"), row.who, row.what, row.entry.action]
        cells += [
            row.kind,
            row.entry.target_id,
            row.name or "",
            "; ".join(f"{k}: {v}" for k, v in row.details),
        ]
        if site_wide:
            cells.insert(1, row.territory.name if row.territory else "")
        writer.writerow([_cell(value) for value in cells])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
