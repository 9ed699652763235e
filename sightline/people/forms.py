"""Forms of the people pages: finding a person, breaking the glass, the break-glass report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sightline.core.forms import GovukDateField, GovukForm
from sightline.people.identifiers import (
    normalise_nhs_number,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
)


def explain_missing_date_parts(form: forms.Form) -> None:
    """Let each GovukDateField say which part is missing ("must include a month").

    Its day, month and year subfields are required by default, so Django answers a partial
    date with "Enter a complete value." before the field can explain. (To move into
    core.forms.GovukDateField.)
    """
    for field in form.fields.values():
        if isinstance(field, GovukDateField):
            for part in field.fields:
                part.required = False


class PersonSearchForm(GovukForm):
    """Search by any of name, date of birth, NHS number and postcode (at least one)."""

    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="First and last name, or just the last name. Other spellings and "
        "nicknames are found too.",
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        allow_future=False,
        help_text="For example, 27 3 2019",
    )
    nhs_number = forms.CharField(
        label="NHS number", required=False, max_length=20, help_text="10 digits, like 943 476 5919"
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        explain_missing_date_parts(self)
        self.fields["name"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["nhs_number"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "inputmode": "numeric"}
        )
        self.fields["postcode"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "autocomplete": "off"}
        )

    def clean_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value:
            validate_nhs_number(value)
        return value

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        if value:
            validate_postcode(value)
        return normalise_postcode(value)

    def clean(self) -> dict[str, Any]:
        super().clean()
        entered = any(self.data.get(key, "").strip() for key in self.data if key != "page")
        if not self.errors and not entered:
            # GOV.UK pattern: the error belongs to the first field, so the summary links there.
            self.add_error("name", "Enter a name, date of birth, NHS number or postcode")
        return self.cleaned_data


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to open this record?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text="For example: child attended the emergency department with an injury and "
        "I need to check whether they are known to social care. Your reason is recorded "
        "and reported to the safeguarding partnership.",
        error_messages={"required": "Say why you need to open this record"},
    )


def check_date_range(form: forms.Form, cleaned: dict[str, Any]) -> None:
    """The 'from' date of a date range may not be after its 'to' date."""
    start: dt.date | None = cleaned.get("date_from")
    end: dt.date | None = cleaned.get("date_to")
    if start and end and start > end:
        form.add_error(
            "date_to", ValidationError("The 'to' date must be on or after the 'from' date")
        )


class BreakGlassReportFilterForm(GovukForm):
    date_from = GovukDateField(label="From", required=False, help_text="For example, 1 4 2025")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 31 3 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        explain_missing_date_parts(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        check_date_range(self, self.cleaned_data)
        return self.cleaned_data
