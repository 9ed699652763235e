"""The training forms show every error at once: the form's own (a number of places that is
not a number, a missing answer) and the service's (a session ending before it starts, a place
already booked, an invoice dated before its charge) together on the first submission (issue 14,
"errors shown in stages"); and the services list every problem they find."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sightline.learning.models import Booking, Course, NonAttendanceCharge, TrainingSession
from sightline.learning.services import (
    booking_create,
    booking_problems,
    charge_invoice_problems,
    course_update,
)
from sightline.learning.tests.test_pages import world  # noqa: F401  (the pages' fixture)
from sightline.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_shows_the_form_errors_and_the_services_together(client, world):  # noqa: F811
    client.login(username="po.larch", password=PASSWORD)
    data = {
        "date_day": "15",
        "date_month": "4",
        "date_year": "2027",
        "start_time": "14:00",
        "end_time": "10:00",
        "venue": "",
        "joining_link": "",
        "capacity": "twelve",
        "trainer_name": "",
    }
    response = client.post(f"/training/manage/courses/{world['course']}/sessions/new/", data)
    page = response.content.decode()
    summary = page[
        page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))
    ]
    assert "Enter the number of places as a whole number, like 20" in summary
    assert "The session must end after it starts" in summary
    assert "Enter the venue, or a joining link" in summary
    assert TrainingSession.objects.count() == 1


# --- The other training forms ----------------------------------------------------------------


def _summary(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    start = page.index("govuk-error-summary")
    return page[start : page.index("</ul>", start)]


def test_the_invoice_form_asks_for_the_number_and_refuses_a_date_before_the_charge(
    client,
    world,  # noqa: F811
):
    client.login(username="po.larch", password=PASSWORD)
    response = client.post(
        f"/training/charges/{world['charge']}/invoice/",
        {"invoice_reference": "", "invoiced_on_day": "1", "invoiced_on_month": "3"}
        | {"invoiced_on_year": "2027"},
    )
    summary = _summary(response)
    assert "Enter the invoice number from the finance system" in summary
    assert "The invoice date must be on or after the charge was raised, on 8 March 2027" in summary
    assert NonAttendanceCharge.objects.get().status == "outstanding"


def test_the_session_edit_form_refuses_fewer_places_than_confirmed_beside_a_bad_time(
    client,
    world,  # noqa: F811
    police_officer,
):
    session = TrainingSession.objects.get()
    booking_create(actor=police_officer, session=session, confidence_before=2)
    client.login(username="po.larch", password=PASSWORD)
    response = client.post(
        f"/training/manage/sessions/{session.pk}/edit/",
        {
            "date_day": "11",
            "date_month": "3",
            "date_year": "2027",
            "start_time": "9h30",
            "end_time": "12:30",
            "venue": session.venue,
            "joining_link": "",
            "capacity": "1",
            "trainer_name": "",
            "version": session.version,
        },
    )
    summary = _summary(response)
    assert "Enter the start time as hours and minutes, like 09:30" in summary
    assert "2 places are already confirmed" in summary
    session.refresh_from_db()
    assert session.capacity == 2


def test_the_booking_form_asks_for_confidence_and_says_the_place_is_already_booked(
    client,
    world,  # noqa: F811
):
    client.login(username="hv.birch", password=PASSWORD)
    response = client.post(f"/training/sessions/{world['session']}/book/", {})
    summary = _summary(response)
    assert "Select how confident you feel, from 1 to 5" in summary
    assert "You have already booked a place on this session." in summary
    assert Booking.objects.count() == 1


def test_a_virtual_courses_session_form_asks_for_the_joining_link_beside_the_places(
    client,
    world,  # noqa: F811
):
    Course.objects.filter(pk=world["course"]).update(mode=Course.Mode.VIRTUAL)
    client.login(username="po.larch", password=PASSWORD)
    response = client.post(
        f"/training/manage/courses/{world['course']}/sessions/new/",
        {
            "date_day": "15",
            "date_month": "4",
            "date_year": "2027",
            "start_time": "09:30",
            "end_time": "12:30",
            "venue": "Town Hall",
            "joining_link": "",
            "capacity": "",
            "trainer_name": "",
        },
    )
    summary = _summary(response)
    assert "Enter how many places the session has" in summary
    assert "Enter the joining link: the course is virtual" in summary
    assert TrainingSession.objects.count() == 1


def test_the_cancel_form_asks_why_and_refuses_a_session_that_has_taken_place(
    client,
    world,  # noqa: F811
    on_monday,
):
    session = TrainingSession.objects.get()
    on_monday.move_to(session.ends_at + dt.timedelta(days=1), tick=False)
    client.login(username="po.larch", password=PASSWORD)
    response = client.post(f"/training/manage/sessions/{session.pk}/cancel/", {"reason": ""})
    summary = _summary(response)
    assert "Say why the session is cancelled" in summary
    assert "This session has already taken place" in summary
    session.refresh_from_db()
    assert not session.is_cancelled


def test_the_invoice_problems_list_another_agencys_invoice_number_and_an_early_date(
    world,  # noqa: F811
    police_officer,
):
    charge = NonAttendanceCharge.objects.get()
    other = booking_create(
        actor=police_officer, session=TrainingSession.objects.get(), confidence_before=2
    )
    NonAttendanceCharge.objects.create(
        booking=other,
        agency_id=other.agency_id,
        amount=Decimal("60.00"),
        reason="did_not_attend",
        created_at=timezone.now(),
        status="invoiced",
        invoice_reference="INV-7",
    )
    error = charge_invoice_problems(
        charge=charge, invoice_reference="inv-7", invoiced_on=dt.date(2027, 3, 1)
    )
    assert error is not None
    assert error.message_dict == {
        "invoice_reference": [
            "Invoice inv-7 was sent to Northmoor Police: enter this charge's own invoice number"
        ],
        "invoiced_on": [
            "The invoice date must be on or after the charge was raised, on 8 March 2027"
        ],
    }


def test_the_booking_problems_list_a_confidence_out_of_range_and_a_place_already_booked(
    world,  # noqa: F811
    health_visitor,
):
    error = booking_problems(
        actor=health_visitor, session=TrainingSession.objects.get(), confidence_before=9
    )
    assert error is not None
    assert error.message_dict == {
        "confidence_before": ["Choose a number from 1 (not confident) to 5 (very confident)"],
        "__all__": ["You have already booked a place on this session."],
    }


def test_a_course_cannot_become_virtual_while_a_session_to_come_has_no_joining_link(
    world,  # noqa: F811
    partnership_officer,
):
    course = Course.objects.get()
    with pytest.raises(ValidationError, match="has no joining link"):
        course_update(actor=partnership_officer, course=course, mode=Course.Mode.VIRTUAL)
    course.refresh_from_db()
    assert course.mode == Course.Mode.FACE_TO_FACE


def test_the_register_asks_for_each_mark_and_says_it_opens_when_the_session_starts(
    client,
    world,  # noqa: F811
):
    client.login(username="po.larch", password=PASSWORD)
    response = client.post(f"/training/sessions/{world['session']}/register/", {})
    summary = _summary(response)
    assert "Select attended, did not attend or cancelled late" in summary
    assert "The register can be taken once the session has started." in summary
    assert Booking.objects.get().attendance in ("", None)
