"""The CP-IS style lookup form: an NHS number, or a name and date of birth, and the setting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sightline.core.forms import GovukDateField, GovukForm
from sightline.people.identifiers import normalise_nhs_number, validate_nhs_number
from sightline.sharing.models import CpisLookup


class CpisLookupForm(GovukForm):
    setting = forms.ChoiceField(
        label="Where are you seeing the child?",
        choices=CpisLookup.Setting.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where you are seeing the child"},
    )
    nhs_number = forms.CharField(
        label="Child's NHS number (or the pregnant woman's, for an unborn child)",
        required=False,
        max_length=20,
        help_text="10 digits, like 943 476 5919",
    )
    given_name = forms.CharField(
        label="First name",
        required=False,
        max_length=100,
        help_text="Only if you do not have the NHS number",
    )
    family_name = forms.CharField(label="Last name", required=False, max_length=100)
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        allow_future=False,
        help_text="For example, 27 3 2019",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nhs_number"].widget.attrs.update(
            {
                "class": "govuk-input govuk-input--width-10",
                "inputmode": "numeric",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        )
        for name in ("given_name", "family_name"):
            self.fields[name].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data.get("nhs_number", ""))
        if value:
            validate_nhs_number(value)
        return value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors.get("nhs_number") or data.get("nhs_number"):
            return data
        name_parts = {
            "given_name": ("Enter the child's first name", data.get("given_name", "").strip()),
            "family_name": ("Enter the child's last name", data.get("family_name", "").strip()),
            "date_of_birth": ("Enter the child's date of birth", data.get("date_of_birth")),
        }
        if self.errors.get("date_of_birth"):
            return data
        if not any(value for _, value in name_parts.values()):
            raise ValidationError(
                {"nhs_number": "Enter the child's NHS number, or their name and date of birth"}
            )
        for name, (message, value) in name_parts.items():
            if not value:
                self.add_error(name, message)
        return data
