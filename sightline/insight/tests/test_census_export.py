"""The CIN census XML: DfE's structure and order, the consistency rules, the year boundary."""

# ruff: noqa: S314 (parsing the XML Sightline itself wrote)
from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from sightline.core.models import AuditEntry
from sightline.insight.census import CensusYear, school_age_cutoff
from sightline.insight.census_xml import census_xml_write
from sightline.insight.tests.history import unborn_child
from sightline.people.disabilities import person_disabilities_record
from sightline.people.identifiers import upn_with_check_letter
from sightline.people.services import social_care_agency

pytestmark = pytest.mark.django_db

# DfE's schema: each element's children, in order (an element may repeat or be absent).
ORDER = {
    "Message": ["Header", "Children"],
    "Header": ["CollectionDetails", "Source"],
    "CollectionDetails": ["Collection", "Year", "ReferenceDate"],
    "Source": ["SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"],
    "Child": ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"],
    "ChildIdentifiers": [
        "LAchildID",
        "UPN",
        "FormerUPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "Sex",
        "PersonDeathDate",
    ],
    "ChildCharacteristics": ["Ethnicity", "Disabilities"],
    "CINdetails": [
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "DateOfInitialCPC",
        "Assessments",
        "CINPlanDates",
        "Section47",
        "ReferralNFA",
        "ChildProtectionPlans",
    ],
    "Assessments": [
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
        "FactorsIdentifiedAtAssessment",
    ],
    "CINPlanDates": ["CINPlanStartDate", "CINPlanEndDate"],
    "Section47": ["S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"],
    "ChildProtectionPlans": [
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
        "Reviews",
    ],
}
REQUIRED = {
    "ChildIdentifiers": {"LAchildID", "Sex"},
    "CINdetails": {"CINreferralDate", "ReferralSource", "ReferralNFA"},
    "Section47": {"S47ActualStartDate", "ICPCnotRequired"},
    "ChildProtectionPlans": {
        "CPPstartDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
    },
}


def export(year: int) -> ET.Element:
    buffer = io.StringIO()
    census_xml_write(CensusYear(year), buffer)
    return ET.fromstring(buffer.getvalue())


def la_id(person) -> str:  # type: ignore[no-untyped-def]
    return person.source_records.get(agency=social_care_agency()).record_id


def child_of(root: ET.Element, person) -> ET.Element | None:  # type: ignore[no-untyped-def]
    wanted = la_id(person)
    for child in root.iter("Child"):
        if child.findtext("ChildIdentifiers/LAchildID") == wanted:
            return child
    return None


def in_order(element: ET.Element) -> list[str]:
    """Problems with `element`'s children against the schema's order, recursively."""
    problems = []
    order = ORDER.get(element.tag)
    if order is not None:
        tags = [child.tag for child in element]
        unknown = [tag for tag in tags if tag not in order]
        if unknown:
            problems.append(f"{element.tag} has unexpected {unknown}")
        positions = [order.index(tag) for tag in tags if tag in order]
        if positions != sorted(positions):
            problems.append(f"{element.tag} children out of order: {tags}")
        missing = REQUIRED.get(element.tag, set()) - set(tags)
        if missing:
            problems.append(f"{element.tag} lacks {sorted(missing)}")
    for child in element:
        problems += in_order(child)
    return problems


def test_the_return_follows_dfes_schema_order_for_both_years(stories):
    for year in (2024, 2025):
        root = export(year)
        assert root.tag == "Message"
        assert in_order(root) == []
        assert root.findtext("Header/CollectionDetails/ReferenceDate") == f"{year + 1}-03-31"
        assert root.findtext("Header/CollectionDetails/Year") == str(year + 1)


def test_each_child_has_a_birth_date_or_an_expected_one_never_both(stories):
    buffer = io.StringIO()
    summary = census_xml_write(CensusYear(2025), buffer)
    root = ET.fromstring(buffer.getvalue())
    assert len(root.findall("Children/Child")) == 11
    neither = []
    for ids in root.iter("ChildIdentifiers"):
        dates = [ids.find("PersonBirthDate"), ids.find("ExpectedPersonBirthDate")]
        assert sum(d is not None for d in dates) == 1, ET.tostring(ids)
        assert ids.find("UPN") is None or ids.find("UPNunknown") is None
        if ids.find("UPN") is None and ids.find("UPNunknown") is None:
            neither.append(ids.findtext("LAchildID"))
    # No reason is invented for a school-age child without a UPN: the summary names them.
    assert neither and neither == summary.upn_reasons_not_held


