"""Reports generated from the governance records: the risk log's quarterly outcome report,
each subgroup's periodic summary, the self-assessment summary across agencies, and the rows of
the risk log, audit and summary exports (written out by `reports.export`)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.partnership.models import (
    Action,
    AuditProgramme,
    MeetingAction,
    RiskLogEntry,
    RiskOutcome,
    SelfAssessmentReturn,
    Standard,
    StandardRating,
    Subgroup,
    SubgroupMeeting,
)
from sightline.partnership.models.plan import OPEN_STATUSES
from sightline.partnership.selectors import require_manager
from sightline.partnership.selectors_governance import (
    audit_programmes,
    returns_visible_to,
    risks_visible_to,
    standards,
)

# --- Quarters of the financial year (April to March) ---------------------------------------

QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    """Quarter `number` of the financial year starting in April of `year`."""

    year: int
    number: int

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        match = QUARTER_PATTERN.match(text or "")
        return cls(int(match[1]), int(match[2])) if match else None

    @property
    def start(self) -> dt.date:
        month = 4 + (self.number - 1) * 3
        return dt.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        return self.next.start - dt.timedelta(days=1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + (self.number == 4), self.number % 4 + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return (
            f"Quarter {self.number} of {self.year}-{(self.year + 1) % 100:02d} "
            f"({self.start:%-d %B %Y} to {self.end:%-d %B %Y})"
        )


@dataclass
class QuarterlyRiskReport:
    quarter: Quarter
    raised: list[RiskLogEntry]
    closed: list[RiskLogEntry]
    outcomes: list[tuple[str, int]]
    still_open: list[RiskLogEntry]
    overdue: list[RiskLogEntry]


def quarterly_risk_report(*, user: User, quarter: Quarter) -> QuarterlyRiskReport:
    """What the log shows at the end of the quarter: raised and closed in it, the outcomes of
    those closed, those still open at its end and, of them, those whose report was overdue."""
    require_manager(user)
    start, end = quarter.start, quarter.end
    entries = list(risks_visible_to(user).filter(raised_on__lte=end).order_by("raised_on", "pk"))
    raised = [e for e in entries if e.raised_on >= start]
    closed = [e for e in entries if e.closed_on and start <= e.closed_on <= end]
    still_open = [e for e in entries if not e.closed_on or e.closed_on > end]
    overdue = [
        e
        for e in still_open
        if e.assurance_due_on < end and (not e.responded_on or e.responded_on > end)
    ]
    counts = Counter(e.outcome for e in closed)
    outcomes = [(label, counts.get(value, 0)) for value, label in RiskOutcome.choices]
    return QuarterlyRiskReport(quarter, raised, closed, outcomes, still_open, overdue)


# --- A subgroup's periodic summary ---------------------------------------------------------


@dataclass
class SubgroupSummary:
    subgroup: Subgroup
    start: dt.date
    end: dt.date
    meetings: list[SubgroupMeeting]
    meeting_actions: list[MeetingAction]
    plan_actions: list[Action]
    risks: list[RiskLogEntry]
    audits: list[AuditProgramme]
    counts: dict[str, int] = field(default_factory=dict)
    # The day "overdue" is judged on: the period's end, or today while the period runs.
    as_at: dt.date | None = None


def subgroup_summary(
    *, user: User, subgroup: Subgroup, start: dt.date, end: dt.date
) -> SubgroupSummary:
    """The subgroup's period: its meetings and their actions (with any still open from
    before), the thematic-plan actions it owns, the log entries raised by or against it that
    were raised in the period or still open, and its audits in the period."""
    require_manager(user)
    meetings = list(
        subgroup.meetings.filter(held_on__range=(start, end))
        .prefetch_related("attendance")
        .order_by("held_on")
    )
    meeting_actions = list(
        MeetingAction.objects.filter(meeting__subgroup=subgroup)
        .filter(
            Q(meeting__held_on__range=(start, end))
            | Q(meeting__held_on__lt=start, done_on__isnull=True)
            | Q(meeting__held_on__lt=start, done_on__gte=start)
        )
        .select_related("owner__agency", "meeting")
        .order_by("due_on", "pk")
    )
    plan_actions = list(
        Action.objects.filter(owner_subgroup=subgroup)
        .filter(Q(status__in=OPEN_STATUSES) | Q(updated_at__date__range=(start, end)))
        .select_related("recommendation")
        .order_by("due_on", "pk")
    )
    risks = list(
        risks_visible_to(user)
        .filter(Q(raised_by_subgroup=subgroup) | Q(against_subgroup=subgroup))
        .filter(raised_on__lte=end)
        .filter(Q(raised_on__gte=start) | Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .order_by("raised_on", "pk")
    )
    audits = list(
        audit_programmes(user=user)
        .filter(subgroup=subgroup, planned_on__range=(start, end))
        .prefetch_related("cases")
    )
    # An action is overdue when its due day has passed: at the period's end, or today while
    # the period is still running (an action due later in it is not overdue yet).
    as_at = min(end, timezone.localdate())
    counts = {
        "meetings": len(meetings),
        "meeting_actions_open": sum(1 for a in meeting_actions if not a.done_on),
        "meeting_actions_overdue": sum(1 for a in meeting_actions if a.overdue(as_at)),
        "plan_actions_open": sum(1 for a in plan_actions if a.is_open),
        "plan_actions_overdue": sum(1 for a in plan_actions if a.overdue(as_at)),
        "risks_open": sum(1 for r in risks if not r.closed_on or r.closed_on > end),
        "cases_audited": sum(len(p.cases.all()) for p in audits),
    }
    return SubgroupSummary(
        subgroup, start, end, meetings, meeting_actions, plan_actions, risks, audits, counts, as_at
    )


# --- The self-assessment summary across agencies -------------------------------------------


@dataclass
class SummaryRow:
    agency: Agency
    item: SelfAssessmentReturn
    cells: list[StandardRating | None]


@dataclass
class SelfAssessmentSummary:
    framework: str
    year: int
    standards: list[Standard]
    rows: list[SummaryRow]

    @property
    def totals(self) -> list[dict[str, int]]:
        """Per standard: how many agencies rated it red, amber, green."""
        result = []
        for index in range(len(self.standards)):
            cells = [row.cells[index] for row in self.rows]
            counts = Counter(cell.rag for cell in cells if cell is not None)
            result.append(dict(counts))
        return result


def self_assessment_summary(*, user: User, framework: str, year: int) -> SelfAssessmentSummary:
    require_manager(user)
    listed = list(standards(framework=framework))
    returns = (
        returns_visible_to(user)
        .filter(framework=framework, year=year)
        .prefetch_related("ratings")
        .order_by("agency__name")
    )
    rows = []
    for item in returns:
        by_standard = {rating.standard_id: rating for rating in item.ratings.all()}
        rows.append(SummaryRow(item.agency, item, [by_standard.get(s.pk) for s in listed]))
    return SelfAssessmentSummary(framework, year, listed, rows)


# --- Export rows ---------------------------------------------------------------------------

RISK_COLUMNS = [
    "Reference",
    "Raised on",
    "Raised by",
    "Against",
    "Risk or concern",
    "Assurance report requested",
    "Report due",
    "Status",
    "Overdue",
    "Response",
    "Responded on",
    "Outcome",
    "Outcome notes",
    "Closed on",
]
AUDIT_COLUMNS = [
    "Audit",
    "Kind",
    "Theme",
    "Subgroup",
    "Date",
    "Case",
    "Auditors' agencies",
    "Overall grade",
    "Summary",
]


def risk_rows(entries: list[RiskLogEntry], today: dt.date) -> list[list[object]]:
    return [
        [
            e.reference,
            e.raised_on,
            e.raised_by_label,
            e.against_label,
            e.concern,
            e.assurance_requested,
            e.assurance_due_on,
            e.get_status_display(),
            "Yes" if e.overdue(today) else "No",
            e.response,
            e.responded_on,
            e.get_outcome_display() if e.outcome else "",
            e.outcome_notes,
            e.closed_on,
        ]
        for e in entries
    ]


def audit_rows(programmes: list[AuditProgramme]) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in programmes:
        base = [p.title, p.get_kind_display(), p.theme.name, str(p.subgroup or ""), p.planned_on]
        cases = list(p.cases.all())
        if not cases:
            rows.append([*base, "", "", "", ""])
        for case in cases:
            grade = case.get_overall_grade_display() if case.overall_grade else "Not graded"
            rows.append([*base, case.case_reference, case.auditor_agencies, grade, case.summary])
    return rows


def summary_columns(summary: SelfAssessmentSummary) -> list[str]:
    return ["Agency", "Status", *(f"{s.number}. {s.title}" for s in summary.standards)]


def summary_rows(summary: SelfAssessmentSummary) -> list[list[object]]:
    return [
        [
            row.agency.name,
            row.item.get_status_display(),
            *(cell.get_rag_display() if cell else "Not rated" for cell in row.cells),
        ]
        for row in summary.rows
    ]
