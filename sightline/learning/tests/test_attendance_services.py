"""The register, non-attendance charges and evaluation (services)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sightline.learning.models import NonAttendanceCharge
from sightline.learning.services import (
    attendance_record,
    booking_create,
    booking_evaluate,
    booking_follow_up,
)
from sightline.learning.tests.conftest import after_session


@pytest.fixture
def booked(session, health_visitor, police_officer):  # type: ignore[no-untyped-def]
    return (
        booking_create(actor=health_visitor, session=session, confidence_before=2),
        booking_create(actor=police_officer, session=session, confidence_before=3),
    )


def test_the_register_cannot_be_taken_before_the_session_starts(
    session, booked, partnership_officer
):
    with pytest.raises(ValidationError, match="once the session has started"):
        attendance_record(
            actor=partnership_officer, session=session, marks={booked[0].pk: "attended"}
        )


def test_a_non_attendance_charges_the_agency_the_local_amount(
    session, booked, partnership_officer, on_monday, settings
):
    settings.TRAINING_NON_ATTENDANCE_CHARGE = 60
    visitor, officer = booked
    after_session(on_monday, session)
    attendance_record(
        actor=partnership_officer,
        session=session,
        marks={visitor.pk: "attended", officer.pk: "did_not_attend"},
    )
    charge = NonAttendanceCharge.objects.get()
    assert charge.booking == officer
    assert charge.agency.code == "police"
    assert str(charge.amount) == "60.00"
    assert charge.reason == "did_not_attend"
    assert charge.created_by == partnership_officer


def test_the_default_charge_is_fifty_pounds(session, booked, partnership_officer, on_monday):
    after_session(on_monday, session)
    attendance_record(
        actor=partnership_officer, session=session, marks={booked[0].pk: "cancelled_late"}
    )
    assert str(NonAttendanceCharge.objects.get().amount) == "50.00"


def test_correcting_a_non_attendance_withdraws_the_charge_and_recording_it_again_reinstates_it(
    session, booked, partnership_officer, on_monday
):
    after_session(on_monday, session)
    officer = booked[1]
    attendance_record(
        actor=partnership_officer, session=session, marks={officer.pk: "did_not_attend"}
    )
    attendance_record(actor=partnership_officer, session=session, marks={officer.pk: "attended"})
    assert NonAttendanceCharge.objects.get().status == "withdrawn"
    attendance_record(
        actor=partnership_officer, session=session, marks={officer.pk: "did_not_attend"}
    )
    assert NonAttendanceCharge.objects.get().status == "outstanding"
    assert NonAttendanceCharge.objects.count() == 1


def test_someone_not_on_the_register_or_a_made_up_mark_is_refused(
    session, booked, partnership_officer, on_monday
):
    after_session(on_monday, session)
    with pytest.raises(ValidationError):
        attendance_record(actor=partnership_officer, session=session, marks={99999: "attended"})
    with pytest.raises(ValidationError):
        attendance_record(actor=partnership_officer, session=session, marks={booked[0].pk: "maybe"})


def test_an_attendee_evaluates_and_follows_up_on_practice(
    session, booked, partnership_officer, health_visitor, on_monday
):
    visitor = booked[0]
    after_session(on_monday, session)
    attendance_record(actor=partnership_officer, session=session, marks={visitor.pk: "attended"})
    booking_evaluate(actor=health_visitor, booking=visitor, confidence_after=4, comments="Useful")
    booking_follow_up(
        actor=health_visitor,
        booking=visitor,
        practice_change="I now ask who else lives in the home at every new birth visit.",
    )
    visitor.refresh_from_db()
    assert (visitor.confidence_before, visitor.confidence_after) == (2, 4)
    assert visitor.practice_change.startswith("I now ask")


def test_only_someone_who_attended_can_evaluate(
    session, booked, partnership_officer, health_visitor, police_officer, on_monday
):
    after_session(on_monday, session)
    with pytest.raises(ValidationError, match="once the register shows you attended"):
        booking_evaluate(actor=health_visitor, booking=booked[0], confidence_after=4)
    attendance_record(actor=partnership_officer, session=session, marks={booked[0].pk: "attended"})
    with pytest.raises(ValidationError, match="Only the person who attended"):
        booking_evaluate(actor=police_officer, booking=booked[0], confidence_after=4)
    with pytest.raises(ValidationError, match="what you have done differently"):
        booking_follow_up(actor=health_visitor, booking=booked[0], practice_change="  ")
