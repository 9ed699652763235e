"""Forms for child protection and plans. Rows (attendees, actions, core group members) are
plain formsets with a few blank rows: no JavaScript, blank rows are ignored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from sightline.accounts.models import SOCIAL_CARE_ROLES, Agency, User
from sightline.casework.models import (
    AbuseCategory,
    Conference,
    CoreGroupMember,
    OutcomeProgress,
    Plan,
    PlanOutcome,
)
from sightline.casework.services.plans import Progress
from sightline.casework.services.protection import LONDON, Action, Attendee, Member
from sightline.core.forms import GovukDateField, GovukForm
from sightline.core.versions import VersionedFormMixin

YES_NO = [("yes", "Yes"), ("no", "No")]


def agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(active=True).order_by("name")


def social_workers() -> QuerySet[User]:
    return User.objects.filter(role__in=SOCIAL_CARE_ROLES, is_active=True).order_by(
        "last_name", "first_name"
    )


class TimeField(forms.CharField):
    def to_python(self, value: Any) -> dt.time | None:  # type: ignore[override]
        text = (value or "").strip().replace(".", ":")
        if not text:
            return None
        try:
            return dt.time.fromisoformat(text if len(text) > 2 else f"{text}:00")
        except ValueError:
            raise ValidationError(
                f"{self.label} must be a time on the 24-hour clock, like 14:30"
            ) from None


def _moment(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if day is None or time is None:
        return None
    return dt.datetime.combine(day, time, tzinfo=LONDON)


def moment(data: dict[str, Any], day: str, time: str) -> dt.datetime | None:
    """The moment a form's date and time fields give (None while either is missing)."""
    return _moment(data.get(day), data.get(time))


# Rows -------------------------------------------------------------------------------------


class AttendeeForm(GovukForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False)
    name = forms.CharField(max_length=200, required=False)
    role = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(name) for name in ("agency", "name", "role")):
            for name, message in (
                ("agency", "Choose the agency"),
                ("name", "Enter the name"),
                ("role", "Enter the role"),
            ):
                if not data.get(name):
                    self.add_error(name, message)
        return data

    def value(self) -> Attendee | None:
        data = self.cleaned_data
        if not data.get("agency"):
            return None
        return Attendee(agency=data["agency"], name=data["name"], role=data["role"])


class ConferenceAttendeeForm(AttendeeForm):
    attended = forms.BooleanField(required=False, initial=True, label="Attended")
    report_submitted = forms.BooleanField(required=False, label="Sent a report")

    def value(self) -> Attendee | None:
        data = self.cleaned_data
        if not data.get("agency"):
            return None
        return Attendee(
            agency=data["agency"],
            name=data["name"],
            role=data["role"],
            attended=bool(data.get("attended")),
            report_submitted=bool(data.get("report_submitted")),
        )


class ActionForm(GovukForm):
    action = forms.CharField(label="What will be done", required=False)
    owner = forms.CharField(label="Who will do it", max_length=200, required=False)
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, label="Their agency"
    )
    due_date = GovukDateField(label="By when", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies()  # type: ignore[attr-defined]

    def value(self) -> Action | None:
        data = self.cleaned_data
        if not any(data.get(name) for name in ("action", "owner", "owner_agency", "due_date")):
            return None
        return Action(
            action=data.get("action") or "",
            owner=data.get("owner") or "",
            owner_agency=data.get("owner_agency"),
            due_date=data.get("due_date"),
        )


class MemberForm(GovukForm):
    name = forms.CharField(max_length=200, required=False)
    role = forms.CharField(
        max_length=200, required=False, help_text="For example: parent, health visitor, DSL"
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, help_text="Leave blank for family"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("agency") or data.get("role") or data.get("name"):
            if not data.get("name"):
                self.add_error("name", "Enter the member's name")
            if not data.get("role"):
                self.add_error("role", "Enter the member's role")
        return data

    def value(self) -> Member | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return Member(name=data["name"], role=data["role"], agency=data.get("agency"))


AttendeeFormSet = forms.formset_factory(AttendeeForm, extra=6)
ConferenceAttendeeFormSet = forms.formset_factory(ConferenceAttendeeForm, extra=6)
ActionFormSet = forms.formset_factory(ActionForm, extra=3)
MemberFormSet = forms.formset_factory(MemberForm, extra=4)


def rows(formset: forms.BaseFormSet) -> list[Any]:
    return [value for form in formset.forms if (value := form.value()) is not None]


# Strategy discussion, S47, medical ---------------------------------------------------------


class StrategyDiscussionForm(GovukForm):
    held_on = GovukDateField(label="Date of the discussion", allow_future=False)
    held_time = TimeField(label="Time", help_text="For example, 14:30")
    information_shared = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Information shared",
        required=False,
    )
    s47_decided = forms.TypedChoiceField(
        label="Did the discussion decide to start section 47 enquiries?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Why", required=False
    )
    safety_plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Safety plan until the conference",
        help_text="Who will keep the child safe, where, and how",
        required=False,
    )
    missing_agency_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="If children's social care, police or health did not take part, say why",
        required=False,
    )

    def held_at(self) -> dt.datetime | None:
        return _moment(self.cleaned_data.get("held_on"), self.cleaned_data.get("held_time"))


class S47StartForm(GovukForm):
    start_date = GovukDateField(label="Start date", allow_future=False)


class S47CompleteForm(GovukForm):
    completed_date = GovukDateField(label="Date completed", allow_future=False)
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="What it found")
    icpc_not_required = forms.BooleanField(
        required=False, label="An initial child protection conference is not needed"
    )


