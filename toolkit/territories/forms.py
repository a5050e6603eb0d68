"""Forms for territories, networks and organisations."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired, Email, Regexp

from ..forms import (
    BaseForm,
    CheckboxListField,
    coerce_id,
    optional_long_text,
    optional_text,
    required_text,
    translated_long_text,
)
from ..i18n import language_choices
from .labels import ORGANISATION_KINDS
from .models import OrganisationKind

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and hyphens only."))


class TerritoryForm(BaseForm):
    name = required_text(_l("Name"), description=_l("For example: Comune di Pontedera"))
    slug = required_text(
        _l("Short name for web addresses"),
        max_length=60,
        description=_l("Lower-case letters, digits and hyphens, for example: pontedera"),
        render_kw={"dir": "ltr"},
    )
    region = optional_text(_l("Region or province"))
    default_locale = SelectField(_l("Language of documents"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slug.validators.append(SLUG)
        self.default_locale.choices = language_choices()


class NetworkForm(BaseForm):
    name = required_text(_l("Name"), description=_l("For example: IncluCities"))
    slug = required_text(_l("Short name for web addresses"), max_length=60, render_kw={"dir": "ltr"})
    description = optional_long_text(_l("What the network works on"))
    territories = CheckboxListField(_l("Member territories"), coerce=coerce_id)

    def __init__(self, *args, territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slug.validators.append(SLUG)
        self.territories.choices = [(t.id, t.name) for t in territories]


class ConsentTextForm(BaseForm):
    consent_text = translated_long_text(
        _l("Consent text"),
        required=True,
        max_length=3000,
        description=_l(
            "Participants read it before they take part. Say in plain words what is kept, for how long, "
            "who sees it, and that they can stop at any time."
        ),
    )


class OrganisationForm(BaseForm):
    name = required_text(_l("Name"))
    kind = SelectField(_l("Kind of organisation"), validators=[DataRequired()])
    contact_email = optional_text(_l("Contact e-mail"), max_length=254, render_kw={"dir": "ltr"})
    contact_phone = optional_text(_l("Contact telephone"), max_length=40, render_kw={"dir": "ltr"})
    description = translated_long_text(_l("What it does"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(kind.value, ORGANISATION_KINDS[kind]) for kind in OrganisationKind]
        self.contact_email.validators.append(Email(check_deliverability=False))
