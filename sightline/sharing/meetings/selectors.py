"""Reads of risk meetings, scoped to the user and recorded in the audit trail.

Who sees what:
- the DRAM and MARAC coordinator (the role `dram_coordinator`, held by coordinators and the
  IDVAs who run the meetings) sees every meeting, case, action and referral;
- someone who attended a meeting for their agency (present, the confidentiality statement
  accepted) sees that meeting and its referrals;
- a referrer sees the referrals they made.

The safe contact details of a referral are decided in ONE place, `safe_contact`: only the
coordinator and the attendees of a meeting that listed the referral see them; everyone else
(the referrer included, once the referral is made) is told only that some were given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from sightline.accounts.models import Role, User
from sightline.chronology.models import Participant
from sightline.core import audit
from sightline.people.models import Involvement, Person, Relationship
from sightline.sharing.meetings.models import (
    MeetingAction,
    MeetingAttendee,
    MeetingCase,
    MeetingKind,
    Referral,
    RiskMeeting,
)


def is_coordinator(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.DRAM_COORDINATOR


def require_coordinator(user: User) -> None:
    if not is_coordinator(user):
        raise PermissionDenied("Only the DRAM and MARAC coordinator runs risk meetings.")


def _attended(user: User) -> QuerySet[MeetingAttendee]:
    return MeetingAttendee.objects.filter(
        user=user, present=True, confidentiality_accepted_at__isnull=False
    )


def meetings_for(*, user: User) -> QuerySet[RiskMeeting]:
    meetings = RiskMeeting.objects.select_related("chair")
    if is_coordinator(user):
        return meetings
    return meetings.filter(pk__in=_attended(user).values("meeting_id"))


def meeting_get(*, user: User, meeting_id: int) -> RiskMeeting:
    meeting = meetings_for(user=user).filter(pk=meeting_id).first()
    if meeting is None:
        if RiskMeeting.objects.filter(pk=meeting_id).exists() and user.is_authenticated:
            raise PermissionDenied("You did not attend this meeting.")
        raise Http404("No such meeting")
    audit.record_read(actor=user, target=meeting, person_id=None)
    return meeting


def case_get(*, user: User, case_id: int) -> MeetingCase:
    require_coordinator(user)
    case = (
        MeetingCase.objects.select_related("meeting", "subject", "incident", "referral")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    audit.record_read(actor=user, target=case, person_id=case.subject_id)
    return case


def action_get(*, user: User, action_id: int) -> MeetingAction:
    require_coordinator(user)
    action = (
        MeetingAction.objects.select_related("case__meeting", "case__subject", "owner", "agency")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("No such action")
    audit.record_read(actor=user, target=action, person_id=action.case.subject_id)
    return action


def _attended_referral(user: User, referral: Referral) -> bool:
    return _attended(user).filter(meeting__cases__referral=referral).exists()


def referral_get(*, user: User, referral_id: int) -> Referral:
    referral = (
        Referral.objects.select_related("subject", "perpetrator", "referred_by", "agency")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    if not (
        is_coordinator(user)
        or referral.referred_by_id == user.pk
        or _attended_referral(user, referral)
    ):
        raise PermissionDenied("This referral is for the coordinator and the meeting.")
    audit.record_read(actor=user, target=referral, person_id=referral.subject_id)
    return referral


def may_see_safe_contact(*, user: User, referral: Referral) -> bool:
    return is_coordinator(user) or _attended_referral(user, referral)


def safe_contact(*, user: User, referral: Referral) -> str | None:
    """THE one place that decides who reads a victim's safe contact details: the coordinator
    and the attendees of a meeting that listed the referral. None for everyone else."""
    if not referral.safe_contact or not may_see_safe_contact(user=user, referral=referral):
        return None
    audit.record_read(
        actor=user,
        target=referral,
        person_id=referral.subject_id,
        action="referral.safe_contact_viewed",
    )
    return referral.safe_contact


def may_refer(*, user: User, person: Person) -> bool:
    """Anyone who may see the person refers them; the coordinator refers anyone a meeting
    discussed."""
    from sightline.people.selectors import person_visible
    from sightline.sharing.meetings.models import CasePerson

    if person_visible(user=user, person=person):
        return True
    return is_coordinator(user) and CasePerson.objects.filter(person=person).exists()


# The people a referral names -------------------------------------------------------------------


def children_of(person: Person) -> list[Person]:
    """Children named with the person in domestic abuse incidents, and their recorded children."""
    incidents = Participant.objects.filter(
        person=person, role__in=["victim", "perpetrator", "mother", "father", "carer"]
    ).values("event_id")
    named = Participant.objects.filter(event_id__in=incidents, role="child").values("person_id")
    related = Relationship.objects.filter(
        person=person,
        kind__in=["mother", "father", "step_parent", "carer", "partner_of_parent"],
    ).values("relative_id")
    return list(
        Person.objects.filter(Q(pk__in=named) | Q(pk__in=related))
        .exclude(pk=person.pk)
        .order_by("date_of_birth", "pk")
    )


def perpetrators_of(person: Person) -> list[Person]:
    incidents = Participant.objects.filter(person=person, role="victim").values("event_id")
    return list(
        Person.objects.filter(
            pk__in=Participant.objects.filter(event_id__in=incidents, role="perpetrator").values(
                "person_id"
            )
        ).order_by("pk")
    )


def school_of(child: Person) -> str:
    """The child's current school, from the involvements of school agencies."""
    involvement = (
        Involvement.objects.filter(person=child, agency__kind="school", ended__isnull=True)
        .select_related("agency")
        .order_by("-started", "-pk")
        .first()
    )
    return involvement.agency.name if involvement else ""


