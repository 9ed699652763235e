"""Forms of the risk meeting pages (GOV.UK markup; the services' checks given as `checks=`)."""

from __future__ import annotations

from typing import Any

from django import forms

from sightline.accounts.models import Agency, Role, User
from sightline.core.forms import GovukDateField, GovukForm
from sightline.core.versions import VersionedFormMixin
from sightline.people.models import Person
from sightline.sharing.meetings.models import (
    MeetingAction,
    MeetingCase,
    MeetingKind,
    Referral,
    ReferralCriterion,
    RiskLevel,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        agency = f", {obj.agency.name}" if obj.agency_id else ""
        return f"{obj.get_full_name() or obj.username}{agency}"


def _users() -> Any:
    return (
        User.objects.filter(is_active=True)
        .select_related("agency")
        .order_by("last_name", "first_name", "pk")
    )


class MeetingForm(GovukForm):
    kind = forms.ChoiceField(
        error_messages={"required": "Select the kind of meeting"},
        label="Kind of meeting",
        choices=MeetingKind.choices,
        widget=forms.RadioSelect,
    )
    held_on = GovukDateField(
        error_messages={"required": "Enter the date of the meeting"},
        label="Date of the meeting",
        help_text="For example, 3 3 2025",
    )
    chair = UserChoiceField(
        error_messages={"required": "Select the chair"},
        label="Chair",
        queryset=User.objects.none(),
        empty_label="Select the chair",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _users().filter(  # type: ignore[attr-defined]
            role__in=[Role.DRAM_COORDINATOR, Role.TEAM_MANAGER, Role.IFD_MANAGER, Role.PRACTITIONER]
        )


class AttendeeForm(GovukForm):
    agency = forms.ModelChoiceField(
        error_messages={"required": "Select the agency"},
        label="Agency",
        queryset=Agency.objects.order_by("name"),
        empty_label="Select the agency",
    )
    name = forms.CharField(
        error_messages={"required": "Enter the name of the person attending or sending apologies"},
        label="Name",
        max_length=200,
    )
    user = UserChoiceField(
        label="Their Sightline account (optional)",
        help_text="Attendees with an account can read the meeting's papers in Sightline",
        queryset=User.objects.none(),
        required=False,
        empty_label="No account",
    )
    present = forms.ChoiceField(
        error_messages={"required": "Select whether they attended or sent apologies"},
        label="Attending or apologies",
        choices=[("yes", "Attending"), ("no", "Sent apologies")],
        widget=forms.RadioSelect,
    )
    confidentiality_accepted = forms.BooleanField(
        label="They accept the confidentiality statement: what is shared here is used only to "
        "keep the victim and children safe, and is not passed on without the meeting's agreement",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _users()  # type: ignore[attr-defined]

    def clean_present(self) -> bool:
        return bool(self.cleaned_data["present"] == "yes")


class CaseForm(VersionedFormMixin, GovukForm):
    risk_level = forms.ChoiceField(
        error_messages={"required": "Select the risk level the meeting agreed"},
        label="Risk level agreed",
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
    )
    safety_plan = forms.CharField(
        error_messages={"required": "Enter the safety plan"},
        label="Safety plan",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    marac_decision = forms.ChoiceField(
        error_messages={"required": "Select whether the case is referred to MARAC"},
        label="Refer to MARAC?",
        choices=MeetingCase.MaracDecision.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    marac_reason = forms.CharField(
        error_messages={"required": "Say why the case is or is not referred to MARAC"},
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, agencies: list[Agency], dram: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        for agency in agencies:
            self.fields[f"shared_{agency.pk}"] = forms.CharField(
                label=f"What {agency.name} shared",
                widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
                required=False,
            )
        if dram:
            self.fields["marac_decision"].required = True
            self.fields["marac_reason"].required = True
        else:
            del self.fields["marac_decision"]
            del self.fields["marac_reason"]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["shares"] = {a: data.pop(f"shared_{a.pk}", "") for a in self.agencies}
        return data


class ActionForm(GovukForm):
    agency = forms.ModelChoiceField(
        error_messages={"required": "Select the agency"},
        label="Agency",
        queryset=Agency.objects.order_by("name"),
        empty_label="Select the agency",
    )
    owner = UserChoiceField(
        error_messages={"required": "Select the named owner"},
        label="Named owner",
        help_text="They are told in their Sightline notifications",
        queryset=User.objects.none(),
        empty_label="Select the owner",
    )
    what = forms.CharField(
        error_messages={"required": "Enter what is to be done"},
        label="What is to be done",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    protects = forms.ChoiceField(
        error_messages={"required": "Select whom the action protects"},
        label="Whom it protects",
        choices=MeetingAction.Protects.choices,
        widget=forms.RadioSelect,
    )
    due_on = GovukDateField(
        error_messages={"required": "Enter the due date"},
        label="Due date",
        help_text="For example, 10 3 2025",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _users().filter(  # type: ignore[attr-defined]
            agency__isnull=False
        )


class ReviewForm(VersionedFormMixin, GovukForm):
    status = forms.ChoiceField(
        error_messages={"required": "Select whether the action was done"},
        label="Was the action done?",
        choices=[
            (MeetingAction.Status.DONE, "Done"),
            (MeetingAction.Status.NOT_DONE, "Not done"),
            (MeetingAction.Status.NOT_POSSIBLE, "Not possible: circumstances changed"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Notes",
        help_text="Say why, when it was not done or not possible",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MinutesForm(VersionedFormMixin, GovukForm):
    minutes = forms.CharField(
        error_messages={"required": "Enter the minutes"},
        label="Minutes",
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args: Any, schools: dict[int, str] | None = None, **kwargs: Any) -> None:
        self.schools = schools or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        born = (
            f", born {obj.date_of_birth.day} {obj.date_of_birth:%B %Y}" if obj.date_of_birth else ""
        )
        school = self.schools.get(obj.pk) or "no school known"
        return f"{obj}{born} ({school})"


class ReferralForm(GovukForm):
    criteria = forms.ModelMultipleChoiceField(
        error_messages={"required": "Select at least one criterion the referral meets"},
        label="Which criteria does the referral meet?",
        queryset=ReferralCriterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    dash_score = forms.IntegerField(
        label="DASH score (the number of yes answers)", required=False, min_value=0, max_value=27
    )
    judgement_reasons = forms.CharField(
        label="Your reasons (professional judgement, or what the concern is)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    incidents_in_12_months = forms.IntegerField(
        label="Incidents in the last 12 months", required=False, min_value=0, max_value=999
    )
    perpetrator = forms.ModelChoiceField(
        label="Alleged perpetrator",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Not known to Sightline",
    )
    children = PersonChoiceField(
        label="Children of the victim and of the perpetrator",
        help_text="Their schools are taken from Sightline's records",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.ChoiceField(
        error_messages={"required": "Select whether the person consented to the referral"},
        label="Consent",
        choices=Referral.Consent.choices,
        widget=forms.RadioSelect,
    )
    without_consent_reason = forms.CharField(
        label="Why information is shared without consent",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    victim_knows = forms.ChoiceField(
        label="Does the victim know about the referral?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    safe_contact = forms.CharField(
        label="Safe contact details",
        help_text="How and when it is safe to contact the victim. Shown only to the MARAC "
        "coordinator and the meeting's attendees",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        perpetrators: list[Person],
        children: list[Person],
        schools: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = ReferralCriterion.objects.filter(  # type: ignore[attr-defined]
            meeting_kind=kind
        )
        self.fields["perpetrator"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in perpetrators]
        )
        field = self.fields["children"]
        field.queryset = Person.objects.filter(pk__in=[c.pk for c in children])  # type: ignore[attr-defined]
        field.schools = schools  # type: ignore[attr-defined]
        if kind != MeetingKind.MARAC:
            del self.fields["dash_score"]
            del self.fields["victim_knows"]
            self.fields["judgement_reasons"].label = "What the concern is, in your words"

    def clean_victim_knows(self) -> bool | None:
        value = self.cleaned_data.get("victim_knows")
        return {"yes": True, "no": False}.get(value or "")
