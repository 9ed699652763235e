"""Forms for the ways a concern reaches the front door: the public form and the practitioner form.

Free-text answers are limited to `MAX_TEXT` characters with a message that says how long the
answer is; the limit is checked here and again by `contact_create`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from sightline.core.dates import age_on
from sightline.core.forms import GovukDateField, GovukForm
from sightline.frontdoor.models import Consent, LawfulBasis, Urgency
from sightline.frontdoor.services.contacts import CONSENT_NEEDS_DETAIL, MAX_TEXT
from sightline.people.identifiers import normalise_postcode, validate_postcode
from sightline.people.models import Sex

# The field a person never sees: a bot that fills it in is shown a confirmation and ignored.
HONEYPOT_FIELD = "website"

ADULT_AGE = 18  # the public form is for concerns about children under 18


_PHONE = re.compile(r"^\+?[\d\s()-]{7,25}$")


def text_within_limit(value: str, *, what: str, limit: int = MAX_TEXT) -> str:
    """Raise a clear message when a free-text answer is too long (GOV.UK character count)."""
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(
            f"{what} must be {limit:,} characters or fewer. "
            f"You have entered {len(value):,} characters"
        )
    return value


def _textarea(rows: int = 5) -> forms.Textarea:
    # No maxlength attribute: the browser would cut the text off without saying so.
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "true"})


def _date_field(**kwargs: Any) -> GovukDateField:
    """A GOV.UK date whose missing parts are named ("must include a year"), not "incomplete"."""
    field = GovukDateField(**kwargs)
    for part in field.fields:
        part.required = False
    return field


def _clean_postcode(value: str) -> str:
    value = (value or "").strip()
    if value:
        validate_postcode(value)
    return normalise_postcode(value)


def _clean_phone(value: str) -> str:
    value = (value or "").strip()
    if value and not _PHONE.fullmatch(value):
        raise ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")
    return value


# --- The public concern form: one question per page ------------------------------------------


class UrgencyForm(GovukForm):
    urgency = forms.ChoiceField(
        label="How urgent is this?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how urgent this is"},
    )


class ChildForm(GovukForm):
    given_name = forms.CharField(
        label="First name",
        required=False,
        max_length=100,
        error_messages={"max_length": "First name must be 100 characters or fewer"},
    )
    family_name = forms.CharField(
        label="Last name",
        required=False,
        max_length=100,
        error_messages={"max_length": "Last name must be 100 characters or fewer"},
    )
    date_of_birth = _date_field(
        label="Date of birth",
        required=False,
        help_text="For example, 27 3 2017. Leave this blank if you do not know it.",
    )
    approximate_age = forms.CharField(
        label="If you do not know their date of birth, roughly how old are they?",
        required=False,
        max_length=3,
        help_text="In years, for example 7",
        error_messages={"max_length": "Enter the child's age as a number, like 7"},
    )
    school = forms.CharField(
        label="School, college or nursery (if you know it)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The school's name must be 200 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("given_name", "family_name"):
            self.fields[name].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["approximate_age"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
        )
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)

    def clean_approximate_age(self) -> str:
        age = (self.cleaned_data.get("approximate_age") or "").strip()
        if not age:
            return ""
        if not age.isdigit():
            raise ValidationError("Enter the child's age as a number, like 7")
        if int(age) > 17:
            raise ValidationError(
                "Enter an age from 0 to 17: this form is for concerns about children under 18"
            )
        return str(int(age))

    def clean_date_of_birth(self) -> dt.date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born is not None and born > timezone.localdate():
            raise ValidationError(
                "Date of birth must be today or in the past: if the baby is not born yet, leave "
                "it blank and tell us when the baby is due when you say what happened"
            )
        if born is not None and age_on(born, timezone.localdate()) >= ADULT_AGE:
            raise ValidationError(
                "Enter a date of birth less than 18 years ago: this form is for concerns about "
                "children under 18"
            )
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        born, age = data.get("date_of_birth"), data.get("approximate_age")
        if born and age and abs(age_on(born, timezone.localdate()) - int(age)) > 1:
            self.add_error(
                "approximate_age",
                f"The date of birth makes the child {age_on(born, timezone.localdate())}, not "
                f"{age}: correct one of them, or leave the age blank",
            )
        return data


class AddressForm(GovukForm):
    line = forms.CharField(
        label="Address line 1",
        required=False,
        max_length=200,
        error_messages={"max_length": "Address line 1 must be 200 characters or fewer"},
    )
    town = forms.CharField(
        label="Town or city",
        required=False,
        max_length=100,
        error_messages={"max_length": "Town or city must be 100 characters or fewer"},
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a real postcode, like BD21 4QA"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].widget.attrs["autocomplete"] = "off"
        self.fields["town"].widget.attrs.update(
            {"autocomplete": "off", "class": "govuk-input govuk-!-width-two-thirds"}
        )
        self.fields["postcode"].widget.attrs.update(
            {"autocomplete": "off", "class": "govuk-input govuk-input--width-10"}
        )
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)

    def clean_postcode(self) -> str:
        return _clean_postcode(self.cleaned_data.get("postcode", ""))


class WhatHappenedForm(GovukForm):
    concern = forms.CharField(
        label="What has happened, or what are you worried about?",
        widget=_textarea(10),
        help_text=(
            "Tell us what you saw or heard, when it happened and who was involved. "
            f"You can enter up to {MAX_TEXT:,} characters."
        ),
        error_messages={"required": "Tell us what happened or what you are worried about"},
    )

    def clean_concern(self) -> str:
        return text_within_limit(self.cleaned_data["concern"], what="What happened")


class AboutYouForm(GovukForm):
    anonymous = forms.ChoiceField(
        label="Do you want to stay anonymous?",
        choices=[
            ("yes", "Yes, I do not want to give my name"),
            ("no", "No, I will give my details"),
        ],
        widget=forms.RadioSelect,
        help_text=(
            "If you stay anonymous we cannot contact you to ask more or tell you what we did. "
            "We will still act on what you tell us."
        ),
        error_messages={"required": "Select yes if you want to stay anonymous"},
    )


RELATIONSHIP_CHOICES = [
    ("family", "I am a member of the child's family, a relative or their carer"),
    ("acquaintance", "I know the child or their family, for example as a neighbour or friend"),
    ("self", "I am the child"),
    ("other", "Other"),
]


class YourDetailsForm(GovukForm):
    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={
            "required": "Enter your name",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )
    relationship = forms.ChoiceField(
        label="How do you know the child?",
        choices=RELATIONSHIP_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you know the child"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        help_text="We will only use this to contact you about this report",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    phone = forms.CharField(
        label="Telephone number (optional)",
        required=False,
        max_length=25,
        error_messages={
            "max_length": "Enter a telephone number, like 01632 960 001 or 07700 900 982"
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "name", "spellcheck": "false"})
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "type": "email"}
        )
        self.fields["phone"].widget.attrs.update(
            {"autocomplete": "tel", "type": "tel", "class": "govuk-input govuk-input--width-20"}
        )
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("phone", ""))


# --- The practitioner form --------------------------------------------------------------------


class ChildSearchForm(GovukForm):
    name = forms.CharField(label="Name", required=False, max_length=200)
    date_of_birth = _date_field(
        label="Date of birth",
        required=False,
        allow_future=False,
        help_text="For example, 27 3 2017",
    )
    nhs_number = forms.CharField(
        label="NHS number", required=False, max_length=12, help_text="10 digits, like 485 777 3456"
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nhs_number"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "inputmode": "numeric"}
        )
        self.fields["postcode"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(
            data.get(name) for name in ("name", "date_of_birth", "nhs_number", "postcode")
        ):
            raise ValidationError(
                "Enter at least one of the child's name, date of birth, NHS number or postcode"
            )
        return data


class NewChildForm(GovukForm):
    """A child the referrer could not find. Field names follow person_create's errors."""

    given_name = forms.CharField(label="First name", required=False, max_length=100)
    family_name = forms.CharField(label="Last name", required=False, max_length=100)
    date_of_birth = _date_field(
        label="Date of birth",
        required=False,
        help_text="A child is under 18. For example, 27 3 2017",
    )
    expected_date_of_birth = _date_field(
        label="Expected date of birth (for a child not yet born)",
        required=False,
        allow_past=True,
        help_text="Leave the date of birth blank. For example, 14 9 2026",
    )
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN
    )
    nhs_number = forms.CharField(
        label="NHS number (if known)",
        required=False,
        max_length=12,
        help_text="10 digits, like 485 777 3456",
    )
    upn = forms.CharField(label="Unique pupil number (if known)", required=False, max_length=13)
    address_line = forms.CharField(label="Address line 1", required=False, max_length=200)
    town = forms.CharField(label="Town or city", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sex"].widget.attrs["small"] = True
        self.fields["nhs_number"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "inputmode": "numeric"}
        )
        self.fields["upn"].widget.attrs["class"] = "govuk-input govuk-input--width-20"
        self.fields["postcode"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def person_fields(self) -> dict[str, Any]:
        """The keyword arguments for people.services.person_create."""
        return self.fields_of(self.cleaned_data)

    @staticmethod
    def fields_of(data: dict[str, Any]) -> dict[str, Any]:
        """person_create's keyword arguments from what the form accepted (a field the form
        refused is not given, so the service's checks do not judge it twice). A child with an
        expected date of birth is an unborn child."""
        fields: dict[str, Any] = {
            name: data[name]
            for name in (
                "given_name",
                "family_name",
                "date_of_birth",
                "expected_date_of_birth",
                "nhs_number",
                "upn",
            )
            if name in data
        }
        if "sex" in data:
            fields["sex"] = data["sex"] or Sex.UNKNOWN
        if data.get("expected_date_of_birth"):
            fields["kind"] = "unborn"
        fields["address"] = {
            "line": data.get("address_line", ""),
            "town": data.get("town", ""),
            "postcode": data.get("postcode", ""),
        }
        return fields


class PractitionerContactForm(GovukForm):
    concern = forms.CharField(
        label="What are you worried about?",
        widget=_textarea(8),
        help_text="What happened, when, who was involved, and what you think the risk is",
        error_messages={"required": "Tell us what you are worried about"},
    )
    child_voice = forms.CharField(
        label="What has the child said?",
        required=False,
        widget=_textarea(),
        help_text="Use the child's own words where you can",
    )
    child_presentation = forms.CharField(
        label="How did the child seem?", required=False, widget=_textarea(3)
    )
    household_details = forms.CharField(
        label="Who lives with the child?",
        required=False,
        widget=_textarea(3),
        help_text="Parents, carers, brothers and sisters, anyone else in the home",
    )
    actions_taken = forms.CharField(
        label="What have you already done?",
        required=False,
        widget=_textarea(3),
        help_text="For example: spoke to the parent, called the police, gave first aid",
    )
    urgency = forms.ChoiceField(
        label="How urgent is this?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how urgent this is"},
    )
    lawful_basis = forms.ChoiceField(
        label="What is your lawful basis for sharing this information?",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your lawful basis for sharing"},
    )
    consent = forms.ChoiceField(
        label="Does the family know about and agree to this referral?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family agreed to this referral"},
    )
    consent_detail = forms.CharField(
        label="Explain your decision about consent",
        required=False,
        widget=_textarea(3),
        help_text="Needed when the family refused or you did not ask them",
    )

    TEXT_FIELDS = {
        "concern": "What you are worried about",
        "child_voice": "What the child said",
        "child_presentation": "How the child seemed",
        "household_details": "Who lives with the child",
        "actions_taken": "What you have already done",
        "consent_detail": "Your explanation about consent",
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, what in self.TEXT_FIELDS.items():
            if name in data:
                try:
                    data[name] = text_within_limit(data[name], what=what)
                except ValidationError as error:
                    self.add_error(name, error)
        consent = data.get("consent")
        if consent in CONSENT_NEEDS_DETAIL and not data.get("consent_detail"):
            self.add_error("consent_detail", CONSENT_NEEDS_DETAIL[Consent(consent)])
        return data
