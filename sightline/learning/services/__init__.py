"""Every write in the training programme. Keyword-only, an explicit actor, atomic, audited."""

from sightline.learning.services.attendance import (
    attendance_record,
    booking_evaluate,
    booking_follow_up,
    charge_amount,
)
from sightline.learning.services.bookings import (
    booking_cancel,
    booking_create,
    cancellation_is_late,
)
from sightline.learning.services.charges import charge_invoice, charge_mark_paid
from sightline.learning.services.programme import (
    course_create,
    course_update,
    session_cancel,
    session_create,
    session_problems,
    session_update,
)

__all__ = [
    "attendance_record",
    "booking_cancel",
    "booking_create",
    "booking_evaluate",
    "booking_follow_up",
    "cancellation_is_late",
    "charge_amount",
    "charge_invoice",
    "charge_mark_paid",
    "course_create",
    "course_update",
    "session_cancel",
    "session_create",
    "session_problems",
    "session_update",
]
