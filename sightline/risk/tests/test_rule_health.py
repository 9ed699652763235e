"""was-not-brought, injury-non-mobile-baby, repeat-ed-attendance, under-18-pregnancy."""

from __future__ import annotations

import datetime as dt

from sightline.risk.tests.conftest import alerts, evidence
from sightline.testing import factories as f


def test_two_appointments_not_brought_within_six_months_raise(arrive, lily):
    first = arrive(
        "appointment_not_brought",
        "2024-01-10",
        (lily, "child"),
        source="health",
        service="health visiting",
        appointment_type="development review",
    )
    second = arrive("appointment_not_brought", "2024-07-10", (lily, "child"), source="health")
    [alert] = alerts("was-not-brought", lily)
    assert alert.raised_by == second and evidence(alert) == [first.pk, second.pk]


def test_one_appointment_not_brought_is_one_short(arrive, lily):
    arrive("appointment_not_brought", "2024-01-10", (lily, "child"), source="health")
    assert alerts("was-not-brought") == []


def test_appointments_not_brought_more_than_six_months_apart_do_not_raise(arrive, lily):
    arrive("appointment_not_brought", "2024-01-10", (lily, "child"), source="health")
    arrive("appointment_not_brought", "2024-07-11", (lily, "child"), source="health")
    assert alerts("was-not-brought") == []


def test_an_injury_to_a_baby_under_six_months_raises(arrive):
    baby = f.child(given_name="Rowan", date_of_birth=dt.date(2024, 1, 15))
    bruise = arrive(
        "injury_observed",
        "2024-07-14",
        (baby, "child"),
        source="health",
        injury="bruise",
        independently_mobile=None,
    )
    [alert] = alerts("injury-non-mobile-baby", baby)
    assert alert.raised_by == bruise
    assert alert.asks_for == "CP medical and strategy discussion the same day"


def test_an_injury_to_a_child_who_is_not_independently_mobile_raises(arrive, lily):
    arrive(
        "injury_observed",
        "2024-07-14",
        (lily, "child"),
        source="school",
        injury="burn",
        independently_mobile=False,
    )
    assert len(alerts("injury-non-mobile-baby", lily)) == 1


def test_a_mobile_toddlers_bruise_does_not_raise(arrive):
    toddler = f.child(given_name="Alfie", date_of_birth=dt.date(2022, 6, 1))
    arrive(
        "injury_observed",
        "2024-07-14",
        (toddler, "child"),
        source="health",
        injury="bruise",
        independently_mobile=True,
        explanation="fell in the park",
    )
    assert alerts("injury-non-mobile-baby") == []


def test_a_baby_of_exactly_six_months_is_no_longer_under_six_months(arrive):
    baby = f.child(given_name="Rowan", date_of_birth=dt.date(2024, 1, 15))
    arrive("injury_observed", "2024-07-15", (baby, "child"), source="health", injury="bruise")
    assert alerts("injury-non-mobile-baby") == []


def test_two_emergency_attendances_within_a_year_raise(arrive, lily):
    arrive("ed_attendance", "2023-03-01", (lily, "child"), source="hospital", injury=True)
    second = arrive("ed_attendance", "2024-03-01", (lily, "child"), source="hospital")
    [alert] = alerts("repeat-ed-attendance", lily)
    assert alert.raised_by == second and ",agency:hospital," in alert.audience


def test_emergency_attendances_more_than_a_year_apart_do_not_raise(arrive, lily):
    arrive("ed_attendance", "2023-03-01", (lily, "child"), source="hospital")
    arrive("ed_attendance", "2024-03-02", (lily, "child"), source="hospital")
    assert alerts("repeat-ed-attendance") == []


def test_a_booking_for_a_sixteen_year_old_mother_raises_for_her(arrive):
    mother = f.child(given_name="Kayla", date_of_birth=dt.date(2008, 2, 1))
    booking = arrive(
        "maternity_booking",
        "2024-06-01",
        (mother, "mother"),
        source="hospital",
        expected_date_of_birth="2024-12-01",
    )
    [alert] = alerts("under-18-pregnancy")
    assert (alert.person, alert.raised_by) == (mother, booking)


def test_a_nineteen_year_olds_booking_does_not_raise(arrive):
    mother = f.adult(given_name="Kayla", date_of_birth=dt.date(2005, 2, 1))
    arrive("maternity_booking", "2024-06-01", (mother, "mother"), source="hospital")
    assert alerts("under-18-pregnancy") == []


def test_a_second_booking_for_the_same_pregnancy_extends_the_alert(arrive):
    mother = f.child(given_name="Kayla", date_of_birth=dt.date(2008, 2, 1))
    arrive("maternity_booking", "2024-06-01", (mother, "mother"), source="hospital")
    again = arrive("maternity_booking", "2024-07-01", (mother, "mother"), source="health")
    [alert] = alerts("under-18-pregnancy")
    assert again.pk in evidence(alert)
