"""DfE's indicators: a hand-computed case, and the reconciliation with Sightline's own CIN census
return (each indicator recounted from the XML the export writes)."""

# ruff: noqa: S314 (parsing the XML Sightline itself wrote)
from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from sightline.core.working_days import working_days_between
from sightline.insight.census import (
    AssessmentRow,
    CensusYear,
    ChildRow,
    CpPlanRow,
    EpisodeRow,
    S47Row,
    census_children,
)
from sightline.insight.census_xml import census_xml_write
from sightline.insight.indicators import census_indicators
from sightline.insight.services import child_population_set

D = dt.date
YEAR = CensusYear(2025)


def child(pid: int, *episodes: EpisodeRow) -> ChildRow:
    return ChildRow(
        la_child_id=f"C{pid}", upn="", upn_unknown="UN1", birth_date=D(2015, 1, 1),
        expected_birth_date=None, sex="F", death_date=None, ethnicity="WBRI",
        disabilities=["NONE"], episodes=list(episodes), person_id=pid,
    )  # fmt: skip


def episode(referred: dt.date, **fields: object) -> EpisodeRow:
    defaults: dict[str, object] = {"referral_source": "6", "primary_need": "N1",
                                   "closure_date": None, "closure_reason": "",
                                   "initial_cpc": None, "referral_nfa": False}  # fmt: skip
    return EpisodeRow(referral_date=referred, **{**defaults, **fields})  # type: ignore[arg-type]


def cp(start: dt.date, end: dt.date | None = None, previous: int = 0) -> CpPlanRow:
    return CpPlanRow(start, end, "NEG", "NEG", previous, [])


def hand_case() -> tuple[list[ChildRow], list[ChildRow]]:
    """Five children, census year 2025-26, 2,000 children in the district (see the test)."""
    a = child(1, episode(D(2025, 6, 2), referral_nfa=True, closure_date=D(2025, 6, 2),
                         closure_reason="RC7"))  # fmt: skip
    a_before = child(1, episode(D(2025, 1, 10), closure_date=D(2025, 2, 1), closure_reason="RC7"))
    b = child(2, episode(
        D(2025, 4, 1),
        assessments=[AssessmentRow(D(2025, 4, 1), D(2025, 5, 1), ["16A", "3A"])],
        s47s=[S47Row(D(2025, 5, 12), None, D(2025, 6, 10), False)],
        cp_plans=[cp(D(2025, 6, 10), previous=1)],
    ))  # fmt: skip
    c = child(3, episode(
        D(2023, 3, 1),
        assessments=[AssessmentRow(D(2025, 9, 1), D(2025, 12, 1), ["2B"])],
        cp_plans=[cp(D(2024, 3, 1))],
    ))  # fmt: skip
    d = child(4, episode(
        D(2025, 10, 6), closure_date=D(2025, 12, 15), closure_reason="RC8",
        assessments=[AssessmentRow(D(2025, 10, 6), D(2025, 11, 3), ["21"])],
    ))  # fmt: skip
    e = child(5, episode(
        D(2025, 10, 6),
        s47s=[S47Row(D(2025, 10, 7), None, D(2025, 10, 20), False)],
        cp_plans=[cp(D(2025, 10, 20), D(2026, 2, 2))],
    ))  # fmt: skip
    return [a, b, c, d, e], [a_before]


def test_the_working_days_of_the_hand_case_are_as_counted_by_hand():
    # April 2025: Good Friday 18 and Easter Monday 21 are bank holidays; May: 26 is one.
    assert working_days_between(D(2025, 4, 1), D(2025, 5, 1)) == 20
    assert working_days_between(D(2025, 5, 12), D(2025, 6, 10)) == 20
    assert working_days_between(D(2025, 10, 7), D(2025, 10, 20)) == 9
    assert working_days_between(D(2025, 9, 1), D(2025, 12, 1)) > 45


