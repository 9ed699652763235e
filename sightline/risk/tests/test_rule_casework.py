"""household-change-on-plan and address-change-open-case: open plans and episodes."""

from __future__ import annotations

from sightline.risk.tests.conftest import alerts, evidence


def test_someone_joining_the_household_of_a_child_on_a_cp_plan_raises(arrive, lily, sam):
    plan = arrive("cp_plan_started", "2024-01-10", (lily, "child"), source="csc", category="NEG")
    joined = arrive(
        "household_member_joined", "2024-03-01", (lily, "child"), (sam, "member"), source="housing"
    )
    [alert] = alerts("household-change-on-plan", lily)
    assert (alert.raised_by, alert.raised_at) == (joined, joined.occurred_at)
    assert evidence(alert) == [plan.pk, joined.pk]
    assert alert.asks_for == "Updated social work assessment"


def test_a_second_change_on_the_same_plan_extends_the_alert(arrive, lily, sam):
    arrive("cin_plan_started", "2024-01-10", (lily, "child"), source="csc")
    joined = arrive("household_member_joined", "2024-03-01", (lily, "child"), (sam, "member"))
    left = arrive("household_member_left", "2024-05-01", (lily, "child"), (sam, "member"))
    [alert] = alerts("household-change-on-plan", lily)
    assert alert.raised_by == joined and left.pk in evidence(alert)


def test_a_household_change_with_no_plan_does_not_raise(arrive, lily, sam):
    arrive("household_member_joined", "2024-03-01", (lily, "child"), (sam, "member"))
    assert alerts("household-change-on-plan") == []


def test_a_household_change_after_the_plan_ended_does_not_raise(arrive, lily, sam):
    arrive("cp_plan_started", "2023-01-10", (lily, "child"), source="csc")
    arrive("cp_plan_ended", "2023-12-01", (lily, "child"), source="csc")
    arrive("household_member_joined", "2024-03-01", (lily, "child"), (sam, "member"))
    assert alerts("household-change-on-plan") == []


def test_a_new_address_for_a_child_with_an_open_episode_raises(arrive, lily):
    opened = arrive("assessment_started", "2024-01-10", (lily, "child"), source="csc")
    moved = arrive(
        "address_change",
        "2024-02-01",
        (lily, "child"),
        source="health",
        address={"line": "9 Hill Top", "postcode": "BD22 1AB"},
    )
    [alert] = alerts("address-change-open-case", lily)
    assert alert.raised_by == moved and evidence(alert) == [opened.pk, moved.pk]
    assert ",involved," in alert.audience


def test_a_referral_opens_an_episode(arrive, lily):
    arrive(
        "contact",
        "2024-01-10",
        (lily, "child"),
        source="police",
        outcome="referral",
        referral_source="6",
    )
    arrive("address_change", "2024-02-01", (lily, "child"), source="health")
    assert len(alerts("address-change-open-case", lily)) == 1


def test_a_new_address_after_the_episode_closed_does_not_raise(arrive, lily):
    arrive("assessment_started", "2024-01-10", (lily, "child"), source="csc")
    arrive("episode_closed", "2024-01-30", (lily, "child"), source="csc", reason="RC8")
    arrive("address_change", "2024-02-01", (lily, "child"), source="health")
    assert alerts("address-change-open-case") == []


def test_a_new_address_with_no_open_case_does_not_raise(arrive, lily):
    arrive("contact", "2024-01-10", (lily, "child"), outcome="nfa", referral_source="6")
    arrive("address_change", "2024-02-01", (lily, "child"), source="health")
    assert alerts("address-change-open-case") == []
