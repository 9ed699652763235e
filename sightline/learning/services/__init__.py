"""Every write in the training programme. Keyword-only, an explicit actor, atomic, audited."""

from sightline.learning.services.attendance import (
    attendance_problems,
    attendance_record,
    booking_evaluate,
    booking_follow_up,
    charge_amount,
    evaluation_problems,
    follow_up_problems,
)
from sightline.learning.services.bookings import (
    booking_cancel,
    booking_create,
    booking_problems,
    cancellation_is_late,
)
from sightline.learning.services.charges import (
    charge_invoice,
    charge_invoice_problems,
    charge_mark_paid,
    charge_paid_problems,
)
from sightline.learning.services.programme import (
    course_create,
    course_problems,
    course_update,
    session_cancel,
    session_cancel_problems,
    session_create,
    session_problems,
    session_update,
)

__all__ = [
    "attendance_problems",
    "attendance_record",
    "booking_cancel",
    "booking_create",
    "booking_evaluate",
    "booking_follow_up",
    "booking_problems",
    "cancellation_is_late",
    "charge_amount",
    "charge_invoice",
    "charge_invoice_problems",
    "charge_mark_paid",
    "charge_paid_problems",
    "course_create",
    "course_problems",
    "course_update",
    "evaluation_problems",
    "follow_up_problems",
    "session_cancel",
    "session_cancel_problems",
    "session_create",
    "session_problems",
    "session_update",
]
