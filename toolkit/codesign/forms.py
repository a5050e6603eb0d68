"""Forms of co-design: writing a proposal, and recording its feasibility."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from ..barriers.models import Barrier
from ..content import localize, named_choices
from ..forms import (
    BaseForm,
    CheckboxListField,
    coerce_id,
    optional_long_text,
    optional_text,
    required_long_text,
)
from ..i18n import LANGUAGES, language_choices
from ..services.models import Service
from ..territories.models import Organisation
from ..workshops.forms import contribution_language, submission_key_field
from .labels import FEASIBILITY
from .models import Feasibility

#: Longest text of a proposal's parts.
PROPOSAL_TEXT = 3000


class ProposalForm(BaseForm):
    barriers = CheckboxListField(
        _l("Which barriers does it answer? (one or more)"),
        coerce=coerce_id,
        validators=[],
        description=_l("Choose barriers of one service or of several, when the problem crosses services."),
    )
    change = required_long_text(
        _l("What should change?"),
        max_length=PROPOSAL_TEXT,
        message=_l("Please write the change you propose."),
        description=_l("For example: a cultural mediator at the desk two mornings a week."),
    )
    who_acts = optional_text(
        _l("Who should do it? (optional)"),
        max_length=300,
        description=_l("An office, a service, the municipality, an association..."),
    )
    resources = optional_long_text(
        _l("What does it need? (optional)"),
        max_length=PROPOSAL_TEXT,
        description=_l("People, money, training, tools."),
    )
    timeline = optional_text(
        _l("By when? (optional)"),
        max_length=300,
        description=_l("For example: by September, within six months."),
    )
    expected_effect = optional_long_text(
        _l("What will it change, and for whom? (optional)"),
        max_length=PROPOSAL_TEXT,
        description=_l("For example: mothers with small children will not need to come back three times."),
    )
    language = contribution_language()
    submission_key = submission_key_field()
    #: The version the editor started from (edits only).
    version = HiddenField(validators=[Optional()])

    def __init__(self, *args, barriers: list[Barrier] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self._barriers = {barrier.id: barrier for barrier in barriers}
        self.barriers.choices = [(barrier.id, barrier.text[:120]) for barrier in barriers]
        self.language.choices = language_choices()
        if not self.language.data:
            self.language.data = str(get_locale())

    def validate_barriers(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one barrier that the proposal answers."))
        if any(barrier_id not in self._barriers for barrier_id in field.data):
            raise ValidationError(_l("Not a valid choice."))

    def validate_language(self, field):
        if field.data not in LANGUAGES:
            raise ValidationError(_l("Not a valid choice."))

    @property
    def chosen_barriers(self) -> list[Barrier]:
        return [self._barriers[barrier_id] for barrier_id in self.barriers.data or ()]

    def barrier_groups(self):
        """The barrier check boxes by service, for a form that reads service by service."""
        groups: dict[int, tuple[Service, list]] = {}
        options = {int(option.data): option for option in self.barriers}
        for barrier_id, barrier in self._barriers.items():
            groups.setdefault(barrier.service_id, (barrier.service, []))[1].append(
                (barrier, options[barrier_id])
            )
        return list(groups.values())

    def texts(self) -> dict[str, str]:
        return {
            name: getattr(self, name).data or ""
            for name in ("change", "who_acts", "resources", "timeline", "expected_effect")
        }


class FeasibilityForm(BaseForm):
    service = SelectField(_l("For which service?"), coerce=coerce_id, validators=[DataRequired()])
    organisation = SelectField(
        _l("The operator's organisation"),
        coerce=coerce_id,
        validators=[InputRequired(message=_l("Say which organisation runs the service."))],
        description=_l("You record this on behalf of the people who run the service: say who they are."),
    )
    verdict = RadioField(
        _l("Is it feasible?"), validators=[DataRequired(message=_l("Choose what the service can do."))]
    )
    resources_needed = optional_long_text(
        _l("Which resources are needed?"),
        max_length=PROPOSAL_TEXT,
        description=_l("Only when it needs resources: people, money, training, tools."),
    )
    competent_service = SelectField(
        _l("Whose competence is it? Another service"), coerce=coerce_id, validators=[Optional()]
    )
    competent_body = optional_text(
        _l("Or another body or level of government"),
        max_length=300,
        description=_l("For example: the Region, the Ministry of the Interior, the school's head teacher."),
    )
    comment = optional_long_text(_l("Comment (optional)"), max_length=PROPOSAL_TEXT)

    def __init__(
        self,
        *args,
        services: list[Service] = (),
        catalogue: list[Service] = (),
        organisations: list[Organisation] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._services = {s.id: s for s in services}
        self._catalogue = {s.id: s for s in catalogue}
        self._organisations = {o.id: o for o in organisations or ()}
        self.on_behalf = organisations is not None
        self.service.choices = [(s.id, localize(s.name).text) for s in services]
        self.organisation.choices = named_choices(organisations or (), _l("Choose the organisation"))
        self.verdict.choices = [(verdict.value, FEASIBILITY[verdict]) for verdict in Feasibility]
        self.competent_service.choices = [(0, _l("None of the list"))] + [
            (s.id, localize(s.name).text) for s in catalogue
        ]
        if not self.on_behalf:
            del self.organisation

    def validate_service(self, field):
        if field.data not in self._services:
            raise ValidationError(_l("Not a valid choice."))

    def validate_organisation(self, field):
        if field.data not in self._organisations:
            raise ValidationError(_l("Say which organisation runs the service."))

    def validate(self, extra_validators=None) -> bool:
        # What the verdict needs, checked after each field (an empty optional field stops its own checks).
        valid = super().validate(extra_validators)
        if self.verdict.data == Feasibility.NEEDS_RESOURCES.value and not self.resources_needed.data:
            self.resources_needed.errors.append(_l("Say which resources are needed."))
            valid = False
        if (
            self.verdict.data == Feasibility.NOT_OUR_COMPETENCE.value
            and not self.competent_body.data
            and not self.competent_service.data
        ):
            self.competent_body.errors.append(
                _l("Say whose competence it is: another service, or another body.")
            )
            valid = False
        return valid

    def validate_competent_service(self, field):
        if field.data and field.data not in self._catalogue:
            raise ValidationError(_l("Not a valid choice."))

    @property
    def chosen_service(self) -> Service:
        return self._services[self.service.data]

    @property
    def chosen_competent_service(self) -> Service | None:
        return self._catalogue.get(self.competent_service.data or 0)

    @property
    def chosen_organisation(self) -> Organisation | None:
        if self.on_behalf:
            return self._organisations.get(self.organisation.data)
        return None
