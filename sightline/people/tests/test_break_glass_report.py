"""The break-glass report for information governance and the partnership."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.people.services import break_glass_open
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("people:break-glass-report")


@pytest.fixture
def grant(outsider):  # type: ignore[no-untyped-def]
    child = f.child(given_name="Ivy", family_name="Smith")
    return break_glass_open(actor=outsider, person=child, reason="Housing visit found a baby.")


def test_information_governance_sees_who_broke_the_glass_and_why(signed_in, ig_officer, grant):
    html = signed_in(ig_officer).get(URL).content.decode()
    assert "Housing visit found a baby." in html
    assert "Ho Maple" in html
    assert "Northmoor Homes" in html
    assert "Ivy Smith" in html


def test_the_partnership_officer_may_see_the_report(signed_in, partnership_officer, grant):
    assert signed_in(partnership_officer).get(URL).status_code == 200


def test_viewing_the_report_is_recorded_as_a_list(signed_in, ig_officer, grant):
    signed_in(ig_officer).get(URL)
    entry = AuditEntry.objects.latest("id")
    assert entry.kind == "list" and entry.actor == ig_officer


def test_a_social_worker_may_not_see_the_report(signed_in, social_worker, grant):
    assert signed_in(social_worker).get(URL).status_code == 403


def test_the_report_is_filtered_by_dates(signed_in, ig_officer, grant):
    day = grant.granted_at.date()
    client = signed_in(ig_officer)
    inside = {"date_from_day": day.day, "date_from_month": day.month, "date_from_year": day.year}
    assert "Housing visit found a baby." in client.get(URL, inside).content.decode()
    before = {"date_to_day": 1, "date_to_month": 1, "date_to_year": 2000}
    html = client.get(URL, before).content.decode()
    assert "Housing visit found a baby." not in html
    assert "No records were opened" in html


def test_a_to_date_before_the_from_date_is_explained(signed_in, ig_officer, grant):
    query = {
        "date_from_day": 2, "date_from_month": 1, "date_from_year": 2025,
        "date_to_day": 1, "date_to_month": 1, "date_to_year": 2025,
    }  # fmt: skip
    html = signed_in(ig_officer).get(URL, query).content.decode()
    assert "govuk-error-summary" in html
    assert "must be on or after" in html
