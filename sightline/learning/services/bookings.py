"""Booking a place, joining the waiting list and cancelling."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sightline.core import audit
from sightline.core.problems import Problems, refuse
from sightline.core.working_days import LONDON, working_days_between
from sightline.learning.models import Booking, TrainingSession
from sightline.learning.services.attendance import charge_create
from sightline.learning.services.waiting_list import waiting_list_move_up


def notice_working_days() -> int:
    """LOCAL: how many working days' notice a cancellation needs to avoid a charge."""
    return int(getattr(settings, "TRAINING_CANCELLATION_NOTICE_WORKING_DAYS", 2))


def cancellation_is_late(*, session: TrainingSession, at: dt.datetime) -> bool:
    """Late when fewer than the notice period's working days are left before the session day
    (with 2 days' notice, Tuesday is in time for a Thursday session, Wednesday is late)."""
    cancelled_on = timezone.localtime(at, LONDON).date()
    session_day = timezone.localtime(session.starts_at, LONDON).date()
    return working_days_between(cancelled_on, session_day) < notice_working_days()


def _check_confidence(value: int | None, field: str) -> None:
    if value is not None and not 1 <= value <= 5:
        raise ValidationError(
            {field: "Choose a number from 1 (not confident) to 5 (very confident)"}
        )


def booking_problems(
    *,
    actor: Any,
    session: TrainingSession,
    confidence_before: int | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason `actor` cannot book the session as given (None: nothing wrong)."""
    problems = Problems()
    problems.check(_check_confidence, confidence_before, "confidence_before")
    if session.is_cancelled:
        problems.add(None, "This session has been cancelled. Choose another date.")
    elif session.starts_at <= timezone.now():
        problems.add(None, "This session has already started. Choose another date.")
    existing = session.bookings.filter(attendee=actor, status__in=Booking.ACTIVE).first()
    if existing is not None:
        where = "a place" if existing.status == Booking.Status.CONFIRMED else "a waiting list place"
        problems.add(None, f"You have already booked {where} on this session.")
    return problems.error()


@transaction.atomic
def booking_create(
    *, actor: Any, session: TrainingSession, confidence_before: int | None = None
) -> Booking:
    """Book `actor` a place, or a place on the waiting list when the session is full.

    The session row is locked while places are counted, so two people booking the last place
    at the same moment cannot both get it.
    """
    session = (
        TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    )
    now = timezone.now()
    refuse(booking_problems(actor=actor, session=session, confidence_before=confidence_before))
    confirmed = session.bookings.filter(status=Booking.Status.CONFIRMED).count()
    has_place = confirmed < session.capacity
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                session=session,
                attendee=actor,
                agency=getattr(actor, "agency", None),
                status=Booking.Status.CONFIRMED if has_place else Booking.Status.WAITING,
                booked_at=now,
                confirmed_at=now if has_place else None,
                confidence_before=confidence_before,
            )
    except IntegrityError:
        raise ValidationError("You have already booked this session.") from None
    audit.record_change(
        actor=actor,
        action="booking.created" if has_place else "booking.joined_waiting_list",
        target=booking,
        detail={"session": session.pk, "status": booking.status},
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor: Any, booking: Booking) -> Booking:
    """Cancel a booking. A confirmed place cancelled inside the notice period is a late
    cancellation and the agency is charged; the place goes to the next on the waiting list."""
    session = TrainingSession.objects.select_for_update().get(pk=booking.session_id)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        raise ValidationError("This booking is already cancelled.")
    now = timezone.now()
    if session.ends_at <= now:
        raise ValidationError("This session has finished: a booking can no longer be cancelled.")
    was_confirmed = booking.status == Booking.Status.CONFIRMED
    late = was_confirmed and cancellation_is_late(session=session, at=now)
    booking.status, booking.cancelled_at = Booking.Status.CANCELLED, now
    fields = ["status", "cancelled_at"]
    if late:
        booking.attendance = Booking.Attendance.CANCELLED_LATE
        fields.append("attendance")
    booking.save(update_fields=fields)
    audit.record_change(
        actor=actor,
        action="booking.cancelled_late" if late else "booking.cancelled",
        target=booking,
        detail={"session": session.pk, "was": "confirmed" if was_confirmed else "waiting"},
    )
    if late:
        charge_create(actor=actor, booking=booking)
    if was_confirmed:
        waiting_list_move_up(actor=actor, session=session)
    return booking
