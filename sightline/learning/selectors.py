"""Every read in the training programme, scoped to the user asking.

The calendar is open to every signed-in member of staff; a booking is seen by its attendee and
by the people who run the programme; registers, charges and reports only by the latter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sightline.core.models import Theme
from sightline.core.working_days import LONDON
from sightline.learning.models import Booking, Course, NonAttendanceCharge, TrainingSession
from sightline.learning.services.attendance import register_bookings


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def with_places(sessions: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return sessions.select_related("course").annotate(
        confirmed_count=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
        waiting_count=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING)),
    )


def month_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, 1, tzinfo=LONDON)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def calendar_sessions(
    *,
    user: Any,
    month: dt.date | None = None,
    theme: Theme | None = None,
    mode: str = "",
) -> QuerySet[TrainingSession]:
    """Sessions not yet finished (or those of one month), soonest first."""
    _require(user, "learning.view_calendar")
    sessions = TrainingSession.objects.filter(course__active=True)
    if month is not None:
        sessions = sessions.filter(
            starts_at__gte=month_start(month), starts_at__lt=month_start(next_month(month))
        )
    else:
        sessions = sessions.filter(ends_at__gte=timezone.now())
    if theme is not None:
        sessions = sessions.filter(course__themes=theme)
    if mode:
        sessions = sessions.filter(course__mode=mode)
    return with_places(sessions).order_by("starts_at", "id")


def session_get(*, user: Any, session_id: int) -> TrainingSession:
    _require(user, "learning.view_calendar")
    session = with_places(TrainingSession.objects.filter(pk=session_id)).first()
    if session is None:
        raise Http404("No such training session")
    return session


def booking_of_user_on_session(*, user: Any, session: TrainingSession) -> Booking | None:
    return (
        Booking.objects.filter(session=session, attendee=user).order_by("-booked_at", "-id").first()
    )


def waiting_list_position(booking: Booking) -> int | None:
    """1 for the next person to get a place; None when not on the waiting list."""
    if booking.status != Booking.Status.WAITING:
        return None
    ahead = Booking.objects.filter(
        session_id=booking.session_id, status=Booking.Status.WAITING
    ).filter(Q(booked_at__lt=booking.booked_at) | Q(booked_at=booking.booked_at, id__lt=booking.pk))
    return ahead.count() + 1


def my_bookings(*, user: Any) -> QuerySet[Booking]:
    """The user's own bookings, newest session first. Never anyone else's."""
    return (
        Booking.objects.filter(attendee=user)
        .select_related("session", "session__course", "charge")
        .order_by("-session__starts_at", "-id")
    )


def booking_get(*, user: Any, booking_id: int) -> Booking:
    """A booking the user may see: their own, or any for those who run the programme.

    Anyone else gets "not found", so booking numbers reveal nothing."""
    booking = (
        Booking.objects.select_related("session", "session__course", "attendee", "agency")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not user.has_perm("learning.view_booking", booking):
        raise Http404("No such booking")
    return booking


def session_booking_list(*, user: Any, session: TrainingSession) -> dict[str, list[Booking]]:
    """Who has booked a session: places, waiting list (in order) and cancellations."""
    _require(user, "learning.manage_training")
    bookings = session.bookings.select_related("attendee", "agency").order_by("booked_at", "id")
    grouped: dict[str, list[Booking]] = {status: [] for status in Booking.Status.values}
    for booking in bookings:
        grouped[booking.status].append(booking)
    return grouped


def session_register(*, user: Any, session: TrainingSession) -> list[Booking]:
    _require(user, "learning.take_register", session)
    return list(
        register_bookings(session)
        .select_related("attendee", "agency")
        .order_by("attendee__last_name", "attendee__first_name", "id")
    )


def courses_for_management(*, user: Any) -> QuerySet[Course]:
    _require(user, "learning.manage_training")
    return Course.objects.prefetch_related("themes").annotate(
        upcoming_sessions=Count(
            "sessions",
            filter=Q(sessions__starts_at__gte=timezone.now(), sessions__cancelled_at__isnull=True),
        )
    )


def course_get_for_management(*, user: Any, course_id: int) -> Course:
    _require(user, "learning.manage_training")
    course = Course.objects.prefetch_related("themes").filter(pk=course_id).first()
    if course is None:
        raise Http404("No such course")
    return course


def course_sessions(*, user: Any, course: Course) -> QuerySet[TrainingSession]:
    _require(user, "learning.manage_training")
    return with_places(course.sessions.all()).order_by("-starts_at")


def course_follow_ups(*, user: Any, course: Course) -> QuerySet[Booking]:
    """What attendees say they now do differently: the evidence of impact for the course."""
    _require(user, "learning.view_reports")
    return (
        Booking.objects.filter(session__course=course, followed_up_at__isnull=False)
        .select_related("agency", "session")
        .order_by("-followed_up_at")
    )


def charges_for_invoicing(
    *, user: Any, agency_id: int | None = None, status: str = ""
) -> QuerySet[NonAttendanceCharge]:
    _require(user, "learning.view_charges")
    charges = NonAttendanceCharge.objects.select_related(
        "agency", "booking__attendee", "booking__session__course"
    )
    if agency_id:
        charges = charges.filter(agency_id=agency_id)
    if status:
        charges = charges.filter(status=status)
    return charges.order_by("agency__name", "booking__session__starts_at", "id")


def sessions_led(*, user: Any) -> QuerySet[TrainingSession]:
    """The sessions the user is named as the trainer of (they take their registers)."""
    if not getattr(user, "is_authenticated", False):
        return TrainingSession.objects.none()
    return (
        TrainingSession.objects.filter(trainer=user)
        .select_related("course")
        .order_by("-starts_at", "id")
    )


def charge_get(*, user: Any, charge_id: int) -> NonAttendanceCharge:
    _require(user, "learning.view_charges")
    charge = (
        NonAttendanceCharge.objects.select_related(
            "agency", "booking__attendee", "booking__session__course"
        )
        .filter(pk=charge_id)
        .first()
    )
    if charge is None:
        raise Http404("No such charge")
    return charge
