"""domestic-abuse-cumulative, domestic-abuse-high-risk and perpetrator-release-to-child: the
household rules, which read incidents about the adults a child lives with."""

from __future__ import annotations

import datetime as dt

from sightline.people.services import address_add
from sightline.risk.tests.conftest import alerts, evidence
from sightline.testing import chronology as c
from sightline.testing import factories as f

HOME = {"line": "4 Mill Lane", "postcode": "BD21 4QA"}


def at_home(*people, since=dt.date(2019, 1, 4), line="4 Mill Lane"):  # type: ignore[no-untyped-def]
    for person in people:
        address_add(actor="test", person=person, line=line, postcode="bd21 4qa", moved_in=since)


def incident(arrive, day, *people, **details):  # type: ignore[no-untyped-def]
    return arrive("domestic_abuse_incident", day, *people, **details)


def test_three_incidents_between_adults_the_child_lives_with_raise_for_the_child(
    arrive, lily, frankie, sam
):
    at_home(lily, frankie)
    first = incident(arrive, "2023-02-01", (frankie, "victim"), (sam, "perpetrator"))
    second = incident(arrive, "2023-06-01", (frankie, "victim"), (sam, "perpetrator"))
    assert alerts("domestic-abuse-cumulative") == []
    third = incident(arrive, "2024-02-01", (frankie, "victim"), (sam, "perpetrator"))
    [alert] = alerts("domestic-abuse-cumulative")
    assert alert.person == lily
    assert alert.raised_by == third and alert.raised_at == third.occurred_at
    assert evidence(alert) == [first.pk, second.pk, third.pk]
    assert ",role:dram_coordinator," in alert.audience


def test_one_alert_for_each_child_in_the_household(arrive, lily, frankie, sam):
    baby = f.child(given_name="Rowan", family_name="Smith", date_of_birth=dt.date(2022, 5, 1))
    at_home(lily, frankie)
    at_home(baby, since=dt.date(2022, 5, 1))
    for day in ("2023-02-01", "2023-03-01", "2023-04-01"):
        incident(arrive, day, (frankie, "victim"), (sam, "perpetrator"))
    assert {a.person for a in alerts("domestic-abuse-cumulative")} == {lily, baby}


def test_a_child_named_in_the_incident_lives_in_that_household_even_if_not_present(
    arrive, lily, frankie, sam
):
    for day in ("2023-02-01", "2023-03-01"):
        incident(
            arrive,
            day,
            (frankie, "victim"),
            (sam, "perpetrator"),
            (lily, "child"),
            child_present=False,
        )
    assert alerts("domestic-abuse-cumulative") == []
    incident(
        arrive,
        "2023-04-01",
        (frankie, "victim"),
        (sam, "perpetrator"),
        (lily, "child"),
        child_present=False,
    )
    assert [a.person for a in alerts("domestic-abuse-cumulative")] == [lily]


def test_incidents_before_the_child_moved_in_do_not_count(arrive, lily, frankie, sam):
    at_home(frankie, since=dt.date(2020, 1, 1))
    at_home(lily, since=dt.date(2023, 5, 1))
    incident(arrive, "2023-02-01", (frankie, "victim"), (sam, "perpetrator"))
    incident(arrive, "2023-06-01", (frankie, "victim"), (sam, "perpetrator"))
    incident(arrive, "2023-07-01", (frankie, "victim"), (sam, "perpetrator"))
    assert alerts("domestic-abuse-cumulative") == []


def test_a_different_address_is_a_different_household(arrive, lily, frankie, sam):
    at_home(lily)
    at_home(frankie, line="6 Mill Lane")
    for day in ("2023-02-01", "2023-03-01", "2023-04-01"):
        incident(arrive, day, (frankie, "victim"), (sam, "perpetrator"))
    assert alerts("domestic-abuse-cumulative") == []


def test_incidents_more_than_twelve_months_apart_do_not_raise(arrive, lily, frankie, sam):
    at_home(lily, frankie)
    for day in ("2022-01-01", "2022-09-01", "2023-01-02"):
        incident(arrive, day, (frankie, "victim"), (sam, "perpetrator"))
    assert alerts("domestic-abuse-cumulative") == []


def test_a_joined_household_member_makes_their_incidents_count(arrive, lily, frankie, sam):
    arrive("household_member_joined", "2023-01-01", (lily, "child"), (sam, "member"), source="csc")
    for day in ("2023-02-01", "2023-03-01", "2023-04-01"):
        incident(arrive, day, (frankie, "victim"), (sam, "perpetrator"))
    assert [a.person for a in alerts("domestic-abuse-cumulative")] == [lily]


def test_after_the_member_left_their_incidents_no_longer_count(arrive, lily, frankie, sam):
    arrive("household_member_joined", "2023-01-01", (lily, "child"), (sam, "member"), source="csc")
    arrive("household_member_left", "2023-01-20", (lily, "child"), (sam, "member"), source="csc")
    for day in ("2023-02-01", "2023-03-01", "2023-04-01"):
        incident(arrive, day, (frankie, "victim"), (sam, "perpetrator"))
    assert alerts("domestic-abuse-cumulative") == []


# domestic-abuse-high-risk -----------------------------------------------------------------


