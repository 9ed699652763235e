"""Annex A lists 1-7: the specification's headings, and the rows each list holds."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from sightline.core.models import AuditEntry
from sightline.frontdoor.models import Decision, NeedLevel, Outcome
from sightline.frontdoor.services.contacts import contact_create
from sightline.insight.annex_a import HEADINGS, Period, annex_a_workbook
from sightline.people.disabilities import person_disabilities_record
from sightline.people.services import social_care_agency

pytestmark = pytest.mark.django_db

YEAR_2025 = Period(start=dt.date(2025, 4, 1), end=dt.date(2026, 3, 31))


def sheets(period: Period) -> dict[str, list[dict[str, object]]]:
    content, _ = annex_a_workbook(period)
    book = load_workbook(io.BytesIO(content))
    result = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        result[sheet.title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return result


def la_id(person) -> str:  # type: ignore[no-untyped-def]
    return person.source_records.get(agency=social_care_agency()).record_id


def test_the_workbook_has_lists_1_to_7_with_the_specifications_headings(stories):
    content, _ = annex_a_workbook(YEAR_2025)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [f"List {n}" for n in range(1, 8)]
    for sheet in book.worksheets:
        heading = [cell.value for cell in sheet[1]]
        assert heading == HEADINGS[sheet.title]
        assert heading[:5] == [
            "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"
        ]  # fmt: skip
    assert "Was the Child Seen Alone?" in HEADINGS["List 7"]
    assert "Date of the Last Statutory Visit" in HEADINGS["List 7"]


def test_referrals_assessments_and_s47s_in_the_range_are_listed(stories):
    lists = sheets(YEAR_2025)
    referrals = {row["Child Unique ID"]: row for row in lists["List 3"]}
    assert la_id(stories["referred_1_april"].child) in referrals
    assert la_id(stories["closed_31_march"].child) not in referrals
    nfa = referrals[la_id(stories["nfa"].child)]
    assert nfa["Referral NFA?"] == "Yes"
    assert nfa["Number of Referrals in Last 12 Months"] == 1
    assessments = {row["Child Unique ID"] for row in lists["List 4"]}
    assert la_id(stories["assessment_open"].child) in assessments
    assert la_id(stories["stepped_down"].child) not in assessments  # authorised in 2024
    s47s = {row["Child Unique ID"]: row for row in lists["List 5"]}
    cp = s47s[la_id(stories["cp_open"].child)]
    assert cp["Date of Initial Child Protection Conference"] == dt.datetime(2025, 4, 28)
    assert (
        cp["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == "Yes"
    )
    unneeded = s47s[la_id(stories["icpc_not_required"].child)]
    assert unneeded["Was an Initial Child Protection Conference deemed unnecessary?"] == "Yes"


def test_children_in_need_and_on_plans_show_visits_and_reviews(stories):
    lists = sheets(YEAR_2025)
    cin = {row["Child Unique ID"]: row for row in lists["List 6"]}
    assert la_id(stories["nfa"].child) not in cin
    long_cin = cin[la_id(stories["long_cin"].child)]
    assert long_cin["Case Status"] == "Open"
    assert long_cin["Date Child Was Last Seen"] == dt.datetime(2025, 12, 1)
    assert long_cin["Primary Need Code"] == "N2"
    stepped = cin[la_id(stories["stepped_down"].child)]
    assert stepped["Case Status"] == "Closed"
    assert stepped["Reason for Closure"] == "RC7"
    cp = {row["Child Unique ID"]: row for row in lists["List 7"]}
    open_plan = cp[la_id(stories["cp_open"].child)]
    assert open_plan["Date of the Last Statutory Visit"] == dt.datetime(2026, 3, 16)
    assert open_plan["Was the Child Seen Alone?"] == "No"
    assert open_plan["Date of latest review conference"] == dt.datetime(2026, 1, 19)
    assert open_plan["Latest Category of Abuse"] == "MUL"
    assert cp[la_id(stories["second_plan"].child)]["Number of Previous Child Protection Plans"] == 1
    assert cp[la_id(stories["stepped_down"].child)]["Child Protection Plan End Date"] == (
        dt.datetime(2025, 8, 18)
    )


def test_contacts_and_early_help_come_from_the_front_door(
    police_officer, ifd_practitioner, agencies, time_machine
):
    from sightline.testing import factories as f

    time_machine.move_to("2025-06-02 09:00 +01:00")
    child = f.child(given_name="Front", family_name="Doorchild")
    contact = contact_create(
        actor=police_officer,
        channel="practitioner",
        concern="The child was left alone overnight.",
        child=child,
        referrer_user=police_officer,
        referrer_agency=agencies["police"],
    )
    Decision.objects.create(
        contact=contact, level=NeedLevel.L3, outcome=Outcome.EARLY_HELP,
        rationale="Family support will help.", decided_by=ifd_practitioner,
        decided_at=contact.received_at,
    )  # fmt: skip
    lists = sheets(YEAR_2025)
    assert [row["Child Unique ID"] for row in lists["List 1"]] == [la_id(child)]
    assert lists["List 1"][0]["Contact Source"] == "Police"
    assert lists["List 1"][0]["Date of Contact"] == dt.datetime(2025, 6, 2)
    assert [row["Child Unique ID"] for row in lists["List 2"]] == [la_id(child)]
    assert lists["List 2"][0]["Assessment start date"] == dt.datetime(2025, 6, 2)
    assert sheets(Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31)))["List 1"] == []


def test_the_command_writes_the_workbook_and_records_the_export(stories, tmp_path):
    path = tmp_path / "annex-a.xlsx"
    call_command(
        "export_annex_a", start=dt.date(2025, 4, 1), end=dt.date(2026, 3, 31),
        output=str(path), stdout=io.StringIO(),
    )  # fmt: skip
    assert load_workbook(path).sheetnames[0] == "List 1"
    entry = AuditEntry.objects.get(action="insight.annex_a_exported")
    assert entry.kind == AuditEntry.Kind.EXPORT
    assert entry.detail["rows"]["List 7"] == 4


def test_the_disability_column_says_what_a_social_worker_recorded(stories, social_worker):
    long_cin, cp_open = stories["long_cin"].child, stories["cp_open"].child
    person_disabilities_record(
        actor=social_worker, person=long_cin, has_disability="yes", codes=["LD"]
    )
    person_disabilities_record(actor=social_worker, person=cp_open, has_disability="no", codes=[])
    lists = sheets(YEAR_2025)
    cin = {row["Child Unique ID"]: row for row in lists["List 6"]}
    assert cin[la_id(long_cin)]["Does the Child have a Disability"] == "Yes"
    cp = {row["Child Unique ID"]: row for row in lists["List 7"]}
    assert cp[la_id(cp_open)]["Does the Child have a Disability"] == "No"
    # Nobody has recorded it for the stepped-down child: left blank, not "No".
    assert cp[la_id(stories["stepped_down"].child)]["Does the Child have a Disability"] in (
        "",
        None,
    )


def test_the_last_twelve_months_from_29_february_start_on_1_march():
    """Counting back a year from a leap day takes 28 February, not an error."""
    period = Period.last_twelve_months(dt.date(2028, 2, 29))
    assert (period.start, period.end) == (dt.date(2027, 3, 1), dt.date(2028, 2, 29))
