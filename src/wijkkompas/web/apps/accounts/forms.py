"""Login, two-factor and personal-data forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from wijkkompas.web.apps.accounts.demo import demo_logins_refused, is_demo_account
from wijkkompas.web.common.forms import AccessibleFormMixin

DEMO_ACCOUNT_REFUSED = _(
    "Dit is een demo-account met een openbaar wachtwoord. Op deze site kunt u daarmee niet "
    "inloggen."
)
LOGIN_THROTTLED = _(
    "Er is te vaak geprobeerd in te loggen. Wacht een kwartier en probeer het dan opnieuw."
)


class LoginForm(AccessibleFormMixin, AuthenticationForm):
    """Django's login form: one message for a wrong name or password, never which one.

    With ``throttled`` the password is not even checked (``accounts.throttle``): the answer is
    the same whether or not the user name exists.
    """

    error_messages = {
        "invalid_login": _(
            "De gebruikersnaam of het wachtwoord klopt niet. Let op hoofdletters en probeer "
            "het opnieuw."
        ),
        "inactive": _("Dit account is gesloten. Neem contact op met de beheerder."),
        "demo_account": DEMO_ACCOUNT_REFUSED,
    }

    def __init__(self, *args: Any, throttled: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.throttled = throttled
        self.fields["username"].label = _("Gebruikersnaam")
        self.fields["password"].label = _("Wachtwoord")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self) -> dict[str, Any]:
        if self.throttled:
            raise forms.ValidationError(LOGIN_THROTTLED, code="throttled")
        return super().clean()

    def confirm_login_allowed(self, user: AbstractBaseUser) -> None:
        """Closed accounts, and in production the demo accounts, whose password is public."""
        super().confirm_login_allowed(user)
        if demo_logins_refused() and is_demo_account(user):
            raise forms.ValidationError(self.error_messages["demo_account"], code="demo_account")

    @property
    def refused_as_demo(self) -> bool:
        return self.has_error(forms.forms.NON_FIELD_ERRORS, "demo_account")


class TokenForm(AccessibleFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Code uit uw app"),
        min_length=6,
        max_length=8,
        help_text=_("De zes cijfers die uw authenticator-app nu toont."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
        error_messages={
            "required": _("Vul de code uit uw app in."),
            "min_length": _("De code heeft zes cijfers."),
        },
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("De code bestaat alleen uit cijfers."))
        return token


class PersonalDataForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        error_messages={"invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl.")},
    )


class EraseForm(AccessibleFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, wis de persoonsgegevens en sluit het account"),
        error_messages={"required": _("Vink aan dat u de gegevens echt wilt wissen.")},
    )
