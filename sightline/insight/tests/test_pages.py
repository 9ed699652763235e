"""The data team's download pages: who may use them (one table), what they give, the audit."""

# ruff: noqa: S314 (parsing the XML Sightline itself wrote)
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from openpyxl import load_workbook

from sightline.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous", "police_officer", "social_worker", "ifd_manager", "ig_officer",
    "partnership_officer", "outsider", "unscheduled_care", "analyst", "team_manager",
]  # fmt: skip
ALLOWED = {"analyst", "team_manager"}
URLS = ["/insight/cin-census/", "/insight/annex-a/"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_analysts_and_team_managers_may_download_returns(persona, request):
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for url in URLS:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
        else:
            assert response.status_code == (200 if persona in ALLOWED else 403), url


def test_the_census_page_downloads_the_years_xml_and_records_it(client, analyst, stories):
    client.force_login(analyst)
    page = client.get("/insight/cin-census/")
    assert b"1 April 2025 to 31 March 2026" in page.content
    response = client.get("/insight/cin-census/", {"year": "2025"})
    assert response["Content-Disposition"].endswith('cin-census-2025-26.xml"')
    root = ET.fromstring(b"".join(response.streaming_content))
    assert len(root.findall("Children/Child")) == 11
    entry = AuditEntry.objects.get(action="insight.cin_census_exported")
    assert entry.kind == AuditEntry.Kind.EXPORT and entry.actor == analyst


def test_the_census_page_shows_no_path_in_the_code_repository(client, analyst):
    client.force_login(analyst)
    page = client.get("/insight/cin-census/").content.decode()
    assert "docs/cin-census.md" not in page
    assert "DfE's validation rules" in page


def test_the_annex_a_page_downloads_the_workbook_and_records_it(client, team_manager, stories):
    client.force_login(team_manager)
    response = client.get(
        "/insight/annex-a/",
        {"date_from_day": "1", "date_from_month": "4", "date_from_year": "2025",
         "date_to_day": "31", "date_to_month": "3", "date_to_year": "2026"},
    )  # fmt: skip
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [f"List {n}" for n in range(1, 8)]
    assert AuditEntry.objects.get(action="insight.annex_a_exported").actor == team_manager


def test_the_annex_a_page_refuses_a_range_that_ends_before_it_starts(client, analyst):
    client.force_login(analyst)
    response = client.get(
        "/insight/annex-a/",
        {"date_from_day": "1", "date_from_month": "4", "date_from_year": "2026",
         "date_to_day": "31", "date_to_month": "3", "date_to_year": "2026"},
    )  # fmt: skip
    assert response.status_code == 200
    assert b"The end date must be on or after the start date" in response.content


def test_the_census_page_names_no_code_repository_path_and_says_what_the_return_leaves_out(
    client, analyst, stories
):
    client.force_login(analyst)
    page = client.get("/insight/cin-census/").content.decode()
    assert "docs/" not in page and ".md" not in page and "<code>" not in page

    page = client.get("/insight/cin-census/", {"year": "2025", "check": "1"}).content.decode()
    assert "What the return for 1 April 2025 to 31 March 2026 leaves out" in page
    assert "11 children" in page
    assert "pre-proceedings and family group decision-making module was not sent" in page
    assert "had no disabilities recorded" in page
    assert AuditEntry.objects.filter(action="insight.cin_census_checked").exists()