def test_a_child_born_after_the_year_is_sent_as_unborn_with_sex_u(stories):
    ids = child_of(export(2025), stories["unborn"].child).find("ChildIdentifiers")  # type: ignore[union-attr]
    assert ids.findtext("ExpectedPersonBirthDate") == "2026-05-20"
    assert ids.find("PersonBirthDate") is None
    assert ids.findtext("Sex") == "U"
    assert ids.findtext("UPNunknown") == "UN1"


def test_an_unborn_child_is_sent_with_sex_u_and_only_an_expected_date(history, time_machine):
    time_machine.move_to("2026-06-01 10:00 +01:00")
    unborn = unborn_child("Expected", dt.date(2027, 1, 15))
    history.episode(unborn, dt.date(2026, 5, 11), source="3D", need="N1")
    ids = child_of(export(2026), unborn).find("ChildIdentifiers")  # type: ignore[union-attr]
    assert ids.findtext("Sex") == "U"
    assert ids.findtext("ExpectedPersonBirthDate") == "2027-01-15"
    assert ids.find("PersonBirthDate") is None


def test_an_episode_closed_on_31_march_is_in_the_earlier_year_only(stories):
    child = stories["closed_31_march"].child
    earlier = child_of(export(2024), child)
    assert earlier is not None
    assert earlier.findtext("CINdetails/CINclosureDate") == "2025-03-31"
    assert earlier.findtext("CINdetails/ReasonForClosure") == "RC8"
    assert child_of(export(2025), child) is None


def test_an_episode_referred_on_1_april_is_in_the_later_year_only(stories):
    child = stories["referred_1_april"].child
    assert child_of(export(2024), child) is None
    later = child_of(export(2025), child)
    assert later is not None
    assert later.findtext("CINdetails/CINreferralDate") == "2025-04-01"


def test_modules_finished_before_the_year_are_not_sent_again(stories):
    episode = child_of(export(2025), stories["stepped_down"].child).find("CINdetails")  # type: ignore[union-attr]
    assert episode.find("Assessments") is None  # authorised in December 2024
    assert episode.find("Section47") is None  # its conference was in November 2024
    plan = episode.find("ChildProtectionPlans")
    assert plan.findtext("CPPstartDate") == "2024-11-25"
    assert plan.findtext("CPPendDate") == "2025-08-18"
    assert [r.text for r in plan.iter("CPPreviewDate")] == ["2025-08-18"]
    assert episode.findtext("CINPlanDates/CINPlanStartDate") == "2025-08-19"
    assert episode.findtext("CINclosureDate") == "2025-12-01"


def test_the_year_is_described_as_it_stood_on_31_march(stories):
    before = child_of(export(2024), stories["stepped_down"].child).find("CINdetails")  # type: ignore[union-attr]
    assert before.find("CINclosureDate") is None
    plan = before.find("ChildProtectionPlans")
    assert plan.find("CPPendDate") is None
    assert [r.text for r in plan.iter("CPPreviewDate")] == ["2025-02-24"]
    assert before.findtext("Section47/DateOfInitialCPC") == "2024-11-25"
    assert before.findtext("Section47/ICPCnotRequired") == "0"
    factors = [f.text for f in before.iter("AssessmentFactors")]
    assert factors == ["16A", "2B"]
    open_one = child_of(export(2025), stories["assessment_open"].child)
    assessment = open_one.find("CINdetails/Assessments")  # type: ignore[union-attr]
    assert assessment.findtext("AssessmentActualStartDate") == "2026-03-03"
    assert assessment.find("AssessmentAuthorisationDate") is None  # authorised in April 2026
    assert assessment.find("FactorsIdentifiedAtAssessment") is None


def test_cp_plans_carry_categories_previous_plans_and_reviews(stories):
    root = export(2025)
    second = child_of(root, stories["second_plan"].child)
    assert len(second.findall("CINdetails")) == 1  # type: ignore[union-attr]
    plan = second.find("CINdetails/ChildProtectionPlans")  # type: ignore[union-attr]
    assert plan.findtext("NumberOfPreviousCPP") == "1"
    assert plan.findtext("InitialCategoryOfAbuse") == "EMO"
    first = child_of(root, stories["cp_open"].child).find("CINdetails")  # type: ignore[union-attr]
    assert first.findtext("Section47/DateOfInitialCPC") == first.findtext(
        "ChildProtectionPlans/CPPstartDate"
    )
    assert first.findtext("ChildProtectionPlans/LatestCategoryOfAbuse") == "MUL"
    reviews = [r.text for r in first.iter("CPPreviewDate")]
    assert reviews == ["2025-07-21", "2026-01-19"]


