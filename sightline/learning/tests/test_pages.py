"""Every training page visited by every persona; the expected outcome in one table.
Then the forms' bad input, as a practitioner or officer would meet it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from sightline.learning.models import Booking, NonAttendanceCharge, TrainingSession
from sightline.learning.services import booking_create
from sightline.testing.factories import PASSWORD

ANON, HV, PC, PO, CHAIR, TRAINER = "anon", "hv", "pc", "po", "chair", "trainer"
USERNAMES = {
    HV: "hv.birch",
    PC: "pc.ash",
    PO: "po.larch",
    CHAIR: "chair.rowan",
    TRAINER: "trainer.willow",
}

EVERYONE = {HV: 200, PC: 200, PO: 200, CHAIR: 200, TRAINER: 200}
MANAGERS = {HV: 403, PC: 403, PO: 200, CHAIR: 200, TRAINER: 403}

# url (with {session}, {course}, {booking}: the health visitor's), expected status by persona.
# Anonymous visitors are always sent to sign in.
TABLE = [
    ("/training/", EVERYONE),
    ("/training/sessions/{session}/", EVERYONE),
    ("/training/sessions/{session}/book/", EVERYONE),
    ("/training/my-bookings/", EVERYONE),
    ("/training/bookings/{booking}/", {HV: 200, PC: 404, PO: 200, CHAIR: 200, TRAINER: 404}),
    ("/training/bookings/{booking}/cancel/", {HV: 200, PC: 404, PO: 403, CHAIR: 403, TRAINER: 404}),
    (
        "/training/bookings/{booking}/evaluation/",
        {HV: 200, PC: 404, PO: 403, CHAIR: 403, TRAINER: 404},
    ),
    ("/training/manage/", MANAGERS),
    ("/training/manage/courses/new/", MANAGERS),
    ("/training/manage/courses/{course}/", MANAGERS),
    ("/training/manage/courses/{course}/edit/", MANAGERS),
    ("/training/manage/courses/{course}/sessions/new/", MANAGERS),
    ("/training/manage/sessions/{session}/edit/", MANAGERS),
    ("/training/manage/sessions/{session}/cancel/", MANAGERS),
    ("/training/sessions/{session}/bookings/", MANAGERS),
    ("/training/sessions/{session}/register/", {**MANAGERS, TRAINER: 200}),
    ("/training/charges/", MANAGERS),
    ("/training/charges/?format=csv", MANAGERS),
    ("/training/charges/{charge}/invoice/", MANAGERS),
    ("/training/charges/{charge}/paid/", MANAGERS),
    ("/training/reports/", MANAGERS),
    ("/training/reports/theme/", MANAGERS),
    ("/training/reports/agency/?format=xlsx", MANAGERS),
]


@pytest.fixture
def world(
    session, course, trainer, health_visitor, police_officer, partnership_officer, subgroup_chair
):  # type: ignore[no-untyped-def]
    TrainingSession.objects.filter(pk=session.pk).update(trainer=trainer)
    booking = booking_create(actor=health_visitor, session=session, confidence_before=3)
    charge = NonAttendanceCharge.objects.create(
        booking=booking,
        agency_id=booking.agency_id,
        amount=Decimal("60.00"),
        reason="did_not_attend",
        created_at=timezone.now(),
    )
    return {
        "session": session.pk,
        "course": course.pk,
        "booking": booking.pk,
        "charge": charge.pk,
    }


@pytest.mark.parametrize("persona", [ANON, HV, PC, PO, CHAIR, TRAINER])
def test_who_may_open_each_training_page(client, world, persona):
    if persona != ANON:
        assert client.login(username=USERNAMES[persona], password=PASSWORD)
    outcomes = {}
    for url, expected in TABLE:
        response = client.get(url.format(**world))
        outcomes[url] = response.status_code
        want = 302 if persona == ANON else expected[persona]
        assert response.status_code == want, f"{persona} {url}: {response.status_code} != {want}"
        if persona == ANON:
            assert "/accounts/sign-in/" in response["Location"]


def test_my_bookings_never_shows_someone_elses(client, world, police_officer):
    client.login(username="pc.ash", password=PASSWORD)
    page = client.get("/training/my-bookings/").content.decode()
    assert "You have no training booked" in page
    assert "Recognising and responding to neglect" not in page


def test_booking_a_full_session_from_the_page_says_it_is_the_waiting_list(
    client, world, police_officer, school_dsl
):
    booking_create(actor=police_officer, session=TrainingSession.objects.get())  # now full
    client.login(username="dsl.cedar", password=PASSWORD)
    url = f"/training/sessions/{world['session']}/book/"
    page = client.get(url).content.decode()
    assert "Join the waiting list" in page
    response = client.post(url, {"confidence_before": "2"}, follow=True)
    assert "you are on the waiting list" in response.content.decode()
    assert Booking.objects.get(attendee=school_dsl).status == "waiting"


def test_booking_twice_from_the_page_shows_the_error(client, world):
    client.login(username="hv.birch", password=PASSWORD)
    response = client.post(
        f"/training/sessions/{world['session']}/book/", {"confidence_before": "2"}
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "You have already booked a place on this session" in page


def test_booking_without_the_confidence_question_is_refused(client, world, police_officer):
    client.login(username="pc.ash", password=PASSWORD)
    response = client.post(f"/training/sessions/{world['session']}/book/", {})
    assert "Select how confident you feel" in response.content.decode()
    assert not Booking.objects.filter(attendee=police_officer).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start_time": "14:00", "end_time": "10:00"}, "The session must end after it starts"),
        ({"capacity": "0"}, "The session must have at least 1 place"),
        ({"start_time": "25:00"}, "Enter the start time as a real time"),
        ({"venue": ""}, "Enter the venue, or a joining link"),
        ({"date_day": "31", "date_month": "2"}, "Date must be a real date"),
    ],
)
def test_a_session_with_bad_details_is_refused_with_a_clear_message(client, world, fields, message):
    client.login(username="po.larch", password=PASSWORD)
    data = {
        "date_day": "15",
        "date_month": "4",
        "date_year": "2027",
        "start_time": "09:30",
        "end_time": "12:30",
        "venue": "Town Hall",
        "capacity": "12",
        "trainer_name": "",
        "joining_link": "",
        **fields,
    }
    response = client.post(f"/training/manage/courses/{world['course']}/sessions/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert TrainingSession.objects.count() == 1


def test_an_officer_adds_a_course_and_a_session(client, world, neglect):
    client.login(username="po.larch", password=PASSWORD)
    response = client.post(
        "/training/manage/courses/new/",
        {
            "title": "Safe sleep and infant crying",
            "level": "2",
            "mode": "virtual",
            "themes": [neglect.pk],
            "topics": "Coping with crying",
            "audience": "",
            "description": "",
        },
        follow=True,
    )
    assert "Course “Safe sleep and infant crying” added" in response.content.decode()
    course_id = response.context["course"].pk
    response = client.post(
        f"/training/manage/courses/{course_id}/sessions/new/",
        {
            "date_day": "20",
            "date_month": "4",
            "date_year": "2027",
            "start_time": "13:00",
            "end_time": "15:30",
            "venue": "",
            "joining_link": "https://meet.example.org/safe-sleep",
            "capacity": "40",
            "trainer_name": "Partnership training team",
        },
        follow=True,
    )
    assert "Session added to the training calendar" in response.content.decode()
    assert TrainingSession.objects.filter(course_id=course_id, capacity=40).exists()
