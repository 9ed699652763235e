"""Who may do what in the training programme (DESIGN.md sections 1 and 4).

Partnership officers and subgroup chairs run the programme. Every signed-in member of staff
sees the calendar, books, and sees their own bookings and evaluations; nobody else's.
"""

from __future__ import annotations

import rules

from sightline.accounts.models import Role
from sightline.accounts.rules import has_role

is_training_manager = has_role(Role.PARTNERSHIP_OFFICER, Role.SUBGROUP_CHAIR)


@rules.predicate
def is_own_booking(user, booking) -> bool:  # type: ignore[no-untyped-def]
    return booking is not None and booking.attendee_id == user.pk


@rules.predicate
def is_session_trainer(user, session) -> bool:  # type: ignore[no-untyped-def]
    return session is not None and session.trainer_id is not None and session.trainer_id == user.pk


rules.add_perm("learning.view_calendar", rules.is_authenticated)
rules.add_perm("learning.book_session", rules.is_active)
rules.add_perm("learning.manage_training", is_training_manager)
rules.add_perm(
    "learning.view_booking", rules.is_authenticated & (is_own_booking | is_training_manager)
)
rules.add_perm("learning.change_booking", rules.is_authenticated & is_own_booking)
rules.add_perm(
    "learning.take_register", rules.is_authenticated & (is_training_manager | is_session_trainer)
)
rules.add_perm("learning.view_charges", is_training_manager)
rules.add_perm("learning.view_reports", is_training_manager)
