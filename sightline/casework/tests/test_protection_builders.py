"""Builders shared by the child protection and plan tests (no tests of their own)."""

from __future__ import annotations

import datetime as dt

from sightline.accounts.models import Agency, User
from sightline.casework.models import Conference, Episode, Plan, S47Enquiry, StrategyDiscussion
from sightline.casework.services.protection import (
    Action,
    Attendee,
    Member,
    at_time,
    conference_record,
    s47_start,
    strategy_discussion_record,
)
from sightline.people.models import Person
from sightline.testing import factories as f


def episode(child: Person, agencies: dict[str, Agency], referral_date: dt.date) -> Episode:
    return Episode.objects.create(
        child=child,
        referral_date=referral_date,
        referral_source="6",
        team=f.team(agencies["csc"], "Safeguarding Team North"),
        created_by=User.objects.filter(role="social_worker").first()
        or f.user(agencies["csc"], "social_worker", username="sw.builder"),
    )


def attendees(agencies: dict[str, Agency], *codes: str) -> list[Attendee]:
    roles = {"csc": "Social worker", "police": "Detective constable", "health": "Named nurse"}
    return [
        Attendee(agency=agencies[code], name=f"Person {code}", role=roles.get(code, "Teacher"))
        for code in codes or ("csc", "police", "health")
    ]


def discussion(
    actor: User, ep: Episode, agencies: dict[str, Agency], held_at: dt.datetime
) -> StrategyDiscussion:
    return strategy_discussion_record(
        actor=actor,
        episode=ep,
        held_at=held_at,
        attendees=attendees(agencies),
        information_shared="Police attended twice this month; the health visitor saw bruising.",
        s47_decided=True,
        safety_plan="The child stays with her grandmother until the conference.",
        actions=[
            Action(
                action="Check police records for the household",
                owner="DC Person",
                owner_agency=agencies["police"],
                due_date=held_at.date() + dt.timedelta(days=2),
            )
        ],
    )


def s47(actor: User, ep: Episode, agencies: dict[str, Agency], day: dt.date) -> S47Enquiry:
    talk = discussion(actor, ep, agencies, at_time(day, 10))
    return s47_start(actor=actor, discussion=talk, start_date=day)


def icpc_with_plan(
    actor: User, enquiry: S47Enquiry, agencies: dict[str, Agency], day: dt.date
) -> Conference:
    return conference_record(
        actor=actor,
        episode=enquiry.episode,
        kind=Conference.Kind.INITIAL,
        s47=enquiry,
        conference_date=day,
        decision=Conference.Decision.CP_PLAN,
        category="NEG",
        lead_social_worker=actor,
        child_wishes="She wants to stay at her school and see her nan.",
        attendees=attendees(agencies),
        core_group=[
            Member(name="Sam Parent", role="Mother"),
            Member(name="Hana Visitor", role="Health visitor", agency=agencies["health"]),
        ],
    )


def cp_plan(conference: Conference) -> Plan:
    return Plan.objects.get(icpc=conference)


def review_ending(actor: User, plan: Plan, day: dt.date, chair: str = "Jo Chair") -> Conference:
    """A review conference that decides the child protection plan ends (the only way one ends)."""
    return conference_record(
        actor=actor,
        episode=plan.episode,
        kind=Conference.Kind.REVIEW,
        plan=plan,
        conference_date=day,
        decision=Conference.Decision.END,
        chair=chair,
        attendees=attendees(f.standard_agencies()),
    )
