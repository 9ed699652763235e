"""Reads on the episode side of casework, scoped to the user and recorded.

Children's social care roles (social workers, team managers, the front door) see the episodes
of children they may see (`people.selectors.persons_visible_to`); nobody else sees casework.
Pages that show personal data record one audit entry per read.

Due dates (DOMAIN.md section 2, LOCAL defaults as settings):
- assessment: its `due_date` (T2, 45 working days after the referral);
- statutory visit: every SIGHTLINE_CP_VISIT_WORKING_DAYS (10) working days on a child
  protection plan, SIGHTLINE_CIN_VISIT_WORKING_DAYS (20) on a child in need plan, counted from
  the last visit or the plan's start;
- supervision: the last supervision's `next_date`, or SIGHTLINE_SUPERVISION_WEEKS (4) weeks
  after the referral when there has been none;
- the protection side's dates read from its models: the ICPC target of an S47 enquiry with no
  conference (T4), the first core group 10 working days after the ICPC and then every
  SIGHTLINE_CORE_GROUP_WEEKS (6) weeks (T5), review conferences 3 months after the ICPC and
  then every 6 months (T6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sightline.accounts.models import Agency, Role, Team, User
from sightline.casework.models import (
    Assessment,
    ClosureRequest,
    Conference,
    CoreGroupMeeting,
    Episode,
    LinkedContact,
    Plan,
    S47Enquiry,
    StatutoryVisit,
    Supervision,
)
from sightline.casework.services.episodes import assessment_working_days, referral_event
from sightline.casework.services.protection import review_due as due_for_review
from sightline.chronology.models import Event, EventType, Participant
from sightline.chronology.panels import OpenWork
from sightline.core import audit
from sightline.core.notifications import team_due_items
from sightline.core.working_days import LONDON, add_working_days, working_day_deadline
from sightline.people.models import Person
from sightline.people.selectors import persons_visible_to

# Settings -------------------------------------------------------------------------------


def cp_visit_working_days() -> int:
    return int(getattr(settings, "SIGHTLINE_CP_VISIT_WORKING_DAYS", 10))


def cin_visit_working_days() -> int:
    return int(getattr(settings, "SIGHTLINE_CIN_VISIT_WORKING_DAYS", 20))


def supervision_weeks() -> int:
    return int(getattr(settings, "SIGHTLINE_SUPERVISION_WEEKS", 4))


def core_group_weeks() -> int:
    return int(getattr(settings, "SIGHTLINE_CORE_GROUP_WEEKS", 6))


def url_or_blank(name: str, *args: Any) -> str:
    """A protection-side page's address, or "" when that page does not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# Scope ----------------------------------------------------------------------------------


def may_see_casework(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.works_in_social_care)


def episodes_visible_to(user: User) -> QuerySet[Episode]:
    """Episodes of the children this user may see (none outside children's social care)."""
    if not may_see_casework(user):
        return Episode.objects.none()
    return Episode.objects.filter(child__in=persons_visible_to(user))


def _episode_queryset(user: User) -> QuerySet[Episode]:
    return episodes_visible_to(user).select_related(
        "child", "team", "team__agency", "lead_social_worker"
    )


def episode_get(*, user: User, episode_id: int, purpose: str = "episode") -> Episode:
    """One episode this user may see, recording the read; 404 otherwise."""
    if not may_see_casework(user):
        raise PermissionDenied("Only children's social care can see casework.")
    episode = _episode_queryset(user).filter(pk=episode_id).first()
    if episode is None:
        raise Http404("No such episode")
    audit.record_read(
        actor=user, target=episode, person_id=episode.child_id, detail={"purpose": purpose}
    )
    return episode


