"""The processes of a territory (a process's own page, which gathers what every feature holds of it, is
:func:`toolkit.main.views.process`)."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy.orm import selectinload

from ..access import Permission, access
from ..extensions import db
from .models import Process

bp = Blueprint("processes", __name__, url_prefix="/t/<territory_slug>/processes")


@bp.get("/")
@access(Permission.VIEW_PROCESSES)
def processes():
    items = db.session.scalars(
        db.select(Process).options(selectinload(Process.workshops)).order_by(Process.starts_on.desc())
    ).all()
    return render_template("processes/list.html", processes=items)
