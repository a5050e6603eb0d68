"""Forms for logging in, passwords and the person's own account."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..forms import BaseForm, required_text
from ..i18n import LANGUAGES, language_choices

#: Shortest password accepted; long passphrases are encouraged, not complex rules.
MIN_PASSWORD = 10


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
        # Addresses, codes and numbers read left to right in every language.
        render_kw={"autocomplete": "email", "dir": "ltr"},
    )


def new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)],
        description=_l(
            "At least %(count)s characters. A sentence you remember is a good password.", count=MIN_PASSWORD
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class LoginForm(BaseForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay logged in on this device"))


class ForgotPasswordForm(BaseForm):
    email = email_field()


class SetPasswordForm(BaseForm):
    password, confirm = new_password_fields()


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()


class ProfileForm(BaseForm):
    name = required_text(_l("Your name"), max_length=120, render_kw={"autocomplete": "name"})
    locale = SelectField(_l("Interface language"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [("", _l("As my browser says"), {}), *language_choices()]

    def validate_locale(self, field):
        if field.data and field.data not in LANGUAGES:
            raise ValidationError(_l("Choose a language from the list."))
