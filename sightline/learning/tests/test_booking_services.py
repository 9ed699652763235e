"""Booking, the waiting list and cancelling (services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.core.models import AuditEntry, Notification
from sightline.learning.models import Booking, NonAttendanceCharge
from sightline.learning.services import booking_cancel, booking_create, session_cancel
from sightline.learning.tests.conftest import make_session
from sightline.testing import factories as f


def test_a_practitioner_books_a_place_and_who_and_when_is_recorded(session, health_visitor):
    booking = booking_create(actor=health_visitor, session=session, confidence_before=2)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.agency == health_visitor.agency
    assert booking.confidence_before == 2
    entry = AuditEntry.objects.get(action="booking.created", object_id=str(booking.pk))
    assert entry.actor == health_visitor


def test_a_booking_beyond_capacity_joins_the_waiting_list_and_never_goes_over(
    session, health_visitor, police_officer, school_dsl, social_worker
):
    first = booking_create(actor=health_visitor, session=session)
    second = booking_create(actor=police_officer, session=session)
    third = booking_create(actor=school_dsl, session=session)
    fourth = booking_create(actor=social_worker, session=session)
    assert [b.status for b in (first, second, third, fourth)] == [
        "confirmed",
        "confirmed",
        "waiting",
        "waiting",
    ]
    assert session.bookings.filter(status="confirmed").count() == session.capacity


def test_capacity_holds_when_many_people_book_from_a_stale_page(session, agencies):
    """Every caller passes the same session object read before anyone booked; the service
    re-reads and locks the session row, so places are counted afresh each time."""
    people = [f.user(agencies["police"], "practitioner", username=f"pc.rush{n}") for n in range(8)]
    for person in people:
        booking_create(actor=person, session=session)
    assert session.bookings.filter(status="confirmed").count() == 2
    assert session.bookings.filter(status="waiting").count() == 6


def test_booking_the_same_session_twice_is_refused(session, health_visitor):
    booking_create(actor=health_visitor, session=session)
    with pytest.raises(ValidationError, match="already booked"):
        booking_create(actor=health_visitor, session=session)
    assert session.bookings.count() == 1


def test_a_place_on_the_waiting_list_cannot_be_booked_twice_either(
    session, health_visitor, police_officer, school_dsl
):
    booking_create(actor=health_visitor, session=session)
    booking_create(actor=police_officer, session=session)
    booking_create(actor=school_dsl, session=session)
    with pytest.raises(ValidationError, match="already booked a waiting list place"):
        booking_create(actor=school_dsl, session=session)


def test_someone_who_cancelled_may_book_again(session, health_visitor):
    booking = booking_create(actor=health_visitor, session=session)
    booking_cancel(actor=health_visitor, booking=booking)
    again = booking_create(actor=health_visitor, session=session)
    assert again.status == "confirmed"


def test_a_session_that_has_started_or_was_cancelled_cannot_be_booked(
    session, health_visitor, partnership_officer, on_monday
):
    on_monday.move_to(session.starts_at + dt.timedelta(minutes=5), tick=False)
    with pytest.raises(ValidationError, match="already started"):
        booking_create(actor=health_visitor, session=session)
    on_monday.move_to(session.starts_at - dt.timedelta(days=2), tick=False)
    session_cancel(actor=partnership_officer, session=session, reason="Trainer unwell")
    with pytest.raises(ValidationError, match="cancelled"):
        booking_create(actor=health_visitor, session=session)


def test_a_confidence_outside_1_to_5_is_refused(session, health_visitor):
    with pytest.raises(ValidationError, match="from 1"):
        booking_create(actor=health_visitor, session=session, confidence_before=7)


def test_a_cancellation_moves_the_first_on_the_waiting_list_up_and_tells_them(
    session, health_visitor, police_officer, school_dsl, social_worker
):
    first = booking_create(actor=health_visitor, session=session)
    booking_create(actor=police_officer, session=session)
    next_in_line = booking_create(actor=school_dsl, session=session)
    behind = booking_create(actor=social_worker, session=session)

    booking_cancel(actor=health_visitor, booking=first)  # Monday: in good time

    next_in_line.refresh_from_db()
    behind.refresh_from_db()
    assert next_in_line.status == "confirmed"
    assert behind.status == "waiting"
    assert session.bookings.filter(status="confirmed").count() == 2
    notice = Notification.objects.get(recipient_user=school_dsl)
    assert "You have a place" in notice.subject
    assert not Notification.objects.filter(recipient_user=social_worker).exists()
    assert not NonAttendanceCharge.objects.exists()


def test_leaving_the_waiting_list_moves_no_one_and_charges_nothing(
    session, health_visitor, police_officer, school_dsl, on_monday
):
    booking_create(actor=health_visitor, session=session)
    booking_create(actor=police_officer, session=session)
    waiting = booking_create(actor=school_dsl, session=session)
    on_monday.move_to(session.starts_at - dt.timedelta(hours=2), tick=False)
    booking_cancel(actor=school_dsl, booking=waiting)
    assert not NonAttendanceCharge.objects.exists()
    assert not Notification.objects.exists()


def test_a_cancellation_inside_the_notice_period_charges_the_agency(
    session, health_visitor, on_monday, settings
):
    settings.TRAINING_NON_ATTENDANCE_CHARGE = 75
    booking = booking_create(actor=health_visitor, session=session)
    on_monday.move_to(dt.datetime(2027, 3, 10, 8, 0, tzinfo=dt.UTC), tick=False)  # Wednesday
    booking = booking_cancel(actor=health_visitor, booking=booking)
    assert booking.attendance == "cancelled_late"
    charge = NonAttendanceCharge.objects.get(booking=booking)
    assert charge.agency == health_visitor.agency
    assert str(charge.amount) == "75.00"
    assert charge.reason == "cancelled_late"


def test_two_working_days_notice_is_in_time(session, health_visitor, on_monday):
    booking = booking_create(actor=health_visitor, session=session)
    on_monday.move_to(dt.datetime(2027, 3, 9, 16, 0, tzinfo=dt.UTC), tick=False)  # Tuesday
    booking = booking_cancel(actor=health_visitor, booking=booking)
    assert booking.attendance == ""
    assert not NonAttendanceCharge.objects.exists()


def test_the_notice_period_counts_working_days_across_a_bank_holiday(
    time_machine, partnership_officer, course, health_visitor
):
    # Session on Tuesday 30 March 2027, the day after Easter Monday. Cancelling on Thursday
    # 25 March leaves Friday 26 (Good Friday: a bank holiday) and Monday 29 (Easter Monday):
    # only Tuesday counts, so it is late, though it is five days ahead.
    time_machine.move_to(dt.datetime(2027, 3, 22, 9, 0, tzinfo=dt.UTC), tick=False)
    session = make_session(
        partnership_officer, course, starts_at=dt.datetime(2027, 3, 30, 9, 0, tzinfo=dt.UTC)
    )
    booking = booking_create(actor=health_visitor, session=session)
    time_machine.move_to(dt.datetime(2027, 3, 25, 9, 0, tzinfo=dt.UTC), tick=False)
    assert booking_cancel(actor=health_visitor, booking=booking).attendance == "cancelled_late"


def test_a_late_cancellation_by_someone_without_an_agency_is_recorded_without_a_charge(
    session, partnership_officer, on_monday
):
    booking = booking_create(actor=partnership_officer, session=session)
    on_monday.move_to(session.starts_at - dt.timedelta(hours=1), tick=False)
    assert booking_cancel(actor=partnership_officer, booking=booking).attendance == (
        "cancelled_late"
    )
    assert not NonAttendanceCharge.objects.exists()


def test_cancelling_a_session_cancels_every_booking_and_tells_everyone(
    session, partnership_officer, health_visitor, police_officer, school_dsl
):
    for person in (health_visitor, police_officer, school_dsl):
        booking_create(actor=person, session=session)
    session_cancel(actor=partnership_officer, session=session, reason="Venue flooded")
    assert set(session.bookings.values_list("status", flat=True)) == {"cancelled"}
    assert Notification.objects.filter(subject__startswith="Training cancelled").count() == 3
    assert not NonAttendanceCharge.objects.exists()


def test_a_booking_already_cancelled_cannot_be_cancelled_again(session, health_visitor):
    booking = booking_create(actor=health_visitor, session=session)
    booking_cancel(actor=health_visitor, booking=booking)
    with pytest.raises(ValidationError, match="already cancelled"):
        booking_cancel(actor=health_visitor, booking=booking)
