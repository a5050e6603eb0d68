"""The facilitator's forms: a recommendation, and a quote taken from a testimony."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField
from wtforms.validators import DataRequired, Optional

from ..content import localize, named_choices
from ..forms import (
    BaseForm,
    CheckboxListField,
    WholeNumberField,
    coerce_id,
    optional_long_text,
    required_long_text,
    required_text,
)
from ..i18n import language_choices
from ..workshops.forms import contribution_language, submission_key_field
from .labels import PRINCIPLES, PRIORITIES
from .models import Priority

MARKUP_HINT = _l(
    "Short paragraphs. You may write **bold**, *italics*, lists (one line per item, starting with -) and links "
    "as [text](https://address)."
)


class RecommendationForm(BaseForm):
    title = required_text(_l("Title"), description=_l("What the recommendation asks, in a few words."))
    addressee = SelectField(
        _l("Addressed to"),
        coerce=coerce_id,
        validators=[Optional()],
        description=_l("The body that should act. Left empty, it is the owner of the services concerned."),
    )
    proposals = CheckboxListField(
        _l("Proposals it brings together"), coerce=coerce_id, validators=[Optional()]
    )
    problem = required_long_text(
        _l("The problem"),
        message=_l("Describe the problem the recommendation answers."),
        description=MARKUP_HINT,
    )
    proposed_change = required_long_text(
        _l("The change proposed"), message=_l("Describe the change proposed."), description=MARKUP_HINT
    )
    barriers = CheckboxListField(
        _l("Evidence: the barriers behind it"),
        coerce=coerce_id,
        validators=[Optional()],
        description=_l("Left empty, the barriers that its proposals answer."),
    )
    organisations = CheckboxListField(
        _l("Co-designed by"),
        coerce=coerce_id,
        validators=[Optional()],
        description=_l("The organisations that wrote its proposals are always named."),
    )
    priority = RadioField(_l("Priority"), validators=[DataRequired()], default=Priority.MEDIUM.value)
    feasibility = optional_long_text(
        _l("Feasibility (optional)"),
        description=_l("What the services said: feasible now, what it needs, whose it is."),
    )
    principles = CheckboxListField(
        _l("EU Common Basic Principles it refers to"), coerce=coerce_id, validators=[Optional()]
    )
    respond_by = DateField(_l("Answer requested by (optional)"), validators=[Optional()])
    version = HiddenField()

    def __init__(self, *args, proposals=(), barriers=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        #: The records behind the check boxes, for labels in each record's language.
        self.proposal_records = {p.id: p for p in proposals}
        self.barrier_records = {b.id: b for b in barriers}
        self.addressee.choices = named_choices(organisations, _l("The owner of the services concerned"))
        self.proposals.choices = [(p.id, p.change[:160]) for p in proposals]
        self.barriers.choices = [(b.id, f"{localize(b.service.name).text}: {b.text[:140]}") for b in barriers]
        self.organisations.choices = [(o.id, o.name) for o in organisations]
        self.priority.choices = [(p.value, PRIORITIES[p]) for p in Priority]
        self.principles.choices = list(PRINCIPLES.items())


class QuoteForm(BaseForm):
    testimony = WholeNumberField(validators=[DataRequired()])
    text = required_long_text(
        _l("Words to quote"),
        message=_l("Write the words to quote."),
        description=_l(
            "Take out anything that could identify the person or that they would not want printed: names, "
            "places, health, legal status. The testimony itself is kept as it was and never published."
        ),
    )


class ReviewRoundForm(BaseForm):
    until = DateField(
        _l("Open for review until"),
        validators=[Optional()],
        description=_l(
            "Associations and the participants who took part can read the drafts, support them and comment until this day. Leave it empty to close the review."
        ),
    )


class CommentForm(BaseForm):
    text = required_long_text(
        _l("Your comment"),
        max_length=2000,
        message=_l("Write your comment first."),
        description=_l("What is missing, what is wrong, what should be said better. Write in your language."),
    )
    language = contribution_language()
    submission_key = submission_key_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The select refuses any other value by itself.
        self.language.choices = language_choices()
        if not self.language.data:
            self.language.data = str(get_locale())


class IssueForm(BaseForm):
    languages = CheckboxListField(
        _l("Languages of the documents"),
        validators=[Optional()],
        description=_l(
            "The territory's language is always included. Each language adds a report and letters."
        ),
    )
    note = optional_long_text(
        _l("What this version changes (optional)"),
        description=_l(
            "Printed nowhere: shown in the list of versions, beside what the toolkit finds changed."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = language_choices()
