"""Forms of barriers: describing one (from a phone, a facilitator's keyboard or an association's account) and
the moderators' forms; storing what a valid form says."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import DataRequired, Optional, ValidationError

from ..content import localize
from ..extensions import db
from ..forms import (
    BaseForm,
    CheckboxListField,
    coerce_id,
    optional_long_text,
    optional_text,
    required_long_text,
    saving,
)
from ..i18n import LANGUAGES, language_choices
from ..services.catalogue import categories, categories_by_id, services_in_scope, services_in_scope_by_id
from ..services.models import BarrierCategory, Service
from ..workshops.forms import contribution_language, submission_key_field
from ..workshops.models import Workshop
from ..workshops.room import already_sent
from . import operations
from .labels import FREQUENCIES, SEVERITIES
from .models import Barrier, Frequency, Severity

#: The choices of how often and how serious, the same for every form (their labels are translated when drawn).
FREQUENCY_CHOICES = tuple((f.value, FREQUENCIES[f]) for f in Frequency)
SEVERITY_CHOICES = tuple((s.value, SEVERITIES[s]) for s in Severity)


class BarrierForm(BaseForm):
    service = SelectField(
        _l("Service"), coerce=coerce_id, validators=[DataRequired(message=_l("Choose a service."))]
    )
    text = required_long_text(
        _l("What stops you, or people you know, from using this service?"),
        message=_l("Please describe the problem in your own words."),
        description=_l("Tell what happened, in your own words and language. Do not write names."),
    )
    language = contribution_language()
    categories = CheckboxListField(
        _l("What kind of problem is it? (you may choose several)"), coerce=coerce_id, validators=[Optional()]
    )
    frequency = RadioField(
        _l("How often does it happen?"),
        validators=[DataRequired(message=_l("Choose how often it happens."))],
    )
    severity = RadioField(
        _l("How serious is it?"), validators=[DataRequired(message=_l("Choose how serious it is."))]
    )
    groups_affected = optional_text(
        _l("Who is affected most? (optional)"),
        max_length=500,
        description=_l("For example: mothers with small children, people who just arrived, older people"),
    )
    testimony = optional_long_text(
        _l("A story or an example (optional)"),
        description=_l("What happened to you or someone you know. It stays anonymous."),
    )
    may_quote = BooleanField(
        _l("The recommendations may quote my story, without any name"), default=True, validators=[Optional()]
    )
    submission_key = submission_key_field()

    def __init__(self, *args, services: list[Service] = (), categories: list[BarrierCategory] = (), **kwargs):
        super().__init__(*args, **kwargs)
        #: A form shown as first drawn (``formdata=None``, nothing filled in): the same for every phone.
        self._as_first_drawn = not args and kwargs == {"formdata": None}
        self.frequency.choices = FREQUENCY_CHOICES
        self.severity.choices = SEVERITY_CHOICES
        self.language.choices = language_choices()
        if not self.language.data:
            self.language.data = str(get_locale())
        self.offer(services, categories)

    def offer(
        self, services: list[Service], categories: list[BarrierCategory], *, named: bool = True
    ) -> None:
        """The services and categories to choose from; ``named=False`` leaves their names out, which checking a
        form sent does not need (see :func:`sent_barrier_form`)."""
        self.service.choices = [(s.id, localize(s.name).text if named else "") for s in services]
        if len(services) > 1:
            self.service.choices.insert(0, (0, _l("Choose a service")))
        self.categories.choices = [(c.id, localize(c.name).text if named else "") for c in categories]
        self._categories = {c.id: c for c in categories}
        self._services = {s.id: s for s in services}

    def drawing_key(self) -> tuple | None:
        """What the fields of a form shown as first drawn look like (the page's language, the choices, the
        language chosen in advance), for :func:`~toolkit.forms.drawn_once`; None once it holds anything else."""
        if not self._as_first_drawn or any(field.errors for field in self):
            return None
        return (
            type(self).__name__,
            str(get_locale()),
            self.language.data,
            tuple((value, str(label)) for value, label in self.service.choices),
            tuple(self.categories.choices),
        )

    @property
    def chosen_service(self) -> Service:
        return self._services[self.service.data]

    @property
    def chosen_categories(self) -> list[BarrierCategory]:
        return [self._categories[cid] for cid in self.categories.data or () if cid in self._categories]

    def validate_language(self, field):
        if field.data not in LANGUAGES:
            raise ValidationError(_l("Not a valid choice."))

    def validate_service(self, field):
        if field.data not in self._services:
            raise ValidationError(_l("Choose a service."))


class MergeForm(BaseForm):
    into = SelectField(_l("Same as"), coerce=coerce_id, validators=[DataRequired()])


class CategoriesForm(BaseForm):
    categories = CheckboxListField(_l("Categories"), coerce=coerce_id, validators=[Optional()])


def barrier_form(process, **kwargs) -> BarrierForm:
    """The form describing a barrier of ``process``: its services in scope, the territory's categories."""
    return BarrierForm(services=services_in_scope(process), categories=categories(), **kwargs)


