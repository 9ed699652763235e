"""The multi-agency measures on a hand-computed case, the shipped benchmarks, `sightline
benchmarks load FILE` and the `sightline indicators` JSON contract."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sightline.core.models import AuditEntry
from sightline.core.working_days import LONDON
from sightline.frontdoor.models import Contact, Decision, InformationRequest
from sightline.insight.measures import NO_AGENCY, multi_agency_measures
from sightline.insight.models import Benchmark
from sightline.insight.services import child_population_set
from sightline.learning.models import Booking, Course, TrainingSession
from sightline.risk.models import Alert
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]


@pytest.fixture
def front_door(agencies, police_officer, ifd_manager):  # type: ignore[no-untyped-def]
    children = [f.child(given_name=f"Measure{n}", family_name="Tablechild") for n in range(3)]
    made = {}

    def contact(ref, received, agency, child, decided=None):  # type: ignore[no-untyped-def]
        made[ref] = Contact.objects.create(
            reference=ref, channel="portal", received_at=received, decision_due_at=received,
            concern="Worried.", referral_source="6" if agency else "9", referrer_agency=agency,
            child=child, anonymous=agency is None,
        )  # fmt: skip
        if decided:
            Decision.objects.create(contact=made[ref], level="L2", outcome="advice",
                                    rationale="Advice.", decided_by=ifd_manager,
                                    decided_at=decided)  # fmt: skip
        return made[ref]

    police = agencies["police"]
    # Friday before the May bank holiday, decided on the Tuesday: in time.
    one = contact("C-1", at(2025, 5, 2, 18, 30), police, children[0], at(2025, 5, 6, 17, 0))
    # Monday, decided on the Wednesday: late.
    two = contact("C-2", at(2025, 6, 2, 9, 0), police, children[1], at(2025, 6, 4, 9, 0))
    three = contact("C-3", at(2025, 6, 10, 9, 0), None, children[2])
    contact("C-0", at(2025, 3, 31, 9, 0), agencies["health"], children[0])  # the year before

    def check(contact, agency, due, answered=None):  # type: ignore[no-untyped-def]
        InformationRequest.objects.create(
            contact=contact, agency=agency, question="What do you know?",
            requested_by=ifd_manager, requested_at=contact.received_at, due_at=due,
            answered_at=answered, answer="Known." if answered else "",
        )  # fmt: skip

    check(one, agencies["health"], at(2025, 5, 6, 12, 0), at(2025, 5, 6, 11, 0))
    check(two, agencies["school"], at(2025, 6, 3, 12, 0), at(2025, 6, 3, 14, 0))
    check(three, agencies["school"], at(2025, 6, 11, 12, 0))

    def alert(child, raised, **closed):  # type: ignore[no-untyped-def]
        Alert.objects.create(rule="contacts-without-assessment", person=child, raised_at=raised,
                             title="Three contacts", asks_for="Review", recipient_label="IFD",
                             audience=",role:ifd_manager,", **closed)  # fmt: skip

    alert(children[0], at(2025, 7, 1, 9, 0), status="closed", outcome="action_taken",
          closed_at=at(2025, 7, 2, 9, 0), closed_by=ifd_manager)  # fmt: skip
    alert(children[1], at(2025, 8, 1, 9, 0))

    course = Course.objects.create(title="Neglect", created_at=at(2025, 1, 1, 9, 0))
    session = TrainingSession.objects.create(course=course, starts_at=at(2025, 9, 1, 9, 0),
                                             ends_at=at(2025, 9, 1, 12, 0), capacity=20,
                                             created_at=at(2025, 1, 1, 9, 0))  # fmt: skip
    Booking.objects.create(session=session, attendee=police_officer, agency=police,
                           status="confirmed", attendance="attended",
                           booked_at=at(2025, 8, 1, 9, 0))  # fmt: skip
    return children


def test_the_multi_agency_measures_match_the_hand_computed_case(front_door):
    rows = multi_agency_measures(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    found = {(r.code, r.group): (r.numerator, r.denominator) for r in rows}
    assert found[("contacts_by_source_agency", "Northmoor Police")] == (2, 3)
    assert found[("contacts_by_source_agency", NO_AGENCY)] == (1, 3)
    assert ("contacts_by_source_agency", "Northmoor Community Health") not in found
    assert found[("front_door_decisions_within_1_working_day", "")] == (1, 2)
    assert found[("partner_checks_answered_in_time", "Northmoor Community Health")] == (1, 1)
    assert found[("partner_checks_answered_in_time", "Millbrook Primary School")] == (0, 2)
    rule = "Repeated contacts without an assessment"
    assert found[("alerts_raised", rule)] == (2, None)
    assert found[("alerts_closed", f"{rule}: Action taken as asked")] == (1, 2)
    # The police have one member of staff with an account (the persona), who attended.
    assert found[("training_reach", "Northmoor Police")] == (1, 1)
    decided = next(r for r in rows if r.code == "front_door_decisions_within_1_working_day")
    assert decided.value == Decimal("50.0")
    assert decided.children == {front_door[0].pk}


def test_the_shipped_dfe_figures_are_loaded_by_the_migration():
    england = Benchmark.objects.get(indicator="cp_plan_rate_31_march", area="england")
    assert (england.value, england.year_ending) == (Decimal("40.6"), 2025)
    neighbours = Benchmark.objects.get(indicator="cp_plan_rate_31_march", area="neighbours")
    assert neighbours.value == Decimal("45.4")
    region = Benchmark.objects.get(indicator="assessments_within_45_working_days", area="region")
    assert (region.area_name, region.value) == ("Yorkshire and the Humber", Decimal("83.6"))


def test_benchmarks_load_adds_a_later_year_and_replaces_a_corrected_figure(tmp_path):
    path = tmp_path / "dfe-2026.csv"
    path.write_text(
        "indicator,unit,formula,england_2026,region_2026,ours_sn_median_2026,source\n"
        "referral_rate,per 10000,referrals / population x 10000,510.0,,480.5,DfE 2026\n"
        "s47_rate,per 10000,s47 / population x 10000,,190.0,,DfE 2026 (North East 190.0)\n"
    )
    out = StringIO()
    call_command("benchmarks", "load", str(path), stdout=out)
    assert "Loaded 4 figures for the years to 31 March 2026" in out.getvalue()
    assert Benchmark.objects.get(indicator="referral_rate", area="england", year_ending=2026).value
    assert Benchmark.objects.filter(indicator="referral_rate", year_ending=2025).count() == 3
    path.write_text(path.read_text().replace("510.0", "511.2"))
    call_command("benchmarks", "load", str(path), stdout=StringIO())
    corrected = Benchmark.objects.get(indicator="referral_rate", area="england", year_ending=2026)
    assert corrected.value == Decimal("511.2")
    assert AuditEntry.objects.filter(action="insight.benchmarks_loaded").count() == 2


def test_benchmarks_load_names_the_line_and_column_it_cannot_read(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("indicator,unit,formula,england_2026,source\nreferral_rate,x,y,lots,DfE\n")
    with pytest.raises(CommandError, match="Line 2, column england_2026: 'lots' is not a number"):
        call_command("benchmarks", "load", str(path))
    path.write_text("indicator,england_2026\nreferral_rate,1\n")
    with pytest.raises(CommandError, match="no column unit, formula, source"):
        call_command("benchmarks", "load", str(path))
    assert not Benchmark.objects.filter(year_ending=2026).exists()


def test_the_indicators_command_prints_the_years_figures_as_the_contract_says(front_door):
    child_population_set(actor="test", year=2025, counts=dict.fromkeys(range(18), 50),
                         source="Test figures")  # fmt: skip
    out = StringIO()
    call_command("indicators", "--year", "2025", "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())
    keys = {"code", "value", "numerator", "denominator", "period_start", "period_end"}
    assert all(set(figure) == keys for figure in figures)
    by_code = {figure["code"]: figure for figure in figures}
    for code in ("referral_rate", "cp_plan_rate_31_march", "cin_rate_31_march"):
        assert by_code[code]["denominator"] == 900
        assert (by_code[code]["period_start"], by_code[code]["period_end"]) == (
            "2025-04-01",
            "2026-03-31",
        )
    assert by_code["front_door_decisions_within_1_working_day"]["value"] == 50.0
    assert by_code["contacts_by_source_agency.northmoor_police"]["numerator"] == 2
    assert by_code["referral_nfa"]["value"] is None  # no referrals in the year: no share
    assert AuditEntry.objects.filter(action="insight.indicators_exported").exists()


def test_the_indicators_command_refuses_a_year_that_is_not_a_census_year():
    with pytest.raises(CommandError, match="the year the census starts in"):
        call_command("indicators", "--year", "25", "--format", "json")


def test_population_load_sets_each_years_children_and_refuses_every_bad_line_at_once(tmp_path):
    from sightline.insight.indicators import child_population

    path = tmp_path / "population.csv"
    rows = [f"2025,{age},{1000 + age},ONS mid-2025" for age in range(18)]
    path.write_text("year,age,count,source\n" + "\n".join(rows) + "\n")
    out = StringIO()
    call_command("population", "load", str(path), stdout=out)
    assert "Mid-2025: 18,153 children aged 0 to 17." in out.getvalue()
    assert child_population(2025) == 18153
    path.write_text("year,age,count,source\n2026,18,5,x\n2026,three,5,x\n")
    with pytest.raises(CommandError, match="line 2: age must be 0 to 17.*line 3: year, age"):
        call_command("population", "load", str(path))
    assert child_population(2026) is None