def assessment_get(*, user: User, assessment_id: int) -> Assessment:
    if not may_see_casework(user):
        raise PermissionDenied("Only children's social care can see casework.")
    assessment = (
        Assessment.objects.filter(pk=assessment_id, episode__in=episodes_visible_to(user))
        .select_related("episode", "episode__child", "episode__team", "authorised_by")
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment")
    audit.record_read(actor=user, target=assessment, person_id=assessment.episode.child_id)
    return assessment


def child_get(*, user: User, person_id: int) -> Person:
    """A child whose casework this user may see (recorded); 404 otherwise."""
    if not may_see_casework(user):
        raise PermissionDenied("Only children's social care can see casework.")
    child = persons_visible_to(user).filter(pk=person_id).first()
    if child is None:
        raise Http404("No such child")
    audit.record_read(actor=user, target=child, person_id=child.pk, detail={"purpose": "casework"})
    return child


def social_care_teams() -> QuerySet[Team]:
    return Team.objects.filter(agency__kind=Agency.Kind.SOCIAL_CARE).select_related("agency")


def case_holders() -> QuerySet[User]:
    return User.objects.filter(
        role__in=[Role.SOCIAL_WORKER, Role.TEAM_MANAGER], is_active=True
    ).order_by("last_name", "first_name")


def team_managers() -> QuerySet[User]:
    return User.objects.filter(role=Role.TEAM_MANAGER, is_active=True)


def closure_request_pending(episode: Episode) -> ClosureRequest | None:
    """The request to close this episode waiting for a manager (the episode already read)."""
    return (
        episode.closure_requests.filter(status=ClosureRequest.Status.PENDING)
        .select_related("requested_by")
        .first()
    )


def closure_request_returned(episode: Episode) -> ClosureRequest | None:
    """The last request a manager sent back, while no other waits (the episode already read)."""
    last = episode.closure_requests.select_related("decided_by").order_by("-requested_at").first()
    return last if last is not None and last.status == ClosureRequest.Status.RETURNED else None


# Due dates of one episode ---------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    kind: str  # "Assessment", "Statutory visit", "Supervision", "ICPC", ...
    due_date: dt.date
    episode_id: int
    child: Person | None = None
    url: str = ""
    owner: str = ""
    basis: str = ""  # how the date was worked out

    def overdue(self, as_of: dt.date) -> bool:
        return self.due_date < as_of


def _open_plans(plans: Iterable[Plan]) -> list[Plan]:
    return [p for p in plans if p.end_date is None and p.status != Plan.Status.ENDED]


def episode_due_dates(episode: Episode) -> list[Due]:
    """What is next due on an open episode. Reads the prefetched relations when present."""
    if not episode.is_open:
        return []
    url = reverse("casework:episode", args=[episode.pk])
    owner = str(episode.lead_social_worker or "")
    items, cp = _assessments_and_visit_due(episode, url, owner)
    supervisions = sorted(
        episode.supervisions.all(), key=lambda s: s.supervision_date, reverse=True
    )
    if supervisions:
        next_supervision = supervisions[0].next_date
        basis = "the date set at the last supervision"
    else:
        next_supervision = episode.referral_date + dt.timedelta(weeks=supervision_weeks())
        basis = f"{supervision_weeks()} weeks after the referral"
    items.append(
        Due("Supervision", next_supervision, episode.pk, url=url, owner=owner, basis=basis)
    )
    for s47 in episode.s47_enquiries.all():
        if s47.icpc_not_required or _has_icpc(s47):
            continue
        items.append(
            Due(
                "Initial child protection conference",
                s47.icpc_target_date,
                episode.pk,
                url=url_or_blank("casework:s47", s47.pk) or url,
                owner=owner,
                basis="15 working days after the strategy discussion",
            )
        )
    if cp is not None:
        items.extend(_cp_plan_due(episode, cp, url, owner))
    return items


def _assessments_and_visit_due(
    episode: Episode, url: str, owner: str
) -> tuple[list[Due], Plan | None]:
    """The open assessments' due dates and the next statutory visit (with the open child
    protection plan, if any): all the child's page shows, from three relations."""
    items: list[Due] = []
    for assessment in episode.assessments.all():
        if assessment.completed_date is None:
            items.append(
                Due(
                    "Assessment",
                    assessment.due_date,
                    episode.pk,
                    url=reverse("casework:assessment", args=[assessment.pk]),
                    owner=str(assessment.social_worker or owner),
                    basis=f"{assessment_working_days()} working days after the referral",
                )
            )
    plans = _open_plans(episode.plans.all())
    cp = next((p for p in plans if p.kind == Plan.Kind.CP), None)
    cin = next((p for p in plans if p.kind == Plan.Kind.CIN), None)
    visits = sorted(episode.visits.all(), key=lambda v: v.visit_date, reverse=True)
    plan = cp or cin
    if plan is not None:
        every = cp_visit_working_days() if cp else cin_visit_working_days()
        last = next((v.visit_date for v in visits if v.visit_date >= plan.start_date), None)
        items.append(
            Due(
                "Statutory visit",
                add_working_days(last or plan.start_date, every),
                episode.pk,
                url=url,
                owner=owner,
                basis=f"every {every} working days on a {plan.get_kind_display().lower()}",
            )
        )
    return items, cp


def _has_icpc(s47: S47Enquiry) -> bool:
    try:
        return s47.icpc is not None
    except Conference.DoesNotExist:
        return False


def _cp_plan_due(episode: Episode, plan: Plan, url: str, owner: str) -> list[Due]:
    items: list[Due] = []
    conferences = sorted(episode.conferences.all(), key=lambda c: c.conference_date)
    icpc_date = plan.icpc.conference_date if plan.icpc_id and plan.icpc else plan.start_date
    meetings = sorted(
        (m for m in plan.core_group_meetings.all()), key=lambda m: m.meeting_date, reverse=True
    )
    if meetings:
        core_group = meetings[0].meeting_date + dt.timedelta(weeks=core_group_weeks())
        basis = f"every {core_group_weeks()} weeks after the last core group"
    else:
        core_group = add_working_days(icpc_date, 10)
        basis = "10 working days after the initial conference"
    plan_url = url_or_blank("casework:plan", plan.pk) or url
    items.append(Due("Core group", core_group, episode.pk, url=plan_url, owner=owner, basis=basis))
    held = [c for c in conferences if c.conference_date >= icpc_date]
    reviews = [c for c in held if c.kind == Conference.Kind.REVIEW]
    if reviews:
        review_due, basis = due_for_review(
            reviews[-1].conference_date, 6, "6 months after the last review conference"
        )
    else:
        review_due, basis = due_for_review(icpc_date, 3, "3 months after the initial conference")
    items.append(
        Due("Review conference", review_due, episode.pk, url=url, owner=owner, basis=basis)
    )
    return items


def _work() -> list[Prefetch[Any]]:
    """What `episode_due_dates` reads, to prefetch with the episodes."""
    return [
        Prefetch("assessments", queryset=Assessment.objects.select_related("social_worker")),
        Prefetch("visits", queryset=StatutoryVisit.objects.all()),
        Prefetch("supervisions", queryset=Supervision.objects.all()),
        Prefetch(
            "plans",
            queryset=Plan.objects.select_related("icpc").prefetch_related(
                Prefetch("core_group_meetings", queryset=CoreGroupMeeting.objects.all())
            ),
        ),
        Prefetch("s47_enquiries", queryset=S47Enquiry.objects.select_related("icpc")),
        Prefetch("conferences", queryset=Conference.objects.all()),
    ]


def _with_work(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    return episodes.prefetch_related(*_work())


# The team's due list --------------------------------------------------------------------


@dataclass
class TeamDueList:
    team: Team
    as_of: dt.date
    week_end: dt.date
    overdue: list[Due] = field(default_factory=list)
    due_this_week: list[Due] = field(default_factory=list)
    open_episodes: int = 0


def team_due_list(*, user: User, team: Team, as_of: dt.date | None = None) -> TeamDueList:
    """What is overdue and what is due this week (to Sunday) across the team's open episodes.

    Scoped to the children the user may see; the list shown is recorded.
    """
    if not may_see_casework(user):
        raise PermissionDenied("Only children's social care can see casework.")
    as_of = as_of or timezone.localdate()
    week_end = as_of + dt.timedelta(days=6 - as_of.weekday())
    episodes = list(
        _with_work(_episode_queryset(user).filter(team=team, closure_date__isnull=True)).order_by(
            "referral_date", "pk"
        )
    )
    result = TeamDueList(team=team, as_of=as_of, week_end=week_end, open_episodes=len(episodes))
    for episode in episodes:
        for due in episode_due_dates(episode):
            due = Due(**{**due.__dict__, "child": episode.child})
            if due.due_date < as_of:
                result.overdue.append(due)
            elif due.due_date <= week_end:
                result.due_this_week.append(due)
    open_by_child = {episode.child_id: episode.pk for episode in episodes}
    for _, items in team_due_items.send(None, user=user, as_of=as_of, episodes=open_by_child):
        result.overdue += [Due(**item) for item in items or []]  # type: ignore[arg-type]
    result.overdue.sort(key=lambda d: (d.due_date, d.kind))
    result.due_this_week.sort(key=lambda d: (d.due_date, d.kind))
    shown = sorted({d.child.pk for d in result.overdue + result.due_this_week if d.child})
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="casework.team_due_list.viewed",
        detail={"team": team.pk, "as_of": as_of.isoformat(), "shown": shown},
    )
    return result


# A child's casework ---------------------------------------------------------------------


@dataclass
class EpisodeView:
    episode: Episode
    due: list[Due]
    open_assessment: Assessment | None
    open_plans: list[Plan]


def episode_detail(episode: Episode) -> EpisodeView:
    """Everything on the episode page, with what is due (the episode already read)."""
    loaded = (
        _with_work(Episode.objects.filter(pk=episode.pk))
        .select_related("child", "team", "lead_social_worker")
        .get()
    )
    loaded.prefetched_transfers = list(  # type: ignore[attr-defined]
        loaded.transfers.select_related(
            "from_team", "to_team", "to_social_worker", "from_social_worker"
        )
    )
    return EpisodeView(
        episode=loaded,
        due=episode_due_dates(loaded),
        open_assessment=next(
            (a for a in loaded.assessments.all() if a.completed_date is None), None
        ),
        open_plans=_open_plans(loaded.plans.all()),
    )


@dataclass
class CaseworkSummary:
    child: Person
    episodes: list[Episode]
    open_episode: Episode | None
    due: list[Due]


def child_casework_summary(*, user: User, child: Person) -> CaseworkSummary:
    """The child's episodes, newest first, and what is due on the open one (child already
    read by the caller)."""
    episodes = list(
        _with_work(_episode_queryset(user).filter(child=child)).order_by("-referral_date")
    )
    open_episode = next((e for e in episodes if e.is_open), None)
    return CaseworkSummary(
        child=child,
        episodes=episodes,
        open_episode=open_episode,
        due=episode_due_dates(open_episode) if open_episode else [],
    )


# Referrals awaiting allocation ----------------------------------------------------------


def allocation_working_days() -> int:
    """LOCAL: working days from the front door's referral to an episode (default 1; a referral
    asking for a strategy discussion is due the same working day)."""
    return int(getattr(settings, "SIGHTLINE_ALLOCATION_WORKING_DAYS", 1))


def allocation_due_at(decided_at: dt.datetime, strategy: bool) -> dt.datetime:
    return working_day_deadline(decided_at, 0 if strategy else allocation_working_days())


@dataclass(frozen=True)
class Referral:
    child: Person
    contact_reference: str
    decided_at: dt.datetime
    strategy: bool
    open_episode: Episode | None = None

    @property
    def due_at(self) -> dt.datetime:
        return allocation_due_at(self.decided_at, self.strategy)

    @property
    def overdue(self) -> bool:
        return timezone.now() > self.due_at


def _covered(episodes: list[tuple[dt.date, dt.date | None]], day: dt.date) -> bool:
    return any(start <= day and (end is None or end >= day) for start, end in episodes)


def referrals_awaiting_allocation(*, user: User, limit: int = 200) -> list[Referral]:
    """Front door referrals (from the chronology) with no episode yet, oldest first.

    A referral is allocated when an episode was opened from its contact, or when one of the
    child's episodes already covers the day it was decided (its work joins that episode).
    """
    if not may_see_casework(user):
        raise PermissionDenied("Only children's social care can see casework.")
    allocated = set(
        Episode.objects.filter(contact__isnull=False).values_list("contact__reference", flat=True)
    ) | set(LinkedContact.objects.values_list("contact_reference", flat=True))
    decided = (
        Participant.objects.filter(
            event__type=EventType.CONTACT_DECIDED,
            event__details__outcome="referral",
            role="child",
            person__in=persons_visible_to(user),
        )
        .select_related("person", "event")
        .order_by("event__occurred_at")
    )
    rows = [p for p in decided if p.event.details.get("contact_reference") not in allocated]
    spans: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    open_episodes: dict[int, Episode] = {}
    for episode in Episode.objects.filter(child_id__in={p.person_id for p in rows}).only(
        "pk", "child_id", "referral_date", "closure_date"
    ):
        spans.setdefault(episode.child_id, []).append((episode.referral_date, episode.closure_date))
        if episode.closure_date is None:
            open_episodes[episode.child_id] = episode
    referrals: list[Referral] = []
    for participant in rows:
        event: Event = participant.event
        if _covered(spans.get(participant.person_id, []), localdate(event.occurred_at)):
            continue
        referrals.append(
            Referral(
                child=participant.person,
                contact_reference=str(event.details.get("contact_reference", "")),
                decided_at=event.occurred_at,
                strategy=bool(event.details.get("strategy")),
                open_episode=open_episodes.get(participant.person_id),
            )
        )
        if len(referrals) >= limit:
            break
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="casework.referrals.viewed",
        detail={"shown": [r.child.pk for r in referrals]},
    )
    return referrals


