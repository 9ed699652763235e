"""The DRAM agenda builds itself: high-risk incidents, new MARAC referrals and the domestic abuse
alerts since the last working day's meeting (72 hours on a Monday; after a bank holiday, since
the last working day), each once, and what a DRAM already discussed is not listed again."""

import datetime as dt

import pytest
import time_machine

from sightline.risk import engine
from sightline.sharing.meetings import services
from sightline.sharing.meetings.agenda import dram_agenda, dram_window
from sightline.sharing.meetings.models import MeetingKind, ReferralCriterion
from sightline.sharing.tests import meeting_builders as b

pytestmark = pytest.mark.django_db


def test_the_window_is_24_hours_on_a_tuesday():
    start, end = dram_window(dt.date(2025, 3, 4))
    assert (start, end) == (b.at("2025-03-03", "09:30"), b.at("2025-03-04", "09:30"))


def test_the_window_is_72_hours_on_a_monday():
    start, end = dram_window(dt.date(2025, 3, 3))
    assert start == b.at("2025-02-28", "09:30")  # Friday
    assert end - start == dt.timedelta(hours=72)


def test_after_a_bank_holiday_monday_the_window_starts_on_the_last_working_day():
    start, end = dram_window(dt.date(2025, 5, 6))  # Monday 5 May 2025 is a bank holiday
    assert start == b.at("2025-05-02", "09:30")  # Friday
    assert end == b.at("2025-05-06", "09:30")


def test_a_dram_cannot_be_held_on_a_bank_holiday(agencies):
    chair = b.coordinator(agencies)
    with pytest.raises(Exception, match="working days"):
        services.risk_meeting_create(
            actor=chair, kind=MeetingKind.DRAM, held_on=dt.date(2025, 5, 5), chair=chair
        )


def test_mondays_agenda_lists_saturdays_high_risk_incident_and_not_a_medium_one(agencies):
    home, other = b.Household(), b.Household("x")
    high = b.incident(agencies, home, b.at("2025-03-01", "23:10"))  # Saturday night
    b.incident(agencies, other, b.at("2025-03-01", "22:00"), dash=11, risk_level="medium")
    items = dram_agenda(dt.date(2025, 3, 3))
    assert [item.incident for item in items] == [high]
    [item] = items
    assert item.subject == home.victim
    assert {(p.pk, r) for p, r in item.people} == {
        (home.victim.pk, "victim"),
        (home.child.pk, "child"),
        (home.perpetrator.pk, "perpetrator"),
    }
    assert "assessed high risk" in item.listed_because


def test_an_incident_discussed_on_monday_is_not_listed_again_on_tuesday(agencies):
    home = b.Household()
    b.incident(agencies, home, b.at("2025-03-02", "20:00"))
    monday = b.held_meeting(agencies, "2025-03-03")
    [case] = monday.cases.all()
    b.discuss(case, b.coordinator(agencies), agencies)
    assert dram_agenda(dt.date(2025, 3, 4)) == []


def test_an_incident_no_dram_discussed_is_carried_over(agencies):
    home = b.Household()
    b.incident(agencies, home, b.at("2025-02-26", "20:00"))  # Wednesday: Thursday's window
    [item] = dram_agenda(dt.date(2025, 3, 3))
    assert item.carried_over


def test_a_third_incident_in_a_year_is_listed_for_its_cumulative_alert(agencies):
    home = b.Household()
    for day in ("2024-06-01", "2024-11-01", "2025-03-02"):
        event = b.incident(agencies, home, b.at(day, "21:00"), dash=6, risk_level="standard")
    engine.people_evaluate([home.child.pk])
    [item] = dram_agenda(dt.date(2025, 3, 3))
    assert item.incident == event
    assert "Repeated domestic abuse" in item.listed_because


def test_a_new_marac_referral_is_listed_with_its_incident(agencies, police_officer):
    home = b.Household()
    b.incident(agencies, home, b.at("2025-03-02", "20:00"))
    criteria = ReferralCriterion.objects.filter(meeting_kind="marac", code="dash")
    with time_machine.travel(b.at("2025-03-02", "23:00"), tick=False):
        referral = services.referral_create(
            actor=police_officer,
            meeting_kind="marac",
            subject=home.victim,
            criteria=criteria,
            dash_score=15,
            consent="given",
            victim_knows=True,
        )
    [item] = dram_agenda(dt.date(2025, 3, 3))
    assert item.referral == referral
    assert "A new MARAC referral" in item.listed_because
