"""Plans with SMART outcomes, their versions, one open plan of each kind, core groups (T5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.casework.models import OutcomeProgress, Plan
from sightline.casework.services.plans import (
    Progress,
    core_group_due_date,
    core_group_meeting_record,
    plan_confirm,
    plan_create,
    plan_end,
    plan_outcome_add,
    plan_outcome_update,
)
from sightline.casework.services.protection import Action
from sightline.casework.tests import test_protection_builders as b
from sightline.chronology.models import Event
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Ivy", family_name="Planchild")


@pytest.fixture
def episode(child, agencies):  # type: ignore[no-untyped-def]
    return b.episode(child, agencies, dt.date(2025, 5, 12))


@pytest.fixture
def cp_plan(time_machine, social_worker, agencies, episode):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-06-13 17:00 +01:00")
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2025, 6, 2))
    return b.cp_plan(b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13)))


def smart(plan, agencies, **overrides):  # type: ignore[no-untyped-def]
    values = dict(
        concern="Ivy is not brought to health appointments.",
        action="Mother takes Ivy to every appointment; the health visitor reminds her.",
        responsible_person="Sam Parent",
        responsible_agency=agencies["health"],
        by_when=dt.date(2025, 9, 1),
        success_measure="Every appointment kept for three months.",
    )
    values.update(overrides)
    return values


def test_a_plan_with_an_outcome_missing_its_owner_or_date_is_refused_saying_what_to_fix(
    social_worker, agencies, cp_plan
):
    plan_outcome_add(actor=social_worker, plan=cp_plan, **smart(cp_plan, agencies))
    plan_outcome_add(
        actor=social_worker,
        plan=cp_plan,
        **smart(cp_plan, agencies, responsible_person="", by_when=None),
    )
    with pytest.raises(ValidationError) as refused:
        plan_confirm(actor=social_worker, plan=cp_plan)
    assert refused.value.messages == [
        "Outcome 2 has no owner: say who is responsible",
        "Outcome 2 has no date: say by when it will be done",
    ]
    cp_plan.refresh_from_db()
    assert cp_plan.status == "draft" and cp_plan.version == 0


def test_a_plan_without_an_agency_or_measure_is_refused(social_worker, agencies, cp_plan):
    plan_outcome_add(
        actor=social_worker,
        plan=cp_plan,
        **smart(cp_plan, agencies, responsible_agency=None, success_measure=""),
    )
    with pytest.raises(ValidationError) as refused:
        plan_confirm(actor=social_worker, plan=cp_plan)
    assert refused.value.messages == [
        "Outcome 1 has no agency: say which agency is responsible",
        "Outcome 1 has no measure: say how success will be measured",
    ]


def test_a_plan_with_no_outcomes_cannot_be_confirmed(social_worker, cp_plan):
    with pytest.raises(ValidationError, match="Add at least one outcome"):
        plan_confirm(actor=social_worker, plan=cp_plan)


def test_every_confirmation_keeps_a_version(social_worker, agencies, cp_plan, child):
    outcome = plan_outcome_add(actor=social_worker, plan=cp_plan, **smart(cp_plan, agencies))
    first = plan_confirm(actor=social_worker, plan=cp_plan)
    with pytest.raises(ValidationError, match="nothing has changed"):
        plan_confirm(actor=social_worker, plan=cp_plan)
    plan_outcome_update(
        actor=social_worker,
        outcome=outcome,
        **smart(cp_plan, agencies, by_when=dt.date(2025, 10, 1)),
    )
    cp_plan.refresh_from_db()
    assert cp_plan.status == "draft"
    second = plan_confirm(actor=social_worker, plan=cp_plan)
    assert [v.number for v in cp_plan.versions.all()] == [2, 1]
    assert first.outcomes[0]["by_when"] == "2025-09-01"
    assert second.outcomes[0]["by_when"] == "2025-10-01"
    assert second.outcomes[0]["responsible_agency_code"] == "health"
    assert Event.objects.filter(participants__person=child, type="plan_confirmed").count() == 2


def test_a_cin_plan_cannot_overlap_a_cp_plan(social_worker, episode, cp_plan):
    with pytest.raises(ValidationError, match="a child in need plan cannot overlap it"):
        plan_create(
            actor=social_worker, episode=episode, kind="cin", start_date=dt.date(2025, 6, 13)
        )


def test_a_cp_plan_starts_only_at_a_conference(time_machine, social_worker, episode):
    time_machine.move_to("2025-06-13 17:00 +01:00")
    with pytest.raises(ValidationError, match="starts at an initial child protection conference"):
        plan_create(
            actor=social_worker, episode=episode, kind="cp", start_date=dt.date(2025, 6, 13)
        )


def test_a_child_has_one_open_cin_plan_and_ending_it_writes_the_event(
    time_machine, social_worker, episode, child
):
    time_machine.move_to("2025-06-13 17:00 +01:00")
    plan = plan_create(
        actor=social_worker, episode=episode, kind="cin", start_date=dt.date(2025, 6, 2)
    )
    with pytest.raises(ValidationError, match="already has a child in need plan"):
        plan_create(
            actor=social_worker, episode=episode, kind="cin", start_date=dt.date(2025, 6, 3)
        )
    with pytest.raises(ValidationError, match="Say why the plan is ending"):
        plan_end(actor=social_worker, plan=plan, end_date=dt.date(2025, 6, 13), reason=" ")
    plan_end(actor=social_worker, plan=plan, end_date=dt.date(2025, 6, 13), reason="Needs met.")
    types = set(Event.objects.filter(participants__person=child).values_list("type", flat=True))
    assert {"cin_plan_started", "cin_plan_ended"} <= types
    assert (
        plan_create(
            actor=social_worker, episode=episode, kind="cin", start_date=dt.date(2025, 6, 13)
        ).kind
        == Plan.Kind.CIN
    )


def test_the_first_core_group_is_due_10_working_days_after_the_icpc_then_every_6_weeks(
    time_machine, social_worker, agencies, cp_plan, settings
):
    # ICPC Friday 15 August 2025; Monday 25 August is the summer bank holiday.
    time_machine.move_to("2025-08-15 17:00 +01:00")
    episode = cp_plan.episode
    b.review_ending(social_worker, cp_plan, dt.date(2025, 8, 1))
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2025, 8, 4))
    plan = b.cp_plan(b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 8, 15)))
    assert core_group_due_date(plan) == dt.date(2025, 9, 1)
    outcome = plan_outcome_add(actor=social_worker, plan=plan, **smart(plan, agencies))
    members = list(plan.core_group.all())
    time_machine.move_to("2025-09-03 17:00 +01:00")
    with pytest.raises(ValidationError) as refused:
        core_group_meeting_record(
            actor=social_worker,
            plan=plan,
            meeting_date=dt.date(2025, 9, 3),
            present=members,
            progress=[],
        )
    assert refused.value.message_dict["progress"] == [
        "Outcome 1: choose how it is progressing",
        "Outcome 1: add a note on the progress made",
    ]
    meeting = core_group_meeting_record(
        actor=social_worker,
        plan=plan,
        meeting_date=dt.date(2025, 9, 3),
        present=members,
        progress=[Progress(outcome, "some", "Two of three appointments kept.")],
        actions=[
            Action("Book the dental check", "Sam Parent", agencies["health"], dt.date(2025, 9, 20))
        ],
    )
    assert meeting.due_date == dt.date(2025, 9, 1)
    assert OutcomeProgress.objects.get(meeting=meeting).rating == "some"
    assert meeting.actions.count() == 1
    assert core_group_due_date(plan) == dt.date(2025, 10, 15)
    settings.CORE_GROUP_INTERVAL_WEEKS = 4
    assert core_group_due_date(plan) == dt.date(2025, 10, 1)
    event = Event.objects.get(participants__person=episode.child, type="core_group")
    assert "due 1 September 2025" in event.summary


# Ending a child protection plan: only a review conference decides it (Working Together) ---


def test_a_social_worker_cannot_end_a_child_protection_plan_on_the_day_it_started(
    social_worker, cp_plan
):
    with pytest.raises(ValidationError, match="ends only when a review child protection"):
        plan_end(
            actor=social_worker,
            plan=cp_plan,
            end_date=cp_plan.start_date,
            reason="The family is doing well",
        )
    cp_plan.refresh_from_db()
    assert cp_plan.status != Plan.Status.ENDED


def test_a_child_protection_plan_cannot_end_by_a_conference_that_decided_it_continues(
    time_machine, social_worker, cp_plan
):
    from sightline.casework.services.protection import conference_record

    time_machine.move_to("2025-09-12 17:00 +01:00")
    continues = conference_record(
        actor=social_worker,
        episode=cp_plan.episode,
        kind="review",
        plan=cp_plan,
        conference_date=dt.date(2025, 9, 12),
        decision="continue",
        chair="Jo Chair",
    )
    with pytest.raises(ValidationError, match="ends only when a review child protection"):
        plan_end(
            actor=social_worker,
            plan=cp_plan,
            end_date=dt.date(2025, 9, 12),
            reason="Ended",
            conference=continues,
        )


def test_a_review_conference_deciding_the_end_ends_the_plan_on_its_date_naming_it(
    time_machine, social_worker, cp_plan
):
    time_machine.move_to("2025-09-12 17:00 +01:00")
    conference = b.review_ending(social_worker, cp_plan, dt.date(2025, 9, 12), chair="Jo Chair")
    cp_plan.refresh_from_db()
    assert (cp_plan.status, cp_plan.end_date) == (Plan.Status.ENDED, dt.date(2025, 9, 12))
    assert cp_plan.ended_by_conference == conference
    assert conference.chair == "Jo Chair"


def test_a_review_conference_cannot_end_the_plan_without_naming_its_chair(
    time_machine, social_worker, cp_plan
):
    time_machine.move_to("2025-09-12 17:00 +01:00")
    with pytest.raises(ValidationError) as refused:
        b.review_ending(social_worker, cp_plan, dt.date(2025, 9, 12), chair=" ")
    assert refused.value.message_dict["chair"] == [
        "Name the chair: the conference's decision to end the plan is theirs"
    ]
    cp_plan.refresh_from_db()
    assert cp_plan.status != Plan.Status.ENDED


def test_a_child_in_need_plan_cannot_start_inside_a_plan_that_has_ended(
    time_machine, social_worker, cp_plan
):
    time_machine.move_to("2025-09-12 17:00 +01:00")
    b.review_ending(social_worker, cp_plan, dt.date(2025, 9, 12))
    with pytest.raises(ValidationError) as refused:
        plan_create(
            actor=social_worker,
            episode=cp_plan.episode,
            kind="cin",
            start_date=dt.date(2025, 9, 1),
        )
    assert refused.value.message_dict["start_date"] == [
        "This child's child protection plan ran until 12 September 2025: a child in need plan "
        "cannot overlap it, so start it on or after that day"
    ]
    assert plan_create(
        actor=social_worker, episode=cp_plan.episode, kind="cin", start_date=dt.date(2025, 9, 12)
    ).start_date == dt.date(2025, 9, 12)


def test_a_core_group_action_due_before_the_meeting_is_refused(
    time_machine, social_worker, agencies, cp_plan
):
    outcome = plan_outcome_add(actor=social_worker, plan=cp_plan, **smart(cp_plan, agencies))
    time_machine.move_to("2025-06-20 17:00 +01:00")
    with pytest.raises(ValidationError, match="Action 1 is due before it was agreed on 20 June"):
        core_group_meeting_record(
            actor=social_worker,
            plan=cp_plan,
            meeting_date=dt.date(2025, 6, 20),
            present=list(cp_plan.core_group.all()),
            progress=[Progress(outcome, "some", "Started.")],
            actions=[Action("Book", "Sam Parent", agencies["health"], dt.date(2025, 6, 19))],
        )


# Ending a child protection plan without a review conference (Working Together): a move to
# another authority's plan, the child's 18th birthday, the child's death; nothing else.


def test_a_plan_ends_when_the_child_moved_and_another_authority_took_it_over(
    time_machine, social_worker, cp_plan
):
    time_machine.move_to("2025-08-20 17:00 +01:00")
    plan_end(
        actor=social_worker,
        plan=cp_plan,
        end_date=dt.date(2025, 8, 18),
        ended_because="moved_authority",
        receiving_authority="Northshire County Council",
    )
    cp_plan.refresh_from_db()
    assert (cp_plan.status, cp_plan.end_date) == (Plan.Status.ENDED, dt.date(2025, 8, 18))
    assert (cp_plan.ended_because, cp_plan.receiving_authority) == (
        "moved_authority",
        "Northshire County Council",
    )
    assert cp_plan.ended_by_conference is None
    ended = Event.objects.get(type="cp_plan_ended")
    assert "moved to Northshire County Council, whose transfer-in conference" in ended.summary


def test_a_plan_ending_outside_a_conference_lists_every_missing_piece_of_evidence_at_once(
    time_machine, social_worker, cp_plan
):
    time_machine.move_to("2025-08-20 17:00 +01:00")
    with pytest.raises(ValidationError) as refused:
        plan_end(
            actor=social_worker,
            plan=cp_plan,
            end_date=dt.date(2025, 6, 1),
            ended_because="moved_authority",
            receiving_authority=" ",
        )
    assert set(refused.value.message_dict) == {"receiving_authority", "end_date"}
    assert refused.value.message_dict["end_date"] == [
        "The plan cannot end before it started on 13 June 2025"
    ]
    with pytest.raises(ValidationError, match="Choose why the plan is ending"):
        plan_end(
            actor=social_worker,
            plan=cp_plan,
            end_date=dt.date(2025, 8, 18),
            ended_because="the family moved house",
        )
    cp_plan.refresh_from_db()
    assert cp_plan.status != Plan.Status.ENDED


def test_a_plan_ends_on_the_childs_18th_birthday_and_no_other_day(
    time_machine, social_worker, cp_plan
):
    child = cp_plan.episode.child
    child.date_of_birth = dt.date(2007, 7, 4)
    child.save(update_fields=["date_of_birth"])
    time_machine.move_to("2025-08-20 17:00 +01:00")
    with pytest.raises(ValidationError) as refused:
        plan_end(
            actor=social_worker,
            plan=cp_plan,
            end_date=dt.date(2025, 7, 1),
            ended_because="turned_18",
        )
    assert refused.value.message_dict["end_date"] == [
        f"{child} turns 18 on 4 July 2025: a plan ended because the child turned 18 ends that day"
    ]
    plan_end(
        actor=social_worker, plan=cp_plan, end_date=dt.date(2025, 7, 4), ended_because="turned_18"
    )
    cp_plan.refresh_from_db()
    assert (cp_plan.ended_because, cp_plan.end_reason) == (
        "turned_18",
        "Ended because the child turned 18.",
    )


def test_a_plan_ends_on_the_date_the_child_died_as_recorded(time_machine, social_worker, cp_plan):
    child = cp_plan.episode.child
    child.date_of_death = dt.date(2025, 7, 30)
    child.save(update_fields=["date_of_death"])
    time_machine.move_to("2025-08-20 17:00 +01:00")
    with pytest.raises(ValidationError, match="date of death is recorded as 30 July 2025"):
        plan_end(
            actor=social_worker, plan=cp_plan, end_date=dt.date(2025, 8, 1), ended_because="died"
        )
    plan_end(actor=social_worker, plan=cp_plan, end_date=dt.date(2025, 7, 30), ended_because="died")
    cp_plan.refresh_from_db()
    assert (cp_plan.status, cp_plan.ended_because) == (Plan.Status.ENDED, "died")
