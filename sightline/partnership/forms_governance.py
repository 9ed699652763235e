"""Forms for the risk log, business plan, subgroups, audits, self-assessment and finances.
They check shape; the services check the rules (and give the messages)."""

from __future__ import annotations

from typing import Any

from django import forms

from sightline.accounts.models import Agency, User
from sightline.core.forms import GovukDateField, _style
from sightline.core.models import Theme
from sightline.core.versions import VersionedFormMixin
from sightline.partnership.forms import GovukForm, _text
from sightline.partnership.models import (
    Attendance,
    AuditProgramme,
    Framework,
    Grade,
    ProgressRating,
    Rag,
    RiskOutcome,
    RiskStatus,
    Subgroup,
    SubgroupMember,
)
from sightline.partnership.rules import PARTNERSHIP_ROLES

GRADE_CHOICE_ERROR = "Choose good, requires improvement or inadequate"


def _agency(label: str, empty: str, *, required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=Agency.objects.filter(active=True),
        required=required,
        empty_label=empty,
    )


def _subgroup(label: str, empty: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label, queryset=Subgroup.objects.all(), required=False, empty_label=empty
    )


# --- Risk log ------------------------------------------------------------------------------


class RiskForm(GovukForm):
    raised_by_subgroup = _subgroup("Raised by", "The board")
    against_agency = _agency("Challenge to: agency", "No agency (a subgroup is challenged)")
    against_subgroup = _subgroup("Challenge to: subgroup", "No subgroup (an agency is challenged)")
    concern = _text("The risk or concern")
    assurance_requested = _text("The assurance report requested")
    assurance_due_on = GovukDateField(
        label="Assurance report due by", required=False, allow_past=False
    )


class RiskResponseForm(VersionedFormMixin, GovukForm):
    response = _text("Response to the challenge", rows=6)


class RiskCloseForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome", choices=RiskOutcome.choices, widget=forms.RadioSelect
    )
    outcome_notes = _text("What the partnership concluded, and why")


class RiskFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *RiskStatus.choices], required=False
    )
    against_agency = _agency("Challenge to agency", "All agencies")
    subgroup = _subgroup("Raised by or against subgroup", "All subgroups")
    overdue = forms.BooleanField(label="Only overdue assurance reports", required=False)


