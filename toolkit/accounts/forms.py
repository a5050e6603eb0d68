"""Forms for logging in, passwords, the person's own account, and the people of a territory or a network."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..access import Role
from ..content import named_choices
from ..forms import BaseForm, CheckboxListField, coerce_id, required_text
from ..i18n import LANGUAGES, language_choices
from ..territories.labels import ROLE_NAMES

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


def _code_field(label, description=None) -> StringField:
    return StringField(
        label,
        validators=[DataRequired(), Length(max=40)],
        description=description,
        # The code the phone shows: digits, read left to right; browsers offer it from a text message or app.
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "dir": "ltr", "spellcheck": "false"},
    )


def _password_field() -> PasswordField:
    return PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class LoginCodeForm(BaseForm):
    code = _code_field(
        _l("Code"),
        _l("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )


class TwoFactorSetupForm(BaseForm):
    code = _code_field(_l("Code from the app"), _l("The 6 digits the app shows for this account."))


class TwoFactorOffForm(BaseForm):
    password = _password_field()
    code = _code_field(_l("Code"), _l("The 6 digits your authenticator app shows, or a recovery code."))


class RecoveryCodesForm(BaseForm):
    password = _password_field()


class TerritorySecurityForm(BaseForm):
    require_two_factor = BooleanField(
        _l("Coordinators must log in with a second factor"),
        description=_l(
            "An authenticator app on their phone, besides the password. Coordinators without one are asked to "
            "set it up at their next page."
        ),
    )


class NetworkCoordinatorForm(BaseForm):
    email = email_field()
    name = required_text(_l("Name"), max_length=120)


class PersonRolesForm(BaseForm):
    roles = CheckboxListField(_l("Roles in this territory"))
    organisation = SelectField(_l("Organisation"), coerce=coerce_id, validators=[Optional()])

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = [
            (role.value, ROLE_NAMES[role]) for role in Role if role is not Role.NETWORK_COORDINATOR
        ]
        self.organisation.choices = named_choices(organisations, _l("None"))


class InvitationForm(PersonRolesForm):
    email = email_field()
    name = required_text(_l("Name"), max_length=120)
    locale = SelectField(_l("Language of the invitation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))
