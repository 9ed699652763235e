"""Reads for the second half of the partnership area, scoped to the user: the challenge and
risk log, the business plan, subgroups at work, audits, self-assessment returns, finances.

Partnership roles see everything. An agency user sees only the log entries raised against
their agency, their own agency's returns and the case audits they are an auditor on; anything
else is "not found" (404). The business plan, subgroups, audit programmes, the summary across
agencies and the finances are the partnership's own (403 for everyone else).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from sightline.accounts.models import User
from sightline.core.models import Theme
from sightline.partnership.models import (
    AuditFinding,
    AuditProgramme,
    CaseAudit,
    Escalation,
    FinancialYear,
    MeetingAction,
    PlanOutcome,
    PlanPriority,
    RiskLogEntry,
    RiskStatus,
    SelfAssessmentReturn,
    Standard,
    Subgroup,
    SubgroupMeeting,
)
from sightline.partnership.selectors import require_area, require_manager

# --- The challenge and risk log ------------------------------------------------------------


@dataclass(frozen=True)
class RiskFilter:
    status: str = ""
    against_agency_id: int | None = None
    subgroup_id: int | None = None  # raised by or against this subgroup
    overdue_only: bool = False


def risks_visible_to(user: User) -> QuerySet[RiskLogEntry]:
    require_area(user)
    entries = RiskLogEntry.objects.select_related(
        "raised_by_subgroup", "against_agency", "against_subgroup", "responded_by"
    )
    if user.has_perm("partnership.manage"):
        return entries
    return entries.filter(against_agency__pk=user.agency_id or 0)


def risks_list(*, user: User, filters: RiskFilter | None = None) -> QuerySet[RiskLogEntry]:
    filters = filters or RiskFilter()
    entries = risks_visible_to(user)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.against_agency_id:
        entries = entries.filter(against_agency_id=filters.against_agency_id)
    if filters.subgroup_id:
        entries = entries.filter(raised_by_subgroup_id=filters.subgroup_id) | entries.filter(
            against_subgroup_id=filters.subgroup_id
        )
    if filters.overdue_only:
        entries = entries.filter(status=RiskStatus.OPEN, assurance_due_on__lt=timezone.localdate())
    return entries.order_by("-raised_on", "-pk")


def risk_get(*, user: User, entry_id: int) -> RiskLogEntry:
    entry = risks_visible_to(user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry in the challenge and risk log")
    return entry


def risk_history(*, entry: RiskLogEntry) -> QuerySet:
    return entry.updates.select_related("by", "by__agency").order_by("-at", "-pk")


# --- The business plan ---------------------------------------------------------------------


def plan_periods(*, user: User) -> list[str]:
    require_manager(user)
    return list(
        PlanPriority.objects.order_by("-period").values_list("period", flat=True).distinct()
    )


def plan_priorities(*, user: User, period: str = "") -> QuerySet[PlanPriority]:
    require_manager(user)
    priorities = PlanPriority.objects.prefetch_related(
        Prefetch(
            "outcomes",
            queryset=PlanOutcome.objects.prefetch_related("responsible_subgroups").order_by(
                "number", "pk"
            ),
        )
    )
    if period:
        priorities = priorities.filter(period=period)
    return priorities.order_by("-period", "number")


def plan_priority_get(*, user: User, priority_id: int) -> PlanPriority:
    priority = plan_priorities(user=user).filter(pk=priority_id).first()
    if priority is None:
        raise Http404("No such priority")
    return priority


def plan_outcome_get(*, user: User, outcome_id: int) -> PlanOutcome:
    require_manager(user)
    outcome = (
        PlanOutcome.objects.select_related("priority")
        .prefetch_related("responsible_subgroups", "progress__by")
        .filter(pk=outcome_id)
        .first()
    )
    if outcome is None:
        raise Http404("No such outcome")
    return outcome


# --- Subgroups -----------------------------------------------------------------------------


def subgroup_get(*, user: User, subgroup_id: int) -> Subgroup:
    require_manager(user)
    subgroup = (
        Subgroup.objects.select_related("chair")
        .prefetch_related("members__agency")
        .filter(pk=subgroup_id)
        .first()
    )
    if subgroup is None:
        raise Http404("No such subgroup")
    return subgroup


def subgroup_meetings(*, subgroup: Subgroup) -> QuerySet[SubgroupMeeting]:
    return subgroup.meetings.prefetch_related("attendance__member__agency", "actions__owner")


def meeting_get(*, user: User, meeting_id: int) -> SubgroupMeeting:
    require_manager(user)
    meeting = (
        SubgroupMeeting.objects.select_related("subgroup", "recorded_by")
        .prefetch_related("attendance__member__agency", "actions__owner__agency")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def meeting_action_get(*, user: User, action_id: int) -> MeetingAction:
    require_manager(user)
    item = MeetingAction.objects.select_related("meeting__subgroup", "owner").filter(pk=action_id)
    found = item.first()
    if found is None:
        raise Http404("No such meeting action")
    return found


# --- Audits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    theme: Theme | None = None
    kind: str = ""
    subgroup_id: int | None = None


def audit_programmes(*, user: User, filters: AuditFilter | None = None) -> QuerySet:
    require_manager(user)
    filters = filters or AuditFilter()
    programmes = AuditProgramme.objects.select_related("theme", "subgroup").prefetch_related(
        "cases", "findings"
    )
    if filters.theme:
        programmes = programmes.filter(theme=filters.theme)
    if filters.kind:
        programmes = programmes.filter(kind=filters.kind)
    if filters.subgroup_id:
        programmes = programmes.filter(subgroup_id=filters.subgroup_id)
    return programmes.order_by("-planned_on", "-pk")


def audit_programme_get(*, user: User, programme_id: int) -> AuditProgramme:
    programme = (
        audit_programmes(user=user)
        .prefetch_related("questions", "cases__auditors__agency", "findings__action")
        .filter(pk=programme_id)
        .first()
    )
    if programme is None:
        raise Http404("No such audit")
    return programme


def case_audits_visible_to(user: User) -> QuerySet[CaseAudit]:
    require_area(user)
    cases = CaseAudit.objects.select_related("programme__theme", "graded_by").prefetch_related(
        "auditors__agency"
    )
    if user.has_perm("partnership.manage"):
        return cases
    return cases.filter(auditors=user).distinct()


def case_audit_get(*, user: User, case_id: int) -> CaseAudit:
    case = case_audits_visible_to(user).filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case audit")
    return case


def audit_finding_get(*, user: User, finding_id: int) -> AuditFinding:
    require_manager(user)
    finding = AuditFinding.objects.select_related("programme__theme", "action").filter(
        pk=finding_id
    )
    found = finding.first()
    if found is None:
        raise Http404("No such finding")
    return found


# --- Self-assessment returns ---------------------------------------------------------------


def returns_visible_to(user: User) -> QuerySet[SelfAssessmentReturn]:
    require_area(user)
    returns = SelfAssessmentReturn.objects.select_related("agency", "submitted_by", "challenged_by")
    if user.has_perm("partnership.manage"):
        return returns
    return returns.filter(agency__pk=user.agency_id or 0)


def return_get(*, user: User, return_id: int) -> SelfAssessmentReturn:
    item = returns_visible_to(user).prefetch_related("ratings__standard").filter(pk=return_id)
    found = item.first()
    if found is None:
        raise Http404("No such self-assessment return")
    return found


def standards(*, framework: str) -> QuerySet[Standard]:
    return Standard.objects.filter(framework=framework, active=True).order_by("number")


def return_years(*, user: User) -> list[int]:
    require_manager(user)
    return list(
        SelfAssessmentReturn.objects.order_by("-year").values_list("year", flat=True).distinct()
    )


# --- Finances ------------------------------------------------------------------------------


def financial_years(*, user: User) -> QuerySet[FinancialYear]:
    require_manager(user)
    return FinancialYear.objects.prefetch_related("contributions__partner", "spending").order_by(
        "-start_year"
    )


def financial_year_get(*, user: User, start_year: int) -> FinancialYear:
    year = financial_years(user=user).filter(start_year=start_year).first()
    if year is None:
        raise Http404("No such financial year")
    return year


# --- Escalations ---------------------------------------------------------------------------


def escalations_for(*, user: User) -> QuerySet[Escalation]:
    require_manager(user)
    return Escalation.objects.select_related("action", "raised_by", "resolved_by")