def referral_for(*, user: User, child: Person, contact_reference: str) -> Referral | None:
    """One unallocated referral of this child (not recorded: the page reads the child)."""
    event = referral_event(child=child, contact_reference=contact_reference)
    if event is None or Episode.objects.filter(contact__reference=contact_reference).exists():
        return None
    if LinkedContact.objects.filter(contact_reference=contact_reference).exists():
        return None
    episodes = list(Episode.objects.filter(child=child).select_related("team"))
    if _covered(
        [(e.referral_date, e.closure_date) for e in episodes], localdate(event.occurred_at)
    ):
        return None
    return Referral(
        child=child,
        contact_reference=contact_reference,
        decided_at=event.occurred_at,
        strategy=bool(event.details.get("strategy")),
        open_episode=next((e for e in episodes if e.is_open), None),
    )


# The child's page: open work ------------------------------------------------------------


def open_work_for_child(*, user: User, person: Person) -> list[OpenWork]:
    """The child's open episode, its assessment due date and next visit (not recorded: the
    person page records its one read)."""
    if not may_see_casework(user):
        return []
    episode = (
        Episode.objects.filter(child_id=person.pk, closure_date__isnull=True)
        .select_related("team", "lead_social_worker")
        .first()
    )
    if episode is None:  # most children on the page: no prefetches to build
        return []
    prefetch_related_objects(  # what _assessments_and_visit_due reads, and no more
        [episode],
        Prefetch("assessments", queryset=Assessment.objects.select_related("social_worker")),
        Prefetch("visits", queryset=StatutoryVisit.objects.all()),
        Prefetch("plans", queryset=Plan.objects.all()),
    )
    today = timezone.localdate()
    owner = str(episode.lead_social_worker or episode.team.name)
    items = [
        OpenWork(
            kind="Open episode",
            title=f"Referral on {episode.referral_date.day} {episode.referral_date:%B %Y}, "
            f"{episode.team.name}",
            url=reverse("casework:episode", args=[episode.pk]),
            owner=owner,
        )
    ]
    wanted = {"Assessment": "Assessment due", "Statutory visit": "Next statutory visit"}
    url = reverse("casework:episode", args=[episode.pk])
    for due in _assessments_and_visit_due(episode, url, str(episode.lead_social_worker or ""))[0]:
        if due.kind in wanted:
            items.append(
                OpenWork(
                    kind=wanted[due.kind],
                    title=due.basis,
                    url=due.url,
                    due_at=due.due_date,
                    owner=due.owner or owner,
                    overdue=due.overdue(today),
                )
            )
    return items


def localdate(value: dt.datetime) -> dt.date:
    return timezone.localtime(value, LONDON).date()
