"""Every read in the partnership area, scoped to the user.

Partnership roles see everything here. An agency user sees only the actions and assurance
requests addressed to their agency; asking for anything else is "not found" (404), and the
area as a whole is refused (403) to everyone else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from sightline.accounts.models import User
from sightline.core import audit
from sightline.core.models import Theme
from sightline.partnership.deadlines import rapid_review_due
from sightline.partnership.models import (
    Action,
    ActionStatus,
    AgencyInformationRequest,
    AssuranceRequest,
    Escalation,
    PracticeReview,
    RapidReview,
    Recommendation,
    SeriousIncident,
    Subgroup,
)
from sightline.partnership.models.plan import OPEN_STATUSES
from sightline.risk.models import Alert, AlertStatus


def require_area(user: User) -> None:
    if not user.has_perm("partnership.use_area"):
        raise PermissionDenied("The partnership area is for the partnership and its agencies.")


def require_manager(user: User) -> None:
    if not user.has_perm("partnership.manage"):
        raise PermissionDenied("Only the partnership's roles manage this.")


# --- Case reviews (partnership roles only) -------------------------------------------------


def incidents_list(*, user: User) -> QuerySet[SeriousIncident]:
    require_manager(user)
    return SeriousIncident.objects.select_related("child", "rapid_review").order_by(
        "-aware_on", "-pk"
    )


def incident_get(*, user: User, incident_id: int) -> SeriousIncident:
    require_manager(user)
    incident = incidents_list(user=user).filter(pk=incident_id).first()
    if incident is None:
        raise Http404("No such incident")
    if incident.child_id:
        audit.record_read(
            actor=user,
            target=incident,
            person_id=incident.child_id,
            detail={"purpose": "serious incident"},
        )
    return incident


def rapid_reviews_list(*, user: User) -> QuerySet[RapidReview]:
    require_manager(user)
    return RapidReview.objects.select_related("incident", "incident__child").order_by(
        "-due_on", "-pk"
    )


def rapid_review_get(*, user: User, review_id: int) -> RapidReview:
    review = (
        rapid_reviews_list(user=user)
        .prefetch_related("information_requests__agency", "recommendations__themes")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("No such rapid review")
    return review


def practice_reviews_list(*, user: User) -> QuerySet[PracticeReview]:
    require_manager(user)
    return PracticeReview.objects.select_related("rapid_review__incident").order_by(
        "-decided_on", "-pk"
    )


def practice_review_get(*, user: User, review_id: int) -> PracticeReview:
    review = (
        practice_reviews_list(user=user)
        .prefetch_related("agencies", "milestones", "recommendations__themes")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("No such practice review")
    return review


def subgroups_list(*, user: User) -> QuerySet[Subgroup]:
    require_area(user)
    return Subgroup.objects.order_by("name")


# --- Recommendations and the action plan ---------------------------------------------------


@dataclass(frozen=True)
class PlanFilter:
    theme: Theme | None = None
    status: str = ""
    owner_agency_id: int | None = None
    owner_subgroup_id: int | None = None
    source: str = ""
    overdue_only: bool = False


def recommendations_list(*, user: User, filters: PlanFilter | None = None) -> QuerySet:
    require_manager(user)
    filters = filters or PlanFilter()
    recommendations = Recommendation.objects.prefetch_related("themes", "agencies", "actions")
    if filters.theme:
        recommendations = recommendations.filter(themes=filters.theme)
    if filters.source:
        recommendations = recommendations.filter(source=filters.source)
    if filters.owner_agency_id:
        recommendations = recommendations.filter(agencies__id=filters.owner_agency_id)
    return recommendations.distinct().order_by("source_reference", "number", "pk")


def recommendation_get(*, user: User, recommendation_id: int) -> Recommendation:
    recommendation = (
        recommendations_list(user=user)
        .select_related("practice_review", "rapid_review__incident", "withdrawn_by")
        .filter(pk=recommendation_id)
        .first()
    )
    if recommendation is None:
        raise Http404("No such recommendation")
    return recommendation


def actions_visible_to(user: User) -> QuerySet[Action]:
    require_area(user)
    actions = Action.objects.select_related(
        "recommendation", "owner_agency", "owner_subgroup", "impact_signed_off_by", "withdrawn_by"
    )
    if user.has_perm("partnership.manage"):
        return actions
    return actions.filter(owner_agency__pk=user.agency_id or 0)


def _filter_actions(actions: QuerySet[Action], filters: PlanFilter) -> QuerySet[Action]:
    if filters.theme:
        actions = actions.filter(recommendation__themes=filters.theme)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.owner_agency_id:
        actions = actions.filter(owner_agency_id=filters.owner_agency_id)
    if filters.owner_subgroup_id:
        actions = actions.filter(owner_subgroup_id=filters.owner_subgroup_id)
    if filters.source:
        actions = actions.filter(recommendation__source=filters.source)
    if filters.overdue_only:
        actions = actions.filter(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
    return actions.distinct()


def action_get(*, user: User, action_id: int) -> Action:
    action = actions_visible_to(user).filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action")
    return action


@dataclass
class ThemeGroup:
    theme: Theme
    rows: list[tuple[Recommendation, list[Action]]] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        return sum(len(actions) for _, actions in self.rows)


@dataclass
class ActionPlan:
    groups: list[ThemeGroup]
    today: dt.date
    counts: dict[str, int]  # by status, withdrawn actions left out
    withdrawn: int = 0

    @property
    def action_count(self) -> int:
        return sum(self.counts.values())


def action_plan(*, user: User, filters: PlanFilter | None = None) -> ActionPlan:
    """Every recommendation grouped by theme (a recommendation appears under each of its
    themes), each with its actions that match the filters."""
    require_manager(user)
    filters = filters or PlanFilter()
    actions = list(_filter_actions(actions_visible_to(user), filters).order_by("due_on", "pk"))
    by_recommendation: dict[int, list[Action]] = {}
    for action in actions:
        by_recommendation.setdefault(action.recommendation_id, []).append(action)
    recommendations = Recommendation.objects.prefetch_related("themes", "agencies").order_by(
        "source_reference", "number", "pk"
    )
    filtering_actions = bool(
        filters.status
        or filters.owner_agency_id
        or filters.owner_subgroup_id
        or filters.overdue_only
    )
    if filtering_actions:
        recommendations = recommendations.filter(pk__in=by_recommendation)
    if filters.source:
        recommendations = recommendations.filter(source=filters.source)
    groups: dict[int, ThemeGroup] = {}
    for recommendation in recommendations:
        for theme in recommendation.themes.all():
            if filters.theme and theme != filters.theme:
                continue
            group = groups.setdefault(theme.pk, ThemeGroup(theme=theme))
            group.rows.append((recommendation, by_recommendation.get(recommendation.pk, [])))
    counts = {status.label: 0 for status in ActionStatus if status != ActionStatus.WITHDRAWN}
    withdrawn = 0
    for action in actions:
        if action.withdrawn:
            withdrawn += 1
        else:
            counts[action.get_status_display()] += 1
    ordered = sorted(groups.values(), key=lambda group: group.theme.name)
    return ActionPlan(
        groups=ordered, today=timezone.localdate(), counts=counts, withdrawn=withdrawn
    )


def plan_actions_rows(*, user: User, filters: PlanFilter | None = None) -> list[Action]:
    """The action plan as flat rows (one per action and theme) for export."""
    require_manager(user)
    actions = _filter_actions(actions_visible_to(user), filters or PlanFilter())
    return list(
        actions.prefetch_related("recommendation__themes").order_by(
            "recommendation__source_reference", "due_on", "pk"
        )
    )


def action_history(*, action: Action) -> QuerySet:
    return action.updates.select_related("by__agency").order_by("-at", "-pk")


def recommendation_history(*, recommendation: Recommendation) -> QuerySet:
    return recommendation.updates.select_related("by__agency").order_by("-at", "-pk")


def agency_leads(*, agency_id: int | None) -> list[User]:
    """The agency's named leads, who answer for it to the partnership (names only)."""
    if not agency_id:
        return []
    return list(
        User.objects.filter(agency_id=agency_id, is_agency_lead=True, is_active=True).order_by(
            "last_name", "first_name"
        )
    )