def sent_barrier_form(process) -> BarrierForm:
    """The barrier form of ``process`` as a phone sent it, checked against the ids of its services and categories:
    a room of phones sends at once, and reading them whole costs more than storing the barrier. Before the form
    is drawn again (it came back with errors), :func:`name_choices` names them."""
    form = BarrierForm()
    form.offer(services_in_scope_by_id(process), categories_by_id(), named=False)
    return form


def name_choices(form: BarrierForm, process) -> BarrierForm:
    """Give a form of :func:`sent_barrier_form` its choices as drawn: by name in the page's language."""
    form.offer(services_in_scope(process), categories())
    return form


def show_barrier(form: BarrierForm, barrier: Barrier) -> None:
    """Fill a form not sent yet with what ``barrier`` says now, its author's testimony included."""
    if form.is_submitted():
        return
    testimony = next((t for t in barrier.testimonies if t.participant_id == barrier.participant_id), None)
    form.service.data = barrier.service_id
    form.categories.data = [category.id for category in barrier.categories]
    form.frequency.data = barrier.frequency.value
    form.severity.data = barrier.severity.value
    form.testimony.data = testimony.text if testimony else ""
    form.may_quote.data = testimony.may_quote if testimony else True


def _fields(form: BarrierForm) -> dict:
    """What a valid form says, as :func:`~toolkit.barriers.operations.save_barrier` takes it."""
    return {
        "service": form.chosen_service,
        "categories": form.chosen_categories,
        "text": form.text.data,
        "language": form.language.data,
        "frequency": Frequency(form.frequency.data),
        "severity": Severity(form.severity.data),
        "groups_affected": form.groups_affected.data or "",
        "testimony": form.testimony.data or "",
        "may_quote": bool(form.may_quote.data),
    }


def store_new_barrier(form: BarrierForm, *, process, workshop: Workshop | None = None, **author) -> bool:
    """Store the barrier of a valid form once and commit, however many times it is sent; ``author`` is
    ``participant=``, ``organisation_id=`` or ``facilitator=True``. False when nothing could be stored (the
    form then says why)."""
    key = form.submission_key.data or None
    try:
        with saving(form) as outcome:
            operations.create_barrier(
                process=process, workshop=workshop, submission_key=key, **author, **_fields(form)
            )
    except IntegrityError:
        # The same form sent twice at the same moment: the other request stored it.
        db.session.rollback()
        return already_sent(Barrier, key) is not None
    return outcome.saved


def save_changes(form: BarrierForm, barrier: Barrier, workshop: Workshop | None = None) -> bool:
    """Store the author's changes of a valid form to ``barrier`` and commit; False when the database could not
    take them (the form then says why)."""
    with saving(form) as outcome:
        operations.save_barrier(barrier, workshop=workshop, **_fields(form))
    return outcome.saved
