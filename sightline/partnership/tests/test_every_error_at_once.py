"""The partnership's question pages show every error at once: a missing answer and a
contradiction the service refuses appear together on the first submission (issue 14,
"errors shown in stages")."""

import datetime as dt
import html

import pytest
from django.test import Client
from django.urls import reverse

from sightline.partnership.models import AgencyInformationRequest
from sightline.partnership.services import reviews

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(partnership_officer, incident, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 2, 10, 0, tzinfo=dt.UTC))
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=incident, notified_on=dt.date(2025, 5, 2)
    )
    return reviews.rapid_review_start(actor=partnership_officer, incident=incident)


def _date(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def _summary(response):
    page = html.unescape(response.content.decode())
    start = page.index("govuk-error-summary")
    return page[start : page.index("</ul>", start)]


@pytest.mark.parametrize(
    ("page", "answers", "field", "contradiction"),
    [
        (
            "partnership:rapid-review-decision",
            {**_date("meeting_on", dt.date(2025, 5, 1)), "decision_rationale": "Learning."},
            "decision",
            "The meeting must be on or after the notification",
        ),
        (
            "partnership:information-request-new",
            {**_date("due_on", dt.date(2025, 12, 1))},
            "agency",
            "Ask for the return by",
        ),
    ],
)
def test_it_shows_the_missing_answer_and_the_contradiction_together(
    review, partnership_officer, page, answers, field, contradiction
):
    client = Client()
    client.force_login(partnership_officer)
    response = client.post(reverse(page, args=[review.pk]), answers)
    summary = _summary(response)
    [missing] = response.context["form"].errors[field]
    assert missing in summary
    assert contradiction in summary
    review.refresh_from_db()
    assert review.decided_on is None
    assert not AgencyInformationRequest.objects.exists()


# --- Every other partnership page: a missing or wrong answer and the service's refusal, ---
# --- together on the first submission. ------------------------------------------------------


def _post(user, page, args, answers):
    client = Client()
    client.force_login(user)
    return client.post(reverse(page, args=args), answers)


def _both_shown(response, *messages):
    assert response.status_code == 200
    summary = _summary(response)
    for message in messages:
        assert message in summary, (message, summary)
    return summary


@pytest.fixture
def meeting(partnership_officer, subgroup, agencies, time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC))
    from sightline.partnership.services import subgroups

    member = subgroups.subgroup_member_add(
        actor=partnership_officer, subgroup=subgroup, agency=agencies["police"], name="Di Oak"
    )
    return subgroups.subgroup_meeting_record(
        actor=partnership_officer,
        subgroup=subgroup,
        held_on=dt.date(2025, 5, 20),
        minutes="Minutes agreed.",
        attendance={member.pk: "present"},
    )


def test_the_contribution_page_names_the_partner_and_the_negative_amount_at_once(
    partnership_officer,
):
    from sightline.partnership.models import Contribution
    from sightline.partnership.services import finance

    year = finance.financial_year_create(actor=partnership_officer, start_year=2025)
    response = _post(
        partnership_officer,
        "partnership:contribution-new",
        [year.start_year],
        {"partner": "", "amount": "-250.00"},
    )
    _both_shown(response, "Choose the statutory partner", "The amount must be £0 or more")
    assert not Contribution.objects.exists()


def test_the_outcome_progress_page_asks_for_the_note_and_the_evidence_of_achievement_at_once(
    partnership_officer,
):
    from sightline.partnership.services import business_plan

    priority = business_plan.plan_priority_create(
        actor=partnership_officer, period="2025-27", number=1, title="Early help"
    )
    outcome = business_plan.plan_outcome_create(
        actor=partnership_officer,
        priority=priority,
        number="1.1",
        outcome="Families get help early.",
        targets_and_timelines="By March 2027.",
        evidence_of_impact="Audit.",
        responsibility_note="The board",
    )
    response = _post(
        partnership_officer,
        "partnership:outcome-progress",
        [outcome.pk],
        {"rating": "achieved", "note": "", "evidence": ""},
    )
    _both_shown(
        response,
        response.context["form"].errors["note"][0],
        "Record the evidence of impact that shows the outcome is achieved",
    )
    assert not outcome.progress.exists()


def test_the_meeting_action_page_names_the_missing_action_and_a_due_date_before_the_meeting(
    partnership_officer, meeting
):
    owner = meeting.subgroup.members.get()
    response = _post(
        partnership_officer,
        "partnership:meeting-action-new",
        [meeting.pk],
        {"description": "", "owner": owner.pk, **_date("due_on", dt.date(2025, 5, 1))},
    )
    _both_shown(
        response,
        response.context["form"].errors["description"][0],
        "The due date must be on or after the meeting on 20 May 2025",
    )
    assert not meeting.actions.exists()


def test_the_close_page_asks_for_the_conclusion_and_refuses_an_outcome_without_a_response(
    partnership_officer, police_risk
):
    response = _post(
        partnership_officer,
        "partnership:risk-close",
        [police_risk.pk],
        {"outcome": "resolved", "outcome_notes": ""},
    )
    _both_shown(
        response,
        response.context["form"].errors["outcome_notes"][0],
        "Record the response before the outcome, or withdraw the challenge",
    )
    police_risk.refresh_from_db()
    assert police_risk.closed_on is None


