"""Builders and fixtures shared by the episode tests (no tests of their own).

The front door is a sibling app, so a referral is built the way casework finds it: a `contact`
event and the front door's `contact_decided` event on the child's chronology.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.accounts.models import Agency, Team, User
from sightline.casework.models import Episode
from sightline.casework.services.episodes import episode_open
from sightline.chronology.models import Event, EventType
from sightline.people.models import Person
from sightline.testing import factories as f
from sightline.testing.chronology import at, event


@pytest.fixture
def north_team(agencies: dict[str, Agency]) -> Team:
    return f.team(agencies["csc"], "Assessment Team North")


@pytest.fixture
def south_team(agencies: dict[str, Agency]) -> Team:
    return f.team(agencies["csc"], "Child Protection Team South")


@pytest.fixture
def team_manager(agencies: dict[str, Agency], north_team: Team) -> User:
    return f.user(
        agencies["csc"], "team_manager", "social_worker", username="tm.willow", team=north_team
    )


@pytest.fixture
def case_worker(agencies: dict[str, Agency], north_team: Team) -> User:
    return f.user(
        agencies["csc"], "social_worker", "social_worker", username="sw.aspen", team=north_team
    )


@pytest.fixture
def child(db: None) -> Person:
    return f.child(given_name="Isla", family_name="Episodechild", date_of_birth=dt.date(2016, 2, 1))


def referral(
    child: Person,
    agencies: dict[str, Agency],
    *,
    reference: str = "C-2025-000101",
    received: str = "2025-03-03",
    source: str = "2A",
    strategy: bool = False,
) -> Event:
    """A contact about the child and the front door's decision to refer it, on the chronology."""
    event(
        child,
        source=agencies["school"],
        type=EventType.CONTACT,
        occurred_at=at(received, "09:30"),
        details={"referral_source": source, "contact_reference": reference, "outcome": "pending"},
    )
    details: dict[str, object] = {
        "outcome": "referral",
        "level": "L4",
        "contact_reference": reference,
    }
    if strategy:
        details["strategy"] = True
    return event(
        child,
        source=agencies["csc"],
        type=EventType.CONTACT_DECIDED,
        occurred_at=at(received, "15:00"),
        details=details,
    )


def open_episode(
    actor: User, child: Person, team: Team, referral_date: dt.date, source: str = "6"
) -> Episode:
    return episode_open(
        actor=actor,
        child=child,
        team=team,
        lead_social_worker=actor if actor.role == "social_worker" else None,
        referral_date=referral_date,
        referral_source=source,
    )


def kinds(child: Person) -> list[str]:
    """The types of the child's chronology events, oldest first."""
    return list(
        Event.objects.filter(participants__person=child)
        .order_by("occurred_at", "pk")
        .values_list("type", flat=True)
    )