# --- A rapid review's requests for agencies' information ------------------------------------


def information_requests_visible_to(user: User) -> QuerySet[AgencyInformationRequest]:
    """Every request for the partnership's roles; an agency user's own agency's only."""
    require_area(user)
    requests = AgencyInformationRequest.objects.select_related(
        "agency", "rapid_review__incident__child", "returned_by", "requested_by"
    ).order_by("returned_on", "due_on", "pk")
    if user.has_perm("partnership.manage"):
        return requests
    return requests.filter(agency__pk=user.agency_id or 0)


def information_request_get(*, user: User, request_id: int) -> AgencyInformationRequest:
    """One request, recording the read of the child it names; 404 when not the user's."""
    request = information_requests_visible_to(user).filter(pk=request_id).first()
    if request is None:
        raise Http404("No such request")
    child_id = request.rapid_review.incident.child_id
    audit.record_read(
        actor=user,
        target=request,
        person_id=child_id,
        detail={"purpose": "rapid review information request"},
    )
    return request


# --- Assurance -------------------------------------------------------------------------------


def assurance_requests_visible_to(user: User) -> QuerySet[AssuranceRequest]:
    require_area(user)
    requests = AssuranceRequest.objects.select_related(
        "agency", "action", "requested_by", "responded_by", "judged_by"
    )
    if user.has_perm("partnership.manage"):
        return requests
    return requests.filter(agency__pk=user.agency_id or 0)


