"""Forms for the front door's work on a contact and for partner agencies' answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from sightline.accounts.models import Agency, User
from sightline.core.forms import GovukDateField, GovukForm
from sightline.frontdoor.models import NeedLevel, Outcome
from sightline.frontdoor.selectors import Show, front_door_users
from sightline.people.identifiers import validate_postcode
from sightline.people.models import Sex


class QueueFilterForm(GovukForm):
    show = forms.ChoiceField(
        label="Show", choices=Show.CHOICES, required=False, widget=forms.RadioSelect
    )
    overdue = forms.BooleanField(label="Only overdue contacts", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["show"].widget.attrs["small"] = True

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"show": Show.ALL, "overdue_only": False}
        return {
            "show": self.cleaned_data.get("show") or Show.ALL,
            "overdue_only": bool(self.cleaned_data.get("overdue")),
        }


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.get_role_display()})"


class ReassignForm(GovukForm):
    to = ColleagueChoiceField(
        label="Give this contact to",
        queryset=User.objects.none(),
        empty_label="Choose a colleague",
        error_messages={"required": "Choose who to give this contact to"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["to"])
        field.queryset = front_door_users()


class ChildSearchForm(GovukForm):
    name = forms.CharField(
        label="Name", required=False, max_length=200, help_text="First and last name, or either"
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2019"
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs["class"] = "govuk-input govuk-input--width-10"
        self.fields["nhs_number"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(key) for key in ("name", "date_of_birth", "postcode", "nhs_number")):
            raise ValidationError("Enter a name, date of birth, postcode or NHS number to search")
        return data


class ChildCreateForm(GovukForm):
    given_name = forms.CharField(label="First name", required=False, max_length=100)
    family_name = forms.CharField(label="Last name", required=False, max_length=100)
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        help_text="A child is under 18. Leave blank if it is not known. For example, 27 3 2019",
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth (for a child not yet born)",
        required=False,
        help_text="Leave the date of birth blank. For example, 14 9 2026",
    )
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.RadioSelect
    )
    address_line = forms.CharField(label="First line of address", required=False, max_length=200)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)

    def person_fields(self) -> dict[str, Any]:
        """person_create's keyword arguments from what the form accepted (a field it refused
        is not given); a child with an expected date of birth is an unborn child."""
        return self.fields_of(self.cleaned_data)

    @staticmethod
    def fields_of(data: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {
            name: data[name]
            for name in (
                "given_name",
                "family_name",
                "date_of_birth",
                "expected_date_of_birth",
                "sex",
            )
            if name in data
        }
        if data.get("expected_date_of_birth"):
            fields["kind"] = "unborn"
        fields["address"] = {
            "line": data.get("address_line", ""),
            "postcode": data.get("postcode", ""),
        }
        return fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs["class"] = "govuk-input govuk-input--width-10"
        self.fields["sex"].widget.attrs["small"] = True

    def clean_postcode(self) -> str:
        # The people service would refuse it too, but only after this form's other errors.
        value: str = self.cleaned_data.get("postcode") or ""
        validate_postcode(value)
        return value

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data.get("date_of_birth")
        if value is not None and value.year < 1900:
            raise ValidationError("Date of birth must be after 1900")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unborn = data.get("expected_date_of_birth") or self.errors.get("expected_date_of_birth")
        if not (data.get("given_name") or data.get("family_name") or unborn):
            self.add_error("given_name", "Enter at least a first name or a last name")
        return data


# The other agencies, grouped by kind, in the order a front door asks them.
AGENCY_GROUPS = {
    Agency.Kind.POLICE: "Police",
    Agency.Kind.COMMUNITY_HEALTH: "Community health",
    Agency.Kind.GP: "GP practices",
    Agency.Kind.HOSPITAL: "NHS hospital trusts",
    Agency.Kind.SCHOOL: "Schools",
    Agency.Kind.SOCIAL_CARE: "Children's social care",
    Agency.Kind.HOUSING: "Housing",
    Agency.Kind.PROBATION: "Probation",
    Agency.Kind.YOUTH_JUSTICE: "Youth justice",
    Agency.Kind.VOLUNTARY: "Voluntary sector",
    Agency.Kind.OTHER: "Other",
}


@dataclass(frozen=True)
class AgencyChoice:
    id: str
    value: int
    label: str
    hint: str
    checked: bool


@dataclass(frozen=True)
class AgencyGroup:
    title: str
    choices: list[AgencyChoice]


class InformationRequestForm(GovukForm):
    """Which agencies to ask: those already involved with the child first (saying why), then
    the others grouped by kind (frontdoor/triage/_agency_choices.html, with a filter)."""

    agencies = forms.ModelMultipleChoiceField(
        label="Which agencies do you want to ask?",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Choose at least one agency to ask"},
    )
    question = forms.CharField(
        label="What do you want to know?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="They will also see the concern and the child's details, so they can search "
        "their records",
        initial=(
            "What do you know about this child and their household? Please include any "
            "current involvement, concerns and the name of the professional who knows them."
        ),
        error_messages={"required": "Enter what you want the agencies to tell you"},
    )

    def __init__(
        self,
        *args: Any,
        already_asked: list[int] | None = None,
        involved: dict[int, list[str]] | None = None,
        child_name: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(active=True).exclude(pk__in=already_asked or [])
        field = cast(forms.ModelMultipleChoiceField, self.fields["agencies"])
        field.queryset = agencies.order_by("name")
        # CheckboxSelectMultiple is a RadioSelect to Django, so the shared styling gives it
        # radios: make it checkboxes again.
        field.widget.template_name = "govuk/widgets/checkboxes.html"
        field.widget.attrs["class"] = "govuk-checkboxes__input"
        self.involved = involved or {}
        self.child_name = child_name

    @property
    def agency_sections(self) -> tuple[AgencyGroup | None, list[AgencyGroup]]:
        """The agencies involved with the child (or None), and the others grouped by kind."""
        groups = self.agency_groups
        if groups and self.involved and groups[0].title.startswith("Already involved"):
            return groups[0], groups[1:]
        return None, groups

    @property
    def agency_groups(self) -> list[AgencyGroup]:
        """The agencies to offer, involved first, each once; ids numbered from id_agencies_0
        (the error summary links to the first)."""
        field = cast(forms.ModelMultipleChoiceField, self.fields["agencies"])
        agencies: list[Agency] = list(field.queryset or [])
        chosen = {str(value) for value in (self["agencies"].value() or [])}
        sections: list[tuple[str, list[tuple[Agency, str]]]] = []
        involved = [agency for agency in agencies if agency.pk in self.involved]
        if involved:
            sections.append(
                (
                    f"Already involved with {self.child_name or 'the child'}",
                    [(agency, "; ".join(self.involved[agency.pk])) for agency in involved],
                )
            )
        others = [agency for agency in agencies if agency.pk not in self.involved]
        for kind, title in AGENCY_GROUPS.items():
            members = [(agency, "") for agency in others if agency.kind == kind]
            if members:
                sections.append((title, members))
        counter = 0
        groups = []
        for title, members in sections:
            choices = []
            for agency, hint in members:
                choices.append(
                    AgencyChoice(
                        id=f"{self['agencies'].auto_id}_{counter}",
                        value=agency.pk,
                        label=agency.name,
                        hint=hint,
                        checked=str(agency.pk) in chosen,
                    )
                )
                counter += 1
            groups.append(AgencyGroup(title=title, choices=choices))
        return groups


class AnswerForm(GovukForm):
    known_to_agency = forms.TypedChoiceField(
        label="Is this child or their household known to your agency?",
        choices=(("yes", "Yes"), ("no", "No")),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if your agency knows this child or household"},
    )
    answer = forms.CharField(
        label="What does your agency know?",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Include current involvement, concerns, dates, and who knows the family. If "
        "you have no record, say where you searched",
        error_messages={"required": "Enter what your agency knows, or that you have no record"},
    )


class DecisionForm(GovukForm):
    level = forms.ChoiceField(
        label="Level of need (Continuum of Need)",
        choices=NeedLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level of need"},
    )
    outcome = forms.ChoiceField(
        label="What happens next",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        help_text="No further action for a child with another contact in the last 12 months "
        "needs a manager's authorisation",
        error_messages={"required": "Select what happens next"},
    )
    rationale = forms.CharField(
        label="Why have you made this decision?",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In your own words, say what you weighed: the concern, the child's voice, "
        "what partners told you and the child's history (at least 50 characters)",
        error_messages={"required": "Say why you made this decision"},
    )


class AuthoriseForm(GovukForm):
    AUTHORISE = "authorise"
    RETURN = "return"
    action = forms.ChoiceField(
        label="Do you agree with this decision?",
        choices=(
            (AUTHORISE, "Yes, authorise no further action"),
            (RETURN, "No, send it back to be decided again"),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree with this decision"},
    )
    reason = forms.CharField(
        label="If you are sending it back, say what needs to change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say what needs to change before this can be agreed")
        return data
