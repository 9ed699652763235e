"""The challenge and risk log: raising, responding, closing, who may do each, the history,
the quarterly outcome report and the exports."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.partnership.governance_reports import Quarter, quarterly_risk_report
from sightline.partnership.models import RiskStatus
from sightline.partnership.services import risk

pytestmark = pytest.mark.django_db


def test_a_risk_without_a_due_date_for_its_assurance_report_is_refused(
    partnership_officer, agencies
):
    with pytest.raises(ValidationError) as error:
        risk.risk_log_entry_create(
            actor=partnership_officer,
            against_agency=agencies["police"],
            concern="Concern.",
            assurance_requested="A report.",
            assurance_due_on=None,
        )
    assert error.value.message_dict == {
        "assurance_due_on": ["Enter the date the assurance report is due"]
    }


def test_a_challenge_is_made_to_one_agency_or_subgroup(partnership_officer, agencies, subgroup):
    for against in ({}, {"against_agency": agencies["police"], "against_subgroup": subgroup}):
        with pytest.raises(ValidationError) as error:
            risk.risk_log_entry_create(
                actor=partnership_officer,
                concern="Concern.",
                assurance_requested="A report.",
                assurance_due_on=dt.date(2030, 1, 1),
                **against,
            )
        assert "against_agency" in error.value.message_dict


def test_raising_numbers_the_entry_tells_the_agency_and_keeps_history(police_risk):
    assert police_risk.reference == "CR-2025-001"
    assert police_risk.raised_by_label == "Case Review Subgroup"
    assert police_risk.status == RiskStatus.OPEN
    assert police_risk.updates.get().kind == "raised"
    assert AuditEntry.objects.filter(action="risk_log.raised").count() == 1


def test_only_the_agency_challenged_responds_through_its_lead(
    police_risk, health_visitor, police_officer, police_lead
):
    with pytest.raises(PermissionDenied):
        risk.risk_log_entry_respond(actor=health_visitor, entry=police_risk, response="Not ours.")
    with pytest.raises(PermissionDenied, match="named leads"):
        risk.risk_log_entry_respond(actor=police_officer, entry=police_risk, response="Mine.")
    risk.risk_log_entry_respond(
        actor=police_lead, entry=police_risk, response="Audit attached: 17 of 20 had health."
    )
    police_risk.refresh_from_db()
    assert police_risk.status == RiskStatus.RESPONDED
    assert police_risk.responded_by == police_lead
    assert [u.kind for u in police_risk.updates.all()] == ["responded", "raised"]


def test_an_outcome_needs_a_response_unless_the_challenge_is_withdrawn(
    police_risk, partnership_officer
):
    with pytest.raises(ValidationError, match="Record the response before the outcome"):
        risk.risk_log_entry_close(
            actor=partnership_officer, entry=police_risk, outcome="resolved", outcome_notes="Ok."
        )
    risk.risk_log_entry_close(
        actor=partnership_officer,
        entry=police_risk,
        outcome="withdrawn",
        outcome_notes="Raised in error.",
        closed_on=dt.date(2025, 5, 2),
    )
    assert police_risk.status == RiskStatus.CLOSED


def _entry(actor, agency, raised, due, **kwargs):
    return risk.risk_log_entry_create(
        actor=actor,
        against_agency=agency,
        concern=f"Concern raised {raised}.",
        assurance_requested="A report.",
        assurance_due_on=due,
        raised_on=raised,
        **kwargs,
    )


def test_the_quarterly_report_counts_raised_closed_outcomes_open_and_overdue(
    partnership_officer, police_lead, agencies
):
    police = agencies["police"]
    before = _entry(partnership_officer, police, dt.date(2025, 3, 10), dt.date(2025, 4, 10))
    closed = _entry(partnership_officer, police, dt.date(2025, 4, 15), dt.date(2025, 5, 15))
    risk.risk_log_entry_respond(actor=police_lead, entry=closed, response="Done.")
    risk.risk_log_entry_close(
        actor=partnership_officer,
        entry=closed,
        outcome="resolved",
        outcome_notes="Assured.",
        closed_on=dt.date(2025, 6, 2),
    )
    open_in_time = _entry(partnership_officer, police, dt.date(2025, 6, 20), dt.date(2025, 7, 31))
    later = _entry(partnership_officer, police, dt.date(2025, 7, 2), dt.date(2025, 8, 1))

    report = quarterly_risk_report(user=partnership_officer, quarter=Quarter(2025, 1))

    assert report.quarter.label == "Quarter 1 of 2025-26 (1 April 2025 to 30 June 2025)"
    assert report.raised == [closed, open_in_time]
    assert report.closed == [closed]
    assert dict(report.outcomes)["Resolved: assured"] == 1
    assert report.still_open == [before, open_in_time]
    assert report.overdue == [before]
    assert later not in report.still_open


def test_the_quarterly_report_page_and_its_csv(client, partnership_officer, police_risk):
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:risk-quarterly"), {"quarter": "2025-Q1"})
    assert "Quarter 1 of 2025-26" in page.content.decode()
    assert "CR-2025-001" in page.content.decode()
    response = client.get(
        reverse("partnership:risk-quarterly"), {"quarter": "2025-Q1", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Section", "Reference", "Raised on"]
    assert rows[1][:2] == ["Raised in the quarter", "CR-2025-001"]
    assert any(row[0] == "Still open at the end of the quarter" for row in rows)


def test_the_log_exports_filtered_as_xlsx(client, partnership_officer, police_risk, agencies):
    from openpyxl import load_workbook

    _entry(partnership_officer, agencies["health"], dt.date(2025, 5, 3), dt.date(2030, 1, 1))
    client.force_login(partnership_officer)
    response = client.get(
        reverse("partnership:risks"), {"format": "xlsx", "against_agency": agencies["police"].pk}
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:4] == ("Reference", "Raised on", "Raised by", "Against")
    assert [row[3] for row in rows[1:]] == ["Northmoor Police"]
    assert AuditEntry.objects.filter(kind="export", action="partnership.risk_log_exported").exists()


def test_an_agency_user_lists_only_the_challenges_to_their_agency(
    client, partnership_officer, police_risk, agencies, health_visitor
):
    _entry(partnership_officer, agencies["health"], dt.date(2025, 5, 3), dt.date(2030, 1, 1))
    client.force_login(health_visitor)
    page = client.get(reverse("partnership:risks")).content.decode()
    assert "Concern raised 2025-05-03." in page
    assert "Strategy discussions are held without health" not in page