def test_the_grading_page_asks_for_the_summary_and_refuses_good_beside_inadequate(
    partnership_officer, case_audit
):
    first, second = case_audit.programme.questions.order_by("number")
    response = _post(
        partnership_officer,
        "partnership:case-audit",
        [case_audit.pk],
        {
            f"grade_{first.pk}": "good",
            f"grade_{second.pk}": "inadequate",
            "overall_grade": "good",
            "summary": "",
        },
    )
    _both_shown(
        response,
        response.context["form"].errors["summary"][0],
        "The overall grade cannot be good when question 2 is graded inadequate",
    )
    case_audit.refresh_from_db()
    assert not case_audit.overall_grade


def test_the_judgement_page_asks_for_reasons_and_refuses_a_meeting_before_the_answer(
    partnership_officer, police_lead, agencies, time_machine
):
    from sightline.partnership.services import assurance

    time_machine.move_to(dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC))
    asked = assurance.assurance_request_create(
        actor=partnership_officer,
        agency=agencies["police"],
        question="How do you check strategy discussions include health?",
        due_on=dt.date(2025, 6, 30),
    )
    time_machine.move_to(dt.datetime(2025, 6, 10, 10, 0, tzinfo=dt.UTC))
    assurance.assurance_request_answer(
        actor=police_lead, request=asked, response="A monthly dip sample of 20."
    )
    response = _post(
        partnership_officer,
        "partnership:assurance-judge",
        [asked.pk],
        {
            "judgement": "assured",
            "judgement_notes": "",
            **_date("oversight_meeting_on", dt.date(2025, 6, 3)),
        },
    )
    _both_shown(
        response,
        response.context["form"].errors["judgement_notes"][0],
        "The oversight group meeting must be on or after the agency answered, on 10 June 2025",
    )
    asked.refresh_from_db()
    assert not asked.judgement


def test_the_returns_request_page_asks_for_the_year_and_refuses_section_175_for_the_police(
    partnership_officer, agencies, s175_standards
):
    from sightline.partnership.models import SelfAssessmentReturn

    response = _post(
        partnership_officer,
        "partnership:returns-request",
        [],
        {
            "framework": "s175",
            "year": "",
            "agencies": [agencies["police"].pk],
            **_date("due_on", dt.date(2030, 6, 30)),
        },
    )
    _both_shown(
        response,
        response.context["form"].errors["year"][0],
        "Section 175 returns are for schools: Northmoor Police is not a school",
    )
    assert not SelfAssessmentReturn.objects.exists()


def test_the_progress_page_asks_for_the_impact_and_the_evidence_of_completion_at_once(
    partnership_officer, police_action
):
    response = _post(
        partnership_officer,
        "partnership:action-progress",
        [police_action.pk],
        {
            "status": "completed",
            "completion_evidence": "",
            "impact_evidence": "",
            "note": "",
            "version": police_action.version,
        },
    )
    _both_shown(
        response,
        response.context["form"].errors["impact_assessment"][0],
        "Record the evidence that the action is complete",
    )
    police_action.refresh_from_db()
    assert police_action.status == "not_started"


def test_the_action_edit_page_asks_for_the_action_and_refuses_two_owners_at_once(
    partnership_officer, police_action, subgroup
):
    response = _post(
        partnership_officer,
        "partnership:action-edit",
        [police_action.pk],
        {
            "description": "",
            "owner_agency": police_action.owner_agency_id,
            "owner_subgroup": subgroup.pk,
            **_date("due_on", police_action.due_on),
            "version": police_action.version,
        },
    )
    _both_shown(
        response,
        response.context["form"].errors["description"][0],
        "Choose an agency or a subgroup as the owner, not both",
    )
    police_action.refresh_from_db()
    assert police_action.owner_subgroup_id is None


def test_the_milestone_page_asks_for_the_kind_and_refuses_a_date_before_the_decision(
    partnership_officer,
):
    from sightline.partnership.models import PracticeReviewMilestone

    practice = reviews.practice_review_create(
        actor=partnership_officer, title="Child K", decided_on=dt.date(2025, 3, 3)
    )
    response = _post(
        partnership_officer,
        "partnership:milestone-new",
        [practice.pk],
        {"description": "Practitioner event", **_date("due_on", dt.date(2025, 2, 1))},
    )
    _both_shown(
        response,
        response.context["form"].errors["kind"][0],
        "It must be due on or after the decision to hold the review, on 3 March 2025",
    )
    assert not PracticeReviewMilestone.objects.exists()


def test_the_new_subgroup_page_refuses_a_name_already_taken_whatever_its_case(
    partnership_officer, subgroup
):
    from sightline.partnership.models import Subgroup

    response = _post(
        partnership_officer,
        "partnership:subgroup-new",
        [],
        {"name": "case review subgroup", "terms_of_reference": "Reviews."},
    )
    _both_shown(response, "There is already a subgroup with this name")
    assert Subgroup.objects.count() == 1