class QuarterForm(GovukForm):
    quarter = forms.ChoiceField(label="Quarter")

    def __init__(self, *args: Any, quarters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["quarter"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = quarters


# --- Business plan -------------------------------------------------------------------------


class PriorityForm(GovukForm):
    period = forms.CharField(label="Plan years", help_text="For example 2025-27")
    number = forms.IntegerField(label="Priority number", min_value=1)
    title = _text("Priority", rows=2)
    description = _text("What the partnership will do", required=False)


class OutcomeForm(GovukForm):
    number = forms.CharField(label="Outcome number", help_text="For example 1.2")
    outcome = _text("Outcome")
    targets_and_timelines = _text("Targets and timelines")
    evidence_of_impact = _text("Evidence or evaluation of impact")
    responsible_subgroups = forms.ModelMultipleChoiceField(
        label="Responsible subgroups",
        queryset=Subgroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    responsibility_note = forms.CharField(
        label="Others responsible", required=False, help_text="For example: the main board"
    )


class OutcomeProgressForm(GovukForm):
    rating = forms.ChoiceField(
        label="Progress", choices=ProgressRating.choices, widget=forms.RadioSelect
    )
    note = _text("What progress has been made")
    evidence = _text("Evidence of impact", required=False)


# --- Subgroups -----------------------------------------------------------------------------


class SubgroupEditForm(VersionedFormMixin, GovukForm):
    terms_of_reference = _text("Terms of reference", required=False, rows=8)
    chair = forms.ModelChoiceField(
        label="Chair",
        queryset=User.objects.filter(role__in=PARTNERSHIP_ROLES, is_active=True),
        required=False,
        empty_label="No chair recorded",
    )


class MemberForm(GovukForm):
    agency = _agency("Agency", "Choose an agency", required=True)
    name = forms.CharField(label="Name")
    role_title = forms.CharField(label="Role", required=False)


class MeetingForm(GovukForm):
    held_on = GovukDateField(label="Date of the meeting", allow_future=False)
    minutes = _text("Minutes", rows=8)

    def __init__(self, *args: Any, members: list[SubgroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member_fields = []
        for member in members:
            name = f"attendance_{member.pk}"
            self.fields[name] = forms.ChoiceField(
                label=str(member),
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                initial=Attendance.PRESENT,
            )
            self.fields[name].error_messages["required"] = f"Choose whether {member} attended"
            self.member_fields.append((member.pk, name))
        for field in self.fields.values():
            _style(field)

    def attendance(self) -> dict[int, str]:
        return {pk: self.cleaned_data[name] for pk, name in self.member_fields}


class MeetingActionForm(GovukForm):
    description = _text("Action", rows=3)
    owner = forms.ModelChoiceField(
        label="Owner", queryset=SubgroupMember.objects.none(), required=False
    )
    due_on = GovukDateField(label="Due date", required=False)

    def __init__(self, *args: Any, subgroup: Subgroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = subgroup.members.filter(left_on__isnull=True).select_related("agency")
        owner.empty_label = "Choose a member"


class MeetingActionDoneForm(GovukForm):
    done_on = GovukDateField(label="Date done", allow_future=False)
    note = _text("Note", required=False, rows=3)


class PeriodForm(GovukForm):
    start = GovukDateField(label="From")
    end = GovukDateField(label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end of the period must be on or after its start")
        return data


# --- Audits --------------------------------------------------------------------------------


class AuditProgrammeForm(GovukForm):
    title = forms.CharField(label="Title", help_text="For example: Neglect case audit, spring")
    kind = forms.ChoiceField(
        label="Kind", choices=AuditProgramme.Kind.choices, widget=forms.RadioSelect
    )
    theme = forms.ModelChoiceField(
        label="Theme", queryset=Theme.objects.filter(active=True), empty_label="Choose a theme"
    )
    subgroup = _subgroup("Subgroup responsible", "No subgroup")
    planned_on = GovukDateField(label="Audit date")
    scope = _text("Scope", required=False, rows=3)
    questions = _text(
        "Audit questions",
        required=False,
        rows=6,
        help_text="One question per line; each is graded good, requires improvement or inadequate",
    )

    def clean_questions(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["questions"].splitlines()]


class AuditQuestionForm(GovukForm):
    text = forms.CharField(label="Question")


class CaseAuditForm(GovukForm):
    case_reference = forms.CharField(
        label="Case reference", help_text="An anonymised reference, never the child's name"
    )
    auditors = forms.ModelMultipleChoiceField(
        label="Auditors",
        queryset=User.objects.filter(is_active=True, agency__isnull=False)
        .exclude(role="unscheduled_care")
        .select_related("agency")
        .order_by("agency__name", "last_name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="From at least two agencies",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auditors = self.fields["auditors"]
        assert isinstance(auditors, forms.ModelMultipleChoiceField)
        auditors.label_from_instance = lambda user: f"{user}, {user.agency}"  # type: ignore[method-assign,assignment]


class CaseGradeForm(GovukForm):
    overall_grade = forms.ChoiceField(
        label="Overall grade",
        choices=Grade.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": GRADE_CHOICE_ERROR},
    )
    summary = _text("What the audit of this case found")

    def __init__(self, *args: Any, questions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question_fields = []
        for question in questions:
            grade, comment = f"grade_{question.pk}", f"comment_{question.pk}"
            self.fields[grade] = forms.ChoiceField(
                label=f"{question.number}. {question.text}",
                choices=Grade.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Grade question {question.number}",
                    "invalid_choice": GRADE_CHOICE_ERROR,
                },
            )
            self.fields[comment] = forms.CharField(
                label=f"Comment on question {question.number}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.question_fields.append((question.pk, grade, comment))
        order = [name for _, g, c in self.question_fields for name in (g, c)]
        self.order_fields([*order, "overall_grade", "summary"])
        for field in self.fields.values():
            _style(field)

    def grades(self) -> dict[int, str]:
        return {pk: self.cleaned_data[grade] for pk, grade, _ in self.question_fields}

    def comments(self) -> dict[int, str]:
        return {pk: self.cleaned_data[comment] for pk, _, comment in self.question_fields}


class FindingForm(GovukForm):
    text = _text("Finding")


class AuditFilterForm(GovukForm):
    theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.objects.filter(active=True),
        required=False,
        empty_label="All themes",
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Audits and panels"), *AuditProgramme.Kind.choices],
        required=False,
    )
    subgroup = _subgroup("Subgroup", "All subgroups")


# --- Self-assessment -----------------------------------------------------------------------


class StandardForm(GovukForm):
    framework = forms.ChoiceField(
        label="Framework", choices=Framework.choices, widget=forms.RadioSelect
    )
    number = forms.IntegerField(label="Standard number", min_value=1)
    title = forms.CharField(label="Standard")
    description = _text("What good looks like", required=False, rows=3)


class ReturnRequestForm(GovukForm):
    framework = forms.ChoiceField(
        label="Framework",
        choices=Framework.choices,
        widget=forms.RadioSelect,
        help_text="Section 11 for agencies, Section 175 for schools",
    )
    year = forms.IntegerField(
        label="Year", help_text="The year the financial year starts in, for example 2025"
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies asked",
        queryset=Agency.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    due_on = GovukDateField(label="Returns due by", required=False, allow_past=False)


class RatingForm(GovukForm):
    rag = forms.ChoiceField(label="RAG rating", choices=Rag.choices, widget=forms.RadioSelect)
    evidence = _text("Evidence", rows=6)


class ChallengeForm(GovukForm):
    challenge = _text("The partnership's challenge", rows=6)


class ChallengeResponseForm(GovukForm):
    response = _text("Your agency's response to the challenge", rows=6)


class SummaryFilterForm(GovukForm):
    framework = forms.ChoiceField(label="Framework", choices=Framework.choices)
    year = forms.TypedChoiceField(label="Year", coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(y, f"{y}-{(y + 1) % 100:02d}") for y in years]


# --- Finances and escalations --------------------------------------------------------------


class FinancialYearForm(GovukForm):
    start_year = forms.IntegerField(
        label="Year the financial year starts in", help_text="For example 2025 for 2025-26"
    )
    notes = _text("Notes", required=False, rows=3)


class ContributionForm(GovukForm):
    partner = _agency("Statutory partner", "Choose a partner", required=True)
    amount = forms.DecimalField(label="Amount in pounds", max_digits=12, decimal_places=2)


class SpendingForm(GovukForm):
    heading = forms.CharField(label="Heading", help_text="For example: Staffing")
    amount = forms.DecimalField(label="Amount in pounds", max_digits=12, decimal_places=2)


class EscalationOutcomeForm(GovukForm):
    outcome = _text("What the lead safeguarding partners decided")
