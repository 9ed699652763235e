"""Each partnership service lists every reason it refuses what it was given, not only the
first (its `*_problems` function, which the service refuses with and the form runs as its
`checks`), and refuses the contradictions its forms used to accept (issue 14)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sightline.partnership.services import (
    assurance,
    audits,
    business_plan,
    finance,
    plan,
    plan_changes,
    reviews,
    risk,
    self_assessment,
    subgroups,
)

pytestmark = pytest.mark.django_db


def _fields(error):
    assert error is not None, "nothing was refused"
    return {name: ValidationError(errors).messages for name, errors in error.error_dict.items()}


def test_a_contribution_lists_the_missing_partner_and_the_negative_amount():
    found = _fields(finance.contribution_problems(partner=None, amount=Decimal("-1")))
    assert found == {
        "partner": ["Choose the statutory partner"],
        "amount": ["The amount must be £0 or more"],
    }


def test_a_priority_lists_backward_plan_years_a_number_taken_and_a_missing_title(
    partnership_officer,
):
    business_plan.plan_priority_create(
        actor=partnership_officer, period="2025-27", number=1, title="Early help"
    )
    found = _fields(business_plan.plan_priority_problems(period="2027-25", number=1, title=" "))
    assert set(found) == {"period", "title"}
    assert found["period"] == [
        "The plan's last year must be after its first year, for example 2025-27"
    ]
    taken = _fields(business_plan.plan_priority_problems(period="2025-27", number=1, title=""))
    assert taken["number"] == ["The 2025-27 plan already has a priority 1"]
    assert "title" in taken
    with pytest.raises(ValidationError, match="last year must be after"):
        business_plan.plan_priority_create(
            actor=partnership_officer, period="2027-25", number=2, title="Neglect"
        )


def test_progress_marked_achieved_lists_the_missing_note_and_evidence():
    found = _fields(
        business_plan.plan_outcome_progress_problems(rating="achieved", note="", evidence="")
    )
    assert set(found) == {"note", "evidence"}


def test_a_meeting_action_lists_each_problem_and_refuses_a_due_date_before_the_meeting(
    partnership_officer, subgroup, agencies
):
    member = subgroups.subgroup_member_add(
        actor=partnership_officer, subgroup=subgroup, agency=agencies["police"], name="Di Oak"
    )
    meeting = subgroups.subgroup_meeting_record(
        actor=partnership_officer,
        subgroup=subgroup,
        held_on=dt.date(2025, 5, 20),
        minutes="Minutes agreed.",
        attendance={member.pk: "present"},
    )
    found = _fields(
        subgroups.meeting_action_problems(
            meeting=meeting, description="", owner=None, due_on=dt.date(2025, 5, 19)
        )
    )
    assert found == {
        "description": ["Describe the action"],
        "owner": ["Choose the member who owns the action"],
        "due_on": ["The due date must be on or after the meeting on 20 May 2025"],
    }
    item = subgroups.meeting_action_add(
        actor=partnership_officer,
        meeting=meeting,
        description="Share the audit.",
        owner=member,
        due_on=dt.date(2025, 6, 20),
    )
    with pytest.raises(ValidationError, match="on or after the meeting on 20 May 2025"):
        subgroups.meeting_action_complete(
            actor=partnership_officer, item=item, done_on=dt.date(2025, 5, 1)
        )
    with pytest.raises(ValidationError, match="is already a member"):
        subgroups.subgroup_member_add(
            actor=partnership_officer, subgroup=subgroup, agency=agencies["police"], name="di oak"
        )


def test_closing_a_challenge_lists_the_outcome_the_conclusion_and_the_date(police_risk):
    found = _fields(
        risk.risk_close_problems(
            entry=police_risk,
            outcome="resolved",
            outcome_notes="",
            closed_on=dt.date(2025, 4, 1),
        )
    )
    assert found == {
        "outcome": ["Record the response before the outcome, or withdraw the challenge"],
        "outcome_notes": ["Say what the partnership concluded and why"],
        "closed_on": ["The entry must close on or after the day it was raised"],
    }


def test_grades_list_good_overall_beside_an_inadequate_question_and_a_missing_summary(
    case_audit, police_officer
):
    first, second = case_audit.programme.questions.order_by("number")
    grades = {first.pk: "good", second.pk: "inadequate"}
    found = _fields(
        audits.case_grade_problems(case=case_audit, grades=grades, overall_grade="good", summary="")
    )
    assert found == {
        "overall_grade": ["The overall grade cannot be good when question 2 is graded inadequate"],
        "summary": ["Summarise what the audit of this case found"],
    }
    with pytest.raises(ValidationError, match="cannot be good when question 2"):
        audits.case_audit_grade(
            actor=police_officer,
            case=case_audit,
            grades=grades,
            overall_grade="good",
            summary="Good work.",
        )


def test_an_audit_lists_a_repeated_question_beside_the_missing_title(themes):
    found = _fields(
        audits.audit_programme_problems(
            title="",
            kind="case_audit",
            theme=themes["neglect"],
            planned_on=dt.date(2025, 5, 14),
            questions=["Was neglect recognised?", "Was help offered?", "was neglect recognised?"],
        )
    )
    assert found == {
        "title": ["Enter the audit's title"],
        "questions": ["Question 3 repeats question 1: each question must be different"],
    }


def test_a_judgement_lists_missing_reasons_and_a_meeting_before_the_answer(
    partnership_officer, police_lead, agencies, time_machine
):
    time_machine.move_to(dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC))
    asked = assurance.assurance_request_create(
        actor=partnership_officer,
        agency=agencies["police"],
        question="How do you check strategy discussions include health?",
        due_on=dt.date(2025, 6, 30),
    )
    time_machine.move_to(dt.datetime(2025, 6, 10, 10, 0, tzinfo=dt.UTC))
    assurance.assurance_request_answer(actor=police_lead, request=asked, response="A dip sample.")
    found = _fields(
        assurance.assurance_judgement_problems(
            actor=partnership_officer,
            request=asked,
            judgement="assured",
            judgement_notes=" ",
            oversight_meeting_on=dt.date(2025, 6, 3),
        )
    )
    assert found == {
        "judgement_notes": ["Explain the judgement"],
        "oversight_meeting_on": [
            "The oversight group meeting must be on or after the agency answered, on 10 June 2025"
        ],
    }
    with pytest.raises(ValidationError, match="on or after the agency answered"):
        assurance.assurance_request_judge(
            actor=partnership_officer,
            request=asked,
            judgement="assured",
            notes="Convincing.",
            oversight_meeting_on=dt.date(2025, 6, 3),
        )


def test_asking_for_returns_lists_the_year_the_due_date_and_the_wrong_agencies(
    agencies, s175_standards
):
    found = _fields(
        self_assessment.self_assessment_request_problems(
            framework="s175", year=1925, agencies=[agencies["police"]], due_on=None
        )
    )
    assert found == {
        "year": ["The year the financial year starts in must be 2000 to 2100"],
        "due_on": ["Enter the date the returns are due"],
        "agencies": ["Section 175 returns are for schools: Northmoor Police is not a school"],
    }


def test_progress_lists_missing_evidence_and_impact_for_an_action_not_started(police_action):
    found = _fields(
        plan.action_progress_problems(
            action=police_action,
            status="completed",
            completion_evidence="",
            impact_evidence="",
            impact_assessment="some_impact",
        )
    )
    assert found == {
        "completion_evidence": ["Record the evidence that the action is complete"],
        "impact_evidence": ["Record the evidence of impact behind this assessment"],
    }
    not_started = _fields(
        plan.action_progress_problems(
            action=police_action,
            status="not_started",
            completion_evidence="",
            impact_evidence="Fewer repeat referrals.",
            impact_assessment="impact_shown",
        )
    )
    assert not_started == {
        "impact_assessment": [
            "An action that has not started cannot show impact: choose not evidenced, "
            "or change the status"
        ]
    }


def test_editing_a_completed_action_lists_the_lock_beside_each_missing_answer(
    partnership_officer, police_action, subgroup
):
    plan.action_progress_record(
        actor=partnership_officer,
        action=police_action,
        status="completed",
        completion_evidence="The audit is done.",
    )
    police_action.refresh_from_db()
    error = plan_changes.action_update_problems(
        action=police_action,
        description="",
        due_on=None,
        owner_agency=police_action.owner_agency,
        owner_subgroup=subgroup,
    )
    found = _fields(error)
    assert found["description"] == ["Describe the action"]
    assert found["owner_agency"] == ["Choose an agency or a subgroup as the owner, not both"]
    assert found["due_on"] == ["Enter the date the action is due"]
    assert "it cannot be edited" in found["__all__"][0]


def test_a_milestone_lists_the_missing_description_and_a_date_before_the_decision(
    partnership_officer,
):
    practice = reviews.practice_review_create(
        actor=partnership_officer, title="Child K", decided_on=dt.date(2025, 3, 3)
    )
    found = _fields(
        reviews.milestone_problems(
            review=practice, kind="practitioner_event", description="", due_on=dt.date(2025, 3, 1)
        )
    )
    assert found == {
        "description": ["Describe the milestone or event"],
        "due_on": ["It must be due on or after the decision to hold the review, on 3 March 2025"],
    }
    milestone = reviews.practice_review_milestone_add(
        actor=partnership_officer,
        review=practice,
        kind="practitioner_event",
        description="Practitioner event",
        due_on=dt.date(2025, 4, 1),
    )
    with pytest.raises(ValidationError, match="on or after the decision to hold the review"):
        reviews.practice_review_milestone_complete(
            actor=partnership_officer, milestone=milestone, done_on=dt.date(2025, 3, 1)
        )


def test_commissioning_a_review_lists_every_date_that_disagrees(partnership_officer):
    found = _fields(
        reviews.practice_review_problems(
            decided_on=dt.date(2025, 3, 3),
            title="",
            scope_from=dt.date(2025, 4, 1),
            scope_to=dt.date(2025, 1, 1),
        )
    )
    assert found == {
        "title": ["Give the review the name it will be published under"],
        "scope_to": ["The end of the scope period must be after its start"],
        "scope_from": [
            "The scope period must start before the decision to hold the review, on 3 March 2025"
        ],
    }
