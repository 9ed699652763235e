"""A practitioner books a course, the session fills, the next booking joins the waiting list,
and a non-attendance creates a charge to the agency. Every page passes axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sightline.core.models import Theme
from sightline.learning.models import Booking, NonAttendanceCharge, TrainingSession
from sightline.learning.services import course_create, session_create
from sightline.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def one_place(partnership_officer, db):  # type: ignore[no-untyped-def]
    course = course_create(
        actor=partnership_officer,
        title="Recognising and responding to neglect",
        level=3,
        mode="face_to_face",
        themes=list(Theme.objects.filter(code="neglect")),
        topics="Cumulative harm",
    )
    starts = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0) + dt.timedelta(
        days=14
    )
    return session_create(
        actor=partnership_officer,
        course=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        capacity=1,
        venue="Partnership training room, Civic Centre",
    )


def test_a_booking_fills_the_session_the_next_waits_and_a_no_show_is_charged(
    site, one_place, health_visitor, police_officer, partnership_officer
):
    page = site.page

    # A health visitor finds the course in the calendar and books the only place.
    site.sign_in("hv.birch", PASSWORD)
    site.go("/training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Training calendar")
    site.check_accessibility()
    page.get_by_role("link", name="Recognising and responding to neglect").click()
    expect(page.get_by_text("1 place left")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name="Book a place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a place")
    site.check_accessibility()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("alert")).to_contain_text("Select how confident you feel")
    site.check_accessibility()
    page.get_by_label("2 – a little confident").check()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_text("You are booked on this session.")).to_be_visible()
    site.check_accessibility()
    site.go("/training/my-bookings/")
    expect(page.get_by_text("Place confirmed")).to_be_visible()
    site.check_accessibility()
    site.sign_out()

    # The session is full: a police officer's booking joins the waiting list, and is told so.
    site.sign_in("pc.ash", PASSWORD)
    site.go(f"/training/sessions/{one_place.pk}/")
    expect(page.get_by_text("Full: waiting list open")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name="Join the waiting list").click()
    expect(page.get_by_text("This session is full.")).to_be_visible()
    site.check_accessibility()
    page.get_by_label("3 – fairly confident").check()
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("so you are on the waiting list")).to_be_visible()
    expect(page.get_by_text("number 1")).to_be_visible()
    site.check_accessibility()
    site.sign_out()
    assert Booking.objects.filter(session=one_place, status="confirmed").count() == 1
    assert Booking.objects.get(attendee=police_officer).status == "waiting"

    # The session takes place; the health visitor does not come.
    held = timezone.now() - dt.timedelta(hours=4)
    TrainingSession.objects.filter(pk=one_place.pk).update(
        starts_at=held, ends_at=held + dt.timedelta(hours=3)
    )
    site.sign_in("po.larch", PASSWORD)
    site.go(f"/training/sessions/{one_place.pk}/")
    site.check_accessibility()
    page.get_by_role("link", name="Attendance register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance register")
    site.check_accessibility()
    page.get_by_role("group", name="Hv Birch (Northmoor Community Health)").get_by_label(
        "Did not attend"
    ).check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("1 non-attendance charge(s) raised")).to_be_visible()
    site.check_accessibility()

    site.go("/training/charges/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Non-attendance charges")
    charges = page.get_by_role("table", name="Charges (1)")
    row = charges.get_by_role("row").filter(has_text="Hv Birch")
    expect(row).to_contain_text("Northmoor Community Health")
    expect(row).to_contain_text("Did not attend")
    expect(row).to_contain_text("£50.00")
    site.check_accessibility()
    charge = NonAttendanceCharge.objects.get()
    assert (charge.agency.code, str(charge.amount)) == ("health", "50.00")

    site.go("/training/reports/theme/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance by theme")
    site.check_accessibility()


def test_the_pages_for_running_the_programme_and_evaluating_pass_axe(
    site, one_place, health_visitor, partnership_officer
):
    """The other training pages, with content in them, each checked with axe."""
    from sightline.learning.services import (
        attendance_record,
        booking_create,
        booking_evaluate,
        booking_follow_up,
    )

    booking = booking_create(actor=health_visitor, session=one_place, confidence_before=2)
    site.sign_in("hv.birch", PASSWORD)
    site.go(f"/training/bookings/{booking.pk}/cancel/")
    expect(site.page.get_by_role("heading", level=1)).to_contain_text("cancel your booking")
    site.check_accessibility()
    site.sign_out()

    held = timezone.now() - dt.timedelta(days=50)
    TrainingSession.objects.filter(pk=one_place.pk).update(
        starts_at=held, ends_at=held + dt.timedelta(hours=3)
    )
    attendance_record(actor=partnership_officer, session=one_place, marks={booking.pk: "attended"})
    site.sign_in("hv.birch", PASSWORD)
    for path in (f"/training/bookings/{booking.pk}/evaluation/", "/training/my-bookings/"):
        site.go(path)
        site.check_accessibility()
    site.page.get_by_role("link", name="Evaluate the session").click()
    site.page.get_by_role("button", name="Save evaluation").click()
    expect(site.page.get_by_role("alert")).to_contain_text("Select how confident you feel")
    site.check_accessibility()
    booking_evaluate(actor=health_visitor, booking=booking, confidence_after=4)
    site.go(f"/training/bookings/{booking.pk}/follow-up/")
    site.check_accessibility()
    booking_follow_up(actor=health_visitor, booking=booking, practice_change="I ask more.")
    site.sign_out()

    site.sign_in("po.larch", PASSWORD)
    course = one_place.course
    for path in (
        "/training/manage/",
        "/training/manage/courses/new/",
        f"/training/manage/courses/{course.pk}/",
        f"/training/manage/courses/{course.pk}/edit/",
        f"/training/manage/courses/{course.pk}/sessions/new/",
        f"/training/manage/sessions/{one_place.pk}/edit/",
        f"/training/manage/sessions/{one_place.pk}/cancel/",
        f"/training/sessions/{one_place.pk}/bookings/",
        f"/training/bookings/{booking.pk}/",
        "/training/reports/",
        "/training/reports/agency/",
        "/training/reports/course/",
        "/training/reports/agency/?date_from_day=31&date_from_month=2&date_from_year=2026",
    ):
        site.go(path)
        expect(site.page.get_by_role("heading", level=1)).to_be_visible()
        site.check_accessibility()
    site.go(f"/training/manage/courses/{course.pk}/sessions/new/")
    site.page.get_by_role("button", name="Add the session").click()
    expect(site.page.get_by_role("alert")).to_be_visible()
    site.check_accessibility()


def test_the_officer_names_a_trainer_who_takes_the_register_and_the_charge_is_invoiced_and_paid(
    site, one_place, health_visitor, partnership_officer
):
    from sightline.learning.services import booking_create
    from sightline.testing import factories as f

    trainer = f.user(None, "practitioner", "social_worker", username="trainer.willow")
    booking_create(actor=health_visitor, session=one_place, confidence_before=2)
    page = site.page

    # The officer names a Sightline user as the session's trainer, keeping a display name.
    site.sign_in("po.larch", PASSWORD)
    site.go(f"/training/manage/sessions/{one_place.pk}/edit/")
    site.check_accessibility()
    page.get_by_label("Trainer with a Sightline account").select_option(value=str(trainer.pk))
    page.get_by_label("Trainer's name as shown to attendees").fill("Willow T, neglect lead")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Session changes saved.")).to_be_visible()
    expect(page.get_by_text("Willow T, neglect lead")).to_be_visible()
    site.sign_out()

    # The session takes place; the trainer finds its register under My bookings.
    held = timezone.now() - dt.timedelta(hours=4)
    TrainingSession.objects.filter(pk=one_place.pk).update(
        starts_at=held, ends_at=held + dt.timedelta(hours=3)
    )
    site.sign_in("trainer.willow", PASSWORD)
    site.go("/training/my-bookings/")
    expect(page.get_by_role("table", name="Sessions you are the trainer of")).to_be_visible()
    site.check_accessibility()
    page.get_by_role("link", name="Attendance register for").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance register")
    site.check_accessibility()
    page.get_by_role("group", name="Hv Birch (Northmoor Community Health)").get_by_label(
        "Did not attend"
    ).check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("1 non-attendance charge(s) raised")).to_be_visible()
    site.check_accessibility()
    site.sign_out()

    # The officer invoices the charge, then records its payment.
    today = timezone.localdate()
    site.sign_in("po.larch", PASSWORD)
    site.go("/training/charges/")
    page.get_by_role("link", name="Record the invoice").click()
    page.get_by_role("button", name="Record the invoice").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the invoice number")
    site.check_accessibility()
    page.get_by_label("Invoice number").fill("INV-2027-0042")
    group = page.get_by_role("group", name="Date invoiced")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the invoice").click()
    expect(page.get_by_text("Invoice recorded.")).to_be_visible()
    row = (
        page.get_by_role("table", name="Charges (1)").get_by_role("row").filter(has_text="Hv Birch")
    )
    expect(row).to_contain_text("Invoiced")
    expect(row).to_contain_text("INV-2027-0042")
    site.check_accessibility()
    page.get_by_role("link", name="Record the payment").click()
    site.check_accessibility()
    group = page.get_by_role("group", name="Date paid")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    expect(row).to_contain_text("Paid")
    site.check_accessibility()
    assert NonAttendanceCharge.objects.get().status == "paid"
