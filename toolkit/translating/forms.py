"""The translators' forms: the queue's filters, and one translation beside its original."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from ..content import territory_text
from ..forms import BaseForm, coerce_id
from ..i18n import LANGUAGES, html_language, text_direction
from .operations import ItemState
from .sources import Source

#: What the queue lists.
SHOW_CHOICES = (
    ("to_do", _l("Still to do")),
    (ItemState.MISSING.value, _l("Not translated yet")),
    ("to_review", _l("Drafts to review")),
    (ItemState.OUTDATED.value, _l("Outdated: the original changed")),
    (ItemState.REVIEWED.value, _l("Reviewed")),
    ("all", _l("Everything")),
)


class QueueFilterForm(BaseForm):
    """The queue's filters, sent with GET: a bookmarkable address, no token needed."""

    class Meta:
        csrf = False

    #: Named ``process`` in the address (``Form.process`` is taken by WTForms).
    process_id = SelectField(_l("Process"), coerce=coerce_id, validators=[Optional()], name="process")
    workshop = SelectField(_l("Workshop"), coerce=coerce_id, validators=[Optional()])
    language = SelectField(_l("Translate into"), validators=[Optional()])
    show = SelectField(_l("Which texts"), default="to_do", validators=[Optional()])

    def __init__(self, *args, processes=(), workshops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.process_id.choices = [(p.id, str(territory_text(p.title)), _territory_tag()) for p in processes]
        self.workshop.choices = [
            (0, _l("Every workshop"), {}),
            *((w.id, str(territory_text(w.title)), _territory_tag()) for w in workshops),
        ]
        self.show.choices = list(SHOW_CHOICES)
        self.language.choices = [
            (code, language["name"], {"lang": html_language(code), "dir": language["dir"]})
            for code, language in LANGUAGES.items()
        ]


def _territory_tag() -> dict[str, str]:
    from ..content import territory_language

    language = territory_language()
    return {"lang": html_language(language), "dir": text_direction(language)}


class TranslationForm(BaseForm):
    """One translation: a text area per field of the original; the fields are added by :func:`translation_form`."""

    #: The version of the translation the translator started from, and the original they saw.
    version = HiddenField()
    source_digest = HiddenField()
    save_reviewed = SubmitField(_l("Save as reviewed"))
    save_draft = SubmitField(_l("Save as draft"))

    text_fields: tuple[str, ...] = ()

    def texts(self) -> dict[str, str]:
        return {name: (self[name].data or "").strip() for name in self.text_fields}

    @property
    def reviewed(self) -> bool:
        return bool(self.save_reviewed.data)


def translation_form(source: Source, record, language: str, **kwargs) -> TranslationForm:
    """The form for translating ``record`` into ``language``: one field for each field of the original with text."""

    class Form(TranslationForm):
        pass

    names = []
    for field in source.fields:
        if getattr(record, field.name):
            setattr(
                Form,
                field.name,
                TextAreaField(field.label, validators=[Optional(), Length(max=field.max_length)]),
            )
            names.append(field.name)
    Form.text_fields = tuple(names)
    return Form(**kwargs)
