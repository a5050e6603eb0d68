"""The agenda step templates of a territory: what each step of a workshop asks of participants, per language.

Workshop agendas are built from these templates; coordinators adapt the titles and instructions to their
territory and translate them, so that phones and the projector show every step in each participant's language.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from .. import archivable, audit
from ..access import Permission, access, form_page
from ..extensions import db
from ..forms import BaseForm, WholeNumberField, render_form, saving, translated_long_text, translated_text
from .labels import STEP_KINDS
from .models import StepKind, StepTemplate

bp = Blueprint("agenda", __name__, url_prefix="/t/<territory_slug>/agenda-steps")


class StepTemplateForm(BaseForm):
    title = translated_text(_l("Title"), required=True, max_length=120)
    instructions = translated_long_text(
        _l("What participants do"),
        required=True,
        max_length=1000,
        description=_l("Shown on phones and on the projector during the step. Short sentences, plain words."),
    )
    kind = SelectField(_l("Kind of step"), validators=[DataRequired()])
    minutes = WholeNumberField(
        _l("Minutes"),
        validators=[
            InputRequired(message=_l("Write a number of minutes.")),
            NumberRange(min=1, max=480, message=_l("Write a number of minutes from 1 to 480.")),
        ],
        render_kw={"inputmode": "numeric", "dir": "ltr"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(kind.value, STEP_KINDS[kind]) for kind in StepKind]


def save_step(step: StepTemplate, **fields) -> StepTemplate:
    """Create or update a step template; a new one goes to the end of the list."""
    created = archivable.save(step, fields)
    audit.record("step_template.created" if created else "step_template.updated", step)
    return step


def set_step_archived(step: StepTemplate, archived: bool) -> None:
    """Stop offering a step for new agendas (agendas built from it keep their steps), or offer it again."""
    archivable.set_archived(step, archived)
    audit.record("step_template.archived" if archived else "step_template.restored", step)


ARCHIVE_BUTTON = archivable.ArchiveButton(
    set_step_archived, _l("The step is withdrawn."), _l("The step is back in use.")
)


@bp.post("/<int:step_id>/archive")
@access(Permission.MANAGE_CATALOGUE)
def archive_step(step_id: int):
    """Stop offering a step for new agendas, or offer it again."""
    return ARCHIVE_BUTTON.press(db.get_or_404(StepTemplate, step_id), url_for("agenda.steps"))


@bp.get("/")
@access(Permission.VIEW_TERRITORY)
def steps():
    items = db.session.scalars(db.select(StepTemplate).order_by(StepTemplate.position)).all()
    return render_template("agenda/steps.html", steps=items)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:step_id>/edit", methods=["GET", "POST"])
@access(Permission.MANAGE_CATALOGUE)
@form_page
def edit_step(step_id: int | None = None):
    step = archivable.entry_or_new(StepTemplate, step_id, minutes=15)
    form = StepTemplateForm(obj=step)
    if form.validate_on_submit():
        with saving(form) as outcome:
            save_step(
                step,
                title=form.title.data,
                instructions=form.instructions.data,
                kind=StepKind(form.kind.data),
                minutes=form.minutes.data,
            )
        if outcome.saved:
            flash(_("The step is saved."), "success")
            return redirect(url_for("agenda.steps"))
    return render_form("agenda/step_form.html", form, step=step)
