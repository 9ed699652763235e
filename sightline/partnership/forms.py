"""Forms for the partnership area. They check shape; the services check the rules."""

from __future__ import annotations

from django import forms

from sightline.accounts.models import Agency
from sightline.core.forms import GovukDateField
from sightline.core.forms import GovukForm as _GovukForm
from sightline.core.models import Theme
from sightline.core.versions import VersionedFormMixin
from sightline.partnership.models import (
    ActionStatus,
    AssuranceRequest,
    ImpactAssessment,
    PracticeReviewMilestone,
    RapidReview,
    Recommendation,
    Subgroup,
)


class GovukForm(_GovukForm):
    """Required-field messages in GOV.UK style: say what to enter or choose."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "this").strip()
            label = label[0].lower() + label[1:] if label[:2] != label[:2].upper() else label
            choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
            verb = "Choose" if choosing else "Enter"
            article = "" if label.split(" ")[0] in {"what", "why", "your", "how"} else "the "
            field.error_messages["required"] = f"{verb} {article}{label}"


def _agencies() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True), empty_label="Choose an agency"
    )


def _agencies_multiple(label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Agency.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _text(label: str, *, required: bool = True, help_text: str = "", rows: int = 4) -> forms.Field:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ChildSearchForm(GovukForm):
    name = forms.CharField(
        label="Child's name", help_text="Only children whose records you can see are shown"
    )


class IncidentForm(GovukForm):
    child_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    summary = _text("What happened")
    child_description = forms.CharField(
        label="The child, if not linked to a record",
        required=False,
        help_text="For example: baby girl, 8 weeks, known to health visiting",
    )
    incident_on = GovukDateField(label="Date of the incident", required=False, allow_future=False)
    aware_on = GovukDateField(
        label="Date the local authority became aware",
        allow_future=False,
        help_text="The national panel must be notified within 5 working days of this date",
    )
    notified_on = GovukDateField(
        label="Date the national panel was notified",
        required=False,
        allow_future=False,
        help_text="Leave blank if the panel has not been notified yet",
    )


class NotifyForm(GovukForm):
    notified_on = GovukDateField(label="Date the national panel was notified", allow_future=False)


class InformationRequestForm(GovukForm):
    agency = _agencies()
    question = _text("What the review needs to know", required=False)
    due_on = GovukDateField(label="Return due by")


class InformationAnswerForm(GovukForm):
    summary = _text("Your agency's information for the review", rows=8)


class InformationReturnForm(GovukForm):
    returned_on = GovukDateField(label="Date returned", allow_future=False)
    summary = _text("What the return said")


class DecisionForm(GovukForm):
    meeting_on = GovukDateField(label="Date of the rapid review meeting", allow_future=False)
    decision = forms.ChoiceField(
        label="Decision", choices=RapidReview.Decision.choices, widget=forms.RadioSelect
    )
    decision_rationale = _text("Why the partnership reached this decision", required=False)


class PanelResponseForm(GovukForm):
    panel_responded_on = GovukDateField(label="Date of the panel's response", allow_future=False)
    panel_response = _text("The national panel's response")


class PracticeReviewForm(GovukForm):
    title = forms.CharField(label="Name of the review", help_text="For example: Child K")
    decided_on = GovukDateField(
        label="Date the partnership decided to hold the review",
        allow_future=False,
        help_text="Publication is expected within 6 months of this date",
    )
    terms_of_reference = _text("Terms of reference", required=False)
    author = forms.CharField(label="Commissioned author", required=False)
    scope_from = GovukDateField(label="Scope period starts", required=False)
    scope_to = GovukDateField(label="Scope period ends", required=False)
    agencies = _agencies_multiple("Agencies involved")
    final_report_on = GovukDateField(label="Date of the final report", required=False)
    published_on = GovukDateField(label="Date published", required=False, allow_future=False)
    learning_brief = _text("Learning brief", required=False, rows=6)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["decided_on"]
        else:
            for name in ("final_report_on", "published_on", "learning_brief"):
                del self.fields[name]


class PracticeReviewEditForm(VersionedFormMixin, PracticeReviewForm):
    """Updating a practice review, with the version it was read at."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, editing=True, **kwargs)


class MilestoneForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind", choices=PracticeReviewMilestone.Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(label="Description")
    due_on = GovukDateField(label="Due or planned on")


class MilestoneDoneForm(GovukForm):
    done_on = GovukDateField(label="Date done", allow_future=False)


