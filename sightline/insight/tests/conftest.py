"""Builders for the insight tests: a social work team and the casework stories of history.py."""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.insight.tests.history import CaseworkHistory, stories_write
from sightline.testing import factories as f

BIRTHDAYS = [
    dt.date(2010, 2, 3),
    dt.date(2012, 9, 14),
    dt.date(2015, 6, 1),
    dt.date(2021, 11, 30),
    dt.date(2013, 4, 22),
    dt.date(2016, 1, 9),
    dt.date(2022, 7, 19),
    dt.date(2011, 12, 12),
    dt.date(2018, 3, 3),
    dt.date(2014, 8, 28),
    dt.date(2019, 5, 5),
]


@pytest.fixture
def team_manager(agencies):  # type: ignore[no-untyped-def]
    return f.user(
        agencies["csc"],
        "team_manager",
        "social_worker",
        username="tm.willow",
        team=f.team(agencies["csc"], "Child Protection Team 1"),
    )


@pytest.fixture
def history(agencies, social_worker, team_manager):  # type: ignore[no-untyped-def]
    return CaseworkHistory(
        team=f.team(agencies["csc"], "Child Protection Team 1"),
        worker=social_worker,
        manager=team_manager,
    )


@pytest.fixture
def stories(history):  # type: ignore[no-untyped-def]
    children = [
        f.child(
            given_name=f"Census{index}",
            family_name="Storychild",
            date_of_birth=born,
            sex="F" if index % 2 else "M",
            ethnicity="WBRI" if index % 3 else "APKN",
        )
        for index, born in enumerate(BIRTHDAYS)
    ]
    return stories_write(history, children)


@pytest.fixture
def scrutineer(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "scrutineer", "other", username="is.willow")


@pytest.fixture
def subgroup_chair(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "subgroup_chair", "other", username="sc.rowan")


@pytest.fixture
def police_lead(agencies):  # type: ignore[no-untyped-def]
    """The police's named agency lead (a lead partner's delegate)."""
    lead = f.user(agencies["police"], "practitioner", "police_officer", username="di.hawthorn")
    lead.is_agency_lead = True
    lead.save(update_fields=["is_agency_lead"])
    return lead


@pytest.fixture
def population():  # type: ignore[no-untyped-def]
    """The district's children in mid-2025: 100 of each age, 1,800 in all."""
    from sightline.insight.services import child_population_set

    return child_population_set(
        actor="test", year=2025, counts=dict.fromkeys(range(18), 100), source="Test figures"
    )
