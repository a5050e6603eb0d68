"""The audit page's filters, sent with GET: a bookmarkable address, no token needed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from ..forms import BaseForm
from . import labels

#: The person filter's value for entries made without logging in.
NOBODY = "nobody"
#: The territory filter's value for entries of no territory (site administration, accounts).
NO_TERRITORY = "none"


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    territory = SelectField(_l("Territory"), validators=[Optional()])
    person = SelectField(_l("Who"), validators=[Optional()])
    action = SelectField(_l("What was done"), validators=[Optional()])
    kind = SelectField(_l("Kind of record"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])

    def __init__(self, *args, people=(), kinds=(), territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person.choices = [
            ("", _l("Everyone")),
            (NOBODY, _l("Without logging in (command line, participants, the application)")),
            *((str(person.id), person.name) for person in people),
        ]
        self.action.choices = [
            ("", _l("Everything")),
            *sorted(((action, str(label)) for action, label in labels.ACTIONS.items()), key=lambda c: c[1]),
        ]
        self.kind.choices = [
            ("", _l("Every kind")),
            *sorted(((kind, labels.record_kind_label(kind)) for kind in kinds), key=lambda c: c[1]),
        ]
        if territories is None:
            del self.territory
        else:
            self.territory.choices = [
                ("", _l("Every territory")),
                (NO_TERRITORY, _l("No territory (site administration, accounts)")),
                *((str(t.id), t.name) for t in territories),
            ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.since.data and self.until.data and self.since.data > self.until.data:
            self.until.errors.append(_l("This date is before the first one."))
            return False
        return valid