class RecommendationForm(GovukForm):
    source = forms.ChoiceField(
        label="Where the recommendation comes from",
        choices=Recommendation.Source.choices,
        widget=forms.RadioSelect,
    )
    source_reference = forms.CharField(
        label="Title or reference of the source",
        help_text="For example: Child K practice review, or the 2025 inspection letter",
    )
    number = forms.CharField(label="Number in the source", required=False)
    text = _text("Recommendation")
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose every theme the recommendation addresses",
    )
    for_partnership = forms.BooleanField(label="Addressed to the partnership", required=False)
    agencies = _agencies_multiple("Addressed to these agencies")


class ActionForm(GovukForm):
    description = _text("Action")
    owner_agency = forms.ModelChoiceField(
        label="Owner: agency",
        queryset=Agency.objects.filter(active=True),
        required=False,
        empty_label="No agency (a subgroup owns it)",
    )
    owner_subgroup = forms.ModelChoiceField(
        label="Owner: subgroup",
        queryset=Subgroup.objects.all(),
        required=False,
        empty_label="No subgroup (an agency owns it)",
    )
    lead_person = forms.CharField(label="Lead person", required=False)
    due_on = GovukDateField(label="Due date", required=False)


def _reason_for_the_change() -> forms.Field:
    return _text(
        "Why it is changing",
        required=False,
        rows=2,
        help_text="Kept in the history beside the change, for example the meeting that agreed it",
    )


class RecommendationEditForm(VersionedFormMixin, RecommendationForm):
    reason = _reason_for_the_change()


class ActionEditForm(VersionedFormMixin, ActionForm):
    reason = _reason_for_the_change()


class WithdrawForm(GovukForm):
    reason = _text(
        "Why it is withdrawn",
        help_text="For example: superseded by a later review, or agreed as no longer needed at "
        "the oversight group meeting on a given date",
    )


class ReopenForm(GovukForm):
    reason = _text("Why it is re-opened")


class ProgressForm(VersionedFormMixin, GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[
            (value, label)
            for value, label in ActionStatus.choices
            if value not in (ActionStatus.ACHIEVED, ActionStatus.WITHDRAWN)
        ],
        widget=forms.RadioSelect,
        help_text="An action becomes achieved only when its impact is signed off",
    )
    completion_evidence = _text("Evidence of completion", required=False)
    impact_evidence = _text(
        "Evidence of impact",
        required=False,
        help_text="What has changed for children and families, and how you know",
    )
    impact_assessment = forms.ChoiceField(
        label="Impact", choices=ImpactAssessment.choices, widget=forms.RadioSelect
    )
    note = _text("Note for the history", required=False, rows=2)


class SignOffForm(GovukForm):
    oversight_meeting_on = GovukDateField(
        label="Date of the oversight group meeting",
        required=False,
        allow_future=False,
        help_text="Needed when you record the sign-off for the oversight group",
    )
    note = _text("Comment", required=False, rows=3)


class EscalateForm(GovukForm):
    reason = _text("Why the action is blocked, and what the lead partners are asked to do")


class AssuranceRequestForm(GovukForm):
    agency = _agencies()
    question = _text("What is asked")
    due_on = GovukDateField(label="Answer due by", required=False, allow_past=False)


class AnswerForm(VersionedFormMixin, GovukForm):
    response = _text("Your agency's answer", rows=6)


class JudgementForm(GovukForm):
    judgement = forms.ChoiceField(
        label="Judgement", choices=AssuranceRequest.Judgement.choices, widget=forms.RadioSelect
    )
    judgement_notes = _text("Reasons for the judgement")
    oversight_meeting_on = GovukDateField(
        label="Date of the oversight group meeting",
        required=False,
        allow_future=False,
        help_text="Needed when you record the judgement for the oversight group",
    )


class AskAgainForm(GovukForm):
    question = _text("What the agency is asked now", rows=5)
    due_on = GovukDateField(label="Answer due by")


class AssuranceEscalateForm(GovukForm):
    reason = _text("Why the lead safeguarding partners are needed", rows=5)


class SubgroupForm(GovukForm):
    name = forms.CharField(label="Name")
    terms_of_reference = _text("Terms of reference", required=False)


class PlanFilterForm(GovukForm):
    theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.objects.filter(active=True),
        required=False,
        empty_label="All themes",
    )
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *ActionStatus.choices], required=False
    )
    owner_agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.filter(active=True),
        required=False,
        empty_label="All agencies",
    )
    owner_subgroup = forms.ModelChoiceField(
        label="Subgroup",
        queryset=Subgroup.objects.all(),
        required=False,
        empty_label="All subgroups",
    )
    source = forms.ChoiceField(
        label="Source",
        choices=[("", "Any source"), *Recommendation.Source.choices],
        required=False,
    )
    overdue = forms.BooleanField(label="Only overdue actions", required=False)
