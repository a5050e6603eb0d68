"""Creating and editing a process. The routes sit on the blueprint of views.py."""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _

from ..access import Permission, access, form_page
from ..extensions import db
from ..forms import render_form, saving
from .forms import ProcessForm
from .models import Phase, Process
from .operations import save_process
from .views import bp


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:process_id>/edit", methods=["GET", "POST"])
@access(Permission.RUN_WORKSHOPS)
@form_page
def edit_process(process_id: int | None = None):
    process = (
        Process(territory_id=g.territory.id) if process_id is None else db.get_or_404(Process, process_id)
    )
    form = ProcessForm(obj=process)
    if not form.is_submitted():
        form.phase.data = (process.phase or Phase.SETUP).value
    if form.validate_on_submit():
        with saving(form) as outcome:
            save_process(
                process,
                title=form.title.data,
                description=form.description.data or "",
                phase=Phase(form.phase.data),
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        if outcome.saved:
            flash(_("The process is saved."), "success")
            return redirect(url_for("main.process", process_id=process.id))
    return render_form("processes/form.html", form, process=process)