def assurance_request_get(*, user: User, request_id: int) -> AssuranceRequest:
    request = assurance_requests_visible_to(user).filter(pk=request_id).first()
    if request is None:
        raise Http404("No such assurance request")
    return request


def escalations_open(*, user: User) -> QuerySet[Escalation]:
    require_manager(user)
    return Escalation.objects.filter(resolved_at__isnull=True).select_related(
        "action__recommendation", "raised_by"
    )


# --- The overview --------------------------------------------------------------------------


@dataclass
class Overview:
    today: dt.date
    incidents_to_notify: list[SeriousIncident] = field(default_factory=list)
    rapid_reviews_open: list[RapidReview] = field(default_factory=list)
    practice_reviews_unpublished: list[PracticeReview] = field(default_factory=list)
    actions_overdue: list[Action] = field(default_factory=list)
    actions_open: list[Action] = field(default_factory=list)
    assurance_awaiting_answer: list[AssuranceRequest] = field(default_factory=list)
    assurance_awaiting_judgement: list[AssuranceRequest] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    case_review_alerts: list[CaseReviewAlert] = field(default_factory=list)
    information_awaited: list[AgencyInformationRequest] = field(default_factory=list)


@dataclass(frozen=True)
class CaseReviewAlert:
    """An open T7 or T8 alert, with the serious incident it is about."""

    alert: Alert
    incident: SeriousIncident | None


CASE_REVIEW_RULES = ("panel-notification-overdue", "rapid-review-overdue")


def case_review_alerts_open(*, user: User) -> list[CaseReviewAlert]:
    """The open alerts of the case review timescales, for the partnership's roles: they
    manage the incidents these alerts are about, whether or not they may see the child's
    record today (the incident pages name the child already)."""
    require_manager(user)
    alerts = list(
        Alert.objects.filter(rule__in=CASE_REVIEW_RULES)
        .exclude(status=AlertStatus.CLOSED)
        .order_by("raised_at", "pk")
    )
    incidents: dict[int, list[SeriousIncident]] = {}
    for incident in incidents_list(user=user).filter(child_id__in={a.person_id for a in alerts}):
        incidents.setdefault(incident.child_id or 0, []).append(incident)
    found = []
    for alert in alerts:
        due = timezone.localtime(alert.raised_at).date() - dt.timedelta(days=1)
        candidates = incidents.get(alert.person_id, [])
        match = [
            i
            for i in candidates
            if (alert.rule == CASE_REVIEW_RULES[0] and i.notification_due_on == due)
            or (
                alert.rule == CASE_REVIEW_RULES[1]
                and i.notified_on
                and rapid_review_due(i.notified_on) == due
            )
        ]
        chosen = match or candidates
        found.append(CaseReviewAlert(alert, chosen[0] if chosen else None))
    return found


def overview(*, user: User) -> Overview:
    require_area(user)
    today = timezone.localdate()
    result = Overview(today=today)
    actions = actions_visible_to(user).filter(status__in=OPEN_STATUSES).order_by("due_on")
    result.actions_overdue = [a for a in actions if a.overdue(today)]
    result.actions_open = [a for a in actions if not a.overdue(today)]
    requests = assurance_requests_visible_to(user).filter(judgement="")
    result.assurance_awaiting_answer = list(requests.filter(responded_at__isnull=True))
    result.assurance_awaiting_judgement = list(requests.filter(responded_at__isnull=False))
    result.information_awaited = list(
        information_requests_visible_to(user).filter(
            returned_on__isnull=True, rapid_review__decided_on__isnull=True
        )
    )
    if user.has_perm("partnership.manage"):
        result.incidents_to_notify = list(
            incidents_list(user=user)
            .filter(notified_on__isnull=True)
            .order_by("notification_due_on")
        )
        result.rapid_reviews_open = list(
            rapid_reviews_list(user=user).filter(decided_on__isnull=True).order_by("due_on")
        )
        result.practice_reviews_unpublished = list(
            practice_reviews_list(user=user)
            .filter(published_on__isnull=True)
            .order_by("publication_due_on")
        )
        result.escalations = list(escalations_open(user=user))
        result.case_review_alerts = case_review_alerts_open(user=user)
    return result


def themes_active() -> QuerySet[Theme]:
    return Theme.objects.filter(active=True).order_by("name")
