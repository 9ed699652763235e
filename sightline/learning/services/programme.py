"""Courses and their sessions: what the partnership offers and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.core import audit, versions
from sightline.core.models import Theme
from sightline.core.notifications import notification_queue
from sightline.core.problems import Problems, refuse
from sightline.learning.models import Booking, Course, TrainingSession
from sightline.learning.services.waiting_list import waiting_list_move_up

COURSE_FIELDS = ("title", "level", "mode", "topics", "description", "audience", "active")


def course_problems(
    *,
    title: str | None = None,
    level: int | None = None,
    mode: str | None = None,
    course: Course | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the course cannot be saved as given (None: nothing wrong). A course whose
    sessions are to come cannot change how it is delivered to a way they do not fit (a
    session with only a venue cannot be virtual, one with only a joining link cannot be face
    to face)."""
    problems = Problems()
    if not (title or "").strip():
        problems.add("title", "Enter the course title")
    if level not in Course.Level.values:
        problems.add("level", "Select the level of the course")
    if mode not in Course.Mode.values:
        problems.add("mode", "Select how the course is delivered")
    elif course is not None and course.pk is not None:
        upcoming = course.sessions.filter(cancelled_at__isnull=True, starts_at__gt=timezone.now())
        if mode == Course.Mode.VIRTUAL and upcoming.filter(joining_link="").exists():
            problems.add(
                "mode",
                "A session to come has no joining link: add one to each session before the "
                "course is virtual",
            )
        elif mode == Course.Mode.FACE_TO_FACE and upcoming.filter(venue="").exists():
            problems.add(
                "mode",
                "A session to come has no venue: add one to each session before the course "
                "is face to face",
            )
    return problems.error()


@transaction.atomic
def course_create(
    *,
    actor: Any,
    title: str,
    level: int,
    mode: str,
    themes: Iterable[Theme] = (),
    topics: str = "",
    description: str = "",
    audience: str = "",
) -> Course:
    refuse(course_problems(title=title, level=level, mode=mode))
    course = Course.objects.create(
        title=title.strip(),
        level=level,
        mode=mode,
        topics=topics.strip(),
        description=description.strip(),
        audience=audience.strip(),
        created_at=timezone.now(),
        created_by=actor,
    )
    course.themes.set(list(themes))
    audit.record_change(
        actor=actor,
        action="course.created",
        target=course,
        detail={"title": course.title, "themes": sorted(t.code for t in course.themes.all())},
    )
    return course


@transaction.atomic
def course_update(
    *,
    actor: Any,
    course: Course,
    themes: Iterable[Theme] | None = None,
    version: int | None = None,
    **fields: Any,
) -> Course:
    """Change a course; refused (`StaleEdit`) when it has been saved since `version` was read."""
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"course_update got unknown fields: {sorted(unknown)}")
    versions.claim(course, version)
    saved = Course.objects.get(pk=course.pk)  # `course` may hold a form's unsaved values
    before: dict[str, Any] = {name: getattr(saved, name) for name in fields}
    after: dict[str, Any] = {}
    for name, value in fields.items():
        after[name] = value.strip() if isinstance(value, str) else value
        setattr(course, name, after[name])
    refuse(course_problems(title=course.title, level=course.level, mode=course.mode, course=saved))
    course.save()
    if themes is not None:
        themes = list(themes)
        before["themes"] = [theme.name for theme in saved.themes.all()]
        after["themes"] = [theme.name for theme in themes]
        course.themes.set(themes)
    versions.record_edit(
        actor=actor,
        action="course.updated",
        target=course,
        changes=versions.changes_between(before, after),
        detail={"themes": sorted(t.code for t in course.themes.all())},
    )
    return course


