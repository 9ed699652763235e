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
def world(partnership_officer, police_action, incident, subgroup, agencies):
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=incident, notified_on=dt.date(2025, 5, 2)
    )
    rapid = reviews.rapid_review_start(actor=partnership_officer, incident=incident)
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
    return {
        "incident": incident,
        "rapid": rapid,
        "practice": practice,
        "action": police_action,
        "police_request": police_request,
        "health_request": health_request,
        "recommendation": police_action.recommendation,
    }


def _urls(w):
    return {
        "overview": reverse("partnership:overview"),
        "incidents": reverse("partnership:incidents"),
        "incident": reverse("partnership:incident", args=[w["incident"].pk]),
        "incident_new": reverse("partnership:incident-new"),
        "rapid": reverse("partnership:rapid-review", args=[w["rapid"].pk]),
        "practice": reverse("partnership:practice-review", args=[w["practice"].pk]),
        "recommendations": reverse("partnership:recommendations"),
        "recommendation": reverse("partnership:recommendation", args=[w["recommendation"].pk]),
        "plan": reverse("partnership:action-plan"),
        "plan_print": reverse("partnership:action-plan-print"),
        "action": reverse("partnership:action", args=[w["action"].pk]),
        "action_progress": reverse("partnership:action-progress", args=[w["action"].pk]),
        "assurance": reverse("partnership:assurance"),
        "police_request": reverse("partnership:assurance-request", args=[w["police_request"].pk]),
        "police_answer": reverse("partnership:assurance-answer", args=[w["police_request"].pk]),
        "health_request": reverse("partnership:assurance-request", args=[w["health_request"].pk]),
        "subgroups": reverse("partnership:subgroups"),
    }


MANAGER_ONLY = [
    "incidents",
    "incident",
    "incident_new",
    "rapid",
    "practice",
    "recommendations",
    "recommendation",
    "plan",
    "plan_print",
    "subgroups",
]

# persona -> {page: expected status}; pages not listed for a persona default as shown.
EXPECTED = {
    "partnership_officer": {"police_answer": 403},
    "subgroup_chair": {"police_answer": 403},
    "scrutineer": {"police_answer": 403},
    "police_officer": {**dict.fromkeys(MANAGER_ONLY, 403), "health_request": 404},
    "health_visitor": {
        **dict.fromkeys(MANAGER_ONLY, 403),
        "action": 404,
        "action_progress": 404,
        "police_request": 404,
        "police_answer": 404,
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
    assert rows[1][6] == 1


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


def test_the_owning_agency_answers_its_request_on_the_page(client, world, police_officer):
    client.force_login(police_officer)
    url = reverse("partnership:assurance-answer", args=[world["police_request"].pk])
    response = client.post(url, {"response": "The audit is attached."})
    assert response.status_code == 302
    world["police_request"].refresh_from_db()
    assert world["police_request"].response == "The audit is attached."


def test_the_agency_records_progress_on_its_action_page(client, world, police_officer):
    client.force_login(police_officer)
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
