"""Builders for the CP-IS lookup tests: children with NHS numbers, episodes and plans."""

from __future__ import annotations

import datetime as dt

from sightline.accounts.models import Agency, Team, User
from sightline.casework.models import Episode, Plan
from sightline.people.models import Person, Relationship
from sightline.testing import factories as f

CHILD_NHS = "9434765919"
MOTHER_NHS = "4857773457"
OTHER_NHS = "4010232137"


def safeguarding_team(agencies: dict[str, Agency]) -> Team:
    csc = agencies["csc"]
    if not csc.out_of_hours_phone:
        csc.out_of_hours_service = "Northmoor Emergency Duty Team"
        csc.out_of_hours_phone = "01632 960 999"
        csc.save()
    team = f.team(agencies["csc"], "Safeguarding Team West")
    team.phone = "01632 960 123"
    team.email = "safeguarding.west@example.org"
    team.save()
    return team


def lead_social_worker(agencies: dict[str, Agency]) -> User:
    return User.objects.filter(username="sw.willow").first() or f.user(
        agencies["csc"], "social_worker", "social_worker", username="sw.willow"
    )


def plan(
    child: Person,
    agencies: dict[str, Agency],
    *,
    start: dt.date,
    end: dt.date | None = None,
    kind: str = Plan.Kind.CP,
    lead: User | None = None,
    with_lead: bool = True,
) -> Plan:
    worker = lead or lead_social_worker(agencies)
    episode = Episode.objects.create(
        child=child,
        referral_date=start - dt.timedelta(days=40),
        referral_source="6",
        team=safeguarding_team(agencies),
        lead_social_worker=worker if with_lead else None,
        created_by=worker,
    )
    return Plan.objects.create(
        episode=episode,
        kind=kind,
        status=Plan.Status.ENDED if end else Plan.Status.CONFIRMED,
        start_date=start,
        end_date=end,
        end_reason="Risks reduced" if end else "",
        created_by=worker,
    )


def mother_with_unborn_child(*, expected: dt.date) -> tuple[Person, Person]:
    mother = f.adult(given_name="Jade", family_name="Testmother", nhs_number=MOTHER_NHS)
    unborn = f.child(
        given_name="",
        family_name="Testmother",
        date_of_birth=None,
        kind=Person.Kind.UNBORN,
        expected_date_of_birth=expected,
    )
    Relationship.objects.create(person=mother, relative=unborn, kind=Relationship.Kind.MOTHER)
    return mother, unborn
