"""The pages that change the plan, the agency lead's part on the action and assurance pages,
and the subgroup summary as a PDF. (Who may open each page: test_pages_and_access.py.)"""

import datetime as dt

import pytest
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.partnership.models import ActionStatus
from sightline.partnership.services import assurance, plan, plan_changes

pytestmark = pytest.mark.django_db


def _complete(actor, action):
    plan.action_progress_record(
        actor=actor,
        action=action,
        status=ActionStatus.COMPLETED,
        completion_evidence="Done.",
        impact_evidence="Re-audit shows the change.",
        impact_assessment="impact_shown",
    )


def test_the_partnership_officer_changes_an_action_and_its_history_shows_from_and_to(
    client, partnership_officer, police_action, agencies
):
    client.force_login(partnership_officer)
    url = reverse("partnership:action-edit", args=[police_action.pk])
    form = client.get(url).content.decode()
    assert "Audit address-change notifications in police systems." in form  # pre-filled
    response = client.post(
        url,
        {
            "description": police_action.description,
            "owner_agency": agencies["police"].pk,
            "lead_person": "Detective Inspector, safeguarding",
            "due_on_day": "30",
            "due_on_month": "6",
            "due_on_year": "2030",
            "reason": "The audit tool arrives in April.",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "Due on: <del>31 March 2030</del>" in page
    assert "<ins>30 June 2030</ins>" in page
    assert "The audit tool arrives in April." in page


def test_a_completed_action_offers_reopening_and_its_edit_page_says_why_not(
    client, partnership_officer, police_action
):
    _complete(partnership_officer, police_action)
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "Re-open the action" in page and "Change the action" not in page
    response = client.get(reverse("partnership:action-edit", args=[police_action.pk]))
    assert response.status_code == 409
    assert "Re-open it first" in response.content.decode()
    response = client.post(
        reverse("partnership:action-reopen", args=[police_action.pk]),
        {"reason": "One district was missed."},
    )
    assert response.status_code == 302
    page = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "Change the action" in page and "One district was missed." in page


def test_a_subgroup_chair_is_not_offered_to_reopen_a_signed_off_action(
    client, partnership_officer, subgroup_chair, scrutineer, police_action
):
    _complete(partnership_officer, police_action)
    plan.action_impact_sign_off(actor=scrutineer, action=police_action)
    client.force_login(subgroup_chair)
    page = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "Re-open the action" not in page
    response = client.post(
        reverse("partnership:action-reopen", args=[police_action.pk]), {"reason": "Extend it."}
    )
    assert response.status_code == 403
    client.force_login(scrutineer)
    page = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "Re-open the action" in page


def test_withdrawing_an_action_asks_why_then_marks_it_withdrawn_in_the_plan(
    client, partnership_officer, police_action
):
    client.force_login(partnership_officer)
    url = reverse("partnership:action-withdraw", args=[police_action.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Enter why it is withdrawn" in response.content.decode()
    response = client.post(url, {"reason": "Superseded by the regional audit."})
    assert response.status_code == 302
    page = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "This action was withdrawn" in page and "Superseded by the regional audit." in page
    assert "Record progress" not in page and "Withdraw the action" not in page
    plan_page = client.get(reverse("partnership:action-plan")).content.decode()
    assert "0 actions (and 1 withdrawn, not counted)." in plan_page
    assert client.get(url).status_code == 409


def test_the_recommendation_page_offers_changes_and_shows_its_history(
    client, partnership_officer, recommendation, police_action
):
    client.force_login(partnership_officer)
    url = reverse("partnership:recommendation", args=[recommendation.pk])
    page = client.get(url).content.decode()
    assert "Not changed since it was added." in page
    withdraw = reverse("partnership:recommendation-withdraw", args=[recommendation.pk])
    assert "Its 1 open action will be withdrawn with it" in client.get(withdraw).content.decode()
    client.post(withdraw, {"reason": "Superseded by the national review."})
    page = client.get(url).content.decode()
    assert "This recommendation was withdrawn" in page
    assert "Add an action" not in page and "Change the recommendation" not in page
    assert "Withdrawn" in client.get(reverse("partnership:recommendations")).content.decode()
    edit = client.get(reverse("partnership:recommendation-edit", args=[recommendation.pk]))
    assert edit.status_code == 409


def test_agency_staff_who_are_not_the_lead_see_the_action_and_who_can_update_it(
    client, police_officer, police_lead, police_action
):
    client.force_login(police_officer)
    page = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "Audit address-change notifications" in page
    assert "Record progress" not in page
    assert "Only Northmoor Police's named agency lead records progress on this action" in page
    assert "Di Hawthorn (Detective Inspector, safeguarding)" in page
    progress = reverse("partnership:action-progress", args=[police_action.pk])
    assert client.get(progress).status_code == 403
    client.force_login(police_lead)
    page = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "Record progress" in page and "named agency lead" not in page


def test_an_agency_without_a_lead_is_told_so(client, police_officer, police_action):
    client.force_login(police_officer)
    page = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "Your agency has not named a lead yet" in page


def test_only_the_lead_is_offered_to_answer_an_assurance_request(
    client, partnership_officer, police_officer, police_lead, agencies
):
    request = assurance.assurance_request_create(
        actor=partnership_officer,
        agency=agencies["police"],
        question="Show the audit.",
        due_on=dt.date(2030, 1, 31),
    )
    url = reverse("partnership:assurance-request", args=[request.pk])
    client.force_login(police_officer)
    page = client.get(url).content.decode()
    assert "Show the audit." in page and "Answer this request" not in page
    assert "Only Northmoor Police's named agency lead answers this request" in page
    answer = reverse("partnership:assurance-answer", args=[request.pk])
    assert client.post(answer, {"response": "Done."}).status_code == 403
    client.force_login(police_lead)
    assert "Answer this request" in client.get(url).content.decode()
    assert client.post(answer, {"response": "Audit attached."}).status_code == 302


# --- The subgroup summary as a PDF ---------------------------------------------------------


def test_the_subgroup_summary_downloads_as_a_pdf_for_the_period_shown(
    client, partnership_officer, subgroup
):
    client.force_login(partnership_officer)
    period = {
        "start_day": "1",
        "start_month": "4",
        "start_year": "2025",
        "end_day": "30",
        "end_month": "6",
        "end_year": "2025",
    }
    page = client.get(reverse("partnership:subgroup-summary", args=[subgroup.pk]), period)
    pdf_url = reverse("partnership:subgroup-summary-pdf", args=[subgroup.pk])
    assert f'href="{pdf_url}?start_day=1&amp;' in page.content.decode()
    response = client.get(pdf_url, period)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        'filename="case-review-subgroup-summary-2025-04-01-to-2025-06-30.pdf"'
        in response["Content-Disposition"]
    )
    entry = AuditEntry.objects.get(action="partnership.subgroup_summary_exported")
    assert entry.kind == "export"
    assert entry.detail["start"] == "2025-04-01" and entry.detail["format"] == "pdf"


def test_an_impossible_period_gives_the_page_with_its_error_not_a_pdf(
    client, partnership_officer, subgroup
):
    client.force_login(partnership_officer)
    response = client.get(
        reverse("partnership:subgroup-summary-pdf", args=[subgroup.pk]),
        {"start_day": "31", "start_month": "2", "start_year": "2025"},
    )
    assert response["Content-Type"].startswith("text/html")
    assert "There is a problem" in response.content.decode()
    assert not AuditEntry.objects.filter(action="partnership.subgroup_summary_exported")


def test_the_action_plan_pdf_still_renders_with_a_withdrawn_action(
    client, partnership_officer, police_action
):
    plan_changes.action_withdraw(
        actor=partnership_officer, action=police_action, reason="No longer needed."
    )
    client.force_login(partnership_officer)
    response = client.get(reverse("partnership:action-plan-pdf"))
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action="partnership.action_plan_exported", kind="export"
    ).exists()
