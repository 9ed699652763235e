"""Reads for the CP-IS style lookup: who the search finds, and what may be said about them.

Minimal disclosure (DOMAIN.md section 7): whether a child is, or in the last 12 months was,
on a child protection plan, the plan type and dates and the responsible team's contact.
Nothing else about the child leaves these functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from sightline.accounts.models import Team, User
from sightline.casework.models import Plan
from sightline.core import audit
from sightline.core.dates import add_months
from sightline.core.models import Notification
from sightline.people.models import Person, PersonName, Relationship
from sightline.people.names import given_name_keys, name_key
from sightline.sharing.models import CpisLookup

LOOK_BACK_MONTHS = 12
LOOKED_AFTER = "Not recorded in Sightline"


def twelve_months_before(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February becomes 28 February)."""
    return add_months(day, -12)


def persons_with_nhs_number(nhs_number: str) -> list[Person]:
    return list(Person.objects.filter(nhs_number=nhs_number).order_by("pk"))


def children_named(*, given_name: str, family_name: str, date_of_birth: dt.date) -> list[Person]:
    """Children with this date of birth whose names have the same keys (people.names): at most
    two, enough to tell one child from several."""
    given = given_name_keys(given_name)
    family = name_key(family_name)
    if not given or not family:
        return []
    other_given = PersonName.objects.filter(person=OuterRef("pk"), given_name_key__in=given)
    other_family = PersonName.objects.filter(person=OuterRef("pk"), family_name_key=family)
    return list(
        Person.objects.filter(kind=Person.Kind.CHILD, date_of_birth=date_of_birth)
        .filter(Q(given_name_key__in=given) | Exists(other_given))
        .filter(Q(family_name_key=family) | Exists(other_family))
        .order_by("pk")[:2]
    )


def cp_plans_to_disclose(*, child_ids: list[int], today: dt.date) -> QuerySet[Plan]:
    """CP plans that started by today and are open or ended in the last 12 months, newest
    (open first) first."""
    return (
        Plan.objects.filter(
            kind=Plan.Kind.CP, episode__child_id__in=child_ids, start_date__lte=today
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=twelve_months_before(today)))
        .select_related("episode__child", "episode__team__agency", "episode__lead_social_worker")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", "-pk")
    )


def unborn_children_of(mothers: list[Person]) -> list[int]:
    return list(
        Relationship.objects.filter(
            person__in=mothers,
            kind=Relationship.Kind.MOTHER,
            relative__kind=Person.Kind.UNBORN,
        ).values_list("relative_id", flat=True)
    )


def team_contact(team: Team) -> dict[str, str]:
    """The responsible team's name, phone and email (the agency's when the team has none), and
    the agency's out-of-hours service, for when the team is closed."""
    agency = team.agency
    return {
        "name": str(team),
        "phone": team.phone or agency.phone,
        "email": team.email or agency.email,
        "out_of_hours_service": agency.out_of_hours_service,
        "out_of_hours_phone": agency.out_of_hours_phone,
    }


def _plan_detail(plan: Plan, today: dt.date) -> dict[str, Any]:
    ended = plan.end_date is not None and plan.end_date <= today
    return {
        "kind": plan.get_kind_display(),
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat() if ended and plan.end_date else None,
        "team": team_contact(plan.episode.team),
    }


@dataclass
class CpisAnswer:
    """What the clinician is told, and which plans' social workers hear of the attendance."""

    answer: str
    person: Person | None = None
    plan: Plan | None = None
    unborn_plans: list[Plan] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def plans_shown(self) -> list[Plan]:
        return ([self.plan] if self.plan else []) + self.unborn_plans


def cpis_answer(*, persons: list[Person], today: dt.date) -> CpisAnswer:
    """The answer for the persons a search found (one, or several sharing an NHS number)."""
    if not persons:
        return CpisAnswer(
            answer=CpisLookup.Answer.NO_PLAN,
            detail={"answer": CpisLookup.Answer.NO_PLAN, "looked_after": LOOKED_AFTER},
        )
    children = [p.pk for p in persons if p.kind != Person.Kind.ADULT]
    plan = cp_plans_to_disclose(child_ids=children, today=today).first() if children else None
    if plan is None:
        answer = CpisLookup.Answer.NO_PLAN
        person = persons[0]
    else:
        ended = plan.end_date is not None and plan.end_date <= today
        answer = CpisLookup.Answer.PLAN_ENDED if ended else CpisLookup.Answer.ON_PLAN
        person = plan.episode.child
    unborn_plans = []
    unborn = unborn_children_of(persons)
    if unborn:
        for unborn_id in unborn:
            found = cp_plans_to_disclose(child_ids=[unborn_id], today=today).first()
            if found is not None and found.end_date is None:
                unborn_plans.append(found)
    detail: dict[str, Any] = {
        "answer": answer,
        "plan": _plan_detail(plan, today) if plan else None,
        "looked_after": LOOKED_AFTER,
        "unborn": [_plan_detail(p, today) for p in unborn_plans],
    }
    return CpisAnswer(
        answer=answer, person=person, plan=plan, unborn_plans=unborn_plans, detail=detail
    )


def not_identified() -> CpisAnswer:
    return CpisAnswer(
        answer=CpisLookup.Answer.NOT_IDENTIFIED,
        detail={"answer": CpisLookup.Answer.NOT_IDENTIFIED},
    )


def cpis_lookup_get(*, user: User, lookup_id: int) -> CpisLookup | None:
    """One of the user's own lookups (nobody else's)."""
    return CpisLookup.objects.filter(pk=lookup_id, user=user).first()


def plan_for_display(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored plan answer with its dates as dates again, for the template."""
    if not stored:
        return None
    return {
        **stored,
        "start_date": dt.date.fromisoformat(stored["start_date"]),
        "end_date": dt.date.fromisoformat(stored["end_date"]) if stored.get("end_date") else None,
    }


def messages_for(*, user: User) -> QuerySet[Notification]:
    """The messages Sightline sent the user (their inbox), newest first. Not recorded by
    itself (it is lazy): `message_inbox` records the page shown."""
    return Notification.objects.filter(recipient_user=user).order_by("-created_at", "-pk")


def message_inbox_record(*, user: User, shown: list[Notification]) -> None:
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="messages.listed",
        detail={"notifications": [message.pk for message in shown]},
    )
