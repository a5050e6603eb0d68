"""The answer to one recommendation, the same form whether the office comes with its letter's link or its account."""

from __future__ import annotations

from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, FieldList, Form, FormField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from ..forms import FORM_TRANSLATIONS, BaseForm, strip_text
from ..i18n import LANGUAGES, language_choices
from ..workshops.forms import contribution_language, submission_key_field
from .labels import ANSWER_STATUSES
from .models import AnswerStatus
from .operations import COMMITMENT_MAX, NAME_MAX, TEXT_MAX, CommitmentData

#: Commitments one answer takes (what, who, by when); a later answer can take three more.
COMMITMENTS = 3


def at_most(limit: int):
    """Refuse a text longer than ``limit`` characters, saying how long it is and what the limit is (the text comes
    back whole, to shorten)."""

    def check(form, field):
        length = len(field.data or "")
        if length > limit:
            raise ValidationError(
                _(
                    "This text has %(length)s characters; the limit is %(limit)s. Shorten it: nothing you "
                    "wrote is lost.",
                    length=format_number(length),
                    limit=format_number(limit),
                )
            )

    return check


class CommitmentFields(Form):
    """One commitment: what will be done, by whom, by when (all optional; "what" is needed for the others)."""

    class Meta:
        def get_translations(self, form):
            return FORM_TRANSLATIONS

    what = TextAreaField(
        _l("What will be done"),
        filters=[strip_text],
        validators=[at_most(COMMITMENT_MAX)],
        render_kw={"rows": 2},
    )
    who = StringField(_l("Who will do it"), filters=[strip_text], validators=[at_most(NAME_MAX)])
    due_on = DateField(_l("By when"), validators=[Optional()])

    def validate_what(self, field):
        if not field.data and (self.who.data or self.due_on.data):
            raise ValidationError(_l("Say what will be done, or leave the whole commitment empty."))


class AnswerForm(BaseForm):
    status = RadioField(
        _l("Your answer"),
        validators=[DataRequired(message=_l("Choose what you answer."))],
    )
    text = TextAreaField(_l("What you say"), validators=[at_most(TEXT_MAX)], render_kw={"rows": 8})
    language = contribution_language()
    competent_body = StringField(
        _l("The body that is competent"),
        validators=[at_most(NAME_MAX)],
        description=_l(
            "Needed when it is not your competence: the facilitator then decides whether to forward it."
        ),
    )
    commitments = FieldList(FormField(CommitmentFields), min_entries=COMMITMENTS, max_entries=COMMITMENTS)
    signed_by = StringField(
        _l("Signed by (optional)"),
        validators=[at_most(NAME_MAX)],
        description=_l("A name and an office, as you sign letters."),
    )
    submission_key = submission_key_field()

    def __init__(self, *args, default_language: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.description = _(
            "What you will do, or why not, in your own words (at most %(limit)s characters). Needed unless you "
            "only say that you received it.",
            limit=format_number(TEXT_MAX),
        )
        self.status.choices = [(status.value, ANSWER_STATUSES[status]) for status in AnswerStatus]
        self.language.choices = language_choices()
        if not self.language.data:
            page = str(get_locale())
            self.language.data = page if page in LANGUAGES else default_language

    @property
    def field_errors(self) -> list[tuple]:
        """Refused fields in form order, each commitment's own fields listed as themselves."""
        listed = []
        for field in self:
            if field.name == "csrf_token" or not field.errors:
                continue
            if field is self.commitments:
                listed.extend((sub, sub.errors) for entry in field for sub in entry.form if sub.errors)
            else:
                listed.append((field, field.errors))
        return listed

    @property
    def chosen_status(self) -> AnswerStatus | None:
        try:
            return AnswerStatus(self.status.data)
        except ValueError:
            return None

    def validate_text(self, field):
        if not field.data and self.chosen_status not in (None, AnswerStatus.RECEIVED):
            raise ValidationError(_l("Write what you answer: what you will do, or why not."))

    def validate_competent_body(self, field):
        if self.chosen_status is AnswerStatus.NOT_OUR_COMPETENCE and not field.data:
            raise ValidationError(_l("Name the body that is competent."))

    def commitment_data(self) -> list[CommitmentData]:
        """The commitments filled in, in their order."""
        return [
            CommitmentData(what=entry.what.data, who=entry.who.data or "", due_on=entry.due_on.data)
            for entry in self.commitments
            if entry.what.data
        ]
