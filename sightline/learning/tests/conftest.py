"""Training personas and builders: a subgroup chair, a trainer, and sessions with places."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sightline.core.models import Theme
from sightline.learning.services import course_create, session_create
from sightline.testing import factories as f

# A Monday with no bank holiday near it: sessions in the tests start on Thursday 11 March 2027.
MONDAY = dt.datetime(2027, 3, 8, 10, 0, tzinfo=dt.UTC)
SESSION_START = dt.datetime(2027, 3, 11, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def subgroup_chair(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["health"], "subgroup_chair", "other", username="chair.rowan")


@pytest.fixture
def trainer(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["csc"], "practitioner", "social_worker", username="trainer.willow")


@pytest.fixture
def midwife(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["hospital"], "practitioner", "midwife", username="mw.poplar")


@pytest.fixture
def on_monday(time_machine):  # type: ignore[no-untyped-def]
    """The clock on the Monday before the test sessions (it ticks on from there)."""
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


@pytest.fixture
def neglect(db):  # type: ignore[no-untyped-def]
    return Theme.objects.get(code="neglect")


@pytest.fixture
def injuries(db):  # type: ignore[no-untyped-def]
    return Theme.objects.get(code="injuries-in-babies")


@pytest.fixture
def course(partnership_officer, neglect):  # type: ignore[no-untyped-def]
    return course_create(
        actor=partnership_officer,
        title="Recognising and responding to neglect",
        level=3,
        mode="face_to_face",
        themes=[neglect],
        topics="Cumulative harm\nUsing the neglect toolkit",
        audience="Practitioners from every agency",
    )


def make_session(actor, course, *, starts_at=SESSION_START, capacity=2, **fields):  # type: ignore[no-untyped-def]
    return session_create(
        actor=actor,
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        capacity=capacity,
        venue=fields.pop("venue", "Partnership training room, Town Hall"),
        **fields,
    )


@pytest.fixture
def session(on_monday, partnership_officer, course):  # type: ignore[no-untyped-def]
    """Two places on Thursday 11 March 2027; the clock stands on Monday 8 March."""
    return make_session(partnership_officer, course)


def after_session(time_machine, session):  # type: ignore[no-untyped-def]
    time_machine.move_to(session.ends_at + dt.timedelta(hours=1), tick=False)
    assert timezone.now() > session.ends_at
