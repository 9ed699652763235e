"""Forms for the episode side of casework. They check the shape of the input; the services
check the rules (dates against the referral, one open episode, 21 alone, and so on)."""

from __future__ import annotations

from typing import Any

from django import forms

from sightline.casework import selectors
from sightline.casework.models import ASSESSMENT_FACTORS, NO_FACTORS, ClosureReason, PrimaryNeed
from sightline.casework.services.episodes import REFERRAL_SOURCES
from sightline.core.forms import GovukDateField, GovukForm
from sightline.core.versions import VersionedFormMixin


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username}" + (f", {obj.team.name}" if obj.team else "")


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def factor_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The CIN factors grouped by theme (alcohol misuse: the child, parent or carer, ...)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, label in ASSESSMENT_FACTORS.items():
        theme, _, who = label.partition(": ")
        if code == NO_FACTORS:
            theme, who = "No factors", label
        elif not who:
            theme, who = "About the child", label
        groups.setdefault(theme, []).append((code, f"{code} {who[0].upper()}{who[1:]}"))
    return list(groups.items())


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in one fieldset per group, numbered from 0 across the groups (so the error
    summary's link reaches the first box)."""

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        groups = super().optgroups(name, value, attrs)
        base = (attrs or {}).get("id") or self.attrs.get("id")
        number = 0
        for _, options, _ in groups:
            for option in options:
                if base:
                    option["attrs"]["id"] = f"{base}_{number}"
                number += 1
        return groups


def _factors_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Assessment factors",
        help_text="Tick every factor the assessment found. Tick 21 only when there are none.",
        choices=factor_choices(),
        widget=GroupedCheckboxes,
        required=False,
    )


class _FactorsMixin:
    def _group_factors(self) -> None:
        self.fields["factors"].widget.template_name = (  # type: ignore[attr-defined]
            "casework/episodes/widgets/grouped_checkboxes.html"
        )


class EpisodeOpenForm(GovukForm):
    team = TeamChoiceField(
        label="Team",
        queryset=selectors.social_care_teams(),
        empty_label="Choose a team",
        error_messages={"required": "Choose the social work team that will hold the case"},
    )
    lead_social_worker = PersonChoiceField(
        label="Lead social worker",
        queryset=selectors.case_holders(),
        required=False,
        empty_label="Not allocated yet",
    )
    referral_date = GovukDateField(
        label="Referral date", allow_future=False, required=False, help_text="For example, 3 3 2025"
    )
    referral_source = forms.ChoiceField(
        label="Referral source",
        choices=[("", "Choose who made the referral")] + list(REFERRAL_SOURCES.items()),
        required=False,
    )
    primary_need = forms.ChoiceField(
        label="Primary need (if known)",
        choices=[("", "Not yet known")] + list(PrimaryNeed.choices),
        required=False,
    )

    def __init__(self, *args: Any, from_referral: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if from_referral:
            del self.fields["referral_date"]
            del self.fields["referral_source"]


class AssessmentStartForm(GovukForm):
    start_date = GovukDateField(
        label="Start date",
        allow_future=False,
        help_text="For example, 3 3 2025",
        error_messages={"required": "Enter the date the assessment started"},
    )
    social_worker = PersonChoiceField(
        label="Social worker",
        queryset=selectors.case_holders(),
        required=False,
        empty_label="The lead social worker",
    )


class AssessmentRecordForm(VersionedFormMixin, _FactorsMixin, GovukForm):
    child_seen_date = GovukDateField(
        label="Date the child was seen", allow_future=False, required=False
    )
    child_voice = forms.CharField(
        label="What the child said, in their own words",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    factors = _factors_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._group_factors()


class AssessmentCompleteForm(_FactorsMixin, GovukForm):
    outcome = forms.CharField(
        label="Outcome of the assessment",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the outcome of the assessment"},
    )
    completed_date = GovukDateField(
        label="Date completed and authorised",
        allow_future=False,
        error_messages={"required": "Enter the date you authorised the assessment"},
    )
    factors = _factors_field()
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Leave as recorded")] + list(PrimaryNeed.choices),
        required=False,
    )
    late_reason = forms.CharField(
        label="Reason the assessment took longer than 45 working days",
        help_text="Needed when it is completed after its due date",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._group_factors()


class VisitForm(GovukForm):
    visit_date = GovukDateField(
        label="Date of the visit",
        allow_future=False,
        error_messages={"required": "Enter the date of the visit"},
    )
    child_seen = forms.BooleanField(label="The child was seen", required=False)
    seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class SupervisionForm(GovukForm):
    supervision_date = GovukDateField(
        label="Date of supervision",
        allow_future=False,
        error_messages={"required": "Enter the date of supervision"},
    )
    discussion = forms.CharField(
        label="What was discussed", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    decisions = forms.CharField(
        label="Decisions",
        help_text="Who does what, by when",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the decisions made, with who does what by when"},
    )
    next_date = GovukDateField(
        label="Next supervision by",
        error_messages={"required": "Enter the date of the next supervision"},
    )


class TransferForm(GovukForm):
    to_team = TeamChoiceField(
        label="New team",
        queryset=selectors.social_care_teams(),
        empty_label="Choose a team",
        error_messages={"required": "Choose the team the case is moving to"},
    )
    to_social_worker = PersonChoiceField(
        label="New social worker",
        queryset=selectors.case_holders(),
        required=False,
        empty_label="Not allocated yet",
    )
    transfer_date = GovukDateField(
        label="Date of transfer",
        allow_future=False,
        error_messages={"required": "Enter the date of the transfer"},
    )
    reason = forms.CharField(
        label="Reason for the transfer",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the case is moving to another team"},
    )


class ReallocateForm(GovukForm):
    social_worker = PersonChoiceField(
        label="New social worker",
        queryset=selectors.case_holders(),
        empty_label="Choose a social worker",
        error_messages={"required": "Choose the social worker who will hold the case"},
    )
    reallocation_date = GovukDateField(
        label="Date of the reallocation",
        allow_future=False,
        error_messages={"required": "Enter the date of the reallocation"},
    )
    reason = forms.CharField(
        label="Reason for the reallocation",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the case is being reallocated"},
    )


class CloseForm(GovukForm):
    closure_date = GovukDateField(
        label="Closure date",
        allow_future=False,
        error_messages={"required": "Enter the date the episode closed"},
    )
    reason = forms.ChoiceField(
        label="Reason for closure",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason for closure"},
    )
    summary = forms.CharField(
        label="Closure summary",
        help_text="What was done, what changed for the child, and why the episode can close",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Write the closure summary: what was done, what changed and why the "
            "episode can close"
        },
    )


class ClosureReturnForm(GovukForm):
    return_note = forms.CharField(
        label="What is needed before the episode can close",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what is needed before the episode can close"},
    )


class TeamChoiceForm(GovukForm):
    team = TeamChoiceField(
        label="Team", queryset=selectors.social_care_teams(), empty_label=None, required=False
    )