# The quarterly data return ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterlyReturn:
    """The SafeLives-shaped MARAC data return for one quarter of a financial year."""

    year: int  # the financial year starting 1 April of `year`
    quarter: int  # 1: April to June
    start: dt.date
    end: dt.date
    cases: int
    repeats: int
    children: int
    adult_women: int
    meetings: int

    @property
    def repeat_rate(self) -> float | None:
        return self.repeats / self.cases if self.cases else None

    @property
    def cases_per_10000(self) -> float | None:
        return self.cases * 10_000 / self.adult_women if self.adult_women else None

    @property
    def adult_women_shown(self) -> str:
        return f"{self.adult_women:,}"

    @property
    def label(self) -> str:
        return (
            f"Quarter {self.quarter} of {self.year} to {str(self.year + 1)[2:]} "
            f"({self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y})"
        )


def quarter_dates(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first_month = 4 + 3 * (quarter - 1)
    start_year = year + (first_month - 1) // 12
    start = dt.date(start_year, (first_month - 1) % 12 + 1, 1)
    after = dt.date(
        start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1
    )  # first day of the next quarter
    return start, after - dt.timedelta(days=1)


def adult_women() -> int:
    """The partnership's adult female population (LOCAL setting), the return's denominator."""
    return int(getattr(settings, "SIGHTLINE_ADULT_WOMEN_POPULATION", 0))


def marac_quarterly_return(*, user: User, year: int, quarter: int) -> QuarterlyReturn:
    require_coordinator(user)
    if quarter not in (1, 2, 3, 4):
        raise Http404("A financial year has quarters 1 to 4")
    start, end = quarter_dates(year, quarter)
    cases = list(
        MeetingCase.objects.filter(
            meeting__kind=MeetingKind.MARAC,
            meeting__held_on__gte=start,
            meeting__held_on__lte=end,
        )
        .select_related("referral")
        .prefetch_related("people", "referral__children")
    )
    children = 0
    for case in cases:
        kids = {cp.person_id for cp in case.people.all() if cp.role == "child"}
        if case.referral is not None:
            kids |= {c.person_id for c in case.referral.children.all()}
        children += len(kids)
    found = QuarterlyReturn(
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        cases=len(cases),
        repeats=sum(1 for c in cases if c.referral is not None and c.referral.is_repeat),
        children=children,
        adult_women=adult_women(),
        meetings=len({c.meeting_id for c in cases}),
    )
    audit.record(
        actor=user,
        kind="read",
        action="marac_return.viewed",
        detail={"year": year, "quarter": quarter},
    )
    return found