def test_referrals_flags_needs_and_disabilities(stories):
    root = export(2025)
    nfa = child_of(root, stories["nfa"].child)
    assert nfa.findtext("CINdetails/ReferralNFA") == "1"  # type: ignore[union-attr]
    assert nfa.find("CINdetails/PrimaryNeedCode") is None  # type: ignore[union-attr]
    assert nfa.findtext("ChildIdentifiers/UPNunknown") == "UN7"  # type: ignore[union-attr]
    s47 = child_of(root, stories["icpc_not_required"].child).find("CINdetails/Section47")  # type: ignore[union-attr]
    assert s47.findtext("ICPCnotRequired") == "1"
    assert s47.find("DateOfInitialCPC") is None
    assert {d.text for d in root.iter("Disability")} == {"NONE"}  # none recorded yet


def test_a_upn_dfe_would_reject_is_withheld_and_a_good_one_is_sent(stories):
    child = stories["cin_plan"].child
    child.upn = upn_with_check_letter("999000125001")  # an LA code DfE never issued
    child.save()
    buffer = io.StringIO()
    summary = census_xml_write(CensusYear(2025), buffer)
    assert summary.upns_withheld == [la_id(child)]
    ids = child_of(ET.fromstring(buffer.getvalue()), child).find("ChildIdentifiers")  # type: ignore[union-attr]
    assert ids.find("UPN") is None
    if child.date_of_birth <= school_age_cutoff(CensusYear(2025)):
        assert ids.find("UPNunknown") is None  # Sightline does not hold why
        assert la_id(child) in summary.upn_reasons_not_held
    else:
        assert ids.findtext("UPNunknown") == "UN1"

    child.upn = upn_with_check_letter("380000125001")  # Bradford
    child.save()
    ids = child_of(export(2025), child).find("ChildIdentifiers")  # type: ignore[union-attr]
    assert ids.findtext("UPN") == child.upn
    assert ids.find("UPNunknown") is None


def test_the_command_writes_the_file_and_records_the_export(stories, tmp_path):
    path = tmp_path / "cin.xml"
    out = io.StringIO()
    call_command("export_cin_census", year=2025, output=str(path), stdout=out)
    assert "11 children" in out.getvalue()
    assert ET.parse(path).getroot().findtext("Header/CollectionDetails/Year") == "2026"
    entry = AuditEntry.objects.filter(action="insight.cin_census_exported").get()
    assert entry.kind == AuditEntry.Kind.EXPORT
    assert entry.detail["children"] == 11


def test_a_child_with_a_disability_recorded_is_sent_with_its_codes(stories, social_worker):
    child = stories["cin_plan"].child
    person_disabilities_record(
        actor=social_worker, person=child, has_disability="yes", codes=["HEAR", "AUT"]
    )
    no_disability = stories["cp_open"].child
    person_disabilities_record(
        actor=social_worker, person=no_disability, has_disability="no", codes=[]
    )
    buffer = io.StringIO()
    summary = census_xml_write(CensusYear(2025), buffer)
    root = ET.fromstring(buffer.getvalue())

    sent = child_of(root, child).findall("ChildCharacteristics/Disabilities/Disability")  # type: ignore[union-attr]
    assert [d.text for d in sent] == ["HEAR", "AUT"]
    none = child_of(root, no_disability).findall("ChildCharacteristics/Disabilities/Disability")  # type: ignore[union-attr]
    assert [d.text for d in none] == ["NONE"]
    assert la_id(child) not in summary.disabilities_not_recorded
    assert la_id(no_disability) not in summary.disabilities_not_recorded
    assert len(summary.disabilities_not_recorded) == 9


def test_the_summary_names_what_was_not_sent_and_why(stories, tmp_path):
    child = stories["cin_plan"].child
    child.upn = upn_with_check_letter("999000125001")
    child.save()
    out = io.StringIO()
    call_command("export_cin_census", year=2025, output=str(tmp_path / "c.xml"), stdout=out)
    report = out.getvalue()

    assert "pre-proceedings and family group decision-making module was not sent" in report
    assert "1 child had a unique pupil number DfE would reject" in report
    assert la_id(child) in report
    assert "11 children had no disabilities recorded" in report
    entry = AuditEntry.objects.get(action="insight.cin_census_exported")
    assert any("pre-proceedings" in note for note in entry.detail["not_sent"])
    earlier = io.StringIO()
    call_command("export_cin_census", year=2024, output=str(tmp_path / "b.xml"), stdout=earlier)
    assert "pre-proceedings" not in earlier.getvalue()  # the module starts in 2025-26
