"""Conferences: working days only, one ICPC per S47, due dates T4 and T6, the CP plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.casework.models import Conference, Plan
from sightline.casework.services.plans import plan_create
from sightline.casework.services.protection import (
    conference_record,
    review_conference_due,
    review_conference_due_date,
)
from sightline.casework.tests import test_protection_builders as b
from sightline.chronology.models import Event
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Ivy", family_name="Conferencechild")


@pytest.fixture
def enquiry(time_machine, child, agencies, social_worker):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-06-02 17:00 +01:00")
    episode = b.episode(child, agencies, dt.date(2025, 5, 12))
    return b.s47(social_worker, episode, agencies, dt.date(2025, 6, 2))


def test_a_conference_on_a_saturday_is_refused(time_machine, social_worker, enquiry):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    with pytest.raises(
        ValidationError, match="Conferences are held on working days: 14 June 2025 is a Saturday"
    ):
        conference_record(
            actor=social_worker,
            episode=enquiry.episode,
            kind="initial",
            s47=enquiry,
            conference_date=dt.date(2025, 6, 14),
            decision="no_plan",
        )


def test_a_conference_on_a_bank_holiday_is_refused(time_machine, social_worker, agencies, child):
    time_machine.move_to("2025-08-27 17:00 +01:00")
    episode = b.episode(child, agencies, dt.date(2025, 8, 1))
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2025, 8, 18))
    with pytest.raises(ValidationError, match="25 August 2025 is a bank holiday"):
        conference_record(
            actor=social_worker,
            episode=episode,
            kind="initial",
            s47=enquiry,
            conference_date=dt.date(2025, 8, 25),
            decision="no_plan",
        )


def test_an_icpc_deciding_a_plan_needs_a_category(time_machine, social_worker, enquiry):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    with pytest.raises(ValidationError, match="Choose the category of abuse"):
        conference_record(
            actor=social_worker,
            episode=enquiry.episode,
            kind="initial",
            s47=enquiry,
            conference_date=dt.date(2025, 6, 13),
            decision="cp_plan",
            lead_social_worker=social_worker,
        )


def test_an_icpc_starts_the_cp_plan_on_its_date_and_writes_both_events(
    time_machine, social_worker, agencies, enquiry, child
):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    conference = b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13))
    plan = Plan.objects.get(icpc=conference)
    assert (plan.kind, plan.status, plan.start_date) == ("cp", "draft", dt.date(2025, 6, 13))
    assert plan.initial_category == plan.latest_category == "NEG"
    assert plan.core_group.count() == 2
    assert conference.due_date == enquiry.icpc_target_date == dt.date(2025, 6, 23)
    icpc = Event.objects.get(participants__person=child, type="icpc")
    started = Event.objects.get(participants__person=child, type="cp_plan_started")
    assert icpc.details == {"outcome": "cp_plan"}
    assert started.details == {"category": "NEG"}
    # Both on the conference's date, with no invented time; the plan recorded after the ICPC.
    assert started.occurred_on == icpc.occurred_on == dt.date(2025, 6, 13)
    assert not started.has_time and not icpc.has_time
    assert started.pk > icpc.pk


def test_an_icpc_is_recorded_once(time_machine, social_worker, agencies, enquiry):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13))
    with pytest.raises(ValidationError, match="An ICPC is recorded once"):
        conference_record(
            actor=social_worker,
            episode=enquiry.episode,
            kind="initial",
            s47=enquiry,
            conference_date=dt.date(2025, 6, 16),
            decision="no_plan",
        )


def test_two_open_cp_plans_are_refused(time_machine, social_worker, agencies, enquiry):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13))
    talk = b.discussion(
        social_worker, enquiry.episode, agencies, b.at_time(dt.date(2025, 6, 16), 8)
    )
    from sightline.casework.services.protection import s47_start

    second = s47_start(actor=social_worker, discussion=talk, start_date=dt.date(2025, 6, 16))
    with pytest.raises(ValidationError, match="already on a child protection plan"):
        b.icpc_with_plan(social_worker, second, agencies, dt.date(2025, 6, 16))
    assert Plan.objects.filter(kind="cp").count() == 1


def test_an_icpc_deciding_a_plan_ends_the_open_cin_plan(
    time_machine, social_worker, agencies, enquiry, child
):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    cin = plan_create(
        actor=social_worker, episode=enquiry.episode, kind="cin", start_date=dt.date(2025, 5, 20)
    )
    b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13))
    cin.refresh_from_db()
    assert (cin.status, cin.end_date) == ("ended", dt.date(2025, 6, 13))
    assert Event.objects.filter(participants__person=child, type="cin_plan_ended").exists()


def test_review_conferences_are_due_3_months_after_the_icpc_then_every_6_months(
    time_machine, social_worker, agencies, enquiry, child
):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    conference = b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13))
    plan = b.cp_plan(conference)
    # 3 months after 13 June is Saturday 13 September: due the working day before.
    assert review_conference_due_date(plan) == dt.date(2025, 9, 12)
    time_machine.move_to("2025-09-12 17:00 +01:00")
    first = conference_record(
        actor=social_worker,
        episode=plan.episode,
        kind="review",
        plan=plan,
        conference_date=dt.date(2025, 9, 12),
        decision="continue",
        category="MUL",
    )
    assert first.due_date == dt.date(2025, 9, 12)
    plan.refresh_from_db()
    assert plan.latest_category == "MUL" and plan.initial_category == "NEG"
    assert review_conference_due_date(plan) == dt.date(2026, 3, 12)
    time_machine.move_to("2026-03-10 17:00 +00:00")
    second = conference_record(
        actor=social_worker,
        episode=plan.episode,
        kind="review",
        plan=plan,
        conference_date=dt.date(2026, 3, 10),
        decision="end",
        chair="Jo Chair",
    )
    assert second.due_date == dt.date(2026, 3, 12)  # a Thursday: not moved
    plan.refresh_from_db()
    assert (plan.status, plan.end_date) == ("ended", dt.date(2026, 3, 10))
    ended = Event.objects.get(participants__person=child, type="cp_plan_ended")
    assert ended.details == {"category": "MUL"}
    assert Event.objects.filter(participants__person=child, type="rcpc").count() == 2


def test_a_conference_before_the_referral_is_refused(time_machine, social_worker, agencies, child):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    episode = b.episode(child, agencies, dt.date(2025, 6, 10))
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2025, 6, 11))
    with pytest.raises(ValidationError, match="before the referral on 10 June 2025"):
        conference_record(
            actor=social_worker,
            episode=episode,
            kind=Conference.Kind.INITIAL,
            s47=enquiry,
            conference_date=dt.date(2025, 6, 9),
            decision="no_plan",
        )


def test_a_review_due_on_a_saturday_is_due_the_friday_before_and_says_why(
    time_machine, social_worker, agencies, enquiry
):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    plan = b.cp_plan(b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13)))
    assert review_conference_due(plan) == (
        dt.date(2025, 9, 12),
        "3 months after the initial conference; 13 September 2025 is a Saturday, "
        "so the working day before",
    )


def test_a_review_due_on_a_bank_holiday_is_due_the_working_day_before(
    time_machine, social_worker, agencies, child
):
    # ICPC Wednesday 25 February 2026: 3 months on is Monday 25 May, the spring bank holiday.
    time_machine.move_to("2026-02-25 17:00 +00:00")
    episode = b.episode(child, agencies, dt.date(2026, 2, 2))
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2026, 2, 9))
    plan = b.cp_plan(b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2026, 2, 25)))
    due, basis = review_conference_due(plan)  # type: ignore[misc]
    assert due == dt.date(2026, 5, 22)
    assert "25 May 2026 is a bank holiday, so the working day before" in basis


def test_a_conference_on_a_weekend_is_refused_naming_the_working_day_before(
    time_machine, social_worker, enquiry
):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    with pytest.raises(ValidationError) as refused:
        conference_record(
            actor=social_worker,
            episode=enquiry.episode,
            kind="initial",
            s47=enquiry,
            conference_date=dt.date(2025, 6, 15),
            decision="no_plan",
        )
    assert refused.value.message_dict["conference_date"] == [
        "Conferences are held on working days: 15 June 2025 is a Sunday. "
        "Hold it on the working day before, Friday 13 June 2025"
    ]


def test_an_icpc_refuses_a_lead_social_worker_from_another_team(time_machine, agencies, enquiry):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    elsewhere = f.team(agencies["csc"], "Disabled Children's Team")
    stranger = f.user(agencies["csc"], "social_worker", username="sw.hazel", team=elsewhere)
    with pytest.raises(ValidationError) as refused:
        conference_record(
            actor=stranger,
            episode=enquiry.episode,
            kind="initial",
            s47=enquiry,
            conference_date=dt.date(2025, 6, 13),
            decision="cp_plan",
            category="NEG",
            lead_social_worker=stranger,
        )
    assert refused.value.message_dict["lead_social_worker"] == [
        f"{stranger} works in Disabled Children's Team, not Safeguarding Team North: choose "
        "someone from Safeguarding Team North, or transfer the case to their team"
    ]
    assert not Plan.objects.filter(episode=enquiry.episode).exists()