def session_problems(
    *,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    capacity: int | None = None,
    venue: str | None = None,
    joining_link: str | None = None,
    course: Course | None = None,
    session: TrainingSession | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a session cannot be scheduled (or, given `session`, changed) as given
    (None: nothing wrong).

    A value of None has not been given yet (a form that already said so passes None), so it
    is not judged; the services pass every value. Given the course, a virtual course's
    session needs a joining link and a face-to-face course's a venue.
    """
    problems = Problems()
    if session is not None and session.is_cancelled:
        problems.add(None, "This session has been cancelled and cannot be changed.")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems.add("end_time", "The session must end after it starts")
    if capacity is not None and capacity < 1:
        problems.add("capacity", "The session must have at least 1 place")
    elif capacity is not None and session is not None:
        confirmed = session.bookings.filter(status=Booking.Status.CONFIRMED).count()
        if capacity < confirmed:
            problems.add(
                "capacity",
                f"{confirmed} places are already confirmed: the session needs at least "
                f"{confirmed} places, or cancel bookings first",
            )
    given = venue is not None and joining_link is not None
    if given and not (venue or "").strip() and not (joining_link or "").strip():
        problems.add("venue", "Enter the venue, or a joining link for an online session")
    elif given and course is not None:
        if course.mode == Course.Mode.VIRTUAL and not (joining_link or "").strip():
            problems.add("joining_link", "Enter the joining link: the course is virtual")
        elif course.mode == Course.Mode.FACE_TO_FACE and not (venue or "").strip():
            problems.add("venue", "Enter the venue: the course is face to face")
    return problems.error()


def _check_session(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    venue: str,
    joining_link: str,
    course: Course,
    session: TrainingSession | None = None,
) -> None:
    if capacity is None:
        raise ValidationError({"capacity": "The session must have at least 1 place"})
    refuse(
        session_problems(
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            venue=venue or "",
            joining_link=joining_link or "",
            course=course,
            session=session,
        )
    )


@transaction.atomic
def session_create(
    *,
    actor: Any,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    venue: str = "",
    joining_link: str = "",
    trainer_name: str = "",
    trainer: Any = None,
) -> TrainingSession:
    _check_session(
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        venue=venue,
        joining_link=joining_link,
        course=course,
    )
    session = TrainingSession.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        venue=venue.strip(),
        joining_link=joining_link.strip(),
        trainer_name=trainer_name.strip(),
        trainer=trainer,
        created_at=timezone.now(),
        created_by=actor,
    )
    audit.record_change(
        actor=actor,
        action="training_session.created",
        target=session,
        detail={"course": course.pk, "starts_at": starts_at, "capacity": capacity},
    )
    return session


@transaction.atomic
def session_update(
    *,
    actor: Any,
    session: TrainingSession,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    venue: str = "",
    joining_link: str = "",
    trainer_name: str = "",
    trainer: Any = None,
    version: int | None = None,
) -> TrainingSession:
    """Change a session. Fewer places than are already confirmed is refused; more places move
    people up from the waiting list. Refused (`StaleEdit`) when the session has been saved
    since `version` was read."""
    versions.claim(session, version)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError("This session has been cancelled and cannot be changed.")
    _check_session(
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        venue=venue,
        joining_link=joining_link,
        course=session.course,
        session=session,
    )
    before = _session_values(session)
    session.starts_at, session.ends_at, session.capacity = starts_at, ends_at, capacity
    session.venue, session.joining_link = venue.strip(), joining_link.strip()
    session.trainer_name, session.trainer = trainer_name.strip(), trainer
    session.save()
    versions.record_edit(
        actor=actor,
        action="training_session.updated",
        target=session,
        changes=versions.changes_between(before, _session_values(session)),
        detail={"starts_at": starts_at, "ends_at": ends_at, "capacity": capacity},
    )
    waiting_list_move_up(actor=actor, session=session)
    return session


def _session_values(session: TrainingSession) -> dict[str, Any]:
    """A session as its form asks for it (date, times, places...), for an edit's audit entry."""
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return {
        "date": starts.date(),
        "start_time": f"{starts:%H:%M}",
        "end_time": f"{ends:%H:%M}",
        "venue": session.venue,
        "joining_link": session.joining_link,
        "capacity": session.capacity,
        "trainer_name": session.trainer_name,
        "trainer": session.trainer.get_full_name() if session.trainer else None,
    }


def session_cancel_problems(
    *, session: TrainingSession, reason: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the session cannot be cancelled as given (None: nothing wrong): a session
    already over is not cancelled (its register says who came)."""
    problems = Problems()
    if session.is_cancelled:
        problems.add(None, "This session is already cancelled.")
    elif session.ends_at <= timezone.now():
        problems.add(
            None,
            "This session has already taken place: take its register instead of cancelling it",
        )
    if not (reason or "").strip():
        problems.add("reason", "Say why the session is cancelled")
    return problems.error()


@transaction.atomic
def session_cancel(*, actor: Any, session: TrainingSession, reason: str) -> TrainingSession:
    """Cancel a session: every booking is cancelled (no charge) and every attendee is told."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    refuse(session_cancel_problems(session=session, reason=reason))
    now = timezone.now()
    session.cancelled_at, session.cancelled_reason = now, reason.strip()
    session.save(update_fields=["cancelled_at", "cancelled_reason"])
    audit.record_change(
        actor=actor,
        action="training_session.cancelled",
        target=session,
        detail={"reason": session.cancelled_reason},
    )
    for booking in session.bookings.filter(status__in=Booking.ACTIVE).select_related("attendee"):
        booking.status, booking.cancelled_at = Booking.Status.CANCELLED, now
        booking.save(update_fields=["status", "cancelled_at"])
        audit.record_change(actor=actor, action="booking.cancelled_with_session", target=booking)
        notification_queue(
            recipient_user=booking.attendee,
            subject=f"Training cancelled: {session.course.title}",
            body=(
                f"The session of {session.course.title} on "
                f"{timezone.localtime(session.starts_at):%A %-d %B %Y at %H:%M} is cancelled. "
                f"Reason: {session.cancelled_reason}\n"
                "There is no charge to your agency. Look in the training calendar for "
                "another date."
            ),
            topic="training",
            about=booking,
        )
    return session
