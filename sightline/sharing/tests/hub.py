"""Builders for the notification hub tests: a child on a plan with a team around them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sightline.accounts.models import Agency, User
from sightline.casework.models import Episode
from sightline.people.models import Involvement, Person
from sightline.testing import factories as f


@dataclass
class Network:
    child: Person
    worker: User
    manager: User
    episode: Episode


def network(agencies: dict[str, Agency], *, child: Person | None = None) -> Network:
    """A child with an open episode led by a social worker whose team has a manager."""
    team = f.team(agencies["csc"], "Assessment Team North")
    worker = f.user(
        agencies["csc"], "social_worker", "social_worker", username="sw.rowan", team=team
    )
    manager = f.user(
        agencies["csc"], "team_manager", "social_worker", username="tm.alder", team=team
    )
    child = child or f.child(given_name="Skye", family_name="Testnetwork")
    episode = Episode.objects.create(
        child=child,
        referral_date=dt.date(2026, 1, 5),
        referral_source="6",
        team=team,
        lead_social_worker=worker,
        created_by=worker,
    )
    return Network(child, worker, manager, episode)


def involve(person: Person, user: User, role: str = "health visitor", **dates: dt.date) -> None:
    assert user.agency is not None
    Involvement.objects.create(
        person=person,
        user=user,
        agency=user.agency,
        role=role,
        started=dates.get("started", dt.date(2025, 1, 1)),
        ended=dates.get("ended"),
    )
