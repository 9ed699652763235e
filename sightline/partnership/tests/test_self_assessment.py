"""Section 11 and Section 175 returns: who may see and complete which, standards that do not
exist or belong to the other framework, submission, challenge and the summary across agencies."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from sightline.partnership import selectors_governance as selectors
from sightline.partnership.governance_reports import self_assessment_summary
from sightline.partnership.services import self_assessment as services

pytestmark = pytest.mark.django_db


def _rate_all(actor, item, standards, rag="green"):
    for standard in standards:
        services.self_assessment_rate(
            actor=actor, item=item, standard_id=standard.pk, rag=rag, evidence="Policy in place."
        )


def test_a_rating_for_a_standard_that_does_not_exist_is_refused(police_lead, s11_returns):
    with pytest.raises(ValidationError) as error:
        services.self_assessment_rate(
            actor=police_lead,
            item=s11_returns["police"],
            standard_id=99999,
            rag="green",
            evidence="x",
        )
    assert error.value.message_dict == {"standard": ["There is no such Section 11 standard"]}


def test_a_rating_for_a_standard_of_the_other_framework_is_refused(
    police_lead, s11_returns, s175_standards
):
    with pytest.raises(ValidationError, match="belongs to Section 175, not to this Section 11"):
        services.self_assessment_rate(
            actor=police_lead,
            item=s11_returns["police"],
            standard_id=s175_standards[0].pk,
            rag="green",
            evidence="x",
        )


def test_the_page_for_a_standard_that_does_not_exist_says_so(client, police_lead, s11_returns):
    client.force_login(police_lead)
    response = client.get(reverse("partnership:return-rate", args=[s11_returns["police"].pk, 999]))
    assert response.status_code == 404
    assert "There is no such Section 11 standard" in response.content.decode()


def test_an_agency_user_sees_only_their_own_agencys_return_and_only_its_lead_completes_it(
    client, police_lead, police_officer, health_visitor, s11_returns, s11_standards
):
    assert list(selectors.returns_visible_to(police_officer)) == [s11_returns["police"]]
    with pytest.raises(PermissionDenied, match="named leads"):
        services.self_assessment_rate(
            actor=police_officer,
            item=s11_returns["police"],
            standard_id=s11_standards[0].pk,
            rag="red",
            evidence="x",
        )
    assert list(selectors.returns_visible_to(health_visitor)) == [s11_returns["health"]]
    with pytest.raises(PermissionDenied):
        services.self_assessment_rate(
            actor=health_visitor,
            item=s11_returns["police"],
            standard_id=s11_standards[0].pk,
            rag="red",
            evidence="x",
        )
    client.force_login(health_visitor)
    page = client.get(reverse("partnership:returns")).content.decode()
    assert "Northmoor Community Health" in page and "Northmoor Police" not in page
    assert (
        client.get(reverse("partnership:return", args=[s11_returns["police"].pk])).status_code
        == 404
    )


def test_a_rag_outside_red_amber_green_and_empty_evidence_are_refused(
    police_lead, s11_returns, s11_standards
):
    with pytest.raises(ValidationError) as error:
        services.self_assessment_rate(
            actor=police_lead,
            item=s11_returns["police"],
            standard_id=s11_standards[0].pk,
            rag="blue",
            evidence=" ",
        )
    assert set(error.value.message_dict) == {"rag", "evidence"}


def test_a_return_is_submitted_only_when_every_standard_is_rated_then_challenged(
    police_lead, partnership_officer, s11_returns, s11_standards
):
    item = s11_returns["police"]
    _rate_all(police_lead, item, s11_standards[:2])
    with pytest.raises(ValidationError, match="not yet rated 3"):
        services.self_assessment_submit(actor=police_lead, item=item)
    _rate_all(police_lead, item, s11_standards[2:], rag="amber")
    services.self_assessment_submit(actor=police_lead, item=item)
    assert item.status == "submitted"
    with pytest.raises(ValidationError, match="submitted; it can no longer change"):
        _rate_all(police_lead, item, s11_standards[:1])
    with pytest.raises(PermissionDenied):
        services.self_assessment_challenge(actor=police_lead, item=item, challenge="x")
    services.self_assessment_challenge(
        actor=partnership_officer, item=item, challenge="Show the recruitment checks."
    )
    assert item.status == "challenged"


def test_section_175_returns_are_for_schools_only(partnership_officer, agencies, s175_standards):
    with pytest.raises(ValidationError, match="Northmoor Police is not a school"):
        services.self_assessment_request(
            actor=partnership_officer,
            framework="s175",
            year=2025,
            agencies=[agencies["police"]],
            due_on=dt.date(2030, 1, 1),
        )
    created = services.self_assessment_request(
        actor=partnership_officer,
        framework="s175",
        year=2025,
        agencies=[agencies["school"]],
        due_on=dt.date(2030, 1, 1),
    )
    assert [item.agency.code for item in created] == ["school"]


def test_the_summary_is_a_matrix_of_agencies_and_standards_and_exports(
    client, partnership_officer, police_lead, s11_returns, s11_standards
):
    _rate_all(police_lead, s11_returns["police"], s11_standards[:1], rag="red")
    summary = self_assessment_summary(user=partnership_officer, framework="s11", year=2025)
    assert [row.agency.code for row in summary.rows] == ["health", "police"]
    police_row = summary.rows[1]
    assert police_row.cells[0].get_rag_display() == "Red" and police_row.cells[1] is None
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:returns-summary")).content.decode()
    assert "govuk-tag--red" in page and ">Red<" in page and "Not rated" in page
    response = client.get(
        reverse("partnership:returns-summary"), {"framework": "s11", "year": 2025, "format": "xlsx"}
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("Agency", "Status", "1. Senior management commitment to safeguarding")
    assert rows[2][:4] == ("Northmoor Police", "In progress", "Red", "Not rated")


def test_the_agencys_lead_is_told_of_a_challenge_and_responds_to_it(
    client, partnership_officer, police_lead, police_officer, s11_returns, s11_standards
):
    from sightline.core.models import AuditEntry, Notification

    item = s11_returns["police"]
    _rate_all(police_lead, item, s11_standards)
    services.self_assessment_submit(actor=police_lead, item=item)
    services.self_assessment_challenge(
        actor=partnership_officer, item=item, challenge="Show the safer recruitment audit."
    )
    assert Notification.objects.filter(
        recipient_user=police_lead, topic="partnership.self_assessment_challenged"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.self_assessment_challenge_respond(
            actor=police_officer, item=item, response="Not mine to give."
        )
    with pytest.raises(ValidationError) as error:
        services.self_assessment_challenge_respond(actor=police_lead, item=item, response=" ")
    assert set(error.value.message_dict) == {"response"}

    client.force_login(police_lead)
    page = client.get(reverse("partnership:return", args=[item.pk])).content.decode()
    assert "Respond to the challenge" in page
    response = client.post(
        reverse("partnership:return-respond", args=[item.pk]),
        {"response": "The audit of 40 files is attached to the board papers."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "responded" and item.challenge_responded_by == police_lead
    assert Notification.objects.filter(
        recipient_user=partnership_officer, topic="partnership.self_assessment_challenge_answered"
    ).exists()
    assert AuditEntry.objects.filter(action="self_assessment.challenge_answered").exists()
    page = client.get(reverse("partnership:return", args=[item.pk])).content.decode()
    assert "The audit of 40 files is attached" in page
    assert "Respond to the challenge" not in page
    with pytest.raises(ValidationError, match="no challenge waiting"):
        services.self_assessment_challenge_respond(actor=police_lead, item=item, response="More.")

    # Not satisfied: the partnership challenges again, and the agency may respond again.
    services.self_assessment_challenge(
        actor=partnership_officer, item=item, challenge="The audit covered one team only."
    )
    item.refresh_from_db()
    assert item.status == "challenged" and not item.challenge_response
