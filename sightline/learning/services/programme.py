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
from sightline.learning.models import Booking, Course, TrainingSession
from sightline.learning.services.waiting_list import waiting_list_move_up

COURSE_FIELDS = ("title", "level", "mode", "topics", "description", "audience", "active")


def _check_course(*, title: str, level: int, mode: str) -> None:
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = "Enter the course title"
    if level not in Course.Level.values:
        errors["level"] = "Select the level of the course"
    if mode not in Course.Mode.values:
        errors["mode"] = "Select how the course is delivered"
    if errors:
        raise ValidationError(errors)


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
    _check_course(title=title, level=level, mode=mode)
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
    _check_course(title=course.title, level=course.level, mode=course.mode)
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
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a session cannot be scheduled as given (None: nothing wrong).

    A value of None has not been given yet (a form that already said so passes None), so it
    is not judged; the services pass every value.
    """
    errors: dict[str, str] = {}
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["end_time"] = "The session must end after it starts"
    if capacity is not None and capacity < 1:
        errors["capacity"] = "The session must have at least 1 place"
    given = venue is not None and joining_link is not None
    if given and not (venue or "").strip() and not (joining_link or "").strip():
        errors["venue"] = "Enter the venue, or a joining link for an online session"
    return ValidationError(errors) if errors else None


def _check_session(
    *, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int, venue: str, joining_link: str
) -> None:
    if capacity is None:
        raise ValidationError({"capacity": "The session must have at least 1 place"})
    problems = session_problems(
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        venue=venue or "",
        joining_link=joining_link or "",
    )
    if problems is not None:
        raise problems


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
    )
    confirmed = session.bookings.filter(status=Booking.Status.CONFIRMED).count()
    if capacity < confirmed:
        raise ValidationError(
            {
                "capacity": f"{confirmed} places are already confirmed: the session needs at "
                f"least {confirmed} places, or cancel bookings first"
            }
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


@transaction.atomic
def session_cancel(*, actor: Any, session: TrainingSession, reason: str) -> TrainingSession:
    """Cancel a session: every booking is cancelled (no charge) and every attendee is told."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the session is cancelled"})
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError("This session is already cancelled.")
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
