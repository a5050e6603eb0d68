"""Form conventions: one base form, and one way to answer a form that failed."""

from __future__ import annotations

import re
from contextlib import contextmanager

from flask import abort, current_app, render_template, request
from flask_babel import get_domain, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from sqlalchemy.exc import OperationalError
from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from .database import is_busy_error
from .extensions import db

#: Longest text accepted in a one-line field, and in a free-text field.
SHORT_TEXT = 200
LONG_TEXT = 5000

#: The whole numbers every id and number column holds (INTEGER: 32 bits on PostgreSQL, so on SQLite too, so that
#: a value accepted on one database is accepted on the other).
DATABASE_INT_MIN = -(2**31)
DATABASE_INT_MAX = 2**31 - 1
#: A whole number as written in a URL, a form or a query string: ASCII digits only (Python's ``int`` also reads
#: "1_000", " 7 " and Arabic-Indic digits), no leading zeros, at most ten digits.
WHOLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,9})")


def database_int(value) -> int | None:
    """``value`` (an int, or text from a URL, a form or a query string) as a whole number the database can
    store, or None when it is not one (empty, not a number, out of range, a list...)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if DATABASE_INT_MIN <= number <= DATABASE_INT_MAX else None


def coerce_id(value) -> int | None:
    """``coerce`` for choice fields of record ids: what is not a number the database can hold becomes None, which
    no choice has, so it is refused as "Not a valid choice." (never looked up, so never an overflow)."""
    return database_int(value)


def request_int(values, name: str, default: int | None = None) -> int | None:
    """The whole number ``name`` of ``request.args`` / ``request.form``: ``default`` when it is missing, 404 when it is
    there but not a number the database can hold (an address nobody's page links to)."""
    raw = values.get(name)
    if raw is None or raw == "":
        return default
    number = database_int(raw)
    if number is None:
        abort(404)
    return number


class WholeNumberField(IntegerField):
    """An integer input that refuses, as a field error, what the database could not store."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        number = database_int(valuelist[0])
        if number is None:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        self.data = number


class BaseForm(FlaskForm):
    """Every form of the toolkit: CSRF token, trimmed text, lengths always bounded."""

    class Meta:
        def get_translations(self, form):
            # WTForms' own messages ("This field is required."...) come from our catalogues, which cover every
            # interface language (WTForms ships no Albanian or Bengali).
            return FORM_TRANSLATIONS

        def wrap_formdata(self, form, formdata):
            # What a browser form sends, and only that: Flask-WTF would also read a JSON body and uploaded files,
            # whose numbers, lists and files reach validators written for text. The toolkit takes no uploads.
            if formdata is _Auto:
                return request.form if form.is_submitted() and request.form else None
            return formdata

        def bind_field(self, form, unbound_field, options):
            # Strip surrounding blanks from every text input, so "  " counts as empty.
            filters = unbound_field.kwargs.get("filters", [])
            if issubclass(unbound_field.field_class, StringField | TextAreaField):
                filters = [*filters, strip_text]
            return unbound_field.bind(form=form, filters=filters, **options)

    @property
    def field_errors(self) -> list[tuple]:
        """(field, messages) of the fields that were refused, in form order (the CSRF token aside)."""
        return [(field, field.errors) for field in self if field.errors and field.name != "csrf_token"]

    @property
    def token_refused(self) -> bool:
        return bool(self.csrf_token.errors) if hasattr(self, "csrf_token") else False


class _FormTranslations:
    """WTForms' translations protocol over the toolkit's own catalogues (no formatting: WTForms does it)."""

    def gettext(self, string):
        return get_domain().get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_domain().get_translations().ungettext(singular, plural, n)


FORM_TRANSLATIONS = _FormTranslations()

#: WTForms' messages that people can meet, marked here so that every catalogue translates them.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Invalid email address."),
    _l("Invalid input."),
    _l("Field must be equal to %(other_name)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be between %(min)s and %(max)s."),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 2
    ),
    lazy_ngettext(
        "Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 2
    ),
)


class CheckboxListField(SelectMultipleField):
    """Several choices shown as check boxes, usable without JavaScript."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


def required_text(label, max_length: int = SHORT_TEXT, **kwargs) -> StringField:
    return StringField(label, validators=[DataRequired(), Length(max=max_length)], **kwargs)


def optional_text(label, max_length: int = SHORT_TEXT, **kwargs) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=max_length)], **kwargs)


def optional_long_text(label, max_length: int = LONG_TEXT, **kwargs) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=max_length)], **kwargs)


def required_long_text(label, max_length: int = LONG_TEXT, message=None, **kwargs) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(message=message), Length(max=max_length)], **kwargs)


def translated_text(label, *, required: bool = False, max_length: int = SHORT_TEXT, **kwargs):
    """A text written once per language (see :mod:`toolkit.content`)."""
    from .content import TranslationsField

    return TranslationsField(label, required=required, max_length=max_length, **kwargs)


def translated_long_text(label, *, required: bool = False, max_length: int = LONG_TEXT, **kwargs):
    return translated_text(label, required=required, max_length=max_length, multiline=True, **kwargs)


def form_status(*forms: BaseForm) -> int:
    """200 for a form shown or accepted; 4xx when a submission was refused, 503 when the database was busy."""
    status = 200
    for form in forms:
        if form.is_submitted() and (form.errors or form.form_errors):
            if any(error is DATABASE_BUSY for error in form.form_errors):
                return 503
            status = max(status, 400 if form.token_refused else 422)
    return status


def render_form(template: str, form: BaseForm, *other_forms: BaseForm, **context):
    """Render a form page; a refused submission answers 4xx with everything typed and a fresh token."""
    return render_template(template, form=form, **context), form_status(form, *other_forms)


#: How many ways of drawing forms not sent yet each application keeps (languages x choices).
DRAWN_FORMS_KEPT = 256


def drawn_once(key, caller):
    """``{% call drawn_once(form.drawing_key()) %}...fields...{% endcall %}``: the fields of a form not sent yet,
    drawn once for each way they can look (``key``: the language, the choices...) and then shown again as drawn.

    A whole room of phones opens the same form at once, and drawing a form's fields costs more than the rest of
    the page. ``key`` None (something was typed, filled in or refused) draws them every time; so does a
    development server that reloads its templates.
    """
    if key is None or current_app.jinja_env.auto_reload:
        return caller()
    drawn = current_app.extensions.setdefault("drawn_forms", {})
    fields = drawn.get(key)
    if fields is None:
        fields = caller()
        if len(drawn) >= DRAWN_FORMS_KEPT:
            drawn.clear()
        drawn[key] = fields
    return fields


DATABASE_BUSY = _l("The database is busy for a moment. Nothing was saved yet: please send the form again.")


class Outcome:
    saved = False


@contextmanager
def saving(form: BaseForm):
    """Run a form's operations and commit them together; when the database is busy, roll everything back and
    tell the form, so the page comes back with every word typed::

        with saving(form) as outcome:
            operations.save_service(service, ...)
        if outcome.saved:
            return redirect(...)
    """
    outcome = Outcome()
    try:
        yield outcome
        db.session.commit()
        outcome.saved = True
    except OperationalError as error:
        db.session.rollback()
        if not is_busy_error(error):
            raise
        form.form_errors.append(DATABASE_BUSY)
