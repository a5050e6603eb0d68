"""Forms of retention: the territory's retention period, and the return code that erases a participant's words."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..forms import BaseForm, WholeNumberField
from .purge import RETENTION_RANGE


class RetentionForm(BaseForm):
    months = WholeNumberField(
        _l("Months to keep participants' data after a process ends"),
        validators=[InputRequired(), NumberRange(min=RETENTION_RANGE[0], max=RETENTION_RANGE[1])],
        description=_l("From 1 to 120 months. Then pseudonyms, return codes and unused words are purged."),
        render_kw={"inputmode": "numeric"},
    )


class EraseWithCodeForm(BaseForm):
    """The confirmation of a participant's erasure: the return code they typed, carried over from the page
    before."""

    code = HiddenField(validators=[DataRequired(), Length(max=40)])