class MedicalRequestForm(GovukForm):
    requested_on = GovukDateField(label="Date requested", allow_future=False)
    requested_time = TimeField(label="Time requested", help_text="For example, 14:30")
    injury = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The injury or concern",
        help_text="Where it is and what it looks like",
        required=False,
    )
    history = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The history given",
        help_text="The explanation offered, by whom, and when",
        required=False,
    )
    parental_responsibility = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Who has parental responsibility",
        required=False,
    )
    previous_concerns = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Previous concerns (optional)",
        required=False,
    )
    paediatrician = forms.CharField(label="Paediatrician (optional)", required=False)

    def requested_at(self) -> dt.datetime | None:
        return _moment(
            self.cleaned_data.get("requested_on"), self.cleaned_data.get("requested_time")
        )


class MedicalOutcomeForm(GovukForm):
    examined_on = GovukDateField(label="Date of the examination", allow_future=False)
    examined_time = TimeField(label="Time of the examination", help_text="For example, 14:30")
    paediatrician = forms.CharField(label="Paediatrician", required=False)
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="What they found", required=False
    )

    def examined_at(self) -> dt.datetime | None:
        return _moment(self.cleaned_data.get("examined_on"), self.cleaned_data.get("examined_time"))


# Conferences ------------------------------------------------------------------------------


class ConferenceForm(GovukForm):
    conference_date = GovukDateField(label="Date of the conference", allow_future=False)
    chair = forms.CharField(label="Chair", required=False)
    child_wishes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="The child's wishes and feelings",
        help_text="In the child's own words where you can",
        required=False,
    )
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect)
    category = forms.ChoiceField(
        label="Category of abuse",
        help_text="Needed when the child is to have a child protection plan",
        choices=[("", "Not applicable"), *AbuseCategory.choices],
        required=False,
    )
    lead_social_worker = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Lead social worker", required=False
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decisions = (
            [Conference.Decision.CP_PLAN, Conference.Decision.NO_PLAN]
            if kind == Conference.Kind.INITIAL
            else [Conference.Decision.CONTINUE, Conference.Decision.END]
        )
        self.fields["decision"].choices = [(d.value, d.label) for d in decisions]  # type: ignore[attr-defined]
        self.fields["lead_social_worker"].queryset = social_workers()  # type: ignore[attr-defined]


# Plans ------------------------------------------------------------------------------------


class PlanCreateForm(GovukForm):
    start_date = GovukDateField(label="Start date", allow_future=False)


class PlanOutcomeForm(VersionedFormMixin, GovukForm):
    """Adding an outcome, or changing one (then with the version it was read at)."""

    concern = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="The concern", required=False
    )
    action = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What will be done", required=False
    )
    responsible_person = forms.CharField(label="Who is responsible", max_length=200, required=False)
    responsible_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Their agency", required=False
    )
    by_when = GovukDateField(label="By when", required=False)
    success_measure = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How success will be measured",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = agencies()  # type: ignore[attr-defined]


class PlanEndForm(GovukForm):
    end_date = GovukDateField(label="End date", allow_future=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why the plan ends")


class CPPlanEndForm(GovukForm):
    """Ending a child protection plan without a review conference: only for the reasons
    Working Together allows, each with its evidence (a review conference ends it otherwise)."""

    ended_because = forms.ChoiceField(
        label="Why the plan is ending",
        choices=[
            (value, label)
            for value, label in Plan.EndedBecause.choices
            if value != Plan.EndedBecause.REVIEW_CONFERENCE
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the plan is ending"},
    )
    end_date = GovukDateField(
        label="Date the plan ended",
        allow_future=False,
        help_text="For a move, the date of the receiving authority's transfer-in conference; "
        "otherwise the child's 18th birthday or the date the child died",
        error_messages={"required": "Enter the date the plan ended"},
    )
    receiving_authority = forms.CharField(
        label="Local authority the child moved to (for a move)",
        required=False,
        max_length=200,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything else to record (optional)",
        required=False,
    )


class CoreGroupMemberForm(MemberForm):
    joined = GovukDateField(label="Date joined", allow_future=False)


class CoreGroupMeetingForm(GovukForm):
    meeting_date = GovukDateField(label="Date of the meeting", allow_future=False)
    present: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=CoreGroupMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Who came",
        required=False,
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Notes (optional)", required=False
    )

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = plan.core_group.filter(left__isnull=True)  # type: ignore[attr-defined]
        self.outcomes: list[PlanOutcome] = list(plan.outcomes.all())
        for number, outcome in enumerate(self.outcomes, start=1):
            rating = forms.ChoiceField(
                label=f"Outcome {number}: {outcome.concern[:80]}",
                choices=OutcomeProgress.Rating.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            note = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                label=f"Outcome {number}: progress made",
                required=False,
            )
            self.fields[f"rating_{outcome.pk}"] = rating
            self.fields[f"note_{outcome.pk}"] = note
        from sightline.core.forms import _style

        for field in self.fields.values():
            _style(field)

    def progress(self) -> list[Progress]:
        return self.progress_from(self.cleaned_data)

    def progress_from(self, data: dict[str, Any]) -> list[Progress]:
        """The progress given on each outcome, from what the form accepted."""
        return [
            Progress(
                outcome=outcome,
                rating=data.get(f"rating_{outcome.pk}") or "",
                note=data.get(f"note_{outcome.pk}") or "",
            )
            for outcome in self.outcomes
            if data.get(f"rating_{outcome.pk}") or data.get(f"note_{outcome.pk}")
        ]
