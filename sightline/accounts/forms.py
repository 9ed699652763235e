from django import forms

from sightline.core.forms import GovukForm


class SignInForm(GovukForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={"required": "Enter your username"},
    )
    password = forms.CharField(
        label="Password",
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )


class TwoFactorForm(GovukForm):
    token = forms.RegexField(
        label="Security code",
        regex=r"^\d{6}$",
        max_length=6,
        help_text="The 6-digit code from your authenticator app",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-5",
            }
        ),
        error_messages={
            "required": "Enter the 6-digit security code",
            "invalid": "The security code must be 6 digits",
        },
    )
