"""Strategy discussions, S47 enquiries and medicals: the rules of DOMAIN.md sections 2 and 3."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.casework.models import AgreedAction, S47Enquiry
from sightline.casework.services.protection import (
    Action,
    at_time,
    conference_record,
    medical_outcome,
    medical_request,
    s47_complete,
    s47_start,
    s47_to_icpc_working_days,
    strategy_discussion_record,
)
from sightline.casework.tests import test_protection_builders as b
from sightline.chronology.models import Event
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Ivy", family_name="Protectionchild")


@pytest.fixture
def episode(child, agencies, social_worker):  # type: ignore[no-untyped-def]
    return b.episode(child, agencies, dt.date(2025, 5, 12))


def events(child, type):  # type: ignore[no-untyped-def]
    return list(Event.objects.filter(participants__person=child, type=type))


def test_a_strategy_discussion_writes_its_event_with_the_attending_agencies(
    time_machine, social_worker, agencies, episode, child
):
    time_machine.move_to("2025-05-16 15:00 +01:00")
    talk = b.discussion(social_worker, episode, agencies, at_time(dt.date(2025, 5, 16), 10))
    assert talk.attendees.count() == 3
    assert AgreedAction.objects.filter(discussion=talk).count() == 1
    [event] = events(child, "strategy_discussion")
    assert event.details == {"attendees": ["csc", "health", "police"], "s47": True}
    assert event.source.code == "csc"


def test_a_strategy_discussion_without_police_needs_a_reason(
    time_machine, social_worker, agencies, episode
):
    time_machine.move_to("2025-05-16 15:00 +01:00")
    arguments = dict(
        actor=social_worker,
        episode=episode,
        held_at=at_time(dt.date(2025, 5, 16), 10),
        attendees=b.attendees(agencies, "csc", "health"),
        information_shared="Health shared the bruising seen.",
        s47_decided=False,
    )
    with pytest.raises(ValidationError, match="No one from police took part: say why"):
        strategy_discussion_record(**arguments)
    talk = strategy_discussion_record(
        **arguments, missing_agency_reason="Police could not join; DC Reed briefed by phone."
    )
    assert talk.missing_agency_reason.startswith("Police could not join")


def test_a_strategy_discussion_before_the_referral_is_refused(
    time_machine, social_worker, agencies, episode
):
    time_machine.move_to("2025-05-16 15:00 +01:00")
    with pytest.raises(ValidationError, match="cannot be before the referral on 12 May 2025"):
        b.discussion(social_worker, episode, agencies, at_time(dt.date(2025, 5, 9), 10))


def test_an_agreed_action_without_an_owner_or_date_is_refused(
    time_machine, social_worker, agencies, episode
):
    time_machine.move_to("2025-05-16 15:00 +01:00")
    with pytest.raises(ValidationError) as refused:
        strategy_discussion_record(
            actor=social_worker,
            episode=episode,
            held_at=at_time(dt.date(2025, 5, 16), 10),
            attendees=b.attendees(agencies),
            information_shared="Shared.",
            s47_decided=True,
            safety_plan="Grandmother's house.",
            actions=[Action("Visit the home", "", agencies["csc"], None)],
        )
    assert refused.value.message_dict["actions"] == [
        "Action 1 has no owner: say who will do it",
        "Action 1 has no date: say by when it will be done",
    ]


def test_the_icpc_is_due_15_working_days_after_the_strategy_discussion_across_a_bank_holiday(
    time_machine, social_worker, agencies, episode, child
):
    # Friday 16 May 2025; Monday 26 May is the spring bank holiday.
    time_machine.move_to("2025-05-19 09:30 +01:00")
    talk = b.discussion(social_worker, episode, agencies, at_time(dt.date(2025, 5, 16), 16))
    enquiry = s47_start(actor=social_worker, discussion=talk, start_date=dt.date(2025, 5, 19))
    assert enquiry.icpc_target_date == dt.date(2025, 6, 9)  # 6 June without the bank holiday
    assert enquiry.start_date == dt.date(2025, 5, 19)
    [event] = events(child, "s47_started")
    assert "ICPC due by 9 June 2025" in event.summary


def test_the_s47_to_icpc_measure_is_kept_from_both_stored_dates(
    time_machine, social_worker, agencies, episode
):
    time_machine.move_to("2025-05-19 09:30 +01:00")
    talk = b.discussion(social_worker, episode, agencies, at_time(dt.date(2025, 5, 16), 16))
    enquiry = s47_start(actor=social_worker, discussion=talk, start_date=dt.date(2025, 5, 19))
    assert s47_to_icpc_working_days(enquiry) is None
    time_machine.move_to("2025-06-05 17:00 +01:00")
    conference = b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 5))
    enquiry.refresh_from_db()
    assert (enquiry.start_date, conference.conference_date) == (
        dt.date(2025, 5, 19),
        dt.date(2025, 6, 5),
    )
    assert conference.due_date == dt.date(2025, 6, 9)
    assert s47_to_icpc_working_days(enquiry) == 12  # 26 May is a bank holiday


def test_an_s47_needs_a_discussion_that_decided_one(time_machine, social_worker, agencies, episode):
    time_machine.move_to("2025-05-16 15:00 +01:00")
    talk = strategy_discussion_record(
        actor=social_worker,
        episode=episode,
        held_at=at_time(dt.date(2025, 5, 16), 10),
        attendees=b.attendees(agencies),
        information_shared="Shared.",
        s47_decided=False,
    )
    with pytest.raises(ValidationError, match="did not decide to start section 47"):
        s47_start(actor=social_worker, discussion=talk, start_date=dt.date(2025, 5, 16))


def test_a_child_has_at_most_one_open_s47(time_machine, social_worker, agencies, episode):
    time_machine.move_to("2025-05-20 15:00 +01:00")
    b.s47(social_worker, episode, agencies, dt.date(2025, 5, 16))
    talk = b.discussion(social_worker, episode, agencies, at_time(dt.date(2025, 5, 20), 10))
    with pytest.raises(ValidationError, match="already open for this child"):
        s47_start(actor=social_worker, discussion=talk, start_date=dt.date(2025, 5, 20))


def test_a_completed_s47_with_no_conference_needed_lets_another_start(
    time_machine, social_worker, agencies, episode
):
    time_machine.move_to("2025-05-20 15:00 +01:00")
    first = b.s47(social_worker, episode, agencies, dt.date(2025, 5, 16))
    s47_complete(
        actor=social_worker,
        s47=first,
        completed_date=dt.date(2025, 5, 19),
        outcome="Concerns not substantiated.",
        icpc_not_required=True,
    )
    second = b.s47(social_worker, episode, agencies, dt.date(2025, 5, 20))
    assert S47Enquiry.objects.filter(episode=episode).count() == 2
    with pytest.raises(ValidationError, match="no conference required"):
        conference_record(
            actor=social_worker,
            episode=episode,
            kind="initial",
            s47=first,
            conference_date=dt.date(2025, 5, 20),
            decision="no_plan",
        )
    assert second.icpc_target_date > first.icpc_target_date


def test_a_medical_request_carries_what_the_paediatrician_needs(
    time_machine, social_worker, agencies, episode, child
):
    time_machine.move_to("2025-05-16 15:00 +01:00")
    with pytest.raises(ValidationError) as refused:
        medical_request(
            actor=social_worker,
            episode=episode,
            requested_at=at_time(dt.date(2025, 5, 16), 11),
            injury="Two bruises on the upper arm, fingertip-sized.",
            history="",
            parental_responsibility="",
        )
    assert set(refused.value.message_dict) == {"history", "parental_responsibility"}
    medical = medical_request(
        actor=social_worker,
        episode=episode,
        requested_at=at_time(dt.date(2025, 5, 16), 11),
        injury="Two bruises on the upper arm, fingertip-sized.",
        history="Mother says she fell at nursery; nursery saw no fall.",
        parental_responsibility="Mother; father (named on the birth certificate).",
    )
    medical_outcome(
        actor=social_worker,
        medical=medical,
        examined_at=at_time(dt.date(2025, 5, 16), 14),
        outcome="Bruising consistent with gripping; not consistent with the fall described.",
        paediatrician="Dr Example",
    )
    assert [e.type for e in Event.objects.filter(participants__person=child).order_by("id")][
        -2:
    ] == ["medical_requested", "medical_completed"]


# Contradictions refused (issue 14: where one form accepts a contradiction, others may too) -


def test_an_agreed_action_due_before_the_discussion_that_agreed_it_is_refused(
    time_machine, social_worker, agencies, episode
):
    time_machine.move_to("2025-05-16 15:00 +01:00")
    with pytest.raises(ValidationError) as refused:
        strategy_discussion_record(
            actor=social_worker,
            episode=episode,
            held_at=at_time(dt.date(2025, 5, 16), 10),
            attendees=b.attendees(agencies),
            information_shared="Shared.",
            s47_decided=True,
            safety_plan="Grandmother's house.",
            actions=[Action("Visit the home", "Sam Worker", agencies["csc"], dt.date(2025, 5, 2))],
        )
    assert refused.value.message_dict["actions"] == [
        "Action 1 is due before it was agreed on 16 May 2025: give a date on or after that day"
    ]


def test_a_medical_request_dated_later_than_now_is_refused(
    time_machine, social_worker, agencies, episode
):
    time_machine.move_to("2025-05-16 15:00 +01:00")
    with pytest.raises(ValidationError, match="once it has been made"):
        medical_request(
            actor=social_worker,
            episode=episode,
            requested_at=at_time(dt.date(2025, 5, 16), 18),
            injury="Bruise.",
            history="Fell.",
            parental_responsibility="Mother.",
        )


def test_a_review_conference_dated_before_the_last_review_is_refused(
    time_machine, social_worker, agencies, episode
):
    time_machine.move_to("2025-06-16 17:00 +01:00")
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2025, 6, 2))
    plan = b.cp_plan(b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13)))
    time_machine.move_to("2025-09-12 17:00 +01:00")
    review = dict(actor=social_worker, episode=episode, kind="review", plan=plan)
    conference_record(**review, conference_date=dt.date(2025, 9, 10), decision="continue")  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as refused:
        conference_record(**review, conference_date=dt.date(2025, 9, 9), decision="continue")  # type: ignore[arg-type]
    assert refused.value.message_dict["conference_date"] == [
        "The last review conference of this plan was on 10 September 2025: a new one comes after it"
    ]