def test_fourteen_dash_yes_answers_with_a_child_in_the_household_raise(arrive, lily, frankie, sam):
    at_home(lily, frankie)
    high = incident(
        arrive,
        "2024-03-07",
        (frankie, "victim"),
        (sam, "perpetrator"),
        dash_yes_count=14,
        risk_level="medium",
    )
    [alert] = alerts("domestic-abuse-high-risk")
    assert (alert.person, alert.raised_by, alert.raised_at) == (lily, high, high.occurred_at)
    assert alert.asks_for == "MARAC referral; DRAM within 24 hours"


def test_risk_level_high_raises(arrive, lily, frankie, sam):
    incident(
        arrive,
        "2024-03-07",
        (frankie, "victim"),
        (lily, "child"),
        dash_yes_count=3,
        risk_level="high",
    )
    assert len(alerts("domestic-abuse-high-risk", lily)) == 1


def test_thirteen_yes_answers_at_medium_risk_do_not_raise(arrive, lily, frankie, sam):
    at_home(lily, frankie)
    incident(
        arrive,
        "2024-03-07",
        (frankie, "victim"),
        (sam, "perpetrator"),
        dash_yes_count=13,
        risk_level="medium",
    )
    assert alerts("domestic-abuse-high-risk") == []


def test_a_high_risk_incident_without_a_child_in_the_household_does_not_raise(arrive, frankie, sam):
    at_home(frankie)
    incident(arrive, "2024-03-07", (frankie, "victim"), (sam, "perpetrator"), risk_level="high")
    assert alerts("domestic-abuse-high-risk") == []


def test_an_adult_child_in_the_household_is_not_a_child(arrive, frankie, sam):
    grown = f.child(given_name="Jo", family_name="Smith", date_of_birth=dt.date(2004, 1, 1))
    at_home(grown, frankie)
    incident(arrive, "2024-03-07", (frankie, "victim"), (sam, "perpetrator"), risk_level="high")
    assert alerts("domestic-abuse-high-risk") == []


# perpetrator-release-to-child -------------------------------------------------------------


def test_release_of_a_former_perpetrator_to_the_childs_address_raises(
    arrive, lily, frankie, sam, agencies
):
    at_home(lily, frankie)
    earlier = incident(arrive, "2021-05-01", (frankie, "victim"), (sam, "perpetrator"))
    release = arrive(
        "custody_release", "2024-04-01", (sam, "subject"), source="police", release_address=HOME
    )
    [alert] = alerts("perpetrator-release-to-child")
    assert (alert.person, alert.raised_by) == (lily, release)
    assert evidence(alert) == [earlier.pk, release.pk]


def test_a_release_that_says_so_gives_the_history(arrive, lily, frankie, sam):
    at_home(lily, frankie)
    arrive(
        "custody_release",
        "2024-04-01",
        (sam, "subject"),
        source="police",
        release_address={"line": "4 mill lane", "postcode": "BD214QA"},
        domestic_abuse_history=True,
    )
    assert [a.person for a in alerts("perpetrator-release-to-child")] == [lily]


def test_an_earlier_event_of_another_kind_that_says_so_gives_the_history(
    arrive, lily, frankie, sam
):
    at_home(lily, frankie)
    arrive("missing_episode", "2023-01-10", (sam, "subject"), domestic_abuse_history=True)
    arrive("custody_release", "2024-04-01", (sam, "subject"), release_address=HOME)
    assert [a.person for a in alerts("perpetrator-release-to-child")] == [lily]


def test_release_without_a_domestic_abuse_history_does_not_raise(arrive, lily, frankie, sam):
    at_home(lily, frankie)
    incident(arrive, "2021-05-01", (sam, "victim"), (frankie, "perpetrator"))
    arrive(
        "custody_release",
        "2024-04-01",
        (sam, "subject"),
        release_address=HOME,
        domestic_abuse_history=False,
    )
    assert [a.person for a in alerts("perpetrator-release-to-child")] == []


def test_release_to_an_address_without_children_does_not_raise(arrive, lily, frankie, sam):
    at_home(lily, frankie)
    incident(arrive, "2021-05-01", (frankie, "victim"), (sam, "perpetrator"))
    arrive(
        "custody_release",
        "2024-04-01",
        (sam, "subject"),
        release_address={"line": "9 Other Road", "postcode": "BD1 1AA"},
    )
    assert alerts("perpetrator-release-to-child") == []


def test_a_perpetrator_joining_the_childs_household_raises(arrive, lily, frankie, sam):
    incident(arrive, "2021-05-01", (frankie, "victim"), (sam, "perpetrator"))
    joined = arrive(
        "household_member_joined", "2024-04-01", (lily, "child"), (sam, "member"), source="csc"
    )
    [alert] = alerts("perpetrator-release-to-child", lily)
    assert alert.raised_by == joined


def test_an_incident_after_the_join_is_not_an_earlier_history(arrive, lily, frankie, sam):
    arrive("household_member_joined", "2024-04-01", (lily, "child"), (sam, "member"), source="csc")
    assert alerts("perpetrator-release-to-child") == []


def test_a_household_recorded_in_people_counts_as_living_together(arrive, lily, frankie, sam):
    c.household(lily, frankie, joined=dt.date(2020, 1, 1))
    for day in ("2023-02-01", "2023-03-01", "2023-04-01"):
        incident(arrive, day, (frankie, "victim"), (sam, "perpetrator"))
    assert [a.person for a in alerts("domestic-abuse-cumulative")] == [lily]
