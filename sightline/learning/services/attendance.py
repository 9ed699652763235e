"""The attendance register, non-attendance charges and the attendee's evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sightline.core import audit
from sightline.core.problems import Problems, refuse
from sightline.learning.models import Booking, NonAttendanceCharge, TrainingSession

CHARGEABLE = (Booking.Attendance.DID_NOT_ATTEND, Booking.Attendance.CANCELLED_LATE)
REGISTER_MARKS = (
    Booking.Attendance.ATTENDED,
    Booking.Attendance.DID_NOT_ATTEND,
    Booking.Attendance.CANCELLED_LATE,
)


def charge_amount() -> Decimal:
    """LOCAL: what an agency pays for a place not used (default £50)."""
    return Decimal(str(getattr(settings, "TRAINING_NON_ATTENDANCE_CHARGE", 50))).quantize(
        Decimal("0.01")
    )


def register_bookings(session: TrainingSession):  # type: ignore[no-untyped-def]
    """The people on a session's register: confirmed places, and places cancelled late."""
    return session.bookings.filter(
        Q(status=Booking.Status.CONFIRMED)
        | Q(status=Booking.Status.CANCELLED, attendance=Booking.Attendance.CANCELLED_LATE)
    )


@transaction.atomic
def charge_create(*, actor: Any, booking: Booking) -> NonAttendanceCharge | None:
    """Charge the booking's agency for an unused place (none without an agency to invoice)."""
    if booking.agency_id is None or booking.attendance not in CHARGEABLE:
        return None
    charge = NonAttendanceCharge.objects.filter(booking=booking).first()
    now = timezone.now()
    if charge is None:
        charge = NonAttendanceCharge.objects.create(
            booking=booking,
            agency_id=booking.agency_id,
            amount=charge_amount(),
            reason=booking.attendance,
            created_at=now,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        action = "training_charge.created"
    elif charge.status == NonAttendanceCharge.Status.OUTSTANDING and charge.reason == (
        booking.attendance
    ):
        return charge
    elif charge.status in (NonAttendanceCharge.Status.INVOICED, NonAttendanceCharge.Status.PAID):
        return charge  # already invoiced: a correction does not put it back to be invoiced
    else:
        charge.status, charge.reason, charge.withdrawn_at = (
            NonAttendanceCharge.Status.OUTSTANDING,
            booking.attendance,
            None,
        )
        charge.save(update_fields=["status", "reason", "withdrawn_at"])
        action = "training_charge.reinstated"
    audit.record_change(
        actor=actor,
        action=action,
        target=charge,
        detail={"agency": charge.agency_id, "amount": charge.amount, "reason": charge.reason},
    )
    return charge


def _charge_withdraw(*, actor: Any, booking: Booking) -> None:
    charge = NonAttendanceCharge.objects.filter(
        booking=booking, status=NonAttendanceCharge.Status.OUTSTANDING
    ).first()
    if charge is None:
        return
    charge.status, charge.withdrawn_at = NonAttendanceCharge.Status.WITHDRAWN, timezone.now()
    charge.save(update_fields=["status", "withdrawn_at"])
    audit.record_change(actor=actor, action="training_charge.withdrawn", target=charge)


def attendance_problems(
    *, session: TrainingSession, marks: Mapping[int, str]
) -> ValidationError | None:
    """Every reason the register cannot be taken as marked (None: nothing wrong); `marks` maps
    booking id to attended, did not attend or cancelled late."""
    problems = Problems()
    if session.is_cancelled:
        problems.add(None, "This session was cancelled: there is no register to take.")
    elif session.starts_at > timezone.now():
        problems.add(None, "The register can be taken once the session has started.")
    on_register = set(register_bookings(session).values_list("pk", flat=True))
    for booking_id, mark in marks.items():
        if booking_id not in on_register:
            problems.add(f"attendance_{booking_id}", "This person is not on the register")
        elif mark not in REGISTER_MARKS:
            problems.add(
                f"attendance_{booking_id}", "Select attended, did not attend or cancelled late"
            )
    return problems.error()


@transaction.atomic
def attendance_record(
    *, actor: Any, session: TrainingSession, marks: Mapping[int, str]
) -> list[Booking]:
    """Take the register: `marks` maps booking id to attended, did not attend or cancelled late.

    Did not attend and cancelled late charge the agency; a correction to attended withdraws
    the charge.
    """
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    bookings = {b.pk: b for b in register_bookings(session).select_for_update()}
    refuse(attendance_problems(session=session, marks=marks))
    now = timezone.now()
    changed = []
    for booking_id, mark in marks.items():
        booking = bookings[booking_id]
        if booking.attendance == mark:
            continue
        previous = booking.attendance
        booking.attendance = mark
        booking.attendance_recorded_at, booking.attendance_recorded_by = now, actor
        booking.save(
            update_fields=["attendance", "attendance_recorded_at", "attendance_recorded_by"]
        )
        audit.record_change(
            actor=actor,
            action="booking.attendance_recorded",
            target=booking,
            detail={"attendance": mark, "previous": previous},
        )
        if mark in CHARGEABLE:
            charge_create(actor=actor, booking=booking)
        else:
            _charge_withdraw(actor=actor, booking=booking)
        changed.append(booking)
    return changed


def _own_attended(problems: Problems, actor: Any, booking: Booking) -> None:
    if booking.attendee_id != getattr(actor, "pk", None):
        problems.add(None, "Only the person who attended can give this evaluation.")
    elif booking.attendance != Booking.Attendance.ATTENDED:
        problems.add(None, "You can evaluate a session once the register shows you attended.")


def evaluation_problems(
    *, actor: Any, booking: Booking, confidence_after: int | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the evaluation cannot be given as it is (None: nothing wrong)."""
    problems = Problems()
    _own_attended(problems, actor, booking)
    if confidence_after is None or not 1 <= int(confidence_after) <= 5:
        problems.add(
            "confidence_after", "Choose a number from 1 (not confident) to 5 (very confident)"
        )
    return problems.error()


def follow_up_problems(
    *, actor: Any, booking: Booking, practice_change: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the follow-up cannot be given as it is (None: nothing wrong)."""
    problems = Problems()
    _own_attended(problems, actor, booking)
    if not (practice_change or "").strip():
        problems.add("practice_change", "Tell us what you have done differently since the training")
    return problems.error()


@transaction.atomic
def booking_evaluate(
    *, actor: Any, booking: Booking, confidence_after: int, comments: str = ""
) -> Booking:
    """After the session: how confident the attendee now feels (1 to 5) and any comments."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    refuse(evaluation_problems(actor=actor, booking=booking, confidence_after=confidence_after))
    booking.confidence_after = int(confidence_after)
    booking.evaluation_comments = (comments or "").strip()
    booking.evaluated_at = timezone.now()
    booking.save(update_fields=["confidence_after", "evaluation_comments", "evaluated_at"])
    audit.record_change(
        actor=actor,
        action="booking.evaluated",
        target=booking,
        detail={"before": booking.confidence_before, "after": booking.confidence_after},
    )
    return booking


@transaction.atomic
def booking_follow_up(*, actor: Any, booking: Booking, practice_change: str) -> Booking:
    """Later: what the attendee has done differently in their practice since the training."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    refuse(follow_up_problems(actor=actor, booking=booking, practice_change=practice_change))
    booking.practice_change = practice_change.strip()
    booking.followed_up_at = timezone.now()
    booking.save(update_fields=["practice_change", "followed_up_at"])
    audit.record_change(actor=actor, action="booking.followed_up", target=booking)
    return booking
