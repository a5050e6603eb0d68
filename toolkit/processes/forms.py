"""The form of a process."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Optional, ValidationError

from ..forms import BaseForm, optional_long_text, required_text
from .labels import PHASES
from .models import Phase


class ProcessForm(BaseForm):
    title = required_text(
        _l("Title"), description=_l("For example: More accessible services for families 2026")
    )
    description = optional_long_text(_l("Why the process exists and who takes part"))
    phase = SelectField(_l("Current phase"), validators=[DataRequired()])
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day planned"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase.choices = [(phase.value, PHASES[phase]) for phase in Phase]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
