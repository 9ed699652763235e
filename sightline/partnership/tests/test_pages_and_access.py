"""Who may open which partnership page (the table), and what the pages and exports show."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sightline.core.models import AuditEntry
from sightline.partnership.models import ActionStatus
from sightline.partnership.services import assurance, plan, reviews

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(partnership_officer, police_action, incident, subgroup, agencies, governance):
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=incident, notified_on=dt.date(2025, 5, 2)
    )
    rapid = reviews.rapid_review_start(actor=partnership_officer, incident=incident)
    police_info = reviews.rapid_review_request_information(
        actor=partnership_officer,
        rapid_review=rapid,
        agency=agencies["police"],
        due_on=rapid.due_on,
    )
    health_info = reviews.rapid_review_request_information(
        actor=partnership_officer,
        rapid_review=rapid,
        agency=agencies["health"],
        due_on=rapid.due_on,
    )
    practice = reviews.practice_review_create(
        actor=partnership_officer, title="Child T", decided_on=dt.date(2025, 5, 20)
    )
    police_request = assurance.assurance_request_create(
        actor=partnership_officer,
        agency=agencies["police"],
        action=police_action,
        question="Show the audit.",
        due_on=dt.date(2030, 1, 1),
    )
    health_request = assurance.assurance_request_create(
        actor=partnership_officer,
        agency=agencies["health"],
        question="Health question.",
        due_on=dt.date(2030, 1, 1),
    )
    completed = plan.action_create(
        actor=partnership_officer,
        recommendation=police_action.recommendation,
        description="Brief every response officer on sharing address changes.",
        owner_agency=agencies["police"],
        due_on=dt.date(2030, 6, 30),
    )
    plan.action_progress_record(
        actor=partnership_officer,
        action=completed,
        status=ActionStatus.COMPLETED,
        completion_evidence="Briefing given to all shifts.",
    )
    return {
        "completed_action": completed,
        "incident": incident,
        "rapid": rapid,
        "police_info": police_info,
        "health_info": health_info,
        "practice": practice,
        "action": police_action,
        "police_request": police_request,
        "health_request": health_request,
        "recommendation": police_action.recommendation,
        **governance,
    }


@pytest.fixture
def governance(
    partnership_officer,
    agencies,
    subgroup,
    police_risk,
    s11_returns,
    s11_standards,
    case_audit,
    police_action,
):
    """The second half's records: a log entry against each of two agencies, their Section 11
    returns, a case audit with police and social care auditors, a finding, the business plan,
    a subgroup meeting with an action, a financial year and an escalation."""
    from sightline.partnership.services import business_plan, finance, risk, subgroups

    health_risk = risk.risk_log_entry_create(
        actor=partnership_officer,
        against_agency=agencies["health"],
        concern="Health visiting caseloads are above the agreed level.",
        assurance_requested="Caseload figures by team.",
        assurance_due_on=dt.date(2030, 3, 31),
    )
    priority = business_plan.plan_priority_create(
        actor=partnership_officer, period="2025-27", number=1, title="Neglect is recognised early"
    )
    outcome = business_plan.plan_outcome_create(
        actor=partnership_officer,
        priority=priority,
        number="1.1",
        outcome="Practitioners use the Graded Care Profile.",
        targets_and_timelines="All teams trained by March.",
        evidence_of_impact="Audit of 30 cases.",
        responsible_subgroups=[subgroup],
    )
    member = subgroups.subgroup_member_add(
        actor=partnership_officer, subgroup=subgroup, agency=agencies["police"], name="Sam Lowe"
    )
    meeting = subgroups.subgroup_meeting_record(
        actor=partnership_officer,
        subgroup=subgroup,
        held_on=dt.date(2025, 6, 1),
        minutes="Reviewed the audit.",
        attendance={member.pk: "present"},
    )
    meeting_action = subgroups.meeting_action_add(
        actor=partnership_officer,
        meeting=meeting,
        description="Circulate the audit report.",
        owner=member,
        due_on=dt.date(2030, 1, 1),
    )
    from sightline.partnership.services import audits

    finding = audits.audit_finding_record(
        actor=partnership_officer, programme=case_audit.programme, text="Neglect seen late."
    )
    year = finance.financial_year_create(actor=partnership_officer, start_year=2025)
    escalation = plan.action_escalate(
        actor=partnership_officer, action=police_action, reason="No funding."
    )
    return {
        "police_risk": police_risk,
        "health_risk": health_risk,
        "police_return": s11_returns["police"],
        "health_return": s11_returns["health"],
        "standard": s11_standards[0],
        "case_audit": case_audit,
        "programme": case_audit.programme,
        "finding": finding,
        "priority": priority,
        "outcome": outcome,
        "meeting": meeting,
        "meeting_action": meeting_action,
        "year": year,
        "escalation": escalation,
    }


def _urls(w):
    return {
        "overview": reverse("partnership:overview"),
        "incidents": reverse("partnership:incidents"),
        "incident": reverse("partnership:incident", args=[w["incident"].pk]),
        "incident_new": reverse("partnership:incident-new"),
        "rapid": reverse("partnership:rapid-review", args=[w["rapid"].pk]),
        "rapid_decision": reverse("partnership:rapid-review-decision", args=[w["rapid"].pk]),
        "information_requests": reverse("partnership:information-requests"),
        "police_info": reverse("partnership:information-request", args=[w["police_info"].pk]),
        "police_info_answer": reverse(
            "partnership:information-request-answer", args=[w["police_info"].pk]
        ),
        "police_info_return": reverse("partnership:information-return", args=[w["police_info"].pk]),
        "health_info": reverse("partnership:information-request", args=[w["health_info"].pk]),
        "health_info_answer": reverse(
            "partnership:information-request-answer", args=[w["health_info"].pk]
        ),
        "practice": reverse("partnership:practice-review", args=[w["practice"].pk]),
        "recommendations": reverse("partnership:recommendations"),
        "recommendation": reverse("partnership:recommendation", args=[w["recommendation"].pk]),
        "plan": reverse("partnership:action-plan"),
        "plan_print": reverse("partnership:action-plan-print"),
        "action": reverse("partnership:action", args=[w["action"].pk]),
        "action_progress": reverse("partnership:action-progress", args=[w["action"].pk]),
        "action_edit": reverse("partnership:action-edit", args=[w["action"].pk]),
        "action_withdraw": reverse("partnership:action-withdraw", args=[w["action"].pk]),
        "action_reopen": reverse("partnership:action-reopen", args=[w["completed_action"].pk]),
        "recommendation_edit": reverse(
            "partnership:recommendation-edit", args=[w["recommendation"].pk]
        ),
        "recommendation_withdraw": reverse(
            "partnership:recommendation-withdraw", args=[w["recommendation"].pk]
        ),
        "assurance": reverse("partnership:assurance"),
        "police_request": reverse("partnership:assurance-request", args=[w["police_request"].pk]),
        "police_answer": reverse("partnership:assurance-answer", args=[w["police_request"].pk]),
        "health_request": reverse("partnership:assurance-request", args=[w["health_request"].pk]),
        "subgroups": reverse("partnership:subgroups"),
        **_governance_urls(w),
    }


def _governance_urls(w):
    def url(name, *args):
        return reverse(f"partnership:{name}", args=args)

    police_return, health_return = w["police_return"], w["health_return"]
    return {
        "risks": url("risks"),
        "risk_new": url("risk-new"),
        "risk_quarterly": url("risk-quarterly"),
        "police_risk": url("risk", w["police_risk"].pk),
        "police_risk_respond": url("risk-respond", w["police_risk"].pk),
        "health_risk": url("risk", w["health_risk"].pk),
        "health_risk_respond": url("risk-respond", w["health_risk"].pk),
        "risk_close": url("risk-close", w["police_risk"].pk),
        "business_plan": url("business-plan"),
        "priority_new": url("priority-new"),
        "outcome_new": url("outcome-new", w["priority"].pk),
        "plan_outcome": url("plan-outcome", w["outcome"].pk),
        "outcome_progress": url("outcome-progress", w["outcome"].pk),
        "subgroup": url("subgroup", w["meeting"].subgroup_id),
        "subgroup_edit": url("subgroup-edit", w["meeting"].subgroup_id),
        "member_new": url("member-new", w["meeting"].subgroup_id),
        "meeting_new": url("meeting-new", w["meeting"].subgroup_id),
        "subgroup_summary": url("subgroup-summary", w["meeting"].subgroup_id),
        "subgroup_summary_pdf": url("subgroup-summary-pdf", w["meeting"].subgroup_id),
        "meeting": url("meeting", w["meeting"].pk),
        "meeting_action_new": url("meeting-action-new", w["meeting"].pk),
        "meeting_action_done": url("meeting-action-done", w["meeting_action"].pk),
        "audits": url("audits"),
        "audit_new": url("audit-new"),
        "audit": url("audit", w["programme"].pk),
        "audit_question_new": url("audit-question-new", w["programme"].pk),
        "case_audit_new": url("case-audit-new", w["programme"].pk),
        "finding_new": url("finding-new", w["programme"].pk),
        "finding_action": url("finding-action", w["finding"].pk),
        "case_audit": url("case-audit", w["case_audit"].pk),
        "returns": url("returns"),
        "returns_request": url("returns-request"),
        "standards": url("standards"),
        "returns_summary": url("returns-summary"),
        "police_return": url("return", police_return.pk),
        "police_return_rate": url("return-rate", police_return.pk, w["standard"].pk),
        "health_return": url("return", health_return.pk),
        "health_return_rate": url("return-rate", health_return.pk, w["standard"].pk),
        "return_challenge": url("return-challenge", police_return.pk),
        "police_return_respond": url("return-respond", police_return.pk),
        "health_return_respond": url("return-respond", health_return.pk),
        "ask_again": url("assurance-ask-again", w["police_request"].pk),
        "assurance_escalate": url("assurance-escalate", w["police_request"].pk),
        "finances": url("finances"),
        "finance_year": url("finance-year", w["year"].start_year),
        "contribution_new": url("contribution-new", w["year"].start_year),
        "spending_new": url("spending-new", w["year"].start_year),
        "escalation_outcome": url("escalation-outcome", w["escalation"].pk),
    }


MANAGER_ONLY = [
    "ask_again",
    "assurance_escalate",
    "rapid_decision",
    "police_info_return",
    "incidents",
    "incident",
    "incident_new",
    "rapid",
    "practice",
    "recommendations",
    "recommendation",
    "recommendation_edit",
    "recommendation_withdraw",
    "action_edit",
    "action_withdraw",
    "action_reopen",
    "plan",
    "plan_print",
    "subgroups",
    "risk_new",
    "risk_quarterly",
    "risk_close",
    "business_plan",
    "priority_new",
    "outcome_new",
    "plan_outcome",
    "outcome_progress",
    "subgroup",
    "subgroup_edit",
    "member_new",
    "meeting_new",
    "subgroup_summary",
    "subgroup_summary_pdf",
    "meeting",
    "meeting_action_new",
    "meeting_action_done",
    "audit_new",
    "audit",
    "audit_question_new",
    "case_audit_new",
    "finding_new",
    "finding_action",
    "returns_request",
    "standards",
    "returns_summary",
    "return_challenge",
    "finances",
    "finance_year",
    "contribution_new",
    "spending_new",
    "escalation_outcome",
]
# The agency's own answers: refused to the partnership's roles (they manage, the agency answers).
AGENCY_ANSWERS = {
    # Nothing to ask again or escalate yet: back to the request.
    "ask_again": 302,
    "assurance_escalate": 302,
    "police_return_respond": 403,
    "health_return_respond": 403,
    "police_answer": 403,
    "police_info_answer": 403,
    "health_info_answer": 403,
    "police_risk_respond": 403,
    "health_risk_respond": 403,
    "police_return_rate": 403,
    "health_return_rate": 403,
}

# persona -> {page: expected status}; pages not listed for a persona default as shown.
EXPECTED = {
    "partnership_officer": AGENCY_ANSWERS,
    "subgroup_chair": AGENCY_ANSWERS,
    "scrutineer": AGENCY_ANSWERS,
    # The police's named lead answers the police's requests and updates its actions ...
    "police_lead": {
        **dict.fromkeys(MANAGER_ONLY, 403),
        "case_audit": 404,  # not one of its auditors
        "health_info": 404,
        "health_info_answer": 404,
        "police_return_respond": 302,  # no challenge waiting: back to the return
        "health_return_respond": 404,
        "health_request": 404,
        "health_risk": 404,
        "health_risk_respond": 404,
        "health_return": 404,
        "health_return_rate": 404,
    },
    # ... the rest of the police's staff see them, but neither answer nor update (nor respond
    # to the risk log, nor complete the Section 11 return).
    "police_officer": {
        **dict.fromkeys(MANAGER_ONLY, 403),
        "police_answer": 403,
        "police_info_answer": 403,
        "action_progress": 403,
        "health_info": 404,
        "health_info_answer": 404,
        "police_return_respond": 403,
        "health_return_respond": 404,
        "police_risk_respond": 403,
        "police_return_rate": 403,
        "health_request": 404,
        "health_risk": 404,
        "health_risk_respond": 404,
        "health_return": 404,
        "health_return_rate": 404,
    },
    "health_visitor": {  # not the health service's lead
        **dict.fromkeys(MANAGER_ONLY, 403),
        "health_risk_respond": 403,
        "health_return_rate": 403,
        "action": 404,
        "action_progress": 404,
        "police_request": 404,
        "police_answer": 404,
        "police_info": 404,
        "police_info_answer": 404,
        "police_return_respond": 404,
        "health_return_respond": 403,
        "health_info_answer": 403,
        "police_risk": 404,
        "police_risk_respond": 404,
        "police_return": 404,
        "police_return_rate": 404,
        "case_audit": 404,
    },
    "analyst": "all 403",
    "unscheduled_care": "all 403",
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_sees_exactly_what_the_table_says(request, client, world, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    expected = EXPECTED[persona]
    failures = []
    for name, url in _urls(world).items():
        want = 403 if expected == "all 403" else expected.get(name, 200)
        got = client.get(url).status_code
        if got != want:
            failures.append(f"{name}: expected {want}, got {got}")
    assert not failures, failures


def test_an_anonymous_visitor_is_sent_to_sign_in(client, world):
    for url in _urls(world).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_an_agency_user_sees_only_their_agencys_requests_in_lists(client, world, health_visitor):
    client.force_login(health_visitor)
    page = client.get(reverse("partnership:assurance")).content.decode()
    assert "Health question." in page
    assert "Show the audit." not in page
    overview = client.get(reverse("partnership:overview")).content.decode()
    assert "Show the audit." not in overview
    assert "Audit address-change notifications" not in overview


def test_the_action_plan_groups_recommendations_by_theme(client, world, partnership_officer):
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:action-plan")).content.decode()
    assert page.count("Child T practice review 1") == 2  # under both of its themes
    assert "Information sharing" in page and "Think Family and household changes" in page
    assert "Audit address-change notifications in police systems." in page


def test_the_action_plan_exports_as_csv_with_its_filters(
    client, world, partnership_officer, themes
):
    client.force_login(partnership_officer)
    response = client.get(
        reverse("partnership:action-plan"),
        {"format": "csv", "theme": themes["information-sharing"].pk},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Theme", "Source", "Recommendation", "Action"]
    assert rows[1][3] == "Audit address-change notifications in police systems."
    assert rows[1][4] == "Northmoor Police"
    assert rows[1][6] == "2030-03-31"
    assert rows[1][7] == "Not started"
    assert AuditEntry.objects.filter(
        kind="export", action="partnership.action_plan_exported"
    ).exists()
    empty = client.get(
        reverse("partnership:action-plan"), {"format": "csv", "theme": themes["neglect"].pk}
    )
    assert len(list(csv.reader(io.StringIO(empty.content.decode("utf-8-sig"))))) == 1


def test_the_recommendations_export_as_xlsx(client, world, partnership_officer):
    client.force_login(partnership_officer)
    response = client.get(reverse("partnership:recommendations"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("Source type", "Source", "Number", "Recommendation")
    assert rows[1][1] == "Child T practice review"
    assert rows[1][4] == "Northmoor Community Health, Northmoor Police"
    assert rows[1][5] == "Information sharing; Think Family and household changes"
    assert rows[1][6] == 2


def test_the_action_plan_pdf_is_a_real_pdf(client, world, partnership_officer):
    client.force_login(partnership_officer)
    response = client.get(reverse("partnership:action-plan-pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_action_without_owner_or_date_is_refused_on_the_page(client, world, partnership_officer):
    client.force_login(partnership_officer)
    response = client.post(
        reverse("partnership:action-new", args=[world["recommendation"].pk]),
        {"description": "Reissue the guidance."},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose the agency or subgroup that owns the action" in page
    assert "Enter the date the action is due" in page


def test_the_owning_agencys_lead_answers_its_request_on_the_page(client, world, police_lead):
    client.force_login(police_lead)
    url = reverse("partnership:assurance-answer", args=[world["police_request"].pk])
    response = client.post(url, {"response": "The audit is attached."})
    assert response.status_code == 302
    world["police_request"].refresh_from_db()
    assert world["police_request"].response == "The audit is attached."


def test_the_agencys_lead_records_progress_on_its_action_page(client, world, police_lead):
    client.force_login(police_lead)
    url = reverse("partnership:action-progress", args=[world["action"].pk])
    response = client.post(url, {"status": "achieved", "impact_assessment": "not_evidenced"})
    assert response.status_code == 200  # achieved is not offered
    response = client.post(url, {"status": "on_track", "impact_assessment": "not_evidenced"})
    assert response.status_code == 302
    world["action"].refresh_from_db()
    assert world["action"].status == ActionStatus.ON_TRACK


def test_the_overview_shows_an_overdue_notification(client, partnership_officer, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 12, 9, 0, tzinfo=dt.UTC))
    reviews.serious_incident_create(
        actor=partnership_officer,
        summary="Injury.",
        child_description="Baby",
        aware_on=dt.date(2025, 4, 30),
    )
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:overview")).content.decode()
    assert "8 May 2025" in page and "Overdue" in page


def test_a_subgroup_owns_actions_too(partnership_officer, recommendation, subgroup):
    action = plan.action_create(
        actor=partnership_officer,
        recommendation=recommendation,
        description="Run events.",
        owner_subgroup=subgroup,
        due_on=dt.date(2030, 1, 1),
    )
    assert action.owner == "Case Review Subgroup"
