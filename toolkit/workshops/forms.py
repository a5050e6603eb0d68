"""Forms of the live workshop: joining, proposing services, and the facilitator's forms."""

from __future__ import annotations

import secrets

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..content import localize
from ..forms import (
    BaseForm,
    CheckboxListField,
    WholeNumberField,
    coerce_id,
    optional_text,
    required_long_text,
    required_text,
)
from ..i18n import language_choices
from ..processes.labels import PHASES
from ..processes.models import Phase
from ..services.models import Service
from ..workshops.labels import PARTICIPANT_ROLES
from ..workshops.models import ParticipantRole

#: Longest reason for proposing a service.
REASON_TEXT = 2000


def submission_key_field() -> HiddenField:
    """A key unique to each form shown; the same form sent twice is stored once."""
    return HiddenField(default=lambda: secrets.token_urlsafe(24), validators=[Optional(), Length(max=64)])


class JoinCodeForm(BaseForm):
    code = required_text(
        _l("Workshop code"),
        max_length=20,
        description=_l("The letters and digits shown on the screen or the poster, for example: K7M-Q3P"),
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "dir": "ltr",
        },
    )


class JoinForm(BaseForm):
    pseudonym = optional_text(
        _l("A name to show (optional)"),
        max_length=60,
        description=_l("Any nickname, or nothing. Do not write your real name."),
        render_kw={"autocomplete": "off"},
    )
    role = RadioField(
        _l("You are here as"), default=ParticipantRole.RESIDENT.value, validators=[DataRequired()]
    )
    consent = BooleanField(
        _l("I have read how my contributions are used, and I agree"),
        validators=[DataRequired(message=_l("To take part, please tick the box to say you agree."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.value, PARTICIPANT_ROLES[role]) for role in ParticipantRole]


class ReturnCodeForm(BaseForm):
    code = required_text(
        _l("Your return code"),
        max_length=40,
        description=_l("The code you kept at the end of the workshop, for example: ABCD-EFGH-JKLM"),
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "dir": "ltr",
        },
    )


def contribution_language() -> SelectField:
    """The language a contribution is written in (its choices are set by the form: every interface language)."""
    return SelectField(
        _l("Language you write in"),
        validators=[DataRequired()],
        description=_l("Write in the language you prefer. Translators will help others read it."),
    )


class ServiceProposalForm(BaseForm):
    service = SelectField(_l("Service"), coerce=coerce_id, validators=[InputRequired()])
    new_name = optional_text(
        _l("Another service (if it is not in the list)"),
        description=_l("Its name as you know it."),
    )
    reason = required_long_text(
        _l("Why is it hard to use?"),
        max_length=REASON_TEXT,
        message=_l("Please say in a few words why it is hard to use."),
    )
    language = contribution_language()
    submission_key = submission_key_field()

    def __init__(self, *args, services: list[Service] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.service.choices = [(0, _l("Choose a service"))] + [
            (service.id, localize(service.name).text) for service in services
        ]
        self.service.choices.append((-1, _l("Another service, not in the list")))
        self.language.choices = language_choices()
        if not self.language.data:
            self.language.data = str(get_locale())

    def validate_service(self, field):
        if field.data == 0:
            raise ValidationError(_l("Choose a service from the list, or another service."))

    def validate_new_name(self, field):
        if self.service.data == -1 and not field.data:
            raise ValidationError(_l("Write the name of the other service."))


# --- facilitators ----------------------------------------------------------------------------------------


def _dots(label, default: int, description=None) -> WholeNumberField:
    return WholeNumberField(
        label,
        default=default,
        description=description,
        validators=[
            InputRequired(message=_l("Write a number.")),
            NumberRange(min=1, max=20, message=_l("Write a number from 1 to 20.")),
        ],
        render_kw={"inputmode": "numeric", "dir": "ltr"},
    )


class WorkshopForm(BaseForm):
    title = required_text(_l("Title"), description=_l("For example: Which services are hardest to use?"))
    phase = SelectField(_l("Phase of the method"), validators=[DataRequired()])
    day = DateField(_l("Day"), validators=[Optional()])
    time = TimeField(_l("Start time"), validators=[Optional()])
    place = optional_text(_l("Place"), max_length=300)
    dots_per_participant = _dots(_l("Dots each participant may place"), 5)
    dots_per_service = _dots(
        _l("Most dots on one service"), 3, description=_l("So that a few people cannot decide alone.")
    )
    steps = CheckboxListField(
        _l("Agenda: steps to copy from the templates"),
        coerce=coerce_id,
        validators=[Optional()],
        description=_l("You can reorder, remove and add steps later."),
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.phase.choices = [(phase.value, PHASES[phase]) for phase in Phase if phase is not Phase.SETUP]
        self.steps.choices = [(t.id, f"{localize(t.title).text} ({t.minutes}′)") for t in templates]

    def validate_dots_per_service(self, field):
        if field.data and self.dots_per_participant.data and field.data > self.dots_per_participant.data:
            raise ValidationError(_l("This cannot be more than the dots each participant has."))


class HideForm(BaseForm):
    reason = required_text(
        _l("Reason for hiding"),
        max_length=500,
        description=_l("Shown to the author, for example: it names a person."),
    )


class ConfirmServicesForm(BaseForm):
    services = CheckboxListField(
        _l("Services in scope for the process"), coerce=coerce_id, validators=[Optional()]
    )