def test_each_indicator_matches_the_hand_computed_case():
    rows, before = hand_case()
    figures = {i.code: i for i in census_indicators(YEAR, rows, before, population=2000)}
    expected = {
        # code: (numerator, denominator, value)
        "referral_rate": (4, 2000, "20.0"),  # A, B, D, E referred in the year
        "rereferral_within_12_months": (1, 4, "25.0"),  # A: 10 January, then 2 June
        "referral_nfa": (1, 4, "25.0"),  # A
        "assessed_not_in_need": (1, 4, "25.0"),  # D closed RC8
        "assessments_within_45_working_days": (2, 3, "66.7"),  # B 20, D 20; C over 45
        "s47_rate": (2, 2000, "10.0"),  # B, E
        "icpc_within_15_working_days": (1, 2, "50.0"),  # E 9 days; B 20 days
        "cp_plan_rate_31_march": (2, 2000, "10.0"),  # B, C (E's plan ended in February)
        "cp_plan_starts_rate": (2, 2000, "10.0"),  # B, E
        "repeat_cp_plans": (1, 2, "50.0"),  # B had a plan before
        "cp_plans_open_2_years": (1, 2, "50.0"),  # C since 1 March 2024
        "cin_rate_31_march": (3, 2000, "15.0"),  # B, C, E open
        "neglect_at_assessment_rate": (1, 2000, "5.0"),  # B
    }
    assert set(figures) == set(expected)
    for code, (numerator, denominator, value) in expected.items():
        got = figures[code]
        assert (got.numerator, got.denominator, got.value) == (
            numerator,
            denominator,
            Decimal(value),
        ), code
    assert figures["cp_plan_rate_31_march"].children == {2, 3}
    assert figures["rereferral_within_12_months"].children == {1}


def test_a_referral_exactly_12_months_after_the_last_is_a_re_referral_and_a_day_later_is_not():
    def rereferrals(previous: dt.date) -> int:
        rows = [child(1, episode(D(2025, 6, 2)))]
        before = [child(1, episode(previous, closure_date=previous, closure_reason="RC7"))]
        figures = census_indicators(YEAR, rows, before, population=100)
        return next(i.numerator for i in figures if i.code == "rereferral_within_12_months")

    assert rereferrals(D(2024, 6, 2)) == 1
    assert rereferrals(D(2024, 6, 1)) == 0


def test_rates_have_no_value_when_the_population_is_not_recorded():
    rows, before = hand_case()
    figures = {i.code: i for i in census_indicators(YEAR, rows, before, population=None)}
    assert figures["referral_rate"].value is None
    assert figures["referral_nfa"].value == Decimal("25.0")


# Reconciliation with the census return ---------------------------------------------------


def _day(element: ET.Element, tag: str) -> dt.date | None:
    text = element.findtext(tag)
    return dt.date.fromisoformat(text) if text else None


def recount_from_xml(xml: str, census: CensusYear, population: int) -> dict[str, tuple]:
    """DfE's counts, read straight from the return as DfE would read it."""
    root = ET.fromstring(xml)
    start, end = census.start, census.reference_date
    n = dict.fromkeys(["ref", "nfa", "notneed", "a45", "a", "s47", "i15", "i", "cps", "rep"], 0)
    n |= dict.fromkeys(["open", "open2", "neglect"], 0)
    cp_children, cin_children = set(), set()
    for kid in root.iter("Child"):
        ident = kid.findtext("ChildIdentifiers/LAchildID")
        for ep in kid.iter("CINdetails"):
            referred, closed = _day(ep, "CINreferralDate"), _day(ep, "CINclosureDate")
            if start <= referred <= end:
                n["ref"] += 1
                n["nfa"] += ep.findtext("ReferralNFA") == "1"
            if (
                closed
                and start <= closed <= end
                and ep.findtext("ReasonForClosure")
                in {
                    "RC8",
                    "RC9",
                }
            ):
                n["notneed"] += 1
            if closed is None and ep.findtext("ReferralNFA") != "1":
                cin_children.add(ident)
            neglect = False
            for a in ep.iter("Assessments"):
                done = _day(a, "AssessmentAuthorisationDate")
                if done and start <= done <= end:
                    n["a"] += 1
                    began = _day(a, "AssessmentActualStartDate")
                    n["a45"] += working_days_between(began, done) <= 45
                    codes = [f.text for f in a.iter("AssessmentFactors")]
                    neglect |= "16A" in codes
            n["neglect"] += neglect
            for s in ep.iter("Section47"):
                began, icpc = _day(s, "S47ActualStartDate"), _day(s, "DateOfInitialCPC")
                n["s47"] += start <= began <= end
                if icpc and start <= icpc <= end and icpc >= began:
                    n["i"] += 1
                    n["i15"] += working_days_between(began, icpc) <= 15
            for p in ep.iter("ChildProtectionPlans"):
                began, ended = _day(p, "CPPstartDate"), _day(p, "CPPendDate")
                if start <= began <= end:
                    n["cps"] += 1
                    n["rep"] += int(p.findtext("NumberOfPreviousCPP") or 0) > 0
                if ended is None:
                    cp_children.add(ident)
                    n["open"] += 1
                    n["open2"] += began <= dt.date(end.year - 2, end.month, end.day)
    return {
        "referral_rate": (n["ref"], population),
        "referral_nfa": (n["nfa"], n["ref"]),
        "assessed_not_in_need": (n["notneed"], n["ref"]),
        "assessments_within_45_working_days": (n["a45"], n["a"]),
        "s47_rate": (n["s47"], population),
        "icpc_within_15_working_days": (n["i15"], n["i"]),
        "cp_plan_rate_31_march": (len(cp_children), population),
        "cp_plan_starts_rate": (n["cps"], population),
        "repeat_cp_plans": (n["rep"], n["cps"]),
        "cp_plans_open_2_years": (n["open2"], n["open"]),
        "cin_rate_31_march": (len(cin_children), population),
        "neglect_at_assessment_rate": (n["neglect"], population),
    }


