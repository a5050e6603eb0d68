"""Forms for the services catalogue and barrier categories."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional, Regexp

from ..content import named_choices
from ..forms import BaseForm, coerce_id, optional_text, translated_long_text, translated_text
from .labels import DIMENSIONS, LEVELS, SECTORS
from .models import AccessDimension, GovernmentLevel, Sector

#: A list of language codes as people type them: "it, en, ar".
LANGUAGE_LIST = Regexp(
    r"^\s*[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?(?:\s*[,;\s]\s*[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)*\s*$",
    message=_l("Write language codes separated by commas, for example: it, en, ar"),
)


class ServiceForm(BaseForm):
    name = translated_text(
        _l("Name"), required=True, description=_l("As residents know it, for example: Registry office")
    )
    description = translated_long_text(_l("What the service does"))
    sector = SelectField(_l("Sector"), validators=[DataRequired()])
    level = SelectField(_l("Level of government"), validators=[DataRequired()])
    owner = SelectField(
        _l("Owner organisation"),
        coerce=coerce_id,
        validators=[Optional()],
        description=_l("The body that runs the service. Recommendations about it are addressed here."),
    )
    location = optional_text(_l("Address or place"), max_length=300)
    opening_hours = optional_text(_l("Opening hours"), max_length=500)
    languages = optional_text(
        _l("Languages spoken by staff"),
        max_length=100,
        description=_l("Language codes separated by commas, for example: it, en, ar"),
        render_kw={"dir": "ltr"},
    )
    documents_needed = translated_long_text(_l("Documents to bring"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [(s.value, SECTORS[s]) for s in Sector]
        self.level.choices = [(level.value, LEVELS[level]) for level in GovernmentLevel]
        self.owner.choices = named_choices(organisations, _l("Not known yet"))
        self.languages.validators.append(LANGUAGE_LIST)

    def language_codes(self) -> list[str]:
        # Not a text when the input was not sent: then the service's own list (the form's object) is kept.
        text = (
            self.languages.data
            if isinstance(self.languages.data, str)
            else ", ".join(self.languages.data or ())
        )
        text = text.replace(";", ",").replace(" ", ",")
        return list(dict.fromkeys(code.strip().lower() for code in text.split(",") if code.strip()))


class CategoryForm(BaseForm):
    name = translated_text(_l("Name"), required=True)
    description = translated_long_text(_l("Examples that help people choose it"), max_length=1000)
    dimension = SelectField(_l("Access dimension"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension.choices = [(d.value, DIMENSIONS[d]) for d in AccessDimension]


__all__ = ["CategoryForm", "ServiceForm"]
