"""Moving people up the waiting list when a place is free."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.learning.models import Booking, TrainingSession


@transaction.atomic
def waiting_list_move_up(*, actor: Any, session: TrainingSession) -> list[Booking]:
    """Give each free place to the next person on the waiting list, oldest booking first, and
    tell them. Nothing moves once the session has started or if it was cancelled.

    The caller holds the session row (select_for_update) so places are counted once.
    """
    now = timezone.now()
    if session.is_cancelled or session.starts_at <= now:
        return []
    confirmed = session.bookings.filter(status=Booking.Status.CONFIRMED).count()
    free = session.capacity - confirmed
    if free <= 0:
        return []
    moved = list(
        session.bookings.filter(status=Booking.Status.WAITING)
        .select_related("attendee")
        .order_by("booked_at", "id")[:free]
    )
    when = timezone.localtime(session.starts_at)
    for booking in moved:
        booking.status, booking.confirmed_at = Booking.Status.CONFIRMED, now
        booking.save(update_fields=["status", "confirmed_at"])
        audit.record_change(
            actor=actor,
            action="booking.moved_up_from_waiting_list",
            target=booking,
            detail={"session": session.pk},
        )
        notification_queue(
            recipient_user=booking.attendee,
            subject=f"You have a place: {session.course.title}",
            body=(
                f"A place became free on {session.course.title} on "
                f"{when:%A %-d %B %Y at %H:%M} and it is now yours: you were next on the "
                "waiting list.\nIf you can no longer go, cancel your booking in Sightline "
                "(Training, My bookings) so the place goes to someone else."
            ),
            topic="training",
            about=booking,
        )
    return moved
