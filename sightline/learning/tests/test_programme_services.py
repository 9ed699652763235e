"""Courses and sessions (services): bad input is refused with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.core.models import AuditEntry
from sightline.learning.services import (
    booking_create,
    course_create,
    course_update,
    session_create,
    session_update,
)
from sightline.learning.tests.conftest import SESSION_START, make_session


def test_a_course_carries_the_review_themes_it_answers(course, neglect, partnership_officer):
    assert list(course.themes.all()) == [neglect]
    assert course.topic_list == ["Cumulative harm", "Using the neglect toolkit"]
    assert AuditEntry.objects.filter(action="course.created", actor=partnership_officer).exists()


def test_a_course_without_a_title_is_refused(partnership_officer):
    with pytest.raises(ValidationError, match="Enter the course title"):
        course_create(actor=partnership_officer, title="  ", level=1, mode="virtual")


def test_changing_a_course_keeps_who_and_when(course, partnership_officer, injuries):
    course_update(actor=partnership_officer, course=course, themes=[injuries], level=2)
    course.refresh_from_db()
    assert course.level == 2
    assert list(course.themes.all()) == [injuries]
    assert AuditEntry.objects.filter(action="course.updated", object_id=str(course.pk)).exists()


def test_a_session_ending_before_it_starts_is_refused(on_monday, partnership_officer, course):
    with pytest.raises(ValidationError, match="must end after it starts"):
        session_create(
            actor=partnership_officer,
            course=course,
            starts_at=SESSION_START,
            ends_at=SESSION_START - dt.timedelta(hours=1),
            capacity=10,
            venue="Town Hall",
        )


def test_a_session_with_no_places_is_refused(on_monday, partnership_officer, course):
    with pytest.raises(ValidationError, match="at least 1 place"):
        make_session(partnership_officer, course, capacity=0)


def test_a_session_needs_a_venue_or_a_joining_link(on_monday, partnership_officer, course):
    with pytest.raises(ValidationError, match="venue, or a joining link"):
        make_session(partnership_officer, course, venue="")


def test_more_places_move_people_up_from_the_waiting_list(
    session, partnership_officer, health_visitor, police_officer, school_dsl
):
    for person in (health_visitor, police_officer, school_dsl):
        booking_create(actor=person, session=session)
    session_update(
        actor=partnership_officer,
        session=session,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=3,
        venue=session.venue,
    )
    assert session.bookings.filter(status="confirmed").count() == 3


def test_fewer_places_than_already_confirmed_is_refused(
    session, partnership_officer, health_visitor, police_officer
):
    for person in (health_visitor, police_officer):
        booking_create(actor=person, session=session)
    with pytest.raises(ValidationError, match="2 places are already confirmed"):
        session_update(
            actor=partnership_officer,
            session=session,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            capacity=1,
            venue=session.venue,
        )