@pytest.mark.django_db
def test_the_indicators_reconcile_with_the_census_return_of_the_demo_year(stories):
    child_population_set(actor="test", year=2025, counts=dict.fromkeys(range(18), 100),
                         source="Test figures")  # fmt: skip
    stream = io.StringIO()
    census_xml_write(YEAR, stream)
    expected = recount_from_xml(stream.getvalue(), YEAR, 1800)
    figures = {i.code: i for i in census_indicators(YEAR)}
    for code, counts in expected.items():
        assert (figures[code].numerator, figures[code].denominator) == counts, code
    # The stories cover each indicator with something to count.
    # The stories give most indicators something to count (none is open 2 years, and the
    # neglect story's assessment was in the year before).
    assert expected["referral_rate"] == (9, 1800)
    assert expected["icpc_within_15_working_days"] == (2, 3)
    assert expected["repeat_cp_plans"] == (1, 3)
    assert expected["cin_rate_31_march"] == (7, 1800)
    last_year = {i.code: i for i in census_indicators(CensusYear(2024), population=None)}
    assert last_year["neglect_at_assessment_rate"].numerator == 1


@pytest.mark.django_db
def test_re_referrals_reconcile_with_the_referrals_of_this_return_and_the_last(stories):
    figures = {i.code: i for i in census_indicators(YEAR, population=None)}
    rows = list(census_children(YEAR)) + list(census_children(CensusYear(2024)))
    referrals: dict[int, list[dt.date]] = {}
    for row in rows:
        referrals.setdefault(row.person_id, [])
        referrals[row.person_id] += [e.referral_date for e in row.episodes]
    rereferred = 0
    for dates in referrals.values():
        days = sorted(set(dates))
        for before, after in zip(days, days[1:], strict=False):
            in_year = YEAR.start <= after <= YEAR.reference_date
            rereferred += in_year and (after - before).days <= 365
    assert figures["rereferral_within_12_months"].numerator == rereferred


@pytest.mark.django_db
def test_the_demo_districts_indicators_reconcile_with_its_census_return():
    from sightline.demo.insight import load_population_demo
    from sightline.demo.loader import district_load
    from sightline.people.models import Person

    district_load(size="small", as_of=dt.date(2026, 6, 30), further=False)
    load_population_demo()
    mid_2025 = dt.date(2025, 6, 30)
    children = sum(
        1
        for born in Person.objects.filter(kind="child").values_list("date_of_birth", flat=True)
        if born and born <= mid_2025 and born > dt.date(2007, 6, 30)
    )
    stream = io.StringIO()
    census_xml_write(YEAR, stream)
    expected = recount_from_xml(stream.getvalue(), YEAR, children)
    figures = {i.code: i for i in census_indicators(YEAR)}
    for code, counts in expected.items():
        assert (figures[code].numerator, figures[code].denominator) == counts, code
    assert expected["referral_rate"][0] > 0 and children > 0
