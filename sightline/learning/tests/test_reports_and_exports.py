"""Attendance reports by agency, course and theme, and the CSV/XLSX downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from sightline.core.models import AuditEntry
from sightline.learning.reports import (
    attendance_by_agency,
    attendance_by_course,
    attendance_by_theme,
)
from sightline.learning.services import attendance_record, booking_create, booking_evaluate
from sightline.learning.tests.conftest import after_session
from sightline.testing.factories import PASSWORD


@pytest.fixture
def held(session, partnership_officer, health_visitor, police_officer, on_monday):  # type: ignore[no-untyped-def]
    """Health visitor attended (confidence 2 then 4); police officer did not attend."""
    visitor = booking_create(actor=health_visitor, session=session, confidence_before=2)
    officer = booking_create(actor=police_officer, session=session, confidence_before=3)
    after_session(on_monday, session)
    attendance_record(
        actor=partnership_officer,
        session=session,
        marks={visitor.pk: "attended", officer.pk: "did_not_attend"},
    )
    booking_evaluate(actor=health_visitor, booking=visitor, confidence_after=4)
    return session


def _rows(report):  # type: ignore[no-untyped-def]
    return {row[0] if report.slug != "theme" else (row[0], row[1]): row for row in report.rows}


def test_attendance_by_agency_counts_and_charges(held, partnership_officer):
    rows = _rows(attendance_by_agency(user=partnership_officer))
    assert rows["Northmoor Community Health"][1:6] == [1, 1, 0, 0, "100%"]
    police = rows["Northmoor Police"]
    assert police[1:6] == [1, 0, 1, 0, "0%"]
    assert str(police[6]) == "50.00"


def test_attendance_by_course_shows_confidence_before_and_after(held, partnership_officer):
    row = _rows(attendance_by_course(user=partnership_officer))[
        "Recognising and responding to neglect"
    ]
    assert row[1:6] == [1, 2, 1, 1, 0]
    assert row[6:8] == ["2.0", "4.0"]


def test_attendance_by_theme_shows_who_was_trained_in_what_reviews_asked_for(
    held, partnership_officer
):
    rows = _rows(attendance_by_theme(user=partnership_officer))
    assert rows[("Neglect", "Northmoor Community Health")][2:] == [1, 1]
    assert ("Neglect", "Northmoor Police") not in rows  # did not attend: not trained
    assert rows[("Injuries in non-mobile babies", "No one trained yet")][2:] == [0, 0]


def test_reports_are_for_the_people_who_run_the_programme(held, health_visitor):
    with pytest.raises(PermissionDenied):
        attendance_by_theme(user=health_visitor)


def test_the_charges_list_downloads_as_csv_and_is_recorded(held, client, partnership_officer):
    client.login(username="po.larch", password=PASSWORD)
    response = client.get("/training/charges/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Agency"
    assert rows[1][0] == "Northmoor Police"
    assert rows[1][4:6] == ["Did not attend", "50.00"]
    assert AuditEntry.objects.filter(kind="export", action="training_charges.exported").exists()


def test_the_charges_list_downloads_as_a_spreadsheet(held, client, partnership_officer):
    client.login(username="po.larch", password=PASSWORD)
    response = client.get("/training/charges/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Agency"
    assert values[1][0] == "Northmoor Police"
    assert values[1][5] == 50


@pytest.mark.parametrize("slug", ["agency", "course", "theme"])
def test_each_report_downloads_as_csv_and_xlsx(held, client, partnership_officer, slug):
    client.login(username="po.larch", password=PASSWORD)
    page = client.get(f"/training/reports/{slug}/")
    assert page.status_code == 200
    as_csv = client.get(f"/training/reports/{slug}/?format=csv")
    header = next(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert header == attendance_report_headers(slug, partnership_officer)
    as_xlsx = client.get(f"/training/reports/{slug}/?format=xlsx")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet.max_row >= 2


def attendance_report_headers(slug, user):  # type: ignore[no-untyped-def]
    from sightline.learning.reports import REPORTS

    return REPORTS[slug](user=user).headers


def test_a_formula_typed_into_a_course_title_is_not_run_by_a_spreadsheet(
    held, client, partnership_officer
):
    held.course.title = '=HYPERLINK("http://example.invalid")'
    held.course.save()
    client.login(username="po.larch", password=PASSWORD)
    response = client.get("/training/charges/?format=csv")
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")
